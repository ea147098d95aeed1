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
