// Packet pointers after helpers that may move packet data
// (bpf_helper_changes_pkt_data), each way: a pointer kept across the call is
// a scalar afterwards (in a register and spilled on the stack), one reloaded
// from the context and checked again is fine; helpers that leave the packet
// alone keep pointers valid. `expect` is the live kernel's (6.18, root).

import type { VerifierCase } from '../verifierCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const RET0 = ['r0 = 0', 'exit'];
/** r6 = ctx; r2 = data; r3 = data_end; r2 + 14 <= r3 proven, exit otherwise (insns 0-6). */
const XDP_CHECKED = ['r6 = r1', 'r2 = *(u32 *)(r6 + 0)', 'r3 = *(u32 *)(r6 + 4)', 'r4 = r2', 'r4 += 14', 'if r4 <= r3 goto +2', ...RET0];
const SKB_CHECKED = ['r6 = r1', 'r2 = *(u32 *)(r6 + 76)', 'r3 = *(u32 *)(r6 + 80)', 'r4 = r2', 'r4 += 14', 'if r4 <= r3 goto +2', ...RET0];

export const PKT_INVALIDATE_CASES: readonly VerifierCase[] = [
  { name: 'pkt_ptr_stale_after_adjust_head', type: 'xdp', expect: rej(12, "R7 invalid mem access 'scalar'"),
    asm: [...XDP_CHECKED, 'r7 = r2', 'r1 = r6', 'r2 = 0', 'call 44', 'r0 = *(u8 *)(r7 + 0)', 'exit'] },
  { name: 'pkt_ptr_reloaded_after_adjust_head', type: 'xdp', expect: 'accept',
    asm: [...XDP_CHECKED, 'r1 = r6', 'r2 = 0', 'call 44', 'r2 = *(u32 *)(r6 + 0)', 'r3 = *(u32 *)(r6 + 4)', 'r4 = r2', 'r4 += 1',
      'if r4 > r3 goto +1', 'r0 = *(u8 *)(r2 + 0)', 'exit'] },
  { name: 'pkt_ptr_spilled_stale_after_adjust_tail', type: 'xdp', expect: rej(13, "R7 invalid mem access 'scalar'"),
    asm: [...XDP_CHECKED, '*(u64 *)(r10 - 8) = r2', 'r1 = r6', 'r2 = 0', 'call 65', 'r7 = *(u64 *)(r10 - 8)', 'r0 = *(u8 *)(r7 + 0)', 'exit'] },
  { name: 'pkt_ptr_kept_across_ktime', type: 'xdp', expect: 'accept',
    asm: [...XDP_CHECKED, 'r7 = r2', 'call 5', 'r0 = *(u8 *)(r7 + 0)', 'exit'] },
  { name: 'pkt_ptrs_stale_after_pull_data', type: 'sched_cls', expect: rej(15, "R7 invalid mem access 'scalar'"),
    asm: [...SKB_CHECKED, 'r7 = r2', 'r8 = r3', 'r1 = r6', 'r2 = 0', 'call 39', 'r3 = r8', 'if r7 > r3 goto +1', 'r0 = *(u8 *)(r7 + 0)', ...RET0] },
  { name: 'pkt_ptr_stale_after_store_bytes', type: 'sched_cls', expect: rej(17, "R7 invalid mem access 'scalar'"),
    asm: [...SKB_CHECKED, 'r7 = r2', 'r1 = r6', 'r2 = 0', 'r3 = r10', 'r3 += -8', '*(u64 *)(r10 - 8) = r2', 'r4 = 1', 'r5 = 0', 'call 9',
      'r0 = *(u8 *)(r7 + 0)', 'exit'] },
];

/** A helper writing into the stack leaves unknown bytes there: a pointer spilled where it wrote is gone. */
export const HELPER_STACK_WRITE_CASES: readonly VerifierCase[] = [
  { name: 'helper_write_clobbers_spill', type: 'sched_cls', expect: rej(8, "R0 invalid mem access 'scalar'"),
    asm: ['r6 = r10', 'r6 += -8', '*(u64 *)(r6 + 0) = r1', 'r2 = 0', 'r3 = r6', 'r4 = 8', 'call 26', 'r0 = *(u64 *)(r6 + 0)', 'r0 = *(u32 *)(r0 + 8)', 'exit'] },
  { name: 'helper_write_beside_spill', type: 'sched_cls', expect: 'accept',
    asm: ['r6 = r10', 'r6 += -16', '*(u64 *)(r6 + 0) = r1', 'r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 8', 'call 26', 'r0 = *(u64 *)(r6 + 0)',
      'r0 = *(u32 *)(r0 + 8)', 'exit'] },
];
