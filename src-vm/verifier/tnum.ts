// Tristate numbers (the kernel's `struct tnum`, kernel/bpf/tnum.c): for each
// of 64 bits, known 0, known 1 or unknown. `value` holds the known-1 bits,
// `mask` the unknown bits; a bit is never set in both. Every operation here
// gives exactly the kernel's result. Operations write into an `out` Tnum
// (which may be one of the inputs) so hot paths allocate nothing.
// Pure; imports only word64.ts. Never prints (see scalarPrint.ts).

import { fls64, out64, U32_MAX } from './word64';

/** A tnum with value and mask in 32-bit halves (unsigned numbers). */
export class Tnum {
  constructor(
    public vHi = 0,
    public vLo = 0,
    public mHi = U32_MAX,
    public mLo = U32_MAX,
  ) {}
}

function set(out: Tnum, vHi: number, vLo: number, mHi: number, mLo: number): Tnum {
  out.vHi = vHi >>> 0;
  out.vLo = vLo >>> 0;
  out.mHi = mHi >>> 0;
  out.mLo = mLo >>> 0;
  return out;
}

export function tnumCopy(out: Tnum, a: Tnum): Tnum {
  return set(out, a.vHi, a.vLo, a.mHi, a.mLo);
}

export function tnumClone(a: Tnum): Tnum {
  return new Tnum(a.vHi, a.vLo, a.mHi, a.mLo);
}

export function tnumEquals(a: Tnum, b: Tnum): boolean {
  return a.vHi === b.vHi && a.vLo === b.vLo && a.mHi === b.mHi && a.mLo === b.mLo;
}

export function tnumConst(out: Tnum, hi: number, lo: number): Tnum {
  return set(out, hi, lo, 0, 0);
}

export function tnumUnknown(out: Tnum): Tnum {
  return set(out, 0, 0, U32_MAX, U32_MAX);
}

export function tnumIsConst(a: Tnum): boolean {
  return a.mHi === 0 && a.mLo === 0;
}

export function tnumIsUnknown(a: Tnum): boolean {
  return a.mHi === U32_MAX && a.mLo === U32_MAX;
}

export function tnumEqualsConst(a: Tnum, hi: number, lo: number): boolean {
  return tnumIsConst(a) && a.vHi === hi && a.vLo === lo;
}

/** The tnum of all values between min and max (unsigned): their common high bits. */
export function tnumRange(out: Tnum, minHi: number, minLo: number, maxHi: number, maxLo: number): Tnum {
  const bits = fls64((minHi ^ maxHi) >>> 0, (minLo ^ maxLo) >>> 0);
  if (bits > 63) return tnumUnknown(out);
  // delta = (1 << bits) - 1, in halves
  const dHi = bits > 32 ? U32_MAX >>> (64 - bits) : 0;
  const dLo = bits >= 32 ? U32_MAX : bits === 0 ? 0 : U32_MAX >>> (32 - bits);
  return set(out, minHi & ~dHi, minLo & ~dLo, dHi, dLo);
}

/** Shift by n in [0, 63]. */
export function tnumLshift(out: Tnum, a: Tnum, n: number): Tnum {
  if (n === 0) return tnumCopy(out, a);
  if (n < 32) {
    return set(out, (a.vHi << n) | (a.vLo >>> (32 - n)), a.vLo << n, (a.mHi << n) | (a.mLo >>> (32 - n)), a.mLo << n);
  }
  return set(out, a.vLo << (n - 32), 0, a.mLo << (n - 32), 0);
}

export function tnumRshift(out: Tnum, a: Tnum, n: number): Tnum {
  if (n === 0) return tnumCopy(out, a);
  if (n < 32) {
    return set(out, a.vHi >>> n, (a.vLo >>> n) | (a.vHi << (32 - n)), a.mHi >>> n, (a.mLo >>> n) | (a.mHi << (32 - n)));
  }
  return set(out, 0, a.vHi >>> (n - 32), 0, a.mHi >>> (n - 32));
}

/** Arithmetic shift of the whole 64-bit tnum, or (bits32) of its low half, zero-extended. */
export function tnumArshift(out: Tnum, a: Tnum, n: number, bits32: boolean): Tnum {
  if (bits32) return set(out, 0, (a.vLo | 0) >> n, 0, (a.mLo | 0) >> n);
  if (n === 0) return tnumCopy(out, a);
  if (n < 32) {
    return set(out, (a.vHi | 0) >> n, (a.vLo >>> n) | (a.vHi << (32 - n)), (a.mHi | 0) >> n, (a.mLo >>> n) | (a.mHi << (32 - n)));
  }
  return set(out, (a.vHi | 0) >> 31, (a.vHi | 0) >> (n - 32), (a.mHi | 0) >> 31, (a.mHi | 0) >> (n - 32));
}

export function tnumAdd(out: Tnum, a: Tnum, b: Tnum): Tnum {
  // sm = a.mask + b.mask; sv = a.value + b.value; sigma = sm + sv
  let l = a.mLo + b.mLo;
  const smLo = l >>> 0, smHi = (a.mHi + b.mHi + (l > U32_MAX ? 1 : 0)) >>> 0;
  l = a.vLo + b.vLo;
  const svLo = l >>> 0, svHi = (a.vHi + b.vHi + (l > U32_MAX ? 1 : 0)) >>> 0;
  l = smLo + svLo;
  const sgLo = l >>> 0, sgHi = (smHi + svHi + (l > U32_MAX ? 1 : 0)) >>> 0;
  const muHi = (sgHi ^ svHi) | a.mHi | b.mHi;
  const muLo = (sgLo ^ svLo) | a.mLo | b.mLo;
  return set(out, svHi & ~muHi, svLo & ~muLo, muHi, muLo);
}

export function tnumSub(out: Tnum, a: Tnum, b: Tnum): Tnum {
  // dv = a.value - b.value; alpha = dv + a.mask; beta = dv - b.mask
  let l = a.vLo - b.vLo;
  const dvLo = l >>> 0, dvHi = (a.vHi - b.vHi - (l < 0 ? 1 : 0)) >>> 0;
  l = dvLo + a.mLo;
  const alLo = l >>> 0, alHi = (dvHi + a.mHi + (l > U32_MAX ? 1 : 0)) >>> 0;
  l = dvLo - b.mLo;
  const beLo = l >>> 0, beHi = (dvHi - b.mHi - (l < 0 ? 1 : 0)) >>> 0;
  const muHi = (alHi ^ beHi) | a.mHi | b.mHi;
  const muLo = (alLo ^ beLo) | a.mLo | b.mLo;
  return set(out, dvHi & ~muHi, dvLo & ~muLo, muHi, muLo);
}

const ZERO = new Tnum(0, 0, 0, 0);

/** 0 - a, as the kernel computes it. */
export function tnumNeg(out: Tnum, a: Tnum): Tnum {
  return tnumSub(out, ZERO, a);
}

export function tnumAnd(out: Tnum, a: Tnum, b: Tnum): Tnum {
  const vHi = a.vHi & b.vHi, vLo = a.vLo & b.vLo;
  const mHi = (a.vHi | a.mHi) & (b.vHi | b.mHi) & ~vHi;
  const mLo = (a.vLo | a.mLo) & (b.vLo | b.mLo) & ~vLo;
  return set(out, vHi, vLo, mHi, mLo);
}

export function tnumOr(out: Tnum, a: Tnum, b: Tnum): Tnum {
  const vHi = a.vHi | b.vHi, vLo = a.vLo | b.vLo;
  return set(out, vHi, vLo, (a.mHi | b.mHi) & ~vHi, (a.mLo | b.mLo) & ~vLo);
}

export function tnumXor(out: Tnum, a: Tnum, b: Tnum): Tnum {
  const mHi = a.mHi | b.mHi, mLo = a.mLo | b.mLo;
  return set(out, (a.vHi ^ b.vHi) & ~mHi, (a.vLo ^ b.vLo) & ~mLo, mHi, mLo);
}

/** The smallest tnum holding every member of a and every member of b. */
export function tnumUnion(out: Tnum, a: Tnum, b: Tnum): Tnum {
  const vHi = a.vHi & b.vHi, vLo = a.vLo & b.vLo;
  const mHi = (a.vHi ^ b.vHi) | a.mHi | b.mHi, mLo = (a.vLo ^ b.vLo) | a.mLo | b.mLo;
  return set(out, vHi & ~mHi, vLo & ~mLo, mHi, mLo);
}

const mulAcc = new Tnum();
const mulB = new Tnum();
const mulSum = new Tnum();

/**
 * Long multiplication over the bits of a (Linux 6.18's tnum_mul): a known 1
 * adds b, an unknown bit takes the union of adding and not adding it.
 */
export function tnumMul(out: Tnum, a: Tnum, b: Tnum): Tnum {
  let aVH = a.vHi, aVL = a.vLo, aMH = a.mHi, aML = a.mLo;
  tnumCopy(mulB, b);
  tnumConst(mulAcc, 0, 0);
  while (aVH | aVL | aMH | aML) {
    if (aVL & 1) tnumAdd(mulAcc, mulAcc, mulB);
    else if (aML & 1) tnumUnion(mulAcc, mulAcc, tnumAdd(mulSum, mulAcc, mulB));
    aVL = ((aVL >>> 1) | (aVH << 31)) >>> 0; aVH >>>= 1;
    aML = ((aML >>> 1) | (aMH << 31)) >>> 0; aMH >>>= 1;
    tnumLshift(mulB, mulB, 1);
  }
  return tnumCopy(out, mulAcc);
}

/** True when some value is a member of both a and b. */
export function tnumOverlap(a: Tnum, b: Tnum): boolean {
  const muHi = ~a.mHi & ~b.mHi, muLo = ~a.mLo & ~b.mLo;
  return ((a.vHi & muHi) === (b.vHi & muHi)) && ((a.vLo & muLo) === (b.vLo & muLo));
}

/** Knowledge of both; where they disagree (known 1 vs known 0) the result says 1, like the kernel. */
export function tnumIntersect(out: Tnum, a: Tnum, b: Tnum): Tnum {
  const mHi = a.mHi & b.mHi, mLo = a.mLo & b.mLo;
  return set(out, (a.vHi | b.vHi) & ~mHi, (a.vLo | b.vLo) & ~mLo, mHi, mLo);
}

/** Keeps the lowest `size` bytes (size in 1..4, as the kernel calls it). */
export function tnumCast(out: Tnum, a: Tnum, size: number): Tnum {
  const keep = size >= 4 ? U32_MAX : 2 ** (size * 8) - 1;
  return set(out, 0, a.vLo & keep, 0, a.mLo & keep);
}

export function tnumIsAligned(a: Tnum, size: number): boolean {
  if (size === 0) return true;
  return (((a.vLo | a.mLo) & (size - 1)) >>> 0) === 0;
}

/** True when every member of b is a member of a. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if ((b.mHi & ~a.mHi) !== 0 || (b.mLo & ~a.mLo) !== 0) return false;
  return ((b.vHi & ~a.mHi) >>> 0) === a.vHi && ((b.vLo & ~a.mLo) >>> 0) === a.vLo;
}

/** The low 32 bits (upper half known zero). */
export function tnumSubreg(out: Tnum, a: Tnum): Tnum {
  return set(out, 0, a.vLo, 0, a.mLo);
}

/** The upper 32 bits (lower half known zero). */
export function tnumClearSubreg(out: Tnum, a: Tnum): Tnum {
  return set(out, a.vHi, 0, a.mHi, 0);
}

/** Upper half of reg, lower half of subreg. */
export function tnumWithSubreg(out: Tnum, reg: Tnum, subreg: Tnum): Tnum {
  return set(out, reg.vHi, subreg.vLo, reg.mHi, subreg.mLo);
}

export function tnumConstSubreg(out: Tnum, a: Tnum, value32: number): Tnum {
  return set(out, a.vHi, value32, a.mHi, 0);
}

export function tnumSubregIsConst(a: Tnum): boolean {
  return a.mLo === 0;
}

function swab16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function swab32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

export function tnumBswap16(out: Tnum, a: Tnum): Tnum {
  return set(out, 0, swab16(a.vLo & 0xffff), 0, swab16(a.mLo & 0xffff));
}

export function tnumBswap32(out: Tnum, a: Tnum): Tnum {
  return set(out, 0, swab32(a.vLo), 0, swab32(a.mLo));
}

export function tnumBswap64(out: Tnum, a: Tnum): Tnum {
  return set(out, swab32(a.vLo), swab32(a.vHi), swab32(a.mLo), swab32(a.mHi));
}

/**
 * The smallest member of t greater than z (the kernel's tnum_step), into out64.
 * z at or above t's largest member gives that member; z below t's smallest gives t.value.
 */
export function tnumStep(t: Tnum, zHi: number, zLo: number): void {
  const tmaxHi = (t.vHi | t.mHi) >>> 0, tmaxLo = (t.vLo | t.mLo) >>> 0;
  if (zHi > tmaxHi || (zHi === tmaxHi && zLo >= tmaxLo)) { out64.hi = tmaxHi; out64.lo = tmaxLo; return; }
  if (zHi < t.vHi || (zHi === t.vHi && zLo < t.vLo)) { out64.hi = t.vHi; out64.lo = t.vLo; return; }
  const jHi = (t.vHi | (zHi & t.mHi)) >>> 0, jLo = (t.vLo | (zLo & t.mLo)) >>> 0;
  if (jHi > zHi || (jHi === zHi && jLo > zLo)) {
    // k: the most significant 0-to-1 flip; keep z above it, t.value at and below it.
    const k = fls64((~zHi & t.vHi & ~t.mHi) >>> 0, (~zLo & t.vLo & ~t.mLo) >>> 0);
    const qHi = highMaskHi(k), qLo = highMaskLo(k);
    out64.hi = ((qHi & zHi) | (~qHi & t.vHi)) >>> 0;
    out64.lo = ((qLo & zLo) | (~qLo & t.vLo)) >>> 0;
    return;
  }
  // k: the most significant 1-to-0 flip; count up in the unknown positions above it.
  const k = fls64((zHi & ~t.vHi & ~t.mHi) >>> 0, (zLo & ~t.vLo & ~t.mLo) >>> 0);
  const qHi = highMaskHi(k), qLo = highMaskLo(k);
  const vHi = ((qHi & t.mHi & zHi) | (qHi & ~t.mHi)) >>> 0;
  const vLo = ((qLo & t.mLo & zLo) | (qLo & ~t.mLo)) >>> 0;
  // u = v + (1 << k); k <= 63 here
  const addHi = k >= 32 ? 2 ** (k - 32) : 0, addLo = k >= 32 ? 0 : 2 ** k;
  const l = vLo + addLo;
  const uLo = l >>> 0, uHi = (vHi + addHi + (l > U32_MAX ? 1 : 0)) >>> 0;
  out64.hi = ((uHi & t.mHi) | t.vHi) >>> 0;
  out64.lo = ((uLo & t.mLo) | t.vLo) >>> 0;
}

/** High half of U64_MAX << k, for k in [0, 63] (tnum_step never shifts by 64). */
function highMaskHi(k: number): number {
  return k >= 32 ? (U32_MAX << (k - 32)) >>> 0 : U32_MAX;
}

function highMaskLo(k: number): number {
  return k >= 32 ? 0 : (U32_MAX << k) >>> 0;
}
