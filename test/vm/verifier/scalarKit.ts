// Shared helpers for the scalar-domain unit tests: a seeded generator of
// concrete 64-bit values and of abstract scalars that contain a given value,
// and the concrete eBPF semantics of every ALU op and jump condition in BigInt
// (the ground truth the abstract transfer functions must over-approximate).

import { boundsSync, Scalar, scalarContains, scalarFromBig } from '../../../src-vm/verifier/bounds';
import type { Cond } from '../../../src-vm/verifier/branches';
import type { AluOp } from '../../../src-vm/verifier/scalarAlu';
import { Rng } from '../../support/scalarPrograms';

export const U64 = (1n << 64n) - 1n;
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const hi = (v: bigint): number => Number(u64(v) >> 32n);
export const lo = (v: bigint): number => Number(u64(v) & 0xffffffffn);

const EDGES = [0n, 1n, 2n, 7n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, U64, U64 - 1n, U64 - 0x7fn, 0xffffffff80000000n];

export function randomValue(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 3) return rng.pick(EDGES);
  const word = (BigInt(rng.next()) << 32n) | BigInt(rng.next());
  if (r < 5) return word & ((1n << BigInt(1 + rng.int(16))) - 1n);
  if (r < 6) return u64(-(word & 0xffffn));
  return word;
}

/** A random bound d away from x, in [0, U64] (for u64) or wrapping inside s64/s32/u32 as asked. */
function spread(rng: Rng): bigint {
  const r = rng.int(6);
  if (r === 0) return 0n;
  if (r === 1) return BigInt(rng.int(16));
  if (r === 2) return BigInt(rng.next() & 0xffff);
  if (r === 3) return BigInt(rng.next());
  if (r === 4) return (BigInt(rng.next()) << 32n) | BigInt(rng.next());
  return 1n << 70n; // effectively unbounded
}

const clamp = (v: bigint, min: bigint, max: bigint): bigint => (v < min ? min : v > max ? max : v);

/** A consistent abstract scalar (bounds synced) that contains x. */
export function scalarAround(rng: Rng, x: bigint): Scalar {
  const mask = rng.chance(0.25) ? 0n : rng.chance(0.3) ? U64 : ((BigInt(rng.next()) << 32n) | BigInt(rng.next())) & randomValue(rng);
  const sx = s64(x), x32 = Number(x & 0xffffffffn), sx32 = Number(BigInt.asIntN(32, x));
  const s = scalarFromBig({
    value: u64(x) & ~mask, mask,
    umin: clamp(u64(x) - spread(rng), 0n, U64), umax: clamp(u64(x) + spread(rng), 0n, U64),
    smin: clamp(sx - spread(rng), -(1n << 63n), (1n << 63n) - 1n), smax: clamp(sx + spread(rng), -(1n << 63n), (1n << 63n) - 1n),
    u32Min: Number(clamp(BigInt(x32) - spread(rng), 0n, 0xffffffffn)), u32Max: Number(clamp(BigInt(x32) + spread(rng), 0n, 0xffffffffn)),
    s32Min: Number(clamp(BigInt(sx32) - spread(rng), -0x80000000n, 0x7fffffffn)),
    s32Max: Number(clamp(BigInt(sx32) + spread(rng), -0x80000000n, 0x7fffffffn)),
  });
  boundsSync(s);
  if (!scalarContains(s, hi(x), lo(x))) throw new Error(`scalarAround lost ${x}`);
  return s;
}

export function contains(s: Scalar, x: bigint): boolean {
  return scalarContains(s, hi(x), lo(x));
}

const sext = (v: bigint, bits: number): bigint => u64(BigInt.asIntN(bits, v));

/** The concrete result of `dst op src` in eBPF (RFC 9669), 32-bit ops zero-extended. */
export function concreteAlu(op: AluOp, x: bigint, y: bigint, alu32: boolean): bigint {
  const w = alu32 ? 32 : 64;
  const m = (1n << BigInt(w)) - 1n;
  const a = x & m, b = y & m;
  const sa = BigInt.asIntN(w, a), sb = BigInt.asIntN(w, b);
  const n = BigInt(Number(b) & (w - 1));
  switch (op) {
    case 'add': return (a + b) & m;
    case 'sub': return (a - b) & m;
    case 'mul': return (a * b) & m;
    case 'div': return b === 0n ? 0n : a / b;
    case 'mod': return b === 0n ? a : a % b;
    case 'sdiv': return b === 0n ? 0n : BigInt.asUintN(w, sa / sb);
    case 'smod': return b === 0n ? a : BigInt.asUintN(w, sa % sb);
    case 'or': return a | b;
    case 'and': return a & b;
    case 'xor': return a ^ b;
    case 'lsh': return (a << n) & m;
    case 'rsh': return a >> n;
    case 'arsh': return BigInt.asUintN(w, sa >> n);
  }
}

export function concreteNeg(x: bigint, alu32: boolean): bigint {
  return alu32 ? (-x) & 0xffffffffn : u64(-x);
}

function bswap(v: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** le (truncation on a little-endian host), be and bswap of the low `width` bits. */
export function concreteByteSwap(kind: 'le' | 'be' | 'bswap', x: bigint, width: 16 | 32 | 64): bigint {
  const m = (1n << BigInt(width)) - 1n;
  return kind === 'le' ? x & m : bswap(x & m, width / 8);
}

export function concreteMovSx(x: bigint, bits: 8 | 16 | 32, alu32: boolean): bigint {
  const v = sext(x & ((1n << BigInt(bits)) - 1n), bits);
  return alu32 ? v & 0xffffffffn : v;
}

/** Whether `if (x cond y)` jumps, on 64 bits or on the low 32. */
export function concreteCond(cond: Cond, x: bigint, y: bigint, is32: boolean): boolean {
  const w = is32 ? 32 : 64;
  const m = (1n << BigInt(w)) - 1n;
  const a = x & m, b = y & m, sa = BigInt.asIntN(w, a), sb = BigInt.asIntN(w, b);
  switch (cond) {
    case 'jeq': return a === b;
    case 'jne': return a !== b;
    case 'jgt': return a > b;
    case 'jge': return a >= b;
    case 'jlt': return a < b;
    case 'jle': return a <= b;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
    case 'jset': return (a & b) !== 0n;
  }
}

export { Rng };
