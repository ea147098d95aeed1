// int64.ts against a BigInt reference model on random and edge-case operands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as I from '../../../src-vm/vm/int64';

const U64 = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, U64, U64 - 1n];

function rand64(seed: { s: number }): bigint {
  const next = (): bigint => { seed.s = (Math.imul(seed.s, 1103515245) + 12345) >>> 0; return BigInt(seed.s); };
  return ((next() << 48n) ^ (next() << 32n) ^ (next() << 16n) ^ next()) & U64;
}

function operands(): [bigint, bigint][] {
  const seed = { s: 42 };
  const out: [bigint, bigint][] = [];
  for (const a of EDGES) for (const b of EDGES) out.push([a, b]);
  for (let k = 0; k < 2000; k++) out.push([rand64(seed), k % 3 === 0 ? rand64(seed) & 0xffffffffn : rand64(seed)]);
  return out;
}

const lo = (v: bigint): number => Number(v & 0xffffffffn);
const hi = (v: bigint): number => Number(v >> 32n);
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

type Binary = (out: I.Pair, al: number, ah: number, bl: number, bh: number) => void;
const BINARY: [string, Binary, (a: bigint, b: bigint) => bigint][] = [
  ['mul64', I.mul64, (a, b) => (a * b) & U64],
  ['udiv64', I.udiv64, (a, b) => (b === 0n ? 0n : a / b)],
  ['umod64', I.umod64, (a, b) => (b === 0n ? a : a % b)],
  ['sdiv64', I.sdiv64, (a, b) => (b === 0n ? 0n : BigInt.asUintN(64, s64(a) / s64(b)))],
  ['smod64', I.smod64, (a, b) => (b === 0n ? a : BigInt.asUintN(64, s64(a) % s64(b)))],
];

for (const [name, fn, ref] of BINARY) {
  test(`${name} matches BigInt`, () => {
    const out = new Uint32Array(2);
    for (const [a, b] of operands()) {
      fn(out, lo(a), hi(a), lo(b), hi(b));
      assert.equal(I.toBig(out[0], out[1]), ref(a, b), `${name}(0x${a.toString(16)}, 0x${b.toString(16)})`);
    }
  });
}

test('shifts match BigInt for every amount', () => {
  const out = new Uint32Array(2);
  for (const [a] of operands().slice(0, 300)) {
    for (let n = 0; n < 64; n++) {
      I.lsh64(out, lo(a), hi(a), n);
      assert.equal(I.toBig(out[0], out[1]), (a << BigInt(n)) & U64);
      I.rsh64(out, lo(a), hi(a), n);
      assert.equal(I.toBig(out[0], out[1]), a >> BigInt(n));
      I.arsh64(out, lo(a), hi(a), n);
      assert.equal(I.toBig(out[0], out[1]), BigInt.asUintN(64, s64(a) >> BigInt(n)));
    }
  }
});

test('32-bit signed division and remainder follow C, including INT_MIN / -1 and by zero', () => {
  const cases: [number, number, number, number][] = [
    [7, 2, 3, 1], [-7 >>> 0, 2, -3 >>> 0, -1 >>> 0], [0x80000000, -1 >>> 0, 0x80000000, 0], [5, 0, 0, 5],
  ];
  for (const [a, b, q, r] of cases) {
    assert.equal(I.sdiv32(a, b), q);
    assert.equal(I.smod32(a, b), r);
  }
});

test('byte swaps, truncation and sign extension', () => {
  const out = new Uint32Array(2);
  I.bswap(out, 0x55667788, 0x11223344, 64);
  assert.equal(I.toBig(out[0], out[1]), 0x8877665544332211n);
  I.bswap(out, 0x55667788, 0x11223344, 32);
  assert.equal(I.toBig(out[0], out[1]), 0x88776655n);
  I.bswap(out, 0x55667788, 0x11223344, 16);
  assert.equal(I.toBig(out[0], out[1]), 0x8877n);
  I.truncate(out, 0x55667788, 0x11223344, 16);
  assert.equal(I.toBig(out[0], out[1]), 0x7788n);
  I.signExtend(out, 0x80, 8);
  assert.equal(I.toBig(out[0], out[1]), 0xffffffffffffff80n);
  I.signExtend(out, 0x7fff, 16);
  assert.equal(I.toBig(out[0], out[1]), 0x7fffn);
  I.signExtend(out, 0x80000000, 32);
  assert.equal(I.toBig(out[0], out[1]), 0xffffffff80000000n);
});
