// Width changes of a scalar's value set, as the kernel does them: the implicit
// zero extension of 32-bit results (zext_32_to_64), truncation of loads and
// byte swaps (coerce_reg_to_size) and sign extension (coerce_reg_to_size_sx,
// coerce_subreg_to_size_sx, used by movsx and sign-extending loads).
// Pure; imports bounds.ts, tnum.ts, word64.ts. Never prints.

import { boundsSync, markUnbounded32, Scalar } from './bounds';
import { tnumCast, tnumConst, tnumIsConst, tnumRange, tnumSubreg, tnumUnknown } from './tnum';
import { U32_MAX } from './word64';

/** The 32-bit result of an ALU32 op becomes the whole register (zext_32_to_64). */
export function zext32To64(s: Scalar): void {
  tnumSubreg(s.varOff, s.varOff);
  s.uminHi = 0; s.uminLo = s.u32Min;
  s.umaxHi = 0; s.umaxLo = s.u32Max;
  // Signed 32-bit bounds carry over only when both are non-negative.
  if (s.s32Min >= 0 && s.s32Max >= 0) {
    s.sminHi = 0; s.sminLo = s.s32Min; s.smaxHi = 0; s.smaxLo = s.s32Max;
  } else {
    s.sminHi = 0; s.sminLo = 0; s.smaxHi = 0; s.smaxLo = U32_MAX;
  }
}

/** Keeps the low `size` bytes (1, 2 or 4) of the value (coerce_reg_to_size). */
export function coerceToSize(s: Scalar, size: number): void {
  tnumCast(s.varOff, s.varOff, size);
  const keep = size === 4 ? U32_MAX : 2 ** (size * 8) - 1;
  const sameTop = s.uminHi === s.umaxHi && ((s.uminLo & ~keep) >>> 0) === ((s.umaxLo & ~keep) >>> 0);
  if (sameTop) {
    s.uminLo = (s.uminLo & keep) >>> 0;
    s.umaxLo = (s.umaxLo & keep) >>> 0;
  } else {
    s.uminLo = 0;
    s.umaxLo = keep;
  }
  s.uminHi = 0; s.umaxHi = 0;
  s.sminHi = 0; s.sminLo = s.uminLo;
  s.smaxHi = 0; s.smaxLo = s.umaxLo;
  if (size < 4) markUnbounded32(s);
  boundsSync(s);
}

/** Sign extension of the low `bits` bits of a 32-bit number, as an int32. */
function sext32(x: number, bits: number): number {
  return bits === 32 ? x | 0 : (x << (32 - bits)) >> (32 - bits);
}

/** Sign extension of the low `size` bytes (1, 2 or 4) to 64 bits (coerce_reg_to_size_sx). */
export function coerceToSizeSx(s: Scalar, size: number): void {
  const bits = size * 8;
  if (tnumIsConst(s.varOff)) {
    const v = sext32(s.varOff.vLo, bits);
    setSignedPair(s, v, v);
    return;
  }
  // The bits above the extended part must agree across [smin, smax].
  const sameTop = bits === 32
    ? s.sminHi === s.smaxHi
    : s.sminHi === s.smaxHi && ((s.sminLo >>> bits) === (s.smaxLo >>> bits));
  if (sameTop) {
    const a = sext32(s.smaxLo, bits), b = sext32(s.sminLo, bits);
    const max = Math.max(a, b), min = Math.min(a, b);
    if ((max >= 0) === (min >= 0)) {
      setSignedPair(s, min, max);
      return;
    }
  }
  const lim = bits === 8 ? 0x80 : bits === 16 ? 0x8000 : 0x80000000;
  s.sminHi = 0xffffffff; s.sminLo = (-lim) >>> 0; s.smaxHi = 0; s.smaxLo = lim - 1;
  s.s32Min = -lim; s.s32Max = lim - 1;
  s.uminHi = 0; s.uminLo = 0; s.u32Min = 0;
  s.umaxHi = U32_MAX; s.umaxLo = U32_MAX; s.u32Max = U32_MAX;
  tnumUnknown(s.varOff);
}

/** Every bound = [min, max], two int32s of the same sign; var_off their tnum range. */
function setSignedPair(s: Scalar, min: number, max: number): void {
  const minHi = min < 0 ? U32_MAX : 0, maxHi = max < 0 ? U32_MAX : 0;
  s.sminHi = s.uminHi = minHi; s.sminLo = s.uminLo = min >>> 0;
  s.smaxHi = s.umaxHi = maxHi; s.smaxLo = s.umaxLo = max >>> 0;
  s.s32Min = min; s.s32Max = max; s.u32Min = min >>> 0; s.u32Max = max >>> 0;
  tnumRange(s.varOff, minHi, min >>> 0, maxHi, max >>> 0);
}

/** Sign extension of the low `size` bytes (1 or 2) into the 32-bit subregister (coerce_subreg_to_size_sx). */
export function coerceSubregToSizeSx(s: Scalar, size: number): void {
  const bits = size * 8;
  if (tnumIsConst(s.varOff)) {
    const v = sext32(s.varOff.vLo, bits);
    tnumConst(s.varOff, v < 0 ? U32_MAX : 0, v >>> 0);
    s.s32Min = s.s32Max = v;
    s.u32Min = s.u32Max = v >>> 0;
    return;
  }
  if (((s.s32Max >>> 0) >>> bits) === ((s.s32Min >>> 0) >>> bits)) {
    const a = sext32(s.s32Max, bits), b = sext32(s.s32Min, bits);
    const max = Math.max(a, b), min = Math.min(a, b);
    if ((min >= 0) === (max >= 0)) {
      s.s32Min = min; s.s32Max = max; s.u32Min = min >>> 0; s.u32Max = max >>> 0;
      tnumRange(s.varOff, min < 0 ? U32_MAX : 0, min >>> 0, max < 0 ? U32_MAX : 0, max >>> 0);
      tnumSubreg(s.varOff, s.varOff);
      return;
    }
  }
  const lim = bits === 8 ? 0x80 : 0x8000;
  s.s32Min = -lim; s.s32Max = lim - 1;
  s.u32Min = 0; s.u32Max = U32_MAX;
  tnumSubreg(s.varOff, tnumUnknown(s.varOff));
}
