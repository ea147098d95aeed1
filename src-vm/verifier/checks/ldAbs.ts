// Legacy packet loads (check_ld_abs): `r0 = *(u8 *)skb[K]` and
// `r0 = *(u16 *)skb[rX + K]`, allowed only for program types with an skb
// context, with the skb pointer in R6; they clobber r1-r5 like a call and
// leave an unknown value in r0. In a subprogram the load may also end it
// with r0 = 0 (the hidden exit of bpf_gen_ld_abs): that return is a path too.

import type { Insn } from '../../isa/insn';
import type { VerifyEnv } from '../env';
import { reject, VerifierError, type CheckResult } from '../errors';
import { constScalar, notInit, unknownScalar } from '../regState';
import { stateClone, type FuncState, type VerifierState } from '../state';
import { returnFromSubprog } from './subprogCall';
import { checkRead } from './regCheck';
import { checkResourceLeak } from './spinLock';

const SKB_PROGRAMS = new Set(['socket_filter', 'sched_cls', 'sched_act']);

export function checkLdAbs(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): CheckResult {
  if (!SKB_PROGRAMS.has(env.progType)) {
    return reject(pc, 'ld-abs', 'BPF_LD_[ABS|IND] instructions not allowed for this program type');
  }
  const isInd = (i.code & 0xe0) === 0x40;
  if (i.dst !== 0 || i.off !== 0 || (i.code & 0x18) === 0x18 || (!isInd && i.src !== 0)) {
    return reject(pc, 'ld-abs', 'BPF_LD_[ABS|IND] uses reserved fields');
  }
  const err = checkRead(st, pc, 6) ?? checkResourceLeak(st, pc, 'BPF_LD_[ABS|IND]');
  if (err) return err;
  const regs = st.cur.regs;
  if (regs[6].type !== 'ctx') return reject(pc, 'ld-abs', 'at the time of BPF_LD_ABS|IND R6 != pointer to skb');
  if (isInd) {
    const e = checkRead(st, pc, i.src);
    if (e) return e;
  }
  if (regs[6].off < 0) return reject(pc, 'ctx', `negative offset ctx ptr R6 off=${regs[6].off} disallowed`);
  if (regs[6].off) return reject(pc, 'ctx', `dereference of modified ctx ptr R6 off=${regs[6].off} disallowed`);
  for (let r = 0; r <= 5; r++) regs[r] = notInit();
  regs[0] = unknownScalar();
  return undefined;
}

/**
 * check_ld_abs in a subprogram (curframe > 0): the path after the load is forked, and this one returns to
 * the caller with R0 = 0 (prepare_func_exit). Returns the callee's frame (for the log) and where the caller resumes.
 */
export function exitAfterLdAbs(env: VerifyEnv, st: VerifierState, pc: number): { callee: FuncState; next: number } | VerifierError {
  const goOn = stateClone(st);
  goOn.pc = pc + 1;
  env.forks.push(goOn);
  const callee = st.cur;
  callee.regs[0] = constScalar(0n);
  const back = returnFromSubprog(st, pc);
  return back instanceof VerifierError ? back : { callee, next: back.next };
}
