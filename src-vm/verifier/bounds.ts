// The kernel's abstract value of a scalar register (the value part of
// `struct bpf_reg_state`): a tnum `varOff` plus signed and unsigned 64-bit
// bounds and their 32-bit twins, kept in step exactly as kernel/bpf/verifier.c
// does (__update_reg_bounds, __reg_deduce_bounds, __reg_bound_offset,
// reg_bounds_sync, __mark_reg_known/unknown, reg_bounds_sanity_check).
// Register types, ids and precision belong to later layers, not here.
// Pure; imports tnum.ts and word64.ts. Never prints.

import {
  Tnum, tnumClearSubreg, tnumConst, tnumConstSubreg, tnumCopy, tnumIntersect, tnumIsConst, tnumOr, tnumRange,
  tnumStep, tnumSubreg, tnumSubregIsConst, tnumUnknown,
} from './tnum';
import { out64, S32_MAX, S32_MIN, sle, slt, splitBig, toBigSigned, toBigUnsigned, U32_MAX, ule, ult } from './word64';

/** A scalar's value set: var_off, [smin, smax], [umin, umax], [s32Min, s32Max], [u32Min, u32Max]. */
export class Scalar {
  readonly varOff = new Tnum();
  sminHi = 0x80000000; sminLo = 0;
  smaxHi = 0x7fffffff; smaxLo = U32_MAX;
  uminHi = 0; uminLo = 0;
  umaxHi = U32_MAX; umaxLo = U32_MAX;
  /** Signed 32-bit bounds as int32 numbers. */
  s32Min = S32_MIN; s32Max = S32_MAX;
  /** Unsigned 32-bit bounds as uint32 numbers. */
  u32Min = 0; u32Max = U32_MAX;
}

export function scalarCopy(out: Scalar, a: Scalar): Scalar {
  tnumCopy(out.varOff, a.varOff);
  out.sminHi = a.sminHi; out.sminLo = a.sminLo; out.smaxHi = a.smaxHi; out.smaxLo = a.smaxLo;
  out.uminHi = a.uminHi; out.uminLo = a.uminLo; out.umaxHi = a.umaxHi; out.umaxLo = a.umaxLo;
  out.s32Min = a.s32Min; out.s32Max = a.s32Max; out.u32Min = a.u32Min; out.u32Max = a.u32Max;
  return out;
}

export function scalarClone(a: Scalar): Scalar {
  return scalarCopy(new Scalar(), a);
}

export function scalarEquals(a: Scalar, b: Scalar): boolean {
  const t = a.varOff, u = b.varOff;
  return t.vHi === u.vHi && t.vLo === u.vLo && t.mHi === u.mHi && t.mLo === u.mLo &&
    a.sminHi === b.sminHi && a.sminLo === b.sminLo && a.smaxHi === b.smaxHi && a.smaxLo === b.smaxLo &&
    a.uminHi === b.uminHi && a.uminLo === b.uminLo && a.umaxHi === b.umaxHi && a.umaxLo === b.umaxLo &&
    a.s32Min === b.s32Min && a.s32Max === b.s32Max && a.u32Min === b.u32Min && a.u32Max === b.u32Max;
}

// ---- the eight bounds as plain numbers, for tests, printing and parsing (not hot paths)

export interface ScalarBig {
  value: bigint; mask: bigint;
  smin: bigint; smax: bigint; umin: bigint; umax: bigint;
  s32Min: number; s32Max: number; u32Min: number; u32Max: number;
}

export function scalarToBig(s: Scalar): ScalarBig {
  const t = s.varOff;
  return {
    value: toBigUnsigned(t.vHi, t.vLo), mask: toBigUnsigned(t.mHi, t.mLo),
    smin: toBigSigned(s.sminHi, s.sminLo), smax: toBigSigned(s.smaxHi, s.smaxLo),
    umin: toBigUnsigned(s.uminHi, s.uminLo), umax: toBigUnsigned(s.umaxHi, s.umaxLo),
    s32Min: s.s32Min, s32Max: s.s32Max, u32Min: s.u32Min, u32Max: s.u32Max,
  };
}

export function scalarFromBig(b: ScalarBig): Scalar {
  const s = new Scalar();
  splitBig(b.value); const vHi = out64.hi, vLo = out64.lo;
  splitBig(b.mask); s.varOff.vHi = vHi; s.varOff.vLo = vLo; s.varOff.mHi = out64.hi; s.varOff.mLo = out64.lo;
  splitBig(b.smin); s.sminHi = out64.hi; s.sminLo = out64.lo;
  splitBig(b.smax); s.smaxHi = out64.hi; s.smaxLo = out64.lo;
  splitBig(b.umin); s.uminHi = out64.hi; s.uminLo = out64.lo;
  splitBig(b.umax); s.umaxHi = out64.hi; s.umaxLo = out64.lo;
  s.s32Min = b.s32Min | 0; s.s32Max = b.s32Max | 0; s.u32Min = b.u32Min >>> 0; s.u32Max = b.u32Max >>> 0;
  return s;
}

// ---- marking (the kernel's __mark_reg_* helpers, value part only)

export function markUnbounded64(s: Scalar): void {
  s.sminHi = 0x80000000; s.sminLo = 0; s.smaxHi = 0x7fffffff; s.smaxLo = U32_MAX;
  s.uminHi = 0; s.uminLo = 0; s.umaxHi = U32_MAX; s.umaxLo = U32_MAX;
}

export function markUnbounded32(s: Scalar): void {
  s.s32Min = S32_MIN; s.s32Max = S32_MAX; s.u32Min = 0; s.u32Max = U32_MAX;
}

/** All bounds unbounded; var_off untouched (__mark_reg_unbounded). */
export function markUnbounded(s: Scalar): void {
  markUnbounded64(s);
  markUnbounded32(s);
}

/** Nothing known (the value part of __mark_reg_unknown). */
export function markUnknown(s: Scalar): void {
  tnumUnknown(s.varOff);
  markUnbounded(s);
}

/** Exactly the 64-bit value (hi, lo) (___mark_reg_known). */
export function markKnown(s: Scalar, hi: number, lo: number): void {
  tnumConst(s.varOff, hi, lo);
  s.sminHi = s.smaxHi = s.uminHi = s.umaxHi = hi >>> 0;
  s.sminLo = s.smaxLo = s.uminLo = s.umaxLo = lo >>> 0;
  s.s32Min = s.s32Max = lo | 0;
  s.u32Min = s.u32Max = lo >>> 0;
}

/** Low 32 bits exactly `lo`; the upper half of var_off and the 64-bit bounds untouched. */
export function markKnown32(s: Scalar, lo: number): void {
  tnumConstSubreg(s.varOff, s.varOff, lo >>> 0);
  s.s32Min = s.s32Max = lo | 0;
  s.u32Min = s.u32Max = lo >>> 0;
}

/** A fresh scalar holding the constant `value` (taken modulo 2^64). */
export function scalarConst(value: bigint): Scalar {
  const s = new Scalar();
  splitBig(value);
  markKnown(s, out64.hi, out64.lo);
  return s;
}

/** A fresh scalar holding a sign-extended 32-bit immediate, as the kernel makes `imm` operands. */
export function scalarFromImm(imm: number): Scalar {
  const s = new Scalar();
  markKnown(s, imm < 0 ? U32_MAX : 0, imm >>> 0);
  return s;
}

/** True when the whole register (or its low half) is one known value (is_reg_const). */
export function isConst(s: Scalar, subreg32: boolean): boolean {
  return subreg32 ? tnumSubregIsConst(s.varOff) : tnumIsConst(s.varOff);
}

// ---- tightening helpers: x = max(x, v) / x = min(x, v) in the named domain

function raiseSmin(s: Scalar, hi: number, lo: number): void {
  if (slt(s.sminHi, s.sminLo, hi, lo)) { s.sminHi = hi >>> 0; s.sminLo = lo >>> 0; }
}
function lowerSmax(s: Scalar, hi: number, lo: number): void {
  if (slt(hi, lo, s.smaxHi, s.smaxLo)) { s.smaxHi = hi >>> 0; s.smaxLo = lo >>> 0; }
}
function raiseUmin(s: Scalar, hi: number, lo: number): void {
  if (ult(s.uminHi, s.uminLo, hi, lo)) { s.uminHi = hi >>> 0; s.uminLo = lo >>> 0; }
}
function lowerUmax(s: Scalar, hi: number, lo: number): void {
  if (ult(hi, lo, s.umaxHi, s.umaxLo)) { s.umaxHi = hi >>> 0; s.umaxLo = lo >>> 0; }
}

// ---- bounds from var_off (__update_reg32_bounds / __update_reg64_bounds)

export function updateBounds32(s: Scalar): void {
  const v = s.varOff.vLo, m = s.varOff.mLo;
  s.s32Min = Math.max(s.s32Min, (v | (m & 0x80000000)) | 0);
  s.s32Max = Math.min(s.s32Max, (v | (m & 0x7fffffff)) | 0);
  s.u32Min = Math.max(s.u32Min, v);
  s.u32Max = Math.min(s.u32Max, (v | m) >>> 0);
}

export function updateBounds64(s: Scalar): void {
  const t = s.varOff;
  raiseSmin(s, t.vHi | (t.mHi & 0x80000000), t.vLo);
  lowerSmax(s, t.vHi | (t.mHi & 0x7fffffff), t.vLo | t.mLo);
  raiseUmin(s, t.vHi, t.vLo);
  const tmaxHi = (t.vHi | t.mHi) >>> 0, tmaxLo = (t.vLo | t.mLo) >>> 0;
  lowerUmax(s, tmaxHi, tmaxLo);
  // The u64 range and the tnum may share a single value: then it is known.
  tnumStep(t, s.uminHi, s.uminLo);
  const nextHi = out64.hi, nextLo = out64.lo;
  const uminInTnum = ((s.uminHi & ~t.mHi) >>> 0) === t.vHi && ((s.uminLo & ~t.mLo) >>> 0) === t.vLo;
  if (uminInTnum && ult(s.umaxHi, s.umaxLo, nextHi, nextLo)) {
    markKnown(s, s.uminHi, s.uminLo);
  } else if (!uminInTnum && nextHi === tmaxHi && nextLo === tmaxLo) {
    markKnown(s, tmaxHi, tmaxLo);
  } else if (!uminInTnum && ule(nextHi, nextLo, s.umaxHi, s.umaxLo)) {
    tnumStep(t, nextHi, nextLo);
    if (ult(s.umaxHi, s.umaxLo, out64.hi, out64.lo)) markKnown(s, nextHi, nextLo);
  }
}

export function updateBounds(s: Scalar): void {
  updateBounds32(s);
  updateBounds64(s);
}

// ---- cross deductions between the four ranges (__reg_deduce_bounds)

/** 32-bit ranges from the 64-bit ones, then s32 <-> u32 (__reg32_deduce_bounds). */
export function deduceBounds32(s: Scalar): void {
  if (s.uminHi === s.umaxHi) {
    s.u32Min = Math.max(s.u32Min, s.uminLo);
    s.u32Max = Math.min(s.u32Max, s.umaxLo);
    if ((s.uminLo | 0) <= (s.umaxLo | 0)) {
      s.s32Min = Math.max(s.s32Min, s.uminLo | 0);
      s.s32Max = Math.min(s.s32Max, s.umaxLo | 0);
    }
  }
  if (s.sminHi === s.smaxHi) {
    if (s.sminLo <= s.smaxLo) {
      s.u32Min = Math.max(s.u32Min, s.sminLo);
      s.u32Max = Math.min(s.u32Max, s.smaxLo);
    }
    if ((s.sminLo | 0) <= (s.smaxLo | 0)) {
      s.s32Min = Math.max(s.s32Min, s.sminLo | 0);
      s.s32Max = Math.min(s.s32Max, s.smaxLo | 0);
    }
  }
  // Upper halves two consecutive numbers, lower halves a proper s32 range across zero.
  if (((s.uminHi + 1) >>> 0) === s.umaxHi && (s.uminLo | 0) < 0 && (s.umaxLo | 0) >= 0) {
    s.s32Min = Math.max(s.s32Min, s.uminLo | 0);
    s.s32Max = Math.min(s.s32Max, s.umaxLo | 0);
  }
  if (((s.sminHi + 1) >>> 0) === s.smaxHi && (s.sminLo | 0) < 0 && (s.smaxLo | 0) >= 0) {
    s.s32Min = Math.max(s.s32Min, s.sminLo | 0);
    s.s32Max = Math.min(s.s32Max, s.smaxLo | 0);
  }
  if ((s.u32Min | 0) <= (s.u32Max | 0)) {
    s.s32Min = Math.max(s.s32Min, s.u32Min | 0);
    s.s32Max = Math.min(s.s32Max, s.u32Max | 0);
  }
  const sminU = s.s32Min >>> 0, smaxU = s.s32Max >>> 0;
  if (sminU <= smaxU) {
    s.u32Min = Math.max(s.u32Min, sminU);
    s.u32Max = Math.min(s.u32Max, smaxU);
  } else if (s.u32Max < sminU) {
    // u32 range meets only the non-negative part of the s32 range
    s.s32Min = s.u32Min | 0;
    s.u32Max = Math.min(s.u32Max, smaxU);
  } else if (smaxU < s.u32Min) {
    // u32 range meets only the negative part of the s32 range
    s.s32Max = s.u32Max | 0;
    s.u32Min = Math.max(s.u32Min, sminU);
  }
}

/** s64 <-> u64 (__reg64_deduce_bounds). */
export function deduceBounds64(s: Scalar): void {
  if (sle(s.uminHi, s.uminLo, s.umaxHi, s.umaxLo)) {
    raiseSmin(s, s.uminHi, s.uminLo);
    lowerSmax(s, s.umaxHi, s.umaxLo);
  }
  if (ule(s.sminHi, s.sminLo, s.smaxHi, s.smaxLo)) {
    raiseUmin(s, s.sminHi, s.sminLo);
    lowerUmax(s, s.smaxHi, s.smaxLo);
  } else if (ult(s.umaxHi, s.umaxLo, s.sminHi, s.sminLo)) {
    // u64 range meets only the non-negative part of the s64 range
    s.sminHi = s.uminHi; s.sminLo = s.uminLo;
    lowerUmax(s, s.smaxHi, s.smaxLo);
  } else if (ult(s.smaxHi, s.smaxLo, s.uminHi, s.uminLo)) {
    // u64 range meets only the negative part of the s64 range
    s.smaxHi = s.umaxHi; s.smaxLo = s.umaxLo;
    raiseUmin(s, s.sminHi, s.sminLo);
  }
}

const mixedRange = new Tnum();

/** 64-bit ranges from the 32-bit ones (__reg_deduce_mixed_bounds, as of Linux 6.18). */
export function deduceBoundsMixed(s: Scalar): void {
  const nUminHi = s.uminHi, nUmaxHi = s.umaxHi;
  raiseUmin(s, nUminHi, s.u32Min);
  lowerUmax(s, nUmaxHi, s.u32Max);
  const nSminHi = s.sminHi, nSmaxHi = s.smaxHi;
  raiseSmin(s, nSminHi, s.u32Min);
  lowerSmax(s, nSmaxHi, s.u32Max);
  // After a sign-extending load: upper bits all 0s or all 1s, low half non-negative.
  if (s.s32Min >= 0 && sle(0xffffffff, 0x80000000, s.sminHi, s.sminLo) && sle(s.smaxHi, s.smaxLo, 0, 0x7fffffff)) {
    // s32Max may be negative on a dead branch whose bounds crossed: sign-extend like the kernel.
    const maxHi = s.s32Max < 0 ? U32_MAX : 0;
    s.sminHi = 0; s.sminLo = s.s32Min >>> 0;
    s.smaxHi = maxHi; s.smaxLo = s.s32Max >>> 0;
    s.uminHi = 0; s.uminLo = s.s32Min >>> 0;
    s.umaxHi = maxHi; s.umaxLo = s.s32Max >>> 0;
    tnumIntersect(s.varOff, s.varOff, tnumRange(mixedRange, 0, s.sminLo, maxHi, s.smaxLo));
  }
}

export function deduceBounds(s: Scalar): void {
  deduceBounds32(s);
  deduceBounds64(s);
  deduceBoundsMixed(s);
}

const offset64 = new Tnum();
const offset32 = new Tnum();
const offsetRange = new Tnum();

/** var_off from the unsigned ranges (__reg_bound_offset). */
export function boundOffset(s: Scalar): void {
  tnumIntersect(offset64, s.varOff, tnumRange(offsetRange, s.uminHi, s.uminLo, s.umaxHi, s.umaxLo));
  tnumIntersect(offset32, tnumSubreg(offset32, offset64), tnumRange(offsetRange, 0, s.u32Min, 0, s.u32Max));
  tnumOr(s.varOff, tnumClearSubreg(offset64, offset64), offset32);
}

/** Brings all ranges and var_off in step (reg_bounds_sync). */
export function boundsSync(s: Scalar): void {
  updateBounds(s);
  deduceBounds(s);
  deduceBounds(s);
  deduceBounds(s);
  boundOffset(s);
  updateBounds(s);
}

export type InvariantViolation =
  | 'range bounds violation'
  | 'const tnum out of sync with range bounds'
  | 'const subreg tnum out of sync with range bounds';

/** What reg_bounds_sanity_check would complain about, if anything. */
export function checkInvariants(s: Scalar): InvariantViolation | undefined {
  if (ult(s.umaxHi, s.umaxLo, s.uminHi, s.uminLo) || slt(s.smaxHi, s.smaxLo, s.sminHi, s.sminLo) ||
      s.u32Min > s.u32Max || s.s32Min > s.s32Max) {
    return 'range bounds violation';
  }
  const t = s.varOff;
  if (tnumIsConst(t)) {
    const ok = s.uminHi === t.vHi && s.uminLo === t.vLo && s.umaxHi === t.vHi && s.umaxLo === t.vLo &&
      s.sminHi === t.vHi && s.sminLo === t.vLo && s.smaxHi === t.vHi && s.smaxLo === t.vLo;
    if (!ok) return 'const tnum out of sync with range bounds';
  }
  if (tnumSubregIsConst(t)) {
    const v = t.vLo;
    if (s.u32Min !== v || s.u32Max !== v || s.s32Min !== (v | 0) || s.s32Max !== (v | 0)) {
      return 'const subreg tnum out of sync with range bounds';
    }
  }
  return undefined;
}

/** True when the concrete 64-bit value lies in every range and in var_off (for tests and assertions). */
export function scalarContains(s: Scalar, hi: number, lo: number): boolean {
  const t = s.varOff;
  if (((hi & ~t.mHi) >>> 0) !== t.vHi || ((lo & ~t.mLo) >>> 0) !== t.vLo) return false;
  if (!ule(s.uminHi, s.uminLo, hi, lo) || !ule(hi, lo, s.umaxHi, s.umaxLo)) return false;
  if (!sle(s.sminHi, s.sminLo, hi, lo) || !sle(hi, lo, s.smaxHi, s.smaxLo)) return false;
  if (lo < s.u32Min || lo > s.u32Max) return false;
  return (lo | 0) >= s.s32Min && (lo | 0) <= s.s32Max;
}
