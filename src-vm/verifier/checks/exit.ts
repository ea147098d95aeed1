// Program exit of the main program (check_resource_leak, check_return_code):
// every acquired reference released, then R0 written. The program types modelled so far (xdp, socket_filter,
// sched_cls/act) have no return-value range in the kernel, and privileged
// programs may return pointers, so nothing else is checked for them.

import { reject, type CheckResult } from '../errors';
import type { VerifierState } from '../state';
import { checkRead } from './regCheck';

export function checkExit(st: VerifierState, pc: number): CheckResult {
  if (st.refs.length > 0) {
    const lines = st.refs.map((r) => `Unreleased reference id=${r.id} alloc_insn=${r.insnIdx}`);
    return reject(pc, 'ref-leak', lines[0], ...lines.slice(1));
  }
  return checkRead(st, pc, 0);
}
