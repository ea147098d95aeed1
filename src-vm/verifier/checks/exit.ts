// Program exit of the main program (check_resource_leak, check_return_code):
// every acquired reference released, R0 written, and where the program type
// has a return-value range (ProgTypeRules.returnRange for the expected attach
// type) R0 a scalar whose signed 64-bit bounds lie inside it, with the
// kernel's messages. Privileged programs of unchecked types may return pointers.

import type { VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { progTypeRules, type RetRange } from '../progTypes';
import { regTypeName, type RegState } from '../regState';
import type { VerifierState } from '../state';
import { toBigSigned } from '../word64';
import { checkRead } from './regCheck';
import { checkReferenceLeak } from '../refs';
import { checkLockHeld } from './spinLock';

const S64_MIN = -(2n ** 63n);
const S64_MAX = 2n ** 63n - 1n;

export function checkExit(env: VerifyEnv, st: VerifierState, pc: number): CheckResult {
  const prefix = 'BPF_EXIT instruction in main prog';
  const err = checkLockHeld(st, pc, prefix) ?? checkReferenceLeak(st, pc, prefix) ?? checkRead(st, pc, 0);
  if (err) return err;
  const range = progTypeRules(env.progType)?.returnRange?.(env.attach);
  return range ? checkReturnRange(st.cur.regs[0], range, pc) : undefined;
}

/** check_return_code's test of R0 against `range` (retval_range_within on smin/smax). */
export function checkReturnRange(r0: RegState, range: RetRange, pc: number): CheckResult {
  const where = 'At program exit the register R0';
  if (r0.type !== 'scalar') return reject(pc, 'retval', `${where} is not a known value (${regTypeName(r0)})`);
  const smin = toBigSigned(r0.s.sminHi, r0.s.sminLo), smax = toBigSigned(r0.s.smaxHi, r0.s.smaxLo);
  if (BigInt(range.min) <= smin && smax <= BigInt(range.max)) return undefined;
  return reject(pc, 'retval', `${where} has${boundsText(smin, smax)} should have been in [${range.min}, ${range.max}]`);
}

/** verbose_invalid_scalar: the bounds that are known, or "unknown scalar value". */
function boundsText(smin: bigint, smax: bigint): string {
  let text = '';
  if (smin > S64_MIN) text += ` smin=${smin}`;
  if (smax < S64_MAX) text += ` smax=${smax}`;
  return text || ' unknown scalar value';
}
