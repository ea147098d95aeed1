// Callbacks of callback-calling helpers (push_callback_call, the
// set_*_callback_state family, prepare_func_exit for callbacks): the
// ARG_PTR_TO_FUNC and ARG_PTR_TO_STACK_OR_NULL arguments; at the call the
// callback's first visit is forked in a new frame with the arguments the
// helper passes it, while the current path goes on after the call; the
// callback's exit must return a scalar in [0, 1] and goes back to the call,
// which is then checked again — so bpf_loop iterates up to its count and every
// callback until an earlier visit covers the state (loopConvergence.ts).

import { reject, type CheckResult, type VerifierError } from '../errors';
import { findPrevEntry, type LoopInfo, widenImpreciseScalars } from '../loopConvergence';
import { hasConstOffset, notInit, pointerReg, type RegState, regClone, regTypeName, unknownScalar } from '../regState';
import { FuncState, MAX_CALL_FRAMES, stateClone, type VerifierState } from '../state';
import type { VerifyEnv } from '../env';
import { toBigSigned } from '../word64';
import { checkRead } from './regCheck';

const BPF_LOOP = 181, FOR_EACH_MAP_ELEM = 164, USER_RINGBUF_DRAIN = 209;
/** Map types with map_set_for_each_callback_args (array_map_ops, htab_*_ops). */
const FOR_EACH_MAPS = new Set(['array', 'percpu_array', 'hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash']);
const S64_MIN = -(2n ** 63n), S64_MAX = 2n ** 63n - 1n;

/** What the callback arguments of a helper call told us. */
export interface CallbackMeta {
  /** First instruction of the callback (meta->subprogno). */
  callbackStart?: number;
}

/** ARG_PTR_TO_FUNC / ARG_PTR_TO_STACK_OR_NULL. */
export function checkCallbackArg(pc: number, regno: number, reg: RegState, argType: string, meta: CallbackMeta): CheckResult {
  if (argType === 'ARG_PTR_TO_FUNC') {
    if (reg.type !== 'func') return reject(pc, 'helper-arg', `R${regno} type=${regTypeName(reg)} expected=func`);
    meta.callbackStart = reg.subprogno;
    return undefined;
  }
  const isNull = reg.type === 'scalar' && hasConstOffset(reg) && reg.s.varOff.vHi === 0 && reg.s.varOff.vLo === 0;
  if (isNull || (reg.type === 'stack' && !reg.maybeNull)) return undefined;
  return reject(pc, 'helper-arg', `R${regno} type=${regTypeName(reg)} expected=fp`);
}

/** The callee's registers as the helper sets them up (set_loop_callback_state, map_set_for_each_callback_args). */
function calleeArgs(helper: number, caller: FuncState, callee: FuncState): void {
  const a = caller.regs;
  if (helper === BPF_LOOP) {
    callee.regs[1] = unknownScalar();
    callee.regs[2] = regClone(a[3]);
    return;
  }
  callee.regs[1] = regClone(a[1]);
  const key = pointerReg('map_key');
  key.map = a[1].map;
  const value = pointerReg('map_value');
  value.map = a[1].map;
  callee.regs[2] = key;
  callee.regs[3] = value;
  callee.regs[4] = regClone(a[3]);
  callee.regs[5] = notInit();
}

function umax(r: RegState): bigint {
  return (BigInt(r.s.umaxHi) << 32n) | BigInt(r.s.umaxLo);
}

/** push_callback_call: fork the callback's visit (unless bpf_loop has iterated as often as its count allows). */
export function pushCallbackCall(env: VerifyEnv, st: VerifierState, pc: number, helper: number, meta: CallbackMeta): CheckResult {
  if (meta.callbackStart === undefined) return undefined;
  const caller = st.cur;
  if (helper === USER_RINGBUF_DRAIN) {
    return reject(pc, 'unsupported', 'bpf_user_ringbuf_drain callbacks (dynptr arguments) are not modelled by this verifier yet');
  }
  if (helper === FOR_EACH_MAP_ELEM && !FOR_EACH_MAPS.has(caller.regs[1].map?.type ?? '')) {
    return reject(pc, 'callback', 'callback function not allowed for map');
  }
  if (helper === BPF_LOOP && BigInt(caller.callbackDepth) >= umax(caller.regs[1])) {
    caller.callbackDepth = 0;
    return undefined;
  }
  if (st.frames.length >= MAX_CALL_FRAMES) return reject(pc, 'calls', `the call stack of ${st.frames.length + 1} frames is too deep`);
  const cb = stateClone(st);
  cb.pc = meta.callbackStart;
  const callee = new FuncState(cb.frames.length, pc);
  calleeArgs(helper, cb.cur, callee);
  const fp = pointerReg('stack');
  fp.frameno = callee.frameno;
  callee.regs[10] = fp;
  callee.callback = { async: false, retMin: 0, retMax: 1 };
  cb.cur.callbackDepth++;
  cb.frames.push(callee);
  cb.callbackUnrollDepth++;
  caller.callbackDepth = 0;
  env.forks.push(cb);
  return undefined;
}

/** verbose_invalid_scalar's bounds: the ones that are known, or "unknown scalar value". */
function boundsText(smin: bigint, smax: bigint): string {
  const text = (smin > S64_MIN ? ` smin=${smin}` : '') + (smax < S64_MAX ? ` smax=${smax}` : '');
  return text || ' unknown scalar value';
}

/** prepare_func_exit for a callback frame: R0 in the callback's range, then back to the call that invoked it. */
export function returnFromCallback(info: LoopInfo, st: VerifierState, pc: number): { next: number } | VerifierError {
  const err = checkRead(st, pc, 0);
  if (err) return err;
  const callee = st.cur;
  const range = callee.callback!;
  const r0 = callee.regs[0];
  if (r0.type === 'stack') return reject(pc, 'calls', 'cannot return stack pointer to the caller');
  if (r0.type !== 'scalar') return reject(pc, 'callback', 'R0 not a scalar value');
  const smin = toBigSigned(r0.s.sminHi, r0.s.sminLo), smax = toBigSigned(r0.s.smaxHi, r0.s.smaxLo);
  if (smin < BigInt(range.retMin) || smax > BigInt(range.retMax)) {
    return reject(pc, 'callback', `At callback return the register R0 has${boundsText(smin, smax)} should have been in [${range.retMin}, ${range.retMax}]`);
  }
  st.frames.pop();
  st.pc = callee.callsite;
  const prev = findPrevEntry(st.parent, callee.callsite, st);
  if (prev) widenImpreciseScalars(info, prev, st);
  return { next: callee.callsite };
}
