// Loads and stores through a raw_tracepoint_writable program's tracepoint
// buffer (PTR_TO_TP_BUFFER, the kernel's check_tp_buffer_access): any
// non-negative constant offset; how far the program reaches is only checked
// against the tracepoint's buffer size when it is attached, not at load.

import { reject, type CheckResult } from '../errors';
import type { RegState } from '../regState';
import { formatTnum } from '../scalarPrint';
import { tnumIsConst } from '../tnum';

/** __check_buffer_access for the tracepoint buffer; `off` is the instruction's plus the pointer's fixed offset. */
export function checkTpBufferAccess(pc: number, regno: number, reg: RegState, off: number, size: number): CheckResult {
  if (off < 0) return reject(pc, 'tp-buffer', `R${regno} invalid tracepoint buffer access: off=${off}, size=${size}`);
  const v = reg.s.varOff;
  if (!tnumIsConst(v) || v.vHi !== 0 || v.vLo !== 0) {
    return reject(pc, 'tp-buffer', `R${regno} invalid variable buffer offset: off=${off}, var_off=${formatTnum(v)}`);
  }
  return undefined;
}
