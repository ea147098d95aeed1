// 64-bit words as two unsigned 32-bit halves (hi, lo), for the verifier's
// value domains: comparisons, add/sub with the kernel's overflow checks
// (check_add_overflow / check_sub_overflow / check_mul_overflow), shifts and
// fls64. Arguments always come hi first. Results of arithmetic go to the
// shared scratch `out64` (no allocation on hot paths). Pure; imports nothing.
//
//   bit 63            32 31             0
//   +-------------------+----------------+
//   |        hi         |       lo       |    both stored as numbers in [0, 2^32)
//   +-------------------+----------------+

/** Where arithmetic helpers leave their 64-bit result. Read it before the next call. */
export const out64 = { hi: 0, lo: 0 };

export const U32_MAX = 0xffffffff;
export const S32_MIN = -0x80000000;
export const S32_MAX = 0x7fffffff;

// Comparisons accept halves as int32 or uint32 (results of `|`, `&` and `~` are int32).

/** a <u b */
export function ult(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const ah = aHi >>> 0, bh = bHi >>> 0;
  return ah < bh || (ah === bh && aLo >>> 0 < bLo >>> 0);
}

/** a <=u b */
export function ule(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const ah = aHi >>> 0, bh = bHi >>> 0;
  return ah < bh || (ah === bh && aLo >>> 0 <= bLo >>> 0);
}

/** a <s b */
export function slt(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const ah = aHi | 0, bh = bHi | 0;
  return ah < bh || (ah === bh && aLo >>> 0 < bLo >>> 0);
}

/** a <=s b */
export function sle(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const ah = aHi | 0, bh = bHi | 0;
  return ah < bh || (ah === bh && aLo >>> 0 <= bLo >>> 0);
}

/** out64 = a + b (mod 2^64); returns true when the unsigned sum overflowed. */
export function addU64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const lo = (aLo >>> 0) + (bLo >>> 0);
  const hi = (aHi >>> 0) + (bHi >>> 0) + (lo > U32_MAX ? 1 : 0);
  out64.lo = lo >>> 0;
  out64.hi = hi >>> 0;
  return hi > U32_MAX;
}

/** out64 = a + b (mod 2^64); returns true when the signed sum overflowed. */
export function addS64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  addU64(aHi, aLo, bHi, bLo);
  const sa = aHi >>> 31, sb = bHi >>> 31, sr = out64.hi >>> 31;
  return sa === sb && sr !== sa;
}

/** out64 = a - b (mod 2^64); returns true when the unsigned difference borrowed. */
export function subU64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const lo = (aLo >>> 0) - (bLo >>> 0);
  const hi = (aHi >>> 0) - (bHi >>> 0) - (lo < 0 ? 1 : 0);
  out64.lo = lo >>> 0;
  out64.hi = hi >>> 0;
  return hi < 0;
}

/** out64 = a - b (mod 2^64); returns true when the signed difference overflowed. */
export function subS64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  subU64(aHi, aLo, bHi, bLo);
  const sa = aHi >>> 31, sb = bHi >>> 31, sr = out64.hi >>> 31;
  return sa !== sb && sr !== sa;
}

/** Low 64 bits of the product of two unsigned 32-bit numbers into out64. */
function mul32x32(a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a0 * b0;
  const mid1 = a1 * b0 + (t >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  out64.lo = Math.imul(a, b) >>> 0;
  out64.hi = (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/** out64 = a * b (mod 2^64). */
export function mulLow64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  mul32x32(aLo, bLo);
  out64.hi = (out64.hi + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

function toBigU(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function fromBig(v: bigint): void {
  const u = BigInt.asUintN(64, v);
  out64.hi = Number(u >> 32n);
  out64.lo = Number(u & 0xffffffffn);
}

/** |x| of a signed 64-bit word as a double (rounded; for magnitude estimates only). */
function magnitude(hi: number, lo: number): number {
  const h = hi | 0;
  return h < 0 ? -(h * 4294967296 + (lo >>> 0)) : h * 4294967296 + (lo >>> 0);
}

/** out64 = a * b (mod 2^64); returns true when the unsigned product overflowed. */
export function mulU64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  if (aHi === 0 && bHi === 0) {
    mul32x32(aLo >>> 0, bLo >>> 0);
    return false;
  }
  // Clear cases from the size of the product; only near 2^64 is it worked out exactly.
  const approx = ((aHi >>> 0) * 4294967296 + (aLo >>> 0)) * ((bHi >>> 0) * 4294967296 + (bLo >>> 0));
  if (approx < 2 ** 63) { mulLow64(aHi, aLo, bHi, bLo); return false; }
  if (approx > 2 ** 65) { mulLow64(aHi, aLo, bHi, bLo); return true; }
  const p = toBigU(aHi, aLo) * toBigU(bHi, bLo);
  fromBig(p);
  return p > 0xffffffffffffffffn;
}

/** out64 = a * b (mod 2^64); returns true when the signed product overflowed. */
export function mulS64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  const approx = magnitude(aHi, aLo) * magnitude(bHi, bLo);
  if (approx < 2 ** 62) { mulLow64(aHi, aLo, bHi, bLo); return false; }
  if (approx > 2 ** 64) { mulLow64(aHi, aLo, bHi, bLo); return true; }
  const p = BigInt.asIntN(64, toBigU(aHi, aLo)) * BigInt.asIntN(64, toBigU(bHi, bLo));
  fromBig(p);
  return p !== BigInt.asIntN(64, p);
}

/** out64 = a << n for n in [0, 63]. */
export function shl64(hi: number, lo: number, n: number): void {
  if (n === 0) { out64.hi = hi; out64.lo = lo; }
  else if (n < 32) { out64.hi = ((hi << n) | (lo >>> (32 - n))) >>> 0; out64.lo = (lo << n) >>> 0; }
  else { out64.hi = (lo << (n - 32)) >>> 0; out64.lo = 0; }
}

/** out64 = a >> n (logical) for n in [0, 63]. */
export function shr64(hi: number, lo: number, n: number): void {
  if (n === 0) { out64.hi = hi; out64.lo = lo; }
  else if (n < 32) { out64.lo = ((lo >>> n) | (hi << (32 - n))) >>> 0; out64.hi = hi >>> n; }
  else { out64.lo = hi >>> (n - 32); out64.hi = 0; }
}

/** out64 = a >> n (arithmetic) for n in [0, 63]. */
export function sar64(hi: number, lo: number, n: number): void {
  if (n === 0) { out64.hi = hi; out64.lo = lo; }
  else if (n < 32) { out64.lo = ((lo >>> n) | (hi << (32 - n))) >>> 0; out64.hi = (hi >> n) >>> 0; }
  else { out64.lo = (hi >> (n - 32)) >>> 0; out64.hi = (hi >> 31) >>> 0; }
}

/** Index (1-based) of the most significant set bit; 0 for zero. The kernel's fls64. */
export function fls64(hi: number, lo: number): number {
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(lo);
}

/** The 64-bit word as an unsigned BigInt (for printing and tests, not hot paths). */
export function toBigUnsigned(hi: number, lo: number): bigint {
  return toBigU(hi, lo);
}

/** The 64-bit word as a signed BigInt. */
export function toBigSigned(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, toBigU(hi, lo));
}

/** Splits v (taken modulo 2^64) into out64. */
export function splitBig(v: bigint): void {
  fromBig(v);
}
