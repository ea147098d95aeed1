// __sk_buff's cb[] scratch area in socket filters and tc programs: loads and
// stores of any size aligned to it (bpf_skb_is_valid_access's cb case), but
// never past cb[4]; plus a field tc may write and a socket filter may not.
// `expect` is the live kernel's (6.18, root).

import type { VerifierCase } from '../verifierCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const RET0 = ['r0 = 0', 'exit'];

export const SKB_CB_CASES: readonly VerifierCase[] = [
  { name: 'cb_byte_store_socket', type: 'socket_filter', asm: ['r2 = 7', '*(u8 *)(r1 + 49) = r2', ...RET0], expect: 'accept' },
  { name: 'cb_dword_store_socket', type: 'socket_filter', asm: ['r2 = 7', '*(u64 *)(r1 + 48) = r2', 'r0 = *(u64 *)(r1 + 56)', 'exit'], expect: 'accept' },
  { name: 'cb_dword_misaligned', type: 'socket_filter', asm: ['r2 = 7', '*(u64 *)(r1 + 52) = r2', ...RET0],
    expect: rej(1, 'invalid bpf_context access off=52 size=8') },
  { name: 'cb_dword_past_cb4', type: 'sched_cls', asm: ['r2 = 7', '*(u64 *)(r1 + 64) = r2', ...RET0],
    expect: rej(1, 'invalid bpf_context access off=64 size=8') },
  { name: 'cb_half_load_tc', type: 'sched_cls', asm: ['r0 = *(u16 *)(r1 + 66)', 'exit'], expect: 'accept' },
  { name: 'mark_store_tc', type: 'sched_cls', asm: ['r2 = 1', '*(u32 *)(r1 + 8) = r2', ...RET0], expect: 'accept' },
  { name: 'mark_store_socket', type: 'socket_filter', asm: ['r2 = 1', '*(u32 *)(r1 + 8) = r2', ...RET0],
    expect: rej(1, 'invalid bpf_context access off=8 size=4') },
];
