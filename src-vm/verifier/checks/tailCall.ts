// bpf_tail_call's own rules (check_helper_call's tail_call case and
// record_func_map): the map must be a prog_array, and the program may not jump
// away while holding a bpf_spin_lock or, in the main program's frame, a
// reference; a tail call from a subprogram may return to its caller. Which
// instructions are tail calls (has_tail_call, for stackDepth.ts). Works on state.

import type { Insn } from '../../isa/insn';
import type { VerifyEnv } from '../env';
import { reject, VerifierError, type CheckResult } from '../errors';
import { type MapRef, unknownScalar } from '../regState';
import { type FuncState, stateClone, type VerifierState } from '../state';
import { checkResourceLeak } from './spinLock';
import { returnFromSubprog } from './subprogCall';

export const BPF_FUNC_TAIL_CALL = 12;

/** A helper call instruction (not a bpf-to-bpf call or kfunc) to bpf_tail_call. */
export function isTailCall(i: Insn): boolean {
  return i.code === 0x85 && i.src === 0 && i.imm === BPF_FUNC_TAIL_CALL;
}

/** Checks after the arguments of `bpf_tail_call(ctx, map, index)`: the map's type, then the lock and references held. */
export function checkTailCall(st: VerifierState, pc: number, map: MapRef | undefined): CheckResult {
  // record_func_map; the kernel prints this line without a newline.
  if (map && map.type !== 'prog_array') return reject(pc, 'tail-call', 'expected prog array map for tail call');
  return checkResourceLeak(st, pc, 'tail_call');
}

/**
 * A tail call from a subprogram (curframe > 0) may end the subprogram: the path that goes on after a
 * failed tail call is forked, and this one returns to the caller with an unknown R0, as the tail-called
 * program's result (prepare_func_exit). Returns the callee's frame (for the log) and where the caller resumes.
 */
export function returnAfterTailCall(env: VerifyEnv, st: VerifierState, pc: number): { callee: FuncState; next: number } | VerifierError {
  const goOn = stateClone(st);
  goOn.pc = pc + 1;
  env.forks.push(goOn);
  const callee = st.cur;
  callee.regs[0] = unknownScalar();
  const back = returnFromSubprog(st, pc);
  return back instanceof VerifierError ? back : { callee, next: back.next };
}
