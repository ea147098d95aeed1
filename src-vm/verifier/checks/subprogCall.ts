// bpf-to-bpf calls of static subprograms (check_func_call / prepare_func_exit):
// a new frame with R1-R5 passed over and its own stack, at most 8 frames; on
// exit R0 (set or not) goes back to the caller, whose R1-R5 are then unreadable.
// The stack of call chains is checked after verification (stackDepth.ts).

import type { Insn } from '../../isa/insn';
import { reject, type VerifierError } from '../errors';
import { notInit, pointerReg, regClone } from '../regState';
import { FuncState, MAX_CALL_FRAMES, type VerifierState } from '../state';

export type CallResult = { next: number } | VerifierError;

/** `call pc+N`: enter the callee with the caller's arguments. */
export function enterSubprog(st: VerifierState, pc: number, i: Insn): CallResult {
  if (st.frames.length >= MAX_CALL_FRAMES) {
    return reject(pc, 'calls', `the call stack of ${st.frames.length + 1} frames is too deep`);
  }
  const caller = st.cur;
  const callee = new FuncState(st.frames.length, pc);
  for (let r = 1; r <= 5; r++) callee.regs[r] = regClone(caller.regs[r]);
  const fp = pointerReg('stack');
  fp.frameno = callee.frameno;
  callee.regs[10] = fp;
  st.frames.push(callee);
  return { next: pc + 1 + i.imm };
}

/** `exit` inside a callee: back to the instruction after the call. */
export function returnFromSubprog(st: VerifierState, pc: number): CallResult {
  // prepare_func_exit reads no R0: an unset R0 comes back unset and only fails if the caller reads it.
  const callee = st.cur;
  const r0 = callee.regs[0];
  if (r0.type === 'stack') return reject(pc, 'calls', 'cannot return stack pointer to the caller');
  st.frames.pop();
  const caller = st.cur;
  caller.regs[0] = r0;
  for (let r = 1; r <= 5; r++) caller.regs[r] = notInit();
  return { next: callee.callsite + 1 };
}
