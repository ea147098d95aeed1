// Program exit (check_return_code for the main program): R0 must have been
// written. The program types modelled so far (xdp, socket_filter,
// sched_cls/act) have no return-value range in the kernel, and privileged
// programs may return pointers, so nothing else is checked for them.

import type { CheckResult } from '../errors';
import type { VerifierState } from '../state';
import { checkRead } from './regCheck';

export function checkExit(st: VerifierState, pc: number): CheckResult {
  return checkRead(st, pc, 0);
}
