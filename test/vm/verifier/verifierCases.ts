// Hand-written programs for the verifier, each exercising one rule both ways
// (a program the kernel accepts and one it rejects). `expect` is what the
// live kernel (Linux 6.18, as root) says: 'accept', or the first line it
// prints after the failing instruction and that instruction's index. The
// unit test checks our verifier against these; test/kernel/verifier.test.ts
// checks them (and us) against the running kernel.

import { FIXED_SIZE_ARG_CASES, PKT_END_CASES, PKT_HELPER_CASES } from './cases/pktEnd';
import { LINKED_SCALAR_CASES } from './cases/linkedScalars';
import { SKB_CB_CASES } from './cases/skbCb';
import { HELPER_STACK_WRITE_CASES, PKT_INVALIDATE_CASES } from './cases/pktInvalidate';
import type { ProgType } from '../../../src-vm/verifier/env';
import { CGROUP_SOCK_CASES } from './cases/cgroupSock';
import { SOCKET_CASES } from './cases/sockets';
import { CONTROL_CASES } from './cases/control';
import { TRACING_CASES } from './cases/tracing';

export interface VerifierCase {
  name: string;
  type: ProgType;
  /** libbpf section name (sets the expected attach type); default: the plainest one for `type`. */
  section?: string;
  /** Instructions in the LLVM assembler dialect, one per line. */
  asm: string[];
  license?: string;
  /** The kernel's level-2 log would be too big to read (a million instructions): compare the verdict only, loading without a log. */
  quietKernelLoad?: boolean;
  expect: 'accept' | { insn: number; message: string };
}

const PKT = ['r2 = *(u32 *)(r1 + 0)', 'r3 = *(u32 *)(r1 + 4)'];
const SKB_PKT = ['r2 = *(u32 *)(r1 + 76)', 'r3 = *(u32 *)(r1 + 80)'];
const RET0 = ['r0 = 0', 'exit'];

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

const REGS: VerifierCase[] = [
  { name: 'exit_r0_uninit', type: 'xdp', asm: ['exit'], expect: rej(0, 'R0 !read_ok') },
  { name: 'exit_r0_const', type: 'xdp', asm: RET0, expect: 'accept' },
  { name: 'exit_r0_ctx_ptr', type: 'xdp', asm: ['r0 = r1', 'exit'], expect: 'accept' },
  { name: 'mov_uninit_src', type: 'xdp', asm: ['r0 = r2', 'exit'], expect: rej(0, 'R2 !read_ok') },
  { name: 'add_uninit_dst', type: 'xdp', asm: ['r0 += 1', 'exit'], expect: rej(0, 'R0 !read_ok') },
  { name: 'fp_write', type: 'xdp', asm: ['r10 = 0', ...RET0], expect: rej(0, 'frame pointer is read only') },
  { name: 'fp_add', type: 'xdp', asm: ['r10 += 8', ...RET0], expect: rej(0, 'frame pointer is read only') },
  { name: 'fp_copy_add', type: 'xdp', asm: ['r2 = r10', 'r2 += -8', ...RET0], expect: 'accept' },
  { name: 'div_imm_zero', type: 'xdp', asm: ['r0 = 1', 'r0 /= 0', 'exit'], expect: rej(1, 'div by zero') },
  { name: 'mod_imm_zero32', type: 'xdp', asm: ['w0 = 1', 'w0 %= 0', 'exit'], expect: rej(1, 'div by zero') },
  { name: 'div_reg_zero', type: 'xdp', asm: ['r0 = 1', 'r2 = 0', 'r0 /= r2', 'exit'], expect: 'accept' },
  { name: 'shift_64', type: 'xdp', asm: ['r0 = 1', 'r0 <<= 64', 'exit'], expect: rej(1, 'invalid shift 64') },
  { name: 'shift32_32', type: 'xdp', asm: ['w0 = 1', 'w0 >>= 32', 'exit'], expect: rej(1, 'invalid shift 32') },
  { name: 'shift_63', type: 'xdp', asm: ['r0 = 1', 'r0 <<= 63', 'exit'], expect: 'accept' },
  { name: 'arsh_reg', type: 'xdp', asm: ['r0 = -8', 'r2 = 2', 'r0 s>>= r2', 'exit'], expect: 'accept' },
];

const PTR_ARITH: VerifierCase[] = [
  { name: 'ctx_and', type: 'xdp', asm: ['r1 &= 1', ...RET0], expect: rej(0, 'R1 bitwise operator &= on pointer prohibited') },
  { name: 'ctx_or', type: 'xdp', asm: ['r1 |= 1', ...RET0], expect: rej(0, 'R1 bitwise operator |= on pointer prohibited') },
  { name: 'ctx_mul', type: 'xdp', asm: ['r1 *= 2', ...RET0], expect: rej(0, 'R1 pointer arithmetic with *= operator prohibited') },
  { name: 'ctx_add32', type: 'xdp', asm: ['w1 += 1', ...RET0], expect: rej(0, 'R1 32-bit pointer arithmetic prohibited') },
  { name: 'ctx_add', type: 'xdp', asm: ['r1 += 4', ...RET0], expect: 'accept' },
  { name: 'pkt_end_add', type: 'xdp', asm: [...PKT, 'r3 += 1', ...RET0], expect: rej(2, 'R3 pointer arithmetic on pkt_end prohibited') },
  { name: 'ptr_plus_ptr', type: 'xdp', asm: ['r2 = r1', 'r2 += r1', ...RET0], expect: rej(1, 'R2 pointer += pointer prohibited') },
  { name: 'ptr_minus_ptr', type: 'xdp', asm: [...PKT, 'r3 -= r2', 'r0 = r3', 'exit'], expect: 'accept' },
  { name: 'scalar_minus_ptr', type: 'xdp', asm: ['r0 = 0', 'r0 -= r1', 'exit'], expect: rej(1, 'R0 tried to subtract pointer from scalar') },
  { name: 'scalar_plus_ptr', type: 'xdp', asm: ['r0 = 4', 'r0 += r1', 'exit'], expect: 'accept' },
  { name: 'fp_sub_reg', type: 'xdp', asm: ['r2 = r10', 'r3 = 8', 'r2 -= r3', ...RET0], expect: rej(2, 'R2 subtraction from stack pointer prohibited') },
  { name: 'fp_sub_imm', type: 'xdp', asm: ['r2 = r10', 'r2 -= 8', ...RET0], expect: rej(1, 'R2 subtraction from stack pointer prohibited') },
  { name: 'pkt_add_unbounded', type: 'xdp', asm: ['r6 = *(u32 *)(r1 + 0)', 'call 5', 'r6 += r0', ...RET0],
    expect: rej(2, 'math between pkt pointer and register with unbounded min value is not allowed') },
  { name: 'pkt_add_bounded', type: 'xdp', asm: ['r6 = *(u32 *)(r1 + 0)', 'call 7', 'r0 &= 255', 'r6 += r0', ...RET0], expect: 'accept' },
  { name: 'pkt_add_huge_const', type: 'xdp', asm: [...PKT, 'r2 += 0x20000000', ...RET0],
    expect: rej(2, 'math between pkt pointer and 536870912 is not allowed') },
  { name: 'ctx_modified_deref', type: 'xdp', asm: ['r1 += 4', 'r0 = *(u32 *)(r1 + 0)', 'exit'],
    expect: rej(1, 'dereference of modified ctx ptr R1 off=4 disallowed') },
  { name: 'ptr_neg', type: 'xdp', asm: ['r1 = -r1', ...RET0], expect: 'accept' },
  { name: 'ptr_neg_deref', type: 'xdp', asm: ['r1 = -r1', 'r0 = *(u32 *)(r1 + 0)', 'exit'], expect: rej(1, "R1 invalid mem access 'scalar'") },
  { name: 'ptr_mov32', type: 'xdp', asm: ['w0 = w1', 'exit'], expect: 'accept' },
];

const STACK: VerifierCase[] = [
  { name: 'stack_spill_fill', type: 'xdp', asm: ['r0 = 7', '*(u64 *)(r10 - 8) = r0', 'r0 = *(u64 *)(r10 - 8)', 'exit'], expect: 'accept' },
  { name: 'stack_read_uninit', type: 'xdp', asm: ['r0 = *(u64 *)(r10 - 8)', 'exit'], expect: 'accept' },
  { name: 'stack_write_off0', type: 'xdp', asm: ['*(u64 *)(r10 + 0) = 1', ...RET0], expect: rej(0, 'invalid write to stack R10 off=0 size=8') },
  { name: 'stack_write_too_deep', type: 'xdp', asm: ['r1 = 1', '*(u64 *)(r10 - 520) = r1', ...RET0],
    expect: rej(1, 'invalid write to stack R10 off=-520 size=8') },
  { name: 'stack_read_too_deep', type: 'xdp', asm: ['r0 = *(u32 *)(r10 - 516)', 'exit'], expect: rej(0, 'invalid read from stack R10 off=-516 size=4') },
  { name: 'stack_write_512', type: 'xdp', asm: ['*(u64 *)(r10 - 512) = 1', ...RET0], expect: 'accept' },
  { name: 'stack_misaligned', type: 'xdp', asm: ['*(u64 *)(r10 - 4) = 0', ...RET0],
    expect: rej(0, 'misaligned stack access off 0+0+-4 size 8') },
  { name: 'stack_misaligned_u16', type: 'xdp', asm: ['*(u16 *)(r10 - 3) = 0', ...RET0],
    expect: rej(0, 'misaligned stack access off 0+0+-3 size 2') },
  { name: 'stack_u8_any_offset', type: 'xdp', asm: ['*(u8 *)(r10 - 3) = 0', 'r0 = *(u8 *)(r10 - 3)', 'exit'], expect: 'accept' },
  { name: 'stack_ptr_spill_narrow', type: 'xdp', asm: ['*(u32 *)(r10 - 8) = r1', ...RET0], expect: rej(0, 'invalid size of register spill') },
  { name: 'stack_ptr_fill_narrow', type: 'xdp', asm: ['*(u64 *)(r10 - 8) = r1', 'r0 = *(u32 *)(r10 - 8)', 'exit'],
    expect: rej(1, 'invalid size of register fill') },
  { name: 'stack_ctx_roundtrip', type: 'xdp', asm: ['*(u64 *)(r10 - 8) = r1', 'r1 = *(u64 *)(r10 - 8)', 'r0 = *(u32 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'stack_ctx_clobbered', type: 'xdp', asm: ['*(u64 *)(r10 - 8) = r1', '*(u32 *)(r10 - 8) = 0', 'r1 = *(u64 *)(r10 - 8)', 'r0 = *(u32 *)(r1 + 0)', 'exit'],
    expect: rej(3, "R1 invalid mem access 'scalar'") },
  { name: 'stack_fp_plus_var', type: 'xdp', asm: ['r2 = r10', 'r2 += -16', '*(u64 *)(r2 + 8) = 1', 'r0 = *(u64 *)(r10 - 8)', 'exit'], expect: 'accept' },
  { name: 'stack_zero_fill_const', type: 'xdp', asm: ['*(u32 *)(r10 - 4) = 0', 'r0 = *(u32 *)(r10 - 4)', 'r2 = r10', 'r2 += r0', ...RET0], expect: 'accept' },
];

const SPILLS: VerifierCase[] = [
  { name: 'spill_u32_fill_u32', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'r0 &= 7', '*(u32 *)(r10 - 8) = r0', 'r2 = *(u32 *)(r10 - 8)',
    'r3 = r10', 'r3 += -16', 'r3 += r2', 'r0 = *(u8 *)(r3 + 0)', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'spill_u32_fill_u64', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'r0 &= 7', '*(u32 *)(r10 - 8) = r0', 'r2 = *(u64 *)(r10 - 8)',
    'r3 = r10', 'r3 += -16', 'r3 += r2', 'r0 = *(u8 *)(r3 + 0)', 'r0 = 0', 'exit'],
    expect: rej(6, 'math between fp pointer and register with unbounded min value is not allowed') },
  { name: 'spill_u64_fill_u32_hi', type: 'xdp', asm: ['r0 = 1', '*(u64 *)(r10 - 8) = r0', 'r2 = *(u32 *)(r10 - 4)', 'r0 = r2', 'exit'], expect: 'accept' },
  { name: 'zero_bytes_fill', type: 'xdp', asm: ['r0 = 0', '*(u64 *)(r10 - 8) = r0', '*(u8 *)(r10 - 8) = 0', 'r2 = *(u64 *)(r10 - 8)',
    'r3 = r10', 'r3 += r2', 'r0 = 0', 'exit'], expect: rej(5, 'math between fp pointer and register with unbounded min value is not allowed') },
  { name: 'misc_bytes_fill', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', '*(u8 *)(r10 - 8) = r0', '*(u8 *)(r10 - 7) = r0', 'r2 = *(u16 *)(r10 - 8)',
    'r3 = r10', 'r3 += -70000', 'r3 += r2', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'ptr_spill_overwritten_byte', type: 'xdp', asm: ['*(u64 *)(r10 - 8) = r1', '*(u8 *)(r10 - 1) = 0', 'r1 = *(u64 *)(r10 - 8)', 'r0 = *(u32 *)(r1 + 0)', 'exit'],
    expect: rej(3, "R1 invalid mem access 'scalar'") },
];

const ALU32: VerifierCase[] = [
  { name: 'alu32_zext', type: 'xdp', asm: ['r0 = -1', 'w0 += 0', 'r2 = r10', 'r2 += -8', 'if r0 > 0xffffffff goto +1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'alu32_bounds_index', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'w0 &= 7', 'r2 = r10', 'r2 += -8', 'r2 += r0', '*(u8 *)(r2 + 0) = 1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'alu32_bounds_overflow', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'w0 &= 15', 'r2 = r10', 'r2 += -8', 'r2 += r0', '*(u8 *)(r2 + 0) = 1', 'r0 = 0', 'exit'],
    expect: rej(5, 'invalid variable-offset write to stack R2 var_off=(0x0; 0xf) off=-8 size=1') },
  { name: 'movsx_bounds', type: 'xdp', asm: ['r0 = *(u8 *)(r10 - 8)', 'r0 = (s8)r0', 'r2 = r10', 'r2 += -200', 'r2 += r0', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'bswap_unknown', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'r0 = be16 r0', 'r2 = r10', 'r2 += r0', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'neg_scalar', type: 'xdp', asm: ['r0 = 5', 'r0 = -r0', 'if r0 == -5 goto +1', 'r0 = r7', 'exit'], expect: 'accept' },
];

const ATOMICS: VerifierCase[] = [
  { name: 'atomic_add_stack', type: 'xdp', asm: ['r0 = 0', '*(u64 *)(r10 - 8) = r0', 'r1 = 1', 'lock *(u64 *)(r10 - 8) += r1', 'exit'], expect: 'accept' },
  { name: 'atomic_fetch_stack', type: 'xdp', asm: ['r0 = 0', '*(u64 *)(r10 - 8) = r0', 'r1 = 1', 'r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)', 'r0 = r1', 'exit'], expect: 'accept' },
  { name: 'atomic_ctx', type: 'xdp', asm: ['r2 = 1', 'lock *(u32 *)(r1 + 12) += r2', ...RET0], expect: rej(1, 'BPF_ATOMIC stores into R1 ctx is not allowed') },
  { name: 'atomic_uninit_src', type: 'xdp', asm: ['r0 = 0', '*(u64 *)(r10 - 8) = r0', 'lock *(u64 *)(r10 - 8) += r3', 'exit'], expect: rej(2, 'R3 !read_ok') },
  { name: 'atomic_pkt', type: 'xdp', asm: [...PKT, 'r4 = r2', 'r4 += 8', 'if r4 > r3 goto +2', 'r5 = 1', 'lock *(u64 *)(r2 + 0) += r5', ...RET0],
    expect: rej(6, 'BPF_ATOMIC stores into R2 pkt is not allowed') },
];

const PTR_CMP: VerifierCase[] = [
  { name: 'ptr_cmp_ctx_ctx', type: 'xdp', asm: ['r2 = r1', 'if r1 == r2 goto +1', 'r0 = 1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'ptr_cmp_scalar', type: 'xdp', asm: ['r2 = 5', 'if r1 > r2 goto +1', 'r0 = 1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'ptr_jmp32', type: 'xdp', asm: ['if w1 > 5 goto +1', 'r0 = 1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'pkt_meta_check', type: 'xdp', asm: ['r2 = *(u32 *)(r1 + 8)', 'r3 = *(u32 *)(r1 + 0)', 'r4 = r2', 'r4 += 4', 'if r4 > r3 goto +2',
    'r0 = *(u32 *)(r2 + 0)', 'exit', ...RET0], expect: 'accept' },
];

const LD_ABS: VerifierCase[] = [
  { name: 'ld_abs_socket', type: 'socket_filter', asm: ['r6 = r1', 'r0 = *(u8 *)skb[12]', 'exit'], expect: 'accept' },
  { name: 'ld_ind_socket', type: 'socket_filter', asm: ['r6 = r1', 'r7 = 2', 'r0 = *(u16 *)skb[r7 + 12]', 'exit'], expect: 'accept' },
  { name: 'ld_abs_no_r6', type: 'socket_filter', asm: ['r0 = *(u8 *)skb[12]', 'exit'], expect: rej(0, 'R6 !read_ok') },
  { name: 'ld_abs_r6_not_ctx', type: 'socket_filter', asm: ['r6 = 0', 'r0 = *(u8 *)skb[12]', 'exit'], expect: rej(1, 'at the time of BPF_LD_ABS|IND R6 != pointer to skb') },
  { name: 'ld_abs_xdp', type: 'xdp', asm: ['r6 = r1', 'r0 = *(u8 *)skb[12]', 'exit'], expect: rej(1, 'BPF_LD_[ABS|IND] instructions not allowed for this program type') },
  { name: 'ld_abs_clobbers', type: 'sched_cls', asm: ['r6 = r1', 'r2 = 1', 'r0 = *(u32 *)skb[0]', 'r0 = r2', 'exit'], expect: rej(3, 'R2 !read_ok') },
  { name: 'ld_ind_uninit', type: 'socket_filter', asm: ['r6 = r1', 'r0 = *(u16 *)skb[r8 + 12]', 'exit'], expect: rej(1, 'R8 !read_ok') },
];

const CTX: VerifierCase[] = [
  { name: 'xdp_ingress_ifindex', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'exit'], expect: 'accept' },
  { name: 'xdp_egress_ifindex', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 20)', 'exit'], expect: rej(0, 'invalid bpf_context access off=20 size=4') },
  { name: 'xdp_rx_queue_index', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 16)', 'exit'], expect: 'accept' },
  { name: 'xdp_past_end', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 24)', 'exit'], expect: rej(0, 'invalid bpf_context access off=24 size=4') },
  { name: 'xdp_narrow_data', type: 'xdp', asm: ['r0 = *(u16 *)(r1 + 0)', 'exit'], expect: rej(0, 'invalid bpf_context access off=0 size=2') },
  { name: 'xdp_narrow_ifindex', type: 'xdp', asm: ['r0 = *(u8 *)(r1 + 12)', 'exit'], expect: rej(0, 'invalid bpf_context access off=12 size=1') },
  { name: 'xdp_wide_data', type: 'xdp', asm: ['r0 = *(u64 *)(r1 + 0)', 'exit'], expect: rej(0, 'invalid bpf_context access off=0 size=8') },
  { name: 'xdp_write_data', type: 'xdp', asm: ['r0 = 0', '*(u32 *)(r1 + 0) = r0', 'exit'], expect: rej(1, 'invalid bpf_context access off=0 size=4') },
  { name: 'xdp_misaligned', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 2)', 'exit'], expect: rej(0, 'invalid bpf_context access off=2 size=4') },
  { name: 'skb_len_socket', type: 'socket_filter', asm: ['r0 = *(u32 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'skb_data_socket', type: 'socket_filter', asm: ['r0 = *(u32 *)(r1 + 76)', 'exit'], expect: rej(0, 'invalid bpf_context access off=76 size=4') },
  { name: 'skb_data_tc', type: 'sched_cls', asm: ['r0 = *(u32 *)(r1 + 76)', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'skb_mark_write_socket', type: 'socket_filter', asm: ['r0 = 0', '*(u32 *)(r1 + 8) = r0', 'exit'], expect: rej(1, 'invalid bpf_context access off=8 size=4') },
  { name: 'skb_mark_write_tc', type: 'sched_cls', asm: ['r0 = 0', '*(u32 *)(r1 + 8) = r0', 'exit'], expect: 'accept' },
  { name: 'skb_cb_write_socket', type: 'socket_filter', asm: ['r0 = 0', '*(u32 *)(r1 + 52) = r0', 'exit'], expect: 'accept' },
  { name: 'skb_len_write_tc', type: 'sched_cls', asm: ['r0 = 0', '*(u32 *)(r1 + 0) = r0', 'exit'], expect: rej(1, 'invalid bpf_context access off=0 size=4') },
  { name: 'skb_len_narrow', type: 'sched_cls', asm: ['r0 = *(u8 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'skb_len_u16_hi', type: 'sched_cls', asm: ['r0 = *(u16 *)(r1 + 2)', 'exit'], expect: 'accept' },
  { name: 'skb_len_wide', type: 'sched_cls', asm: ['r0 = *(u64 *)(r1 + 0)', 'exit'], expect: rej(0, 'invalid bpf_context access off=0 size=8') },
  { name: 'skb_family_tc', type: 'sched_cls', asm: ['r0 = *(u32 *)(r1 + 88)', 'exit'], expect: rej(0, 'invalid bpf_context access off=88 size=4') },
  { name: 'skb_tc_classid_socket', type: 'socket_filter', asm: ['r0 = *(u32 *)(r1 + 72)', 'exit'], expect: rej(0, 'invalid bpf_context access off=72 size=4') },
  { name: 'skb_tc_classid_tc', type: 'sched_cls', asm: ['r0 = *(u32 *)(r1 + 72)', 'exit'], expect: 'accept' },
  { name: 'skb_data_narrow_tc', type: 'sched_cls', asm: ['r0 = *(u16 *)(r1 + 76)', 'exit'], expect: rej(0, 'invalid bpf_context access off=76 size=2') },
];

/** r4 = data + 14, compared with data_end by `cond`, then a byte at `at` read through r2. */
function pktCheck(cond: string, at: number, fallThroughIsSafe: boolean): string[] {
  return fallThroughIsSafe
    ? [...PKT, 'r4 = r2', 'r4 += 14', `if ${cond} goto +2`, `r0 = *(u8 *)(r2 + ${at})`, 'exit', ...RET0]
    : [...PKT, 'r4 = r2', 'r4 += 14', `if ${cond} goto +2`, ...RET0, `r0 = *(u8 *)(r2 + ${at})`, 'exit'];
}

const PACKET: VerifierCase[] = [
  { name: 'pkt_no_check', type: 'xdp', asm: [...PKT, 'r0 = *(u8 *)(r2 + 0)', 'exit'],
    expect: rej(2, 'invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)') },
  { name: 'pkt_gt_ok', type: 'xdp', asm: pktCheck('r4 > r3', 13, true), expect: 'accept' },
  { name: 'pkt_gt_off_by_one', type: 'xdp', asm: pktCheck('r4 > r3', 14, true),
    expect: rej(5, 'invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)') },
  { name: 'pkt_ge_ok', type: 'xdp', asm: pktCheck('r4 >= r3', 13, true), expect: 'accept' },
  { name: 'pkt_lt_ok', type: 'xdp', asm: pktCheck('r4 < r3', 12, false), expect: 'accept' },
  { name: 'pkt_lt_edge', type: 'xdp', asm: pktCheck('r4 < r3', 14, false), expect: 'accept' },
  { name: 'pkt_lt_over', type: 'xdp', asm: pktCheck('r4 < r3', 15, false),
    expect: rej(7, 'invalid access to packet, off=15 size=1, R2(id=0,off=15,r=15)') },
  { name: 'pkt_le_ok', type: 'xdp', asm: pktCheck('r4 <= r3', 13, false), expect: 'accept' },
  { name: 'pkt_le_over', type: 'xdp', asm: pktCheck('r4 <= r3', 14, false),
    expect: rej(7, 'invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)') },
  { name: 'pkt_end_lt_ok', type: 'xdp', asm: pktCheck('r3 < r4', 13, true), expect: 'accept' },
  { name: 'pkt_end_gt_ok', type: 'xdp', asm: pktCheck('r3 > r4', 13, false), expect: 'accept' },
  { name: 'pkt_end_ge_edge', type: 'xdp', asm: pktCheck('r3 >= r4', 13, false), expect: 'accept' },
  { name: 'pkt_end_le_edge', type: 'xdp', asm: pktCheck('r3 <= r4', 14, true), expect: 'accept' },
  { name: 'pkt_end_le_over', type: 'xdp', asm: pktCheck('r3 <= r4', 15, true),
    expect: rej(5, 'invalid access to packet, off=15 size=1, R2(id=0,off=15,r=15)') },
  { name: 'pkt_wrong_branch', type: 'xdp', asm: pktCheck('r4 > r3', 0, false),
    expect: rej(7, 'invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)') },
  { name: 'pkt_write_xdp', type: 'xdp', asm: [...PKT, 'r4 = r2', 'r4 += 4', 'if r4 > r3 goto +1', '*(u32 *)(r2 + 0) = 0', ...RET0], expect: 'accept' },
  { name: 'pkt_u32_over', type: 'xdp', asm: [...PKT, 'r4 = r2', 'r4 += 4', 'if r4 > r3 goto +2', 'r0 = *(u32 *)(r2 + 1)', 'exit', ...RET0],
    expect: rej(5, 'invalid access to packet, off=1 size=4, R2(id=0,off=1,r=4)') },
  { name: 'pkt_end_deref', type: 'xdp', asm: [...PKT, 'r0 = *(u8 *)(r3 + 0)', 'exit'], expect: rej(2, "R3 invalid mem access 'pkt_end'") },
  { name: 'scalar_deref', type: 'xdp', asm: ['r0 = 0', 'r0 = *(u8 *)(r0 + 0)', 'exit'], expect: rej(1, "R0 invalid mem access 'scalar'") },
  { name: 'pkt_var_off_lost_range', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 1', 'if r4 > r3 goto +4', 'r5 = *(u8 *)(r2 + 0)', 'r2 += r5', 'r0 = *(u8 *)(r2 + 0)', 'exit', ...RET0],
    expect: rej(7, 'invalid access to packet, off=0 size=1, R2(id=1,off=0,r=0)') },
  { name: 'pkt_var_off_checked', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 1', 'if r4 > r3 goto +7', 'r5 = *(u8 *)(r2 + 0)', 'r2 += r5', 'r4 = r2', 'r4 += 2',
      'if r4 > r3 goto +2', 'r0 = *(u16 *)(r2 + 0)', 'exit', ...RET0],
    expect: 'accept' },
  { name: 'pkt_beyond_end_decided', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 14', 'if r4 > r3 goto +2', 'r0 = 0', 'exit', 'if r4 > r3 goto +1', 'r0 = r9', 'r0 = 1', 'exit'], expect: 'accept' },
  { name: 'pkt_in_range_not_decided', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 14', 'if r4 <= r3 goto +2', 'r0 = 0', 'exit', 'if r4 >= r3 goto +1', 'r0 = r9', 'r0 = 1', 'exit'], expect: rej(8, 'R9 !read_ok') },
  { name: 'pkt_at_end_decided', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 14', 'if r4 < r3 goto +4', 'if r4 >= r3 goto +1', 'r0 = r9', 'r0 = 1', 'exit', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'pkt_end_not_decided', type: 'xdp',
    asm: [...PKT, 'r4 = r2', 'r4 += 14', 'if r4 <= r3 goto +2', 'r0 = 0', 'exit', 'if r4 > r3 goto +1', 'r0 = r9', 'r0 = 1', 'exit'], expect: rej(8, 'R9 !read_ok') },
  { name: 'tc_pkt_ok', type: 'sched_cls', asm: [...SKB_PKT, 'r4 = r2', 'r4 += 1', 'if r4 > r3 goto +2', 'r0 = *(u8 *)(r2 + 0)', 'exit', ...RET0], expect: 'accept' },
  { name: 'tc_pkt_no_check', type: 'sched_cls', asm: [...SKB_PKT, 'r0 = *(u8 *)(r2 + 0)', 'exit'],
    expect: rej(2, 'invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)') },
];

const BRANCHES: VerifierCase[] = [
  { name: 'dead_branch_pruned', type: 'xdp', asm: ['r0 = 0', 'if r0 == 1 goto +1', 'exit', 'r0 = r5', 'exit'], expect: 'accept' },
  { name: 'live_branch_bad', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'if r0 > 5 goto +1', 'exit', 'r0 = r5', 'exit'], expect: rej(3, 'R5 !read_ok') },
  { name: 'range_from_branch', type: 'xdp',
    asm: ['r0 = *(u32 *)(r1 + 12)', 'if r0 > 7 goto +4', 'r2 = r10', 'r2 += -8', 'r2 += r0', 'r0 = *(u8 *)(r2 + 0)', 'r0 = 0', 'exit'],
    expect: 'accept' },
  { name: 'jmp32_refine', type: 'xdp', asm: ['r0 = *(u32 *)(r1 + 12)', 'if w0 s> 3 goto +2', 'if w0 s< 0 goto +1', 'exit', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'jset_decided', type: 'xdp', asm: ['r0 = 6', 'if r0 & 1 goto +1', 'exit', 'r0 = r7', 'exit'], expect: 'accept' },
  { name: 'ctx_vs_null_not_decided', type: 'xdp', asm: ['if r1 == 0 goto +2', 'r0 = 0', 'exit', 'r0 = r7', 'exit'], expect: rej(3, 'R7 !read_ok') },
  { name: 'ja_skips', type: 'xdp', asm: ['r0 = 1', 'if r0 == 1 goto +1', 'r0 = r9', 'exit'], expect: 'accept' },
  { name: 'ja_unreachable', type: 'xdp', asm: ['goto +1', 'r0 = r9', 'r0 = 1', 'exit'], expect: rej(-1, 'unreachable insn 1') },
  { name: 'bounded_loop', type: 'xdp', asm: ['r0 = 0', 'r0 += 1', 'if r0 < 10 goto -2', 'exit'], expect: 'accept' },
  { name: 'infinite_loop', type: 'xdp', asm: ['r0 = 0', 'r1 = 0', 'r1 += 0', 'r2 = 1', 'r3 = 2', 'r4 = 3', 'r5 = 4', 'r6 = 5', 'if r0 == 0 goto -8', 'exit'],
    expect: rej(8, 'infinite loop detected at insn 1') },
  { name: 'too_many_insns', type: 'xdp', asm: ['r0 = 0', 'r0 += 1', 'if r0 < 0x300000 goto -2', 'exit'],
    expect: rej(1, 'BPF program is too large. Processed 1000001 insn'), quietKernelLoad: true },
  { name: 'linked_scalars', type: 'xdp',
    asm: ['r0 = *(u32 *)(r1 + 12)', 'r2 = r0', 'if r0 > 7 goto +4', 'r3 = r10', 'r3 += -8', 'r3 += r2', 'r0 = *(u8 *)(r3 + 0)', 'r0 = 0', 'exit'],
    expect: 'accept' },
  { name: 'stack_var_read_unbounded', type: 'xdp',
    asm: ['r0 = *(u32 *)(r1 + 12)', 'r2 = r10', 'r2 += -8', 'r2 += r0', 'r0 = *(u8 *)(r2 + 0)', 'exit'],
    expect: rej(4, 'invalid unbounded variable-offset read from stack R2') },
];

const CALLS: VerifierCase[] = [
  { name: 'call_prandom', type: 'xdp', asm: ['call 7', 'exit'], expect: 'accept' },
  { name: 'call_unknown_id', type: 'xdp', asm: ['call 999', ...RET0], expect: rej(0, 'invalid func unknown#999') },
  { name: 'call_not_for_xdp', type: 'xdp', asm: ['call 9', ...RET0], expect: rej(0, 'program of this type cannot use helper bpf_skb_store_bytes#9') },
  { name: 'call_gpl_only', type: 'xdp', license: 'Proprietary', asm: ['r1 = r10', 'r1 += -8', 'r2 = 8', 'call 6', ...RET0],
    expect: rej(3, 'cannot call GPL-restricted function from non-GPL compatible program') },
  { name: 'call_clobbers', type: 'xdp', asm: ['call 7', 'r0 = r1', 'exit'], expect: rej(1, 'R1 !read_ok') },
  { name: 'call_keeps_callee_saved', type: 'xdp', asm: ['r6 = r1', 'call 7', 'r0 = *(u32 *)(r6 + 12)', 'exit'], expect: 'accept' },
  { name: 'load_bytes_ok', type: 'sched_cls', asm: ['r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 8', 'call 26', ...RET0], expect: 'accept' },
  { name: 'load_bytes_overflow', type: 'sched_cls', asm: ['r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 16', 'call 26', ...RET0],
    expect: rej(4, 'invalid write to stack R3 off=-8 size=16') },
  { name: 'load_bytes_zero', type: 'sched_cls', asm: ['r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 0', 'call 26', ...RET0],
    expect: rej(4, 'R4 invalid zero-sized read: u64=[0,0]') },
  { name: 'load_bytes_not_ctx', type: 'sched_cls', asm: ['r1 = r10', 'r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 8', 'call 26', ...RET0],
    expect: rej(5, 'R1 type=fp expected=ctx') },
  { name: 'load_bytes_size_unbounded', type: 'sched_cls', asm: ['r6 = r1', 'call 5', 'r4 = r0', 'r1 = r6', 'r2 = 0', 'r3 = r10', 'r3 += -8', 'call 26', ...RET0],
    expect: rej(7, "R4 min value is negative, either use unsigned or 'var &= const'") },
  { name: 'lookup_scalar_map', type: 'xdp', asm: ['r1 = 0', 'r2 = r10', 'r2 += -8', 'call 1', ...RET0], expect: rej(3, 'R1 type=scalar expected=map_ptr') },
  { name: 'adjust_head_ok', type: 'xdp', asm: ['r2 = 4', 'call 44', ...RET0], expect: 'accept' },
  { name: 'adjust_head_uninit', type: 'xdp', asm: ['call 44', ...RET0], expect: rej(0, 'R2 !read_ok') },
];

export const VERIFIER_CASES: readonly VerifierCase[] = [
  ...REGS, ...PTR_ARITH, ...STACK, ...SPILLS, ...ALU32, ...ATOMICS, ...PTR_CMP, ...LD_ABS, ...CTX, ...PACKET, ...BRANCHES, ...CALLS,
  ...CGROUP_SOCK_CASES,
  ...SOCKET_CASES,
  ...CONTROL_CASES,
  ...TRACING_CASES,
  ...PKT_INVALIDATE_CASES,
  ...HELPER_STACK_WRITE_CASES,
  ...SKB_CB_CASES,
  ...LINKED_SCALAR_CASES,
  ...PKT_END_CASES,
  ...PKT_HELPER_CASES,
  ...FIXED_SIZE_ARG_CASES,
];
