// The stack of call chains, checked after verification (check_max_stack_depth):
// walking the static calls (bpf-to-bpf calls and callback references) from the
// main program in instruction order, as the kernel does, each frame's stack
// rounded up to 16 bytes (the JIT is on); at most 8 frames; a subprogram with a
// tail call may not sit on 256 bytes or more of its callers' stack; the chain
// must fit in 512 bytes, except frames of 64 bytes or more of tracing programs
// without tail calls, which get a private stack of their own.

import type { ProgTypeName, AttachTypeName } from '../../elf/bpfEnums';
import type { Insn } from '../../isa/insn';
import { reject, type VerifierError } from '../errors';
import { MAX_BPF_STACK } from '../stackState';
import { MAX_CALL_FRAMES } from '../state';
import { isTailCall } from './tailCall';

/** BPF_PRIV_STACK_MIN_SIZE: smaller frames stay on the kernel stack. */
const PRIV_STACK_MIN_SIZE = 64;
/** A tail call unwinds its own frame only: the frames under it are limited to this (32 tail calls × 256 = 8k). */
const TAIL_CALL_STACK_LIMIT = 256;

export interface StackDepthInput {
  insns: readonly Insn[];
  /** First instruction of each subprogram (subprogram 0 is the main program). */
  starts: readonly number[];
  subprogOf: readonly number[];
  /** Bytes of stack each subprogram used. */
  depths: readonly number[];
  progType: ProgTypeName;
  attach?: AttachTypeName;
}

/** bpf_enable_priv_stack: tracing programs (kprobe, tracepoint, perf_event, raw_tp; fentry & co. but iterators). */
function privateStackAllowed(progType: ProgTypeName, attach?: AttachTypeName): boolean {
  if (['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint'].includes(progType)) return true;
  return progType === 'tracing' && attach !== 'trace_iter';
}

/** Each subprogram's callees in instruction order (bpf_pseudo_call and bpf_pseudo_func), with repeats. */
function calleesBySubprog(insns: readonly Insn[], starts: readonly number[], subprogOf: readonly number[]): number[][] {
  const callees: number[][] = starts.map(() => []);
  insns.forEach((i, pc) => {
    const isCall = i.code === 0x85 && i.src === 1;
    const isFuncRef = i.code === 0x18 && i.src === 4;
    if (!isCall && !isFuncRef) return;
    const target = subprogOf[pc + 1 + i.imm];
    if (target !== undefined && starts[target] === pc + 1 + i.imm) callees[subprogOf[pc]].push(target);
  });
  return callees;
}

/** check_max_stack_depth for the main program's call tree; the first limit broken, in the kernel's walk order. */
export function checkMaxStackDepth(q: StackDepthInput): VerifierError | undefined {
  const callees = calleesBySubprog(q.insns, q.starts, q.subprogOf);
  const hasTailCall = q.starts.map(() => false);
  q.insns.forEach((i, pc) => { if (isTailCall(i)) hasTailCall[q.subprogOf[pc]] = true; });
  const privStack = !hasTailCall.some(Boolean) && privateStackAllowed(q.progType, q.attach);
  const frameSize = (idx: number): number => Math.ceil((q.depths[idx] ?? 0) / 16) * 16;
  const walk = (idx: number, frame: number, depth: number): VerifierError | undefined => {
    if (idx && hasTailCall[idx] && depth >= TAIL_CALL_STACK_LIMIT) {
      return reject(-1, 'stack', `tail_calls are not allowed when call stack of previous frames is ${depth} bytes. Too large`);
    }
    const size = frameSize(idx);
    const ownStack = privStack && size >= PRIV_STACK_MIN_SIZE;
    const total = ownStack ? depth : depth + size;
    if (total > MAX_BPF_STACK) return reject(-1, 'stack', `combined stack size of ${frame + 1} calls is ${total}. Too large`);
    for (const c of callees[idx]) {
      if (frame + 1 >= MAX_CALL_FRAMES) return reject(-1, 'calls', `the call stack of ${frame + 1} frames is too deep !`);
      const err = walk(c, frame + 1, total);
      if (err) return err;
    }
    return undefined;
  };
  return walk(0, 0, 0);
}
