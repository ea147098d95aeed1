// check_reg_arg: the register operand checks every instruction class shares —
// reading an uninitialised register ("R3 !read_ok") and writing the frame
// pointer ("frame pointer is read only"). Imports errors.ts and state.ts.

import { reject, type CheckResult } from '../errors';
import type { VerifierState } from '../state';

export function checkRead(st: VerifierState, pc: number, regno: number): CheckResult {
  if (regno > 10) return reject(pc, 'bad-reg', `R${regno} is invalid`);
  if (st.cur.regs[regno].type === 'not_init') return reject(pc, 'read-uninit', `R${regno} !read_ok`);
  return undefined;
}

export function checkWrite(pc: number, regno: number): CheckResult {
  if (regno > 10) return reject(pc, 'bad-reg', `R${regno} is invalid`);
  if (regno === 10) return reject(pc, 'fp-write', 'frame pointer is read only');
  return undefined;
}
