// The verifier state along one path (the kernel's `bpf_verifier_state` and
// `bpf_func_state`): call frames, each with eleven registers and a stack;
// copying; the printed form; and `stateSubsumes`, the pruning test: a state
// already verified safe covers the current one (regsafe/stacksafe, with an id
// map as check_ids). Without precision tracking scalars must be contained in
// the old range, which is sound but prunes less than the kernel.

import { formatReg, type MapRef, regClone, regEquals, RegState, notInit, pointerReg } from './regState';
import { formatStack, isSpilledSlot, MAX_BPF_STACK, Slot, stackClone, stackEquals, StackState } from './stackState';
import { tnumIn } from './tnum';
import { sle, ule } from './word64';

export const MAX_CALL_FRAMES = 8;

/** A frame entered as a helper's callback (in_callback_fn / in_async_callback_fn, callback_ret_range). */
export interface CallbackFrame {
  readonly async: boolean;
  readonly retMin: number;
  readonly retMax: number;
}

/** The held bpf_spin_lock (active_lock): the map its value belongs to and the value pointer's id. */
export interface ActiveLock {
  readonly map: MapRef | undefined;
  readonly id: number;
}

export class FuncState {
  regs: RegState[] = Array.from({ length: 11 }, notInit);
  stack = new StackState();
  callback?: CallbackFrame;
  /** Callback visits pushed from this frame's current helper call (callback_depth, bounds bpf_loop). */
  callbackDepth = 0;
  constructor(readonly frameno: number, readonly callsite: number) {}
}

/** An acquired reference (ring buffer record, socket) that must be released before exit. */
export interface Reference {
  id: number;
  insnIdx: number;
}

export class VerifierState {
  frames: FuncState[] = [];
  refs: Reference[] = [];
  /** Unfinished paths through this state when it is a stored checkpoint. */
  branches = 0;
  parent: VerifierState | undefined = undefined;
  /** Pruning statistics of a stored checkpoint (the kernel's hit_cnt / miss_cnt). */
  hits = 0;
  misses = 0;
  /** Where the path continues (the kernel's insn_idx for a pushed state). */
  pc = 0;
  /** may_goto fall-throughs taken on this path, and callback visits pushed (loop convergence). */
  mayGotoDepth = 0;
  callbackUnrollDepth = 0;
  lock: ActiveLock | undefined = undefined;
  get cur(): FuncState {
    return this.frames[this.frames.length - 1];
  }
}

/** The state at a program's first instruction: R1 = ctx, R10 = fp0. */
export function initialState(): VerifierState {
  const st = new VerifierState();
  const f = new FuncState(0, -1);
  f.regs[1] = pointerReg('ctx');
  f.regs[10] = pointerReg('stack');
  st.frames.push(f);
  return st;
}

export function stateClone(a: VerifierState): VerifierState {
  const c = new VerifierState();
  c.frames = a.frames.map((f) => {
    const g = new FuncState(f.frameno, f.callsite);
    g.regs = f.regs.map(regClone);
    g.stack = stackClone(f.stack);
    g.callback = f.callback;
    g.callbackDepth = f.callbackDepth;
    return g;
  });
  c.mayGotoDepth = a.mayGotoDepth;
  c.callbackUnrollDepth = a.callbackUnrollDepth;
  c.lock = a.lock;
  c.refs = a.refs.map((r) => ({ ...r }));
  c.parent = a.parent;
  c.pc = a.pc;
  return c;
}

/** print_verifier_state of one frame: `frame1:` (past the main frame), then its initialised registers and stack slots. */
export function formatFrame(f: FuncState): string[] {
  const items: string[] = f.frameno ? [`frame${f.frameno}:`] : [];
  f.regs.forEach((r, i) => {
    if (r.type !== 'not_init') items.push(`R${i}=${formatReg(r, f.frameno)}`);
  });
  items.push(...formatStack(f.stack, f.frameno));
  return items;
}

/** print_verifier_state of the current frame: ` R1=ctx() R10=fp0 fp-8=...` items and the references held. */
export function formatState(st: VerifierState): string[] {
  const items = formatFrame(st.cur);
  const refs = formatRefs(st);
  if (refs) items.push(refs);
  return items;
}

/**
 * print_verifier_state's tail: the ids of the references held, `refs=2,5`, or '' when none. A held lock is
 * the last reference (nothing can be acquired under it), listed by its value's id when it has one.
 */
export function formatRefs(st: VerifierState): string {
  const ids = st.refs.map((r) => r.id);
  if (st.lock?.id) ids.push(st.lock.id);
  return ids.length > 0 ? `refs=${ids.join(',')}` : '';
}

/** check_ids: old ids map one-to-one onto current ids. */
class IdMap {
  private readonly fwd = new Map<number, number>();
  private readonly back = new Map<number, number>();
  check(oldId: number, curId: number): boolean {
    if (!oldId && !curId) return true;
    if (!oldId || !curId) return !oldId; // an old unlinked value covers a linked one
    const f = this.fwd.get(oldId), b = this.back.get(curId);
    if (f === undefined && b === undefined) {
      this.fwd.set(oldId, curId);
      this.back.set(curId, oldId);
      return true;
    }
    return f === curId && b === oldId;
  }
}

/** Every value `cur` may take is one `old` may take (range_within + tnum_in). */
function scalarWithin(old: RegState, cur: RegState): boolean {
  const o = old.s, c = cur.s;
  return ule(o.uminHi, o.uminLo, c.uminHi, c.uminLo) && ule(c.umaxHi, c.umaxLo, o.umaxHi, o.umaxLo) &&
    sle(o.sminHi, o.sminLo, c.sminHi, c.sminLo) && sle(c.smaxHi, c.smaxLo, o.smaxHi, o.smaxLo) &&
    o.u32Min <= c.u32Min && c.u32Max <= o.u32Max && o.s32Min <= c.s32Min && c.s32Max <= o.s32Max &&
    tnumIn(o.varOff, c.varOff);
}

function regSafe(old: RegState, cur: RegState, ids: IdMap): boolean {
  if (old.type === 'not_init') return true;
  if (old.type !== cur.type) return false;
  if (old.type === 'scalar') {
    return scalarWithin(old, cur) && ids.check(old.id, cur.id) && old.linkDelta === cur.linkDelta;
  }
  if (old.maybeNull !== cur.maybeNull || old.off !== cur.off || old.map !== cur.map || old.memSize !== cur.memSize ||
    old.frameno !== cur.frameno || old.refObjId !== cur.refObjId || old.subprogno !== cur.subprogno) return false;
  if ((old.type === 'pkt' || old.type === 'pkt_meta') && (old.range > cur.range || (old.range < 0) !== (cur.range < 0))) {
    return false;
  }
  return scalarWithin(old, cur) && ids.check(old.id, cur.id);
}

function stackSafe(old: StackState, cur: StackState, ids: IdMap): boolean {
  for (let i = MAX_BPF_STACK - old.allocated; i < MAX_BPF_STACK; i++) {
    const o = old.types[i], c = cur.types[i];
    if (o === Slot.Invalid) continue;
    if (o === Slot.Misc && (c === Slot.Misc || c === Slot.Zero)) continue;
    if (o !== c) return false;
  }
  for (let spi = 0; spi < old.allocated / 8; spi++) {
    const o = old.spills[spi], c = cur.spills[spi];
    if (!o || !isSpilledSlot(old, spi)) continue;
    if (!c || !regSafe(o, c, ids)) return false;
  }
  return true;
}

/**
 * The already-verified `old` covers `cur`: every path from cur is safe because it was from old.
 * `liveRegs` (bit i: ri) limits the innermost frame's registers to those that may still be read.
 */
export function stateSubsumes(old: VerifierState, cur: VerifierState, liveRegs = 0x7ff): boolean {
  if (old.frames.length !== cur.frames.length || old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  if (!old.refs.every((r, k) => ids.check(r.id, cur.refs[k].id))) return false;
  if (!locksSafe(old.lock, cur.lock, ids)) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const of = old.frames[k], cf = cur.frames[k];
    if (of.callsite !== cf.callsite || of.callbackDepth > cf.callbackDepth) return false;
    const live = k === old.frames.length - 1 ? liveRegs | 0x400 : 0x7ff;
    for (let r = 0; r < 11; r++) if ((live >> r) & 1 && !regSafe(of.regs[r], cf.regs[r], ids)) return false;
    if (!stackSafe(of.stack, cf.stack, ids)) return false;
  }
  return true;
}

/** The same lock held or none (the kernel's refsafe for a lock): the same map, ids both set or both not, mapped as check_ids. */
function locksSafe(old: ActiveLock | undefined, cur: ActiveLock | undefined, ids: IdMap): boolean {
  if (!old || !cur) return old === cur;
  if (old.map !== cur.map || !old.id !== !cur.id) return false;
  return !old.id || ids.check(old.id, cur.id);
}

/** Exactly the same registers and stack in every frame (the kernel's loop detection test). */
export function statesEqual(a: VerifierState, b: VerifierState): boolean {
  if (a.frames.length !== b.frames.length || a.refs.length !== b.refs.length) return false;
  if (a.lock?.map !== b.lock?.map || a.lock?.id !== b.lock?.id) return false;
  if (!a.refs.every((r, k) => r.id === b.refs[k].id)) return false;
  return a.frames.every((f, k) => {
    const g = b.frames[k];
    return f.callsite === g.callsite && f.regs.every((r, i) => regEquals(r, g.regs[i])) && stackEquals(f.stack, g.stack);
  });
}
