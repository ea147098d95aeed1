// How loops the verifier walks by iteration converge (is_state_visited's
// rules for states still on the current path, find_prev_entry,
// widen_imprecise_scalars): may_goto instructions and calls of sync
// callback-calling helpers force a checkpoint; there an earlier state of the
// same path that covers the current one ends the iteration (may_goto only
// when the may_goto depth differs); elsewhere an identical earlier state is an
// infinite loop. Each new iteration forgets scalars that changed unless the
// static precision demand (precisionDemand.ts) says a check may need them.

import type { Insn } from '../isa/insn';
import { computeDemand, type Demand, type DemandTable } from './precisionDemand';
import { scalarEquals } from './bounds';
import { unknownScalar, type RegState } from './regState';
import { isSpilledSlot } from './stackState';
import { statesEqual, stateSubsumes, type FuncState, type VerifierState } from './state';

/** bpf_loop, bpf_for_each_map_elem, bpf_find_vma, bpf_user_ringbuf_drain (is_sync_callback_calling_function). */
export const SYNC_CALLBACK_HELPERS: ReadonlySet<number> = new Set([181, 164, 180, 209]);
export const TIMER_SET_CALLBACK = 170;

export interface LoopInfo {
  /** Instructions where a checkpoint is always stored (mark_force_checkpoint). */
  readonly forceCheckpoint: readonly boolean[];
  readonly mayGoto: readonly boolean[];
  /** Calls of sync callback-calling helpers (mark_calls_callback). */
  readonly callsCallback: readonly boolean[];
  readonly demand: DemandTable;
}

export const isMayGoto = (i: Insn): boolean => i.code === 0xe5;
const isHelperCall = (i: Insn, ids: ReadonlySet<number>): boolean => i.code === 0x85 && i.src === 0 && ids.has(i.imm);

/** The loop-related marks of a program, and the prune points they add to `prunePoints`. */
export function loopInfo(insns: readonly Insn[], successors: readonly (readonly number[])[], prunePoints: boolean[]): LoopInfo {
  const mayGoto = insns.map(isMayGoto);
  const callsCallback = insns.map((i) => isHelperCall(i, SYNC_CALLBACK_HELPERS));
  insns.forEach((i, pc) => {
    if (callsCallback[pc] || isHelperCall(i, new Set([TIMER_SET_CALLBACK]))) prunePoints[pc] = true;
  });
  const forceCheckpoint = insns.map((_, pc) => mayGoto[pc] || callsCallback[pc]);
  return { forceCheckpoint, mayGoto, callsCallback, demand: computeDemand(insns, successors) };
}

/** A stored state still on the current path (branches > 0) met again at `pc`: prune, infinite loop, or go on. */
export function onPathVerdict(info: LoopInfo, pc: number, old: VerifierState, cur: VerifierState): 'prune' | 'loop' | 'miss' {
  if (info.mayGoto[pc] && old.mayGotoDepth !== cur.mayGotoDepth && stateSubsumes(old, cur)) return 'prune';
  if (info.callsCallback[pc]) return stateSubsumes(old, cur) ? 'prune' : 'miss';
  const asyncReentry = old.cur.callback?.async && old.cur.callback !== cur.cur.callback;
  if (!asyncReentry && old.mayGotoDepth === cur.mayGotoDepth && old.callbackUnrollDepth === cur.callbackUnrollDepth &&
    statesEqual(old, cur)) return 'loop';
  return 'miss';
}

function sameCallsites(a: VerifierState, b: VerifierState): boolean {
  return a.frames.length === b.frames.length && a.frames.every((f, k) => f.callsite === b.frames[k].callsite);
}

/** find_prev_entry: the nearest checkpoint at `pc` on the path that led to `from` (its ancestors). */
export function findPrevEntry(from: VerifierState | undefined, pc: number, cur: VerifierState): VerifierState | undefined {
  for (let p = from; p; p = p.parent) {
    if (p.pc === pc && p.frames.length > 0 && sameCallsites(p, cur)) return p;
  }
  return undefined;
}

/** Where frame k of `st` continues: the current pc for the innermost, else the return point of the call it made. */
function continuation(st: VerifierState, k: number): number {
  if (k === st.frames.length - 1) return st.pc;
  const callee = st.frames[k + 1];
  return callee.callback ? callee.callsite : callee.callsite + 1;
}

function widenReg(old: RegState | undefined, cur: RegState | undefined, demanded: boolean): RegState | undefined {
  if (!old || !cur || demanded || old.type !== 'scalar' || cur.type !== 'scalar') return undefined;
  return scalarEquals(old.s, cur.s) ? undefined : unknownScalar();
}

function widenFrame(old: FuncState, cur: FuncState, demand: Demand | undefined, allSlots: boolean): void {
  for (let r = 0; r < 11; r++) {
    const w = widenReg(old.regs[r], cur.regs[r], ((demand?.regs ?? 0x7ff) >> r & 1) === 1);
    if (w) cur.regs[r] = w;
  }
  const slots = Math.min(old.stack.allocated, cur.stack.allocated) / 8;
  for (let spi = 0; spi < slots; spi++) {
    if (!isSpilledSlot(old.stack, spi) || !isSpilledSlot(cur.stack, spi)) continue;
    const demanded = allSlots || !demand || ((demand.slots >> BigInt(spi)) & 1n) === 1n;
    const w = widenReg(old.stack.spills[spi], cur.stack.spills[spi], demanded);
    if (w) cur.stack.spills[spi] = w;
  }
}

/** widen_imprecise_scalars: scalars of `cur` that differ from `old` and no check may need become unknown. */
export function widenImpreciseScalars(info: LoopInfo, old: VerifierState, cur: VerifierState): void {
  for (let k = 0; k < cur.frames.length; k++) {
    widenFrame(old.frames[k], cur.frames[k], info.demand.at[continuation(cur, k)], info.demand.indirectLoads);
  }
}
