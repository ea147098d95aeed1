// save_aux_ptr_type: the kernel rewrites loads and stores through context and
// socket pointers into accesses of the real kernel structures, once per
// instruction; so one load or store instruction must not be reached with such
// a pointer on one path and a different pointer kind on another ("same insn
// cannot be used with different pointers"). Remembers, per verification
// (keyed by its VerifyEnv), the pointer kind each load/store instruction saw.

import type { VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { type RegState, type RegType, regTypeName } from '../regState';

/** reg_type_mismatch_ok is false for these: their accesses are rewritten, so the kind must not change. */
const REWRITTEN: ReadonlySet<RegType> = new Set<RegType>(['ctx', 'sock', 'sock_common', 'tcp_sock', 'xdp_sock']);

interface SeenKind { name: string; rewritten: boolean }

const seenByRun = new WeakMap<VerifyEnv, Map<number, SeenKind>>();

/** Records the kind of `base` (the pointer the instruction at `pc` accessed memory through) and checks it against earlier paths. */
export function checkSamePointerKind(env: VerifyEnv, pc: number, base: RegState): CheckResult {
  let seen = seenByRun.get(env);
  if (!seen) seenByRun.set(env, (seen = new Map()));
  const now: SeenKind = { name: regTypeName(base), rewritten: REWRITTEN.has(base.type) };
  const before = seen.get(pc);
  if (!before) {
    seen.set(pc, now);
    return undefined;
  }
  if (before.name !== now.name && (before.rewritten || now.rewritten)) {
    return reject(pc, 'ptr-kind', 'same insn cannot be used with different pointers');
  }
  return undefined;
}
