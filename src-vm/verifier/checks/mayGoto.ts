// may_goto (BPF_JMP | BPF_JCOND, src BPF_MAY_GOTO; check_cond_jmp_op): a jump
// the runtime takes once its hidden loop budget is spent. The current path
// jumps; the fall-through is forked with its may_goto depth one deeper and,
// when an earlier iteration of this may_goto is on the path, with the scalars
// that changed since widened (loopConvergence.ts). Reserved fields refused
// with the kernel's words (6.18 accepts an offset of 0).

import type { Insn } from '../../isa/insn';
import type { VerifyEnv } from '../env';
import { reject, type VerifierError } from '../errors';
import { findPrevEntry, type LoopInfo, widenImpreciseScalars } from '../loopConvergence';
import { stateClone, type VerifierState } from '../state';

export function checkMayGoto(env: VerifyEnv, info: LoopInfo, st: VerifierState, pc: number, i: Insn): { next: number } | VerifierError {
  if (i.code !== 0xe5 || i.src !== 0 || i.dst !== 0 || i.imm !== 0) {
    return reject(pc, 'may-goto', `invalid may_goto off ${i.off} imm ${i.imm}`);
  }
  // The checkpoint stored for this very visit is st.parent; an earlier iteration lies beyond it.
  const here = st.parent && st.parent.pc === pc ? st.parent.parent : st.parent;
  const prev = findPrevEntry(here, pc, st);
  const fall = stateClone(st);
  fall.pc = pc + 1;
  fall.mayGotoDepth++;
  if (prev) widenImpreciseScalars(info, prev, fall);
  env.forks.push(fall);
  return { next: pc + 1 + i.off };
}
