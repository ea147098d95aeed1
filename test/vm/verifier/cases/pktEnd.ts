// What a failed packet comparison teaches: a packet pointer compared with
// pkt_end is known to be at or past the end on the failing side (its access
// is refused with only "offset is outside of the packet"); a data_meta
// pointer compared with data learns nothing there (mark_pkt_end leaves
// pkt_meta alone), so its access reports the full bounds. Both ways.
// `expect` is what the live kernel (6.18, root) says.

import type { VerifierCase } from '../verifierCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const META_VS_DATA = ['r2 = *(u32 *)(r1 + 8)', 'r3 = *(u32 *)(r1 + 0)', 'r1 = r2', 'r1 += 8'];
const DATA_VS_END = ['r2 = *(u32 *)(r1 + 0)', 'r3 = *(u32 *)(r1 + 4)', 'r1 = r2', 'r1 += 8'];
const TAIL = ['r0 = *(u64 *)(r1 - 8)', 'r0 = 0', 'exit'];

export const PKT_END_CASES: readonly VerifierCase[] = [
  { name: 'meta_past_data_access', type: 'xdp', asm: [...META_VS_DATA, 'if r1 > r3 goto +0', ...TAIL],
    expect: rej(5, 'invalid access to packet, off=0 size=8, R1(id=0,off=0,r=0)') },
  { name: 'meta_within_data_access', type: 'xdp', asm: [...META_VS_DATA, 'if r1 > r3 goto +3', ...TAIL, 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'data_past_end_access', type: 'xdp', asm: [...DATA_VS_END, 'if r1 > r3 goto +0', ...TAIL],
    expect: rej(5, 'R1 offset is outside of the packet') },
];

/** r2 = data, r3 = data_end; 8 bytes proven (insns 0-6); r4 then holds data (or data + a masked index, 0-7 more bytes proven). */
const SKB8 = ['r6 = r1', 'r2 = *(u32 *)(r6 + 76)', 'r3 = *(u32 *)(r6 + 80)', 'r4 = r2', 'r4 += 8', 'if r4 <= r3 goto +2', 'r0 = 0', 'exit'];
const VAR16 = ['r6 = r1', 'r2 = *(u32 *)(r6 + 76)', 'r3 = *(u32 *)(r6 + 80)', 'r5 = *(u32 *)(r6 + 0)', 'r5 &= 7', 'r2 += r5', 'r4 = r2', 'r4 += 8',
  'if r4 <= r3 goto +2', 'r0 = 0', 'exit'];

/** Helpers and packet memory (may_access_direct_pkt_data): only helpers whose proto says pkt_access may read it. */
export const PKT_HELPER_CASES: readonly VerifierCase[] = [
  { name: 'pkt_to_helper_without_pkt_access', type: 'sched_cls', asm: [...SKB8, 'r1 = r2', 'r2 = 8', 'call 6', 'r0 = 0', 'exit'],
    expect: rej(10, 'helper access to the packet is not allowed') },
  { name: 'pkt_to_csum_diff', type: 'sched_cls', asm: [...SKB8, 'r1 = r2', 'r2 = 8', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call 28', 'r0 = 0', 'exit'],
    expect: 'accept' },
  { name: 'pkt_var_offset_to_csum_diff', type: 'sched_cls', asm: [...VAR16, 'r1 = r2', 'r2 = 8', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call 28', 'r0 = 0', 'exit'],
    expect: 'accept' },
];

/** bpf_strtol("1", 8, 0, res) with `res` at r10 + `resOff` (ARG_PTR_TO_FIXED_SIZE_MEM of 8 bytes, MEM_ALIGNED). */
const strtol = (resOff: number): string[] => ['r1 = 49', '*(u64 *)(r10 - 8) = r1', 'r1 = r10', 'r1 += -8', 'r2 = 8', 'r3 = 0', 'r4 = r10',
  `r4 += ${resOff}`, 'call 105', 'r0 = 0', 'exit'];

/** Fixed-size memory arguments (the proto's argN_size): sized and, with MEM_ALIGNED, aligned. */
export const FIXED_SIZE_ARG_CASES: readonly VerifierCase[] = [
  { name: 'strtol_result_slot', type: 'sched_cls', asm: strtol(-16), expect: 'accept' },
  { name: 'strtol_result_misaligned', type: 'sched_cls', asm: strtol(-20), expect: rej(8, 'misaligned stack access off 0+-20+0 size 8') },
  { name: 'strtol_result_too_small', type: 'sched_cls', asm: strtol(-4), expect: rej(8, 'invalid write to stack R4 off=-4 size=8') },
];
