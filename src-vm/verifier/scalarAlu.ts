// Transfer functions of ALU instructions on scalars, exactly as Linux 6.18
// computes them (adjust_scalar_min_max_vals and the scalar{32,}_min_max_*
// helpers, BPF_NEG, BPF_END, BPF_MOV/MOVSX): the destination's new value set
// from its old one and the source's. Where the kernel gives up (division,
// modulo, shifts by a non-constant or too-large amount) the result is unknown.
// Operates on the value domain only: ids, pointer rules and instruction
// encodings belong to the caller. Pure; imports bounds.ts, tnum.ts, word64.ts.

import {
  boundsSync, markKnown, markKnown32, markUnbounded, markUnbounded32, markUnbounded64, markUnknown, Scalar,
  scalarClone, scalarCopy, updateBounds, updateBounds32,
} from './bounds';
import { coerceToSize, coerceToSizeSx, coerceSubregToSizeSx, zext32To64 } from './boundsCoerce';
import {
  Tnum, tnumAdd, tnumAnd, tnumArshift, tnumBswap16, tnumBswap32, tnumBswap64, tnumIsConst, tnumLshift,
  tnumMul, tnumNeg, tnumOr, tnumRshift, tnumSub, tnumSubreg, tnumSubregIsConst, tnumXor,
} from './tnum';
import {
  addS64, addU64, mulS64, mulU64, out64, S32_MAX, S32_MIN, sar64, shl64, shr64, slt, subS64, subU64, U32_MAX, ult,
} from './word64';

export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'mod' | 'smod' | 'or' | 'and' | 'lsh' | 'rsh' | 'arsh' | 'xor';

/** Can the kernel compute a range for `op` with this source (is_safe_to_compute_dst_reg_range)? */
export function canComputeRange(op: AluOp, src: Scalar, alu32: boolean): boolean {
  switch (op) {
    case 'add': case 'sub': case 'and': case 'xor': case 'or': case 'mul':
      return true;
    case 'lsh': case 'rsh': case 'arsh': {
      const known = alu32
        ? tnumSubregIsConst(src.varOff) && src.s32Min === src.s32Max && src.u32Min === src.u32Max
        : tnumIsConst(src.varOff) && src.sminHi === src.smaxHi && src.sminLo === src.smaxLo &&
          src.uminHi === src.umaxHi && src.uminLo === src.umaxLo;
      return known && src.umaxHi === 0 && src.umaxLo < (alu32 ? 32 : 64);
    }
    default:
      return false; // div, mod (Linux 6.18 does not track them)
  }
}

/** dst = dst <op> src on the value domain (adjust_scalar_min_max_vals); src is left unchanged. */
export function scalarAlu(dst: Scalar, src: Scalar, op: AluOp, alu32: boolean): void {
  if (!canComputeRange(op, src, alu32)) {
    markUnknown(dst);
    return;
  }
  switch (op) {
    case 'add': add32(dst, src); add64(dst, src); tnumAdd(dst.varOff, dst.varOff, src.varOff); break;
    case 'sub': sub32(dst, src); sub64(dst, src); tnumSub(dst.varOff, dst.varOff, src.varOff); break;
    case 'mul': tnumMul(dst.varOff, dst.varOff, src.varOff); mul32(dst, src); mul64(dst, src); break;
    case 'and': tnumAnd(dst.varOff, dst.varOff, src.varOff); and32(dst, src); and64(dst, src); break;
    case 'or': tnumOr(dst.varOff, dst.varOff, src.varOff); or32(dst, src); or64(dst, src); break;
    case 'xor': tnumXor(dst.varOff, dst.varOff, src.varOff); xor32(dst, src); xor64(dst, src); break;
    case 'lsh': if (alu32) lsh32(dst, src); else lsh64(dst, src); break;
    case 'rsh': if (alu32) rsh32(dst, src); else rsh64(dst, src); break;
    case 'arsh': if (alu32) arsh32(dst, src); else arsh64(dst, src); break;
    default: break;
  }
  if (alu32) zext32To64(dst);
  boundsSync(dst);
}

const negSrc = new Scalar();

/** dst = -dst (BPF_NEG on a scalar): 0 - dst with the subtraction's bounds. */
export function scalarNeg(dst: Scalar, alu32: boolean): void {
  scalarCopy(negSrc, dst);
  markKnown(dst, 0, 0);
  sub32(dst, negSrc);
  sub64(dst, negSrc);
  tnumNeg(dst.varOff, negSrc.varOff);
  if (alu32) zext32To64(dst);
  boundsSync(dst);
}

export type ByteSwapKind = 'le' | 'be' | 'bswap';

/** BPF_END on a scalar on a little-endian host (scalar_byte_swap): `le` only truncates. */
export function scalarByteSwap(dst: Scalar, kind: ByteSwapKind, width: 16 | 32 | 64): void {
  if (kind !== 'le') {
    const t = dst.varOff;
    if (width === 16) tnumBswap16(t, t);
    else if (width === 32) tnumBswap32(t, t);
    else tnumBswap64(t, t);
    markUnbounded(dst);
  }
  if (width !== 64) coerceToSize(dst, width / 8);
  boundsSync(dst);
}

/** dst = imm: sign-extended for 64-bit moves, zero-extended for 32-bit ones. */
export function scalarMovImm(dst: Scalar, imm: number, alu32: boolean): void {
  markKnown(dst, alu32 ? 0 : (imm >> 31) >>> 0, imm >>> 0);
}

/** dst = src (64-bit) or dst = (u32)src. */
export function scalarMov(dst: Scalar, src: Scalar, alu32: boolean): void {
  scalarCopy(dst, src);
  if (alu32) {
    zext32To64(dst);
    boundsSync(dst);
  }
}

/** dst = (s8/s16/s32)src (64-bit) or dst = (u32)(s8/s16)src (32-bit). */
export function scalarMovSx(dst: Scalar, src: Scalar, bits: 8 | 16 | 32, alu32: boolean): void {
  scalarCopy(dst, src);
  if (!alu32) {
    coerceToSizeSx(dst, bits / 8);
    return;
  }
  coerceSubregToSizeSx(dst, bits / 8);
  zext32To64(dst);
  boundsSync(dst);
}

/**
 * The kernel forks before `and`/`or` with a constant when dst is exactly {-1, 0}
 * (maybe_fork_scalars): dst becomes -1 here and the returned state, with dst 0,
 * is explored separately from the same instruction. Undefined when there is no fork.
 */
export function forkMinusOneOrZero(dst: Scalar, src: Scalar): Scalar | undefined {
  if (!tnumIsConst(src.varOff)) return undefined;
  let alu32: boolean;
  if (dst.sminHi === U32_MAX && dst.sminLo === U32_MAX && dst.smaxHi === 0 && dst.smaxLo === 0) alu32 = false;
  else if (dst.s32Min === -1 && dst.s32Max === 0) alu32 = true;
  else return undefined;
  const other = scalarClone(dst);
  if (alu32) { markKnown32(other, 0); markKnown32(dst, U32_MAX); }
  else { markKnown(other, 0, 0); markKnown(dst, U32_MAX, U32_MAX); }
  return other;
}

/**
 * dst += src on the bounds and var_off only, without zero extension or bounds
 * sync: the step sync_linked_regs uses to re-derive `rX = rY + K` from rY.
 */
export function scalarAddNoSync(dst: Scalar, src: Scalar): void {
  add32(dst, src);
  add64(dst, src);
  tnumAdd(dst.varOff, dst.varOff, src.varOff);
}

// ---- add / sub (with the 6.17 wrap-around rule on unsigned bounds)

function add32(dst: Scalar, src: Scalar): void {
  const lo = dst.s32Min + src.s32Min, hi = dst.s32Max + src.s32Max;
  if (lo < S32_MIN || lo > S32_MAX || hi < S32_MIN || hi > S32_MAX) { dst.s32Min = S32_MIN; dst.s32Max = S32_MAX; }
  else { dst.s32Min = lo; dst.s32Max = hi; }
  const umin = dst.u32Min + src.u32Min, umax = dst.u32Max + src.u32Max;
  if (umin <= U32_MAX && umax > U32_MAX) { dst.u32Min = 0; dst.u32Max = U32_MAX; }
  else { dst.u32Min = umin >>> 0; dst.u32Max = umax >>> 0; }
}

function add64(dst: Scalar, src: Scalar): void {
  if (addS64(dst.sminHi, dst.sminLo, src.sminHi, src.sminLo)) {
    setSignedUnbounded(dst);
  } else {
    const h = out64.hi, l = out64.lo;
    if (addS64(dst.smaxHi, dst.smaxLo, src.smaxHi, src.smaxLo)) setSignedUnbounded(dst);
    else { dst.sminHi = h; dst.sminLo = l; dst.smaxHi = out64.hi; dst.smaxLo = out64.lo; }
  }
  const minOver = addU64(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo);
  dst.uminHi = out64.hi; dst.uminLo = out64.lo;
  const maxOver = addU64(dst.umaxHi, dst.umaxLo, src.umaxHi, src.umaxLo);
  dst.umaxHi = out64.hi; dst.umaxLo = out64.lo;
  if (!minOver && maxOver) setUnsignedUnbounded(dst);
}

function sub32(dst: Scalar, src: Scalar): void {
  const lo = dst.s32Min - src.s32Max, hi = dst.s32Max - src.s32Min;
  if (lo < S32_MIN || lo > S32_MAX || hi < S32_MIN || hi > S32_MAX) { dst.s32Min = S32_MIN; dst.s32Max = S32_MAX; }
  else { dst.s32Min = lo; dst.s32Max = hi; }
  const umin = dst.u32Min - src.u32Max, umax = dst.u32Max - src.u32Min;
  if (umin < 0 && umax >= 0) { dst.u32Min = 0; dst.u32Max = U32_MAX; }
  else { dst.u32Min = umin >>> 0; dst.u32Max = umax >>> 0; }
}

function sub64(dst: Scalar, src: Scalar): void {
  if (subS64(dst.sminHi, dst.sminLo, src.smaxHi, src.smaxLo)) {
    setSignedUnbounded(dst);
  } else {
    const h = out64.hi, l = out64.lo;
    if (subS64(dst.smaxHi, dst.smaxLo, src.sminHi, src.sminLo)) setSignedUnbounded(dst);
    else { dst.sminHi = h; dst.sminLo = l; dst.smaxHi = out64.hi; dst.smaxLo = out64.lo; }
  }
  const minUnder = subU64(dst.uminHi, dst.uminLo, src.umaxHi, src.umaxLo);
  dst.uminHi = out64.hi; dst.uminLo = out64.lo;
  const maxUnder = subU64(dst.umaxHi, dst.umaxLo, src.uminHi, src.uminLo);
  dst.umaxHi = out64.hi; dst.umaxLo = out64.lo;
  if (minUnder && !maxUnder) setUnsignedUnbounded(dst);
}

function setSignedUnbounded(s: Scalar): void {
  s.sminHi = 0x80000000; s.sminLo = 0; s.smaxHi = 0x7fffffff; s.smaxLo = U32_MAX;
}

function setUnsignedUnbounded(s: Scalar): void {
  s.uminHi = 0; s.uminLo = 0; s.umaxHi = U32_MAX; s.umaxLo = U32_MAX;
}

// ---- mul (6.14: products of the bounds unless one overflows)

function mul32(dst: Scalar, src: Scalar): void {
  const umax = dst.u32Max * src.u32Max, umin = dst.u32Min * src.u32Min;
  if (umax > U32_MAX || umin > U32_MAX) { dst.u32Min = 0; dst.u32Max = U32_MAX; }
  else { dst.u32Min = umin; dst.u32Max = umax; }
  const p0 = dst.s32Min * src.s32Min, p1 = dst.s32Min * src.s32Max;
  const p2 = dst.s32Max * src.s32Min, p3 = dst.s32Max * src.s32Max;
  const lo = Math.min(p0, p1, p2, p3), hi = Math.max(p0, p1, p2, p3);
  if (lo < S32_MIN || hi > S32_MAX) { dst.s32Min = S32_MIN; dst.s32Max = S32_MAX; }
  else { dst.s32Min = lo; dst.s32Max = hi; }
}

function mul64(dst: Scalar, src: Scalar): void {
  if (mulU64(dst.umaxHi, dst.umaxLo, src.umaxHi, src.umaxLo)) {
    setUnsignedUnbounded(dst);
  } else {
    const h = out64.hi, l = out64.lo;
    if (mulU64(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo)) setUnsignedUnbounded(dst);
    else { dst.umaxHi = h; dst.umaxLo = l; dst.uminHi = out64.hi; dst.uminLo = out64.lo; }
  }
  // Signed: the extremes are among the four products of the bounds, unless one overflows.
  prod.n = 0;
  if (!signedProduct(dst.sminHi, dst.sminLo, src.sminHi, src.sminLo) ||
      !signedProduct(dst.sminHi, dst.sminLo, src.smaxHi, src.smaxLo) ||
      !signedProduct(dst.smaxHi, dst.smaxLo, src.sminHi, src.sminLo) ||
      !signedProduct(dst.smaxHi, dst.smaxLo, src.smaxHi, src.smaxLo)) {
    setSignedUnbounded(dst);
    return;
  }
  dst.sminHi = prod.minHi; dst.sminLo = prod.minLo; dst.smaxHi = prod.maxHi; dst.smaxLo = prod.maxLo;
}

/** Running min and max of the signed products seen so far. */
const prod = { n: 0, minHi: 0, minLo: 0, maxHi: 0, maxLo: 0 };

/** Folds a * b into `prod`; false when the signed product overflows. */
function signedProduct(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  if (mulS64(aHi, aLo, bHi, bLo)) return false;
  const h = out64.hi, l = out64.lo;
  if (prod.n++ === 0) { prod.minHi = prod.maxHi = h; prod.minLo = prod.maxLo = l; return true; }
  if (slt(h, l, prod.minHi, prod.minLo)) { prod.minHi = h; prod.minLo = l; }
  if (slt(prod.maxHi, prod.maxLo, h, l)) { prod.maxHi = h; prod.maxLo = l; }
  return true;
}

// ---- bitwise ops: var_off is already updated when these run

/** s32 bounds from the u32 ones when those do not cross the sign boundary, else unbounded. */
function signed32FromUnsigned(dst: Scalar): void {
  if ((dst.u32Min | 0) <= (dst.u32Max | 0)) { dst.s32Min = dst.u32Min | 0; dst.s32Max = dst.u32Max | 0; }
  else { dst.s32Min = S32_MIN; dst.s32Max = S32_MAX; }
}

function signed64FromUnsigned(dst: Scalar): void {
  if (slt(dst.umaxHi, dst.umaxLo, dst.uminHi, dst.uminLo)) { setSignedUnbounded(dst); return; }
  dst.sminHi = dst.uminHi; dst.sminLo = dst.uminLo; dst.smaxHi = dst.umaxHi; dst.smaxLo = dst.umaxLo;
}

function bothConst32(dst: Scalar, src: Scalar): boolean {
  if (!tnumSubregIsConst(src.varOff) || !tnumSubregIsConst(dst.varOff)) return false;
  markKnown32(dst, dst.varOff.vLo);
  return true;
}

function bothConst64(dst: Scalar, src: Scalar): boolean {
  if (!tnumIsConst(src.varOff) || !tnumIsConst(dst.varOff)) return false;
  markKnown(dst, dst.varOff.vHi, dst.varOff.vLo);
  return true;
}

function and32(dst: Scalar, src: Scalar): void {
  if (bothConst32(dst, src)) return;
  dst.u32Min = dst.varOff.vLo;
  dst.u32Max = Math.min(dst.u32Max, src.u32Max);
  signed32FromUnsigned(dst);
}

function and64(dst: Scalar, src: Scalar): void {
  if (bothConst64(dst, src)) return;
  dst.uminHi = dst.varOff.vHi; dst.uminLo = dst.varOff.vLo;
  if (ult(src.umaxHi, src.umaxLo, dst.umaxHi, dst.umaxLo)) { dst.umaxHi = src.umaxHi; dst.umaxLo = src.umaxLo; }
  signed64FromUnsigned(dst);
  updateBounds(dst);
}

function or32(dst: Scalar, src: Scalar): void {
  if (bothConst32(dst, src)) return;
  dst.u32Min = Math.max(dst.u32Min, src.u32Min);
  dst.u32Max = (dst.varOff.vLo | dst.varOff.mLo) >>> 0;
  signed32FromUnsigned(dst);
}

function or64(dst: Scalar, src: Scalar): void {
  if (bothConst64(dst, src)) return;
  if (ult(dst.uminHi, dst.uminLo, src.uminHi, src.uminLo)) { dst.uminHi = src.uminHi; dst.uminLo = src.uminLo; }
  dst.umaxHi = (dst.varOff.vHi | dst.varOff.mHi) >>> 0; dst.umaxLo = (dst.varOff.vLo | dst.varOff.mLo) >>> 0;
  signed64FromUnsigned(dst);
  updateBounds(dst);
}

function xor32(dst: Scalar, src: Scalar): void {
  if (bothConst32(dst, src)) return;
  dst.u32Min = dst.varOff.vLo;
  dst.u32Max = (dst.varOff.vLo | dst.varOff.mLo) >>> 0;
  signed32FromUnsigned(dst);
}

function xor64(dst: Scalar, src: Scalar): void {
  if (bothConst64(dst, src)) return;
  dst.uminHi = dst.varOff.vHi; dst.uminLo = dst.varOff.vLo;
  dst.umaxHi = (dst.varOff.vHi | dst.varOff.mHi) >>> 0; dst.umaxLo = (dst.varOff.vLo | dst.varOff.mLo) >>> 0;
  signed64FromUnsigned(dst);
  updateBounds(dst);
}

// ---- shifts by a known amount (canComputeRange guarantees src is a small constant)

const shiftTmp = new Tnum();

function lsh32Bounds(dst: Scalar, uminVal: number, umaxVal: number): void {
  dst.s32Min = S32_MIN; dst.s32Max = S32_MAX;
  if (umaxVal > 31 || dst.u32Max > 2 ** (31 - umaxVal)) { dst.u32Min = 0; dst.u32Max = U32_MAX; }
  else { dst.u32Min = (dst.u32Min << uminVal) >>> 0; dst.u32Max = (dst.u32Max << umaxVal) >>> 0; }
}

function lsh32(dst: Scalar, src: Scalar): void {
  const uminVal = src.u32Min, umaxVal = src.u32Max;
  tnumSubreg(shiftTmp, dst.varOff);
  lsh32Bounds(dst, uminVal, umaxVal);
  tnumSubreg(dst.varOff, tnumLshift(shiftTmp, shiftTmp, uminVal));
  markUnbounded64(dst);
  updateBounds32(dst);
}

function lsh64(dst: Scalar, src: Scalar): void {
  const uminVal = src.uminLo, umaxVal = src.umaxLo; // both < 64 here
  // Special case << 32: the compiler's sign-extension idiom keeps the s32 bounds.
  if (uminVal === 32 && umaxVal === 32) {
    dst.smaxHi = dst.s32Max >>> 0; dst.smaxLo = 0;
    dst.sminHi = dst.s32Min >>> 0; dst.sminLo = 0;
  } else {
    setSignedUnbounded(dst);
  }
  shl64(0, 1, 63 - umaxVal);
  if (ult(out64.hi, out64.lo, dst.umaxHi, dst.umaxLo)) {
    setUnsignedUnbounded(dst);
  } else {
    shl64(dst.uminHi, dst.uminLo, uminVal); dst.uminHi = out64.hi; dst.uminLo = out64.lo;
    shl64(dst.umaxHi, dst.umaxLo, umaxVal); dst.umaxHi = out64.hi; dst.umaxLo = out64.lo;
  }
  lsh32Bounds(dst, uminVal, umaxVal);
  tnumLshift(dst.varOff, dst.varOff, uminVal);
  updateBounds(dst);
}

function rsh32(dst: Scalar, src: Scalar): void {
  const uminVal = src.u32Min, umaxVal = src.u32Max;
  tnumSubreg(shiftTmp, dst.varOff);
  dst.s32Min = S32_MIN; dst.s32Max = S32_MAX;
  tnumRshift(dst.varOff, shiftTmp, uminVal);
  dst.u32Min = dst.u32Min >>> umaxVal;
  dst.u32Max = dst.u32Max >>> uminVal;
  markUnbounded64(dst);
  updateBounds32(dst);
}

function rsh64(dst: Scalar, src: Scalar): void {
  const uminVal = src.uminLo, umaxVal = src.umaxLo;
  setSignedUnbounded(dst);
  tnumRshift(dst.varOff, dst.varOff, uminVal);
  shr64(dst.uminHi, dst.uminLo, umaxVal); dst.uminHi = out64.hi; dst.uminLo = out64.lo;
  shr64(dst.umaxHi, dst.umaxLo, uminVal); dst.umaxHi = out64.hi; dst.umaxLo = out64.lo;
  markUnbounded32(dst);
  updateBounds(dst);
}

function arsh32(dst: Scalar, src: Scalar): void {
  const n = src.u32Min;
  dst.s32Min >>= n;
  dst.s32Max >>= n;
  tnumArshift(dst.varOff, tnumSubreg(shiftTmp, dst.varOff), n, true);
  dst.u32Min = 0; dst.u32Max = U32_MAX;
  markUnbounded64(dst);
  updateBounds32(dst);
}

function arsh64(dst: Scalar, src: Scalar): void {
  const n = src.uminLo;
  sar64(dst.sminHi, dst.sminLo, n); dst.sminHi = out64.hi; dst.sminLo = out64.lo;
  sar64(dst.smaxHi, dst.smaxLo, n); dst.smaxHi = out64.hi; dst.smaxLo = out64.lo;
  tnumArshift(dst.varOff, dst.varOff, n, false);
  setUnsignedUnbounded(dst);
  markUnbounded32(dst);
  updateBounds(dst);
}
