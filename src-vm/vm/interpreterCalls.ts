// Calls for the interpreter: helper calls (including a tail call switching
// programs), bpf-to-bpf calls and their frames (r6..r10 saved, a fresh stack
// per frame, the kernel's frame limit), returns, and running a callback
// function for a helper (bpf_loop, for_each_map_elem…). The hot loop in
// interpreter.ts calls in here only for `call`. Pure.

import { helperById } from '../isa/helpers.generated';
import { FRAME_POINTER } from '../isa/opcodes';
import type { Vm } from './interpreter';
import { MAX_FRAMES, STACK_SIZE } from './interpreterTypes';

/** callHelper's answer when a helper switched programs (tail call): the run restarts at the new pc. */
export const PROGRAM_SWITCHED = -2;

/** The uniform helper-call path: returns the pc to continue at, -1 when the run stopped, or PROGRAM_SWITCHED. */
export function callHelper(vm: Vm, id: bigint): number {
  const at = vm.pc;
  const entry = id >= 0n && id <= 0xffffffffn ? vm.helpers.get(Number(id)) : undefined;
  if (!entry) {
    const known = id >= 0n && id <= 0xffffffffn ? helperById(Number(id)) : undefined;
    const what = known ? `helper ${id} (bpf_${known.name})` : `helper ${id}`;
    vm.fail('vm/helper', `call to ${what}, which this runtime does not emulate`);
    return -1;
  }
  vm.switched = false;
  const r0 = entry.impl(vm);
  if (vm.status !== 'ready') return -1;
  if (vm.switched) { vm.switched = false; vm.pc = 0; return PROGRAM_SWITCHED; }
  vm.setReg(0, r0);
  return at + 1;
}

/** A `call` with src 0 (helper), 1 (bpf-to-bpf) or 2 (kfunc) at `at`: the pc to continue at, or as callHelper. */
export function callInsn(vm: Vm, at: number, src: number, imm: number): number {
  if (src === 0) return callHelper(vm, BigInt(imm >>> 0));
  if (src === 2) { vm.fail('vm/kfunc', `call to kfunc with BTF id ${imm}: kfuncs need a kernel`); return -1; }
  if (vm.frames.length + 1 >= MAX_FRAMES) {
    vm.fail('vm/call-depth', `bpf-to-bpf call nested too deep: the kernel allows ${MAX_FRAMES} frames`);
    return -1;
  }
  pushFrame(vm, at + 1);
  return at + 1 + imm;
}

/** Saves the caller's r6..r10 and gives the callee a zeroed stack of its own. */
export function pushFrame(vm: Vm, returnPc: number): void {
  const saved = new Uint32Array(10);
  for (let r = 6; r <= FRAME_POINTER; r++) { saved[(r - 6) * 2] = vm.lo[r]; saved[(r - 6) * 2 + 1] = vm.hi[r]; }
  const stack = vm.stacks[vm.frames.length + 1];
  stack.bytes.fill(0);
  vm.frames.push({ returnPc, saved, stack });
  vm.setRegAddress(FRAME_POINTER, stack, STACK_SIZE);
}

/** Pops the innermost frame, restoring the caller's r6..r10; returns the pc to continue at. */
export function returnFromCall(vm: Vm): number {
  const frame = vm.frames.pop()!;
  for (let r = 6; r <= FRAME_POINTER; r++) { vm.lo[r] = frame.saved[(r - 6) * 2]; vm.hi[r] = frame.saved[(r - 6) * 2 + 1]; }
  return frame.returnPc;
}

/**
 * Runs the function at `pc` as a callback of the helper being called with
 * `args` in r1..r5; returns its r0, or undefined when the run stopped inside
 * it (fault, budget). Breakpoints inside a callback do not stop it.
 */
export function invokeCallback(vm: Vm, pc: number, args: readonly bigint[]): bigint | undefined {
  if (vm.frames.length + 1 >= MAX_FRAMES) {
    vm.fail('vm/call-depth', `callback nested too deep: the kernel allows ${MAX_FRAMES} frames`);
    return undefined;
  }
  const callerPc = vm.pc;
  const outerExit = vm.exitDepth;
  pushFrame(vm, callerPc + 1);
  args.forEach((a, i) => vm.setReg(i + 1, a));
  vm.exitDepth = vm.frames.length;
  vm.pc = pc;
  let stop = vm.run();
  while (stop === 'breakpoint') stop = vm.run();
  vm.exitDepth = outerExit;
  if (vm.status !== 'exited') return undefined;
  vm.status = 'ready';
  const r0 = vm.getReg(0);
  returnFromCall(vm);
  vm.pc = callerPc;
  return r0;
}
