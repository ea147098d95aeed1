// Linked scalars and `rX += rX`: a self-add changes the source with the
// destination, so it must unlink rX (6.18), or a later sync_linked_regs would
// give rX its old partner's value plus a stale delta. Both ways: the value
// after the self-add is known exactly, and no stale delta is applied.
// `expect` is what the live kernel (6.18, root) says.

import type { VerifierCase } from '../verifierCases';

/** r6, r7 linked (r7 = r6); r8, r9 linked; r7 == 1 on the path; then `r6 += r6` and a comparison of r7 with r9. */
const selfAdd = (test: string): string[] => [
  'call 7', 'r6 = r0', 'r7 = r6', 'call 7', 'r8 = r0', 'r9 = r8', 'if r7 != 1 goto +4', 'r6 += r6', 'if r7 == r9 goto +2',
  test, 'r0 /= 0', 'r0 = 0', 'exit',
];

export const LINKED_SCALAR_CASES: readonly VerifierCase[] = [
  { name: 'self_add_value_known', type: 'socket_filter', asm: selfAdd('if r6 == 2 goto +1'), expect: 'accept' },
  { name: 'self_add_unlinks', type: 'socket_filter', asm: selfAdd('if r6 == 3 goto +1'), expect: { insn: 10, message: 'div by zero' } },
];
