// 64-bit integer arithmetic on pairs of 32-bit halves (lo, hi as unsigned
// numbers), the interpreter's register representation. The hot operations
// (add, sub, shifts) are written inline in the interpreter; this module holds
// the longer ones. Results go to the two-element `out` array. Pure.

/** Scratch result pair: out[0] = lo, out[1] = hi (as written to a Uint32Array). */
export type Pair = Uint32Array;

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fromBig(out: Pair, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  out[0] = Number(u & 0xffffffffn);
  out[1] = Number(u >> 32n);
}

/** Full 64-bit product of two unsigned 32-bit numbers: low half in out[0], high half in out[1]. */
export function mul32x32(out: Pair, a: number, b: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a0 * b0;
  const mid1 = a1 * b0 + (t >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  out[0] = Math.imul(a, b);
  out[1] = a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16);
}

/** (al,ah) * (bl,bh) modulo 2^64. */
export function mul64(out: Pair, al: number, ah: number, bl: number, bh: number): void {
  mul32x32(out, al, bl);
  out[1] = out[1] + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** Unsigned division; division by zero gives 0 (RFC 9669). */
export function udiv64(out: Pair, al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) { out[0] = 0; out[1] = 0; return; }
  if (ah === 0 && bh === 0) { out[0] = Math.floor(al / bl); out[1] = 0; return; }
  fromBig(out, toBig(al, ah) / toBig(bl, bh));
}

/** Unsigned modulo; modulo by zero leaves the dividend unchanged (RFC 9669). */
export function umod64(out: Pair, al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) { out[0] = al; out[1] = ah; return; }
  if (ah === 0 && bh === 0) { out[0] = al % bl; out[1] = 0; return; }
  fromBig(out, toBig(al, ah) % toBig(bl, bh));
}

function signed(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, toBig(lo, hi));
}

/** Signed division truncating toward zero; by zero gives 0; INT64_MIN / -1 gives INT64_MIN. */
export function sdiv64(out: Pair, al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) { out[0] = 0; out[1] = 0; return; }
  fromBig(out, signed(al, ah) / signed(bl, bh));
}

/** Signed remainder with the dividend's sign; by zero leaves the dividend; INT64_MIN % -1 gives 0. */
export function smod64(out: Pair, al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) { out[0] = al; out[1] = ah; return; }
  fromBig(out, signed(al, ah) % signed(bl, bh));
}

/** 32-bit signed division (operands are the low halves); by zero gives 0. */
export function sdiv32(a: number, b: number): number {
  if ((b | 0) === 0) return 0;
  return Math.trunc((a | 0) / (b | 0)) >>> 0;
}

/** 32-bit signed remainder; by zero leaves the dividend. */
export function smod32(a: number, b: number): number {
  if ((b | 0) === 0) return a >>> 0;
  return ((a | 0) % (b | 0)) >>> 0;
}

export function lsh64(out: Pair, lo: number, hi: number, n: number): void {
  n &= 63;
  if (n === 0) { out[0] = lo; out[1] = hi; }
  else if (n < 32) { out[1] = (hi << n) | (lo >>> (32 - n)); out[0] = lo << n; }
  else { out[1] = lo << (n - 32); out[0] = 0; }
}

export function rsh64(out: Pair, lo: number, hi: number, n: number): void {
  n &= 63;
  if (n === 0) { out[0] = lo; out[1] = hi; }
  else if (n < 32) { out[0] = (lo >>> n) | (hi << (32 - n)); out[1] = hi >>> n; }
  else { out[0] = hi >>> (n - 32); out[1] = 0; }
}

export function arsh64(out: Pair, lo: number, hi: number, n: number): void {
  n &= 63;
  if (n === 0) { out[0] = lo; out[1] = hi; }
  else if (n < 32) { out[0] = (lo >>> n) | (hi << (32 - n)); out[1] = hi >> n; }
  else { out[0] = hi >> (n - 32); out[1] = hi >> 31; }
}

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** Byte swap of the low `width` bits (16, 32 or 64); the result is zero-extended. */
export function bswap(out: Pair, lo: number, hi: number, width: number): void {
  if (width === 16) { out[0] = bswap16(lo); out[1] = 0; }
  else if (width === 32) { out[0] = bswap32(lo); out[1] = 0; }
  else { out[0] = bswap32(hi); out[1] = bswap32(lo); }
}

/** Truncation to the low `width` bits (16, 32 or 64): `le16/32/64` on a little-endian machine. */
export function truncate(out: Pair, lo: number, hi: number, width: number): void {
  if (width === 16) { out[0] = lo & 0xffff; out[1] = 0; }
  else if (width === 32) { out[0] = lo; out[1] = 0; }
  else { out[0] = lo; out[1] = hi; }
}

/** Sign extension of the low `bits` bits (8, 16 or 32) to 64 bits. */
export function signExtend(out: Pair, lo: number, bits: number): void {
  const v = bits === 32 ? lo | 0 : (lo << (32 - bits)) >> (32 - bits);
  out[0] = v;
  out[1] = v >> 31;
}

/** 64-bit comparisons used by conditional jumps; halves are unsigned. */
export function ugt64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah > bh || (ah === bh && al > bl);
}

export function sgt64(al: number, ah: number, bl: number, bh: number): boolean {
  const sa = ah | 0, sb = bh | 0;
  return sa > sb || (sa === sb && al > bl);
}
