// word64.ts against BigInt: comparisons (also with halves given as int32, as
// `|` and `&` produce them), add/sub/mul with the kernel's overflow checks,
// shifts and fls64, on edge and random operands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as W from '../../../src-vm/verifier/word64';
import { hi, lo, randomValue, Rng, s64, U64, u64 } from './scalarKit';

function pairs(): [bigint, bigint][] {
  const rng = new Rng(21);
  const out: [bigint, bigint][] = [];
  for (let k = 0; k < 5000; k++) out.push([randomValue(rng), randomValue(rng)]);
  return out;
}

const result = (): bigint => (BigInt(W.out64.hi) << 32n) | BigInt(W.out64.lo);

test('comparisons match BigInt, whatever the sign of the halves as JS numbers', () => {
  for (const [a, b] of pairs()) {
    for (const signedHalves of [false, true]) {
      const h = (v: bigint): number => (signedHalves ? hi(v) | 0 : hi(v));
      const l = (v: bigint): number => (signedHalves ? lo(v) | 0 : lo(v));
      assert.equal(W.ult(h(a), l(a), h(b), l(b)), a < b);
      assert.equal(W.ule(h(a), l(a), h(b), l(b)), a <= b);
      assert.equal(W.slt(h(a), l(a), h(b), l(b)), s64(a) < s64(b));
      assert.equal(W.sle(h(a), l(a), h(b), l(b)), s64(a) <= s64(b));
    }
  }
});

test('add, sub and mul give the wrapped result and the kernel\'s overflow flags', () => {
  const inS64 = (v: bigint): boolean => v >= -(1n << 63n) && v < 1n << 63n;
  for (const [a, b] of pairs()) {
    assert.equal(W.addU64(hi(a), lo(a), hi(b), lo(b)), a + b > U64);
    assert.equal(result(), u64(a + b));
    assert.equal(W.addS64(hi(a), lo(a), hi(b), lo(b)), !inS64(s64(a) + s64(b)));
    assert.equal(W.subU64(hi(a), lo(a), hi(b), lo(b)), a < b);
    assert.equal(result(), u64(a - b));
    assert.equal(W.subS64(hi(a), lo(a), hi(b), lo(b)), !inS64(s64(a) - s64(b)));
    assert.equal(W.mulU64(hi(a), lo(a), hi(b), lo(b)), a * b > U64);
    assert.equal(result(), u64(a * b));
    assert.equal(W.mulS64(hi(a), lo(a), hi(b), lo(b)), !inS64(s64(a) * s64(b)));
    W.mulLow64(hi(a), lo(a), hi(b), lo(b));
    assert.equal(result(), u64(a * b));
  }
});

test('shifts and fls64', () => {
  const rng = new Rng(4);
  for (const [a] of pairs()) {
    const n = rng.int(64);
    W.shl64(hi(a), lo(a), n); assert.equal(result(), u64(a << BigInt(n)));
    W.shr64(hi(a), lo(a), n); assert.equal(result(), a >> BigInt(n));
    W.sar64(hi(a), lo(a), n); assert.equal(result(), u64(s64(a) >> BigInt(n)));
    assert.equal(W.fls64(hi(a), lo(a)), a === 0n ? 0 : a.toString(2).length);
  }
  W.splitBig(-1n);
  assert.deepEqual([W.out64.hi, W.out64.lo], [0xffffffff, 0xffffffff]);
  assert.equal(W.toBigSigned(0xffffffff, 0xfffffffe), -2n);
  assert.equal(W.toBigUnsigned(0xffffffff, 0xfffffffe), U64 - 1n);
});
