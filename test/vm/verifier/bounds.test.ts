// bounds.ts and boundsCoerce.ts: reg_bounds_sync never loses a member and
// leaves consistent ranges; the deductions the kernel documents (32 from 64,
// 64 from 32, sign-boundary overlaps, a single value shared by tnum and range)
// give the documented results; width changes are sound; invariant checks fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  boundsSync, checkInvariants, markKnown, markKnown32, markUnknown, Scalar, scalarClone, scalarContains, scalarEquals,
  scalarFromBig, scalarToBig, type ScalarBig,
} from '../../../src-vm/verifier/bounds';
import { coerceSubregToSizeSx, coerceToSize, coerceToSizeSx, zext32To64 } from '../../../src-vm/verifier/boundsCoerce';
import { formatScalar } from '../../../src-vm/verifier/scalarPrint';
import { contains, hi, lo, randomValue, Rng, scalarAround, U64, u64 } from './scalarKit';

const UNBOUNDED: ScalarBig = {
  value: 0n, mask: U64, smin: -(1n << 63n), smax: (1n << 63n) - 1n, umin: 0n, umax: U64,
  s32Min: -0x80000000, s32Max: 0x7fffffff, u32Min: 0, u32Max: 0xffffffff,
};

function synced(partial: Partial<ScalarBig>): ScalarBig {
  const s = scalarFromBig({ ...UNBOUNDED, ...partial });
  boundsSync(s);
  return scalarToBig(s);
}

test('reg_bounds_sync keeps every member and leaves consistent ranges', () => {
  const rng = new Rng(3);
  for (let k = 0; k < 20000; k++) {
    const x = randomValue(rng);
    const s = scalarAround(rng, x); // builds a random state around x, syncs it and checks x is still in
    assert.equal(checkInvariants(s), undefined, formatScalar(s));
    const again = scalarClone(s);
    boundsSync(again);
    assert.ok(contains(again, x));
  }
});

test('32-bit bounds come from 64-bit ones whose upper halves agree', () => {
  const a = synced({ umin: 0x10000000an, umax: 0x10000000fn });
  assert.deepEqual([a.u32Min, a.u32Max, a.s32Min, a.s32Max], [0xa, 0xf, 0xa, 0xf]);
  const b = synced({ smin: -1n, smax: 1n });
  assert.deepEqual([b.s32Min, b.s32Max], [-1, 1]);
  const c = synced({ smin: BigInt.asIntN(64, 0xfffffff0fffffff0n), smax: BigInt.asIntN(64, 0xfffffff100000010n) });
  assert.deepEqual([c.s32Min, c.s32Max], [-16, 16]);
});

test('64-bit bounds tighten from 32-bit ones', () => {
  const a = synced({ umin: 0x100000000n, umax: 0x380000000n, s32Min: 1, s32Max: 0x7fffffff });
  assert.deepEqual([a.umin, a.umax], [0x100000001n, 0x37fffffffn]);
  // after a sign-extending load: upper bits all 0s or all 1s, low half non-negative
  const b = synced({ smin: BigInt.asIntN(64, 0xffffffff80000000n), smax: 0xffffffffn, s32Min: 0, s32Max: 0x7fffffff });
  assert.deepEqual([b.smin, b.smax, b.umin, b.umax], [0n, 0x7fffffffn, 0n, 0x7fffffffn]);
});

test('a u64 range meeting one side of a sign-crossing s64 range picks that side', () => {
  const a = synced({ smin: -5n, smax: 5n, umin: 1n, umax: 10n });
  assert.deepEqual([a.smin, a.smax, a.umin, a.umax], [1n, 5n, 1n, 5n]);
  const b = synced({ smin: -5n, smax: 5n, umin: u64(-10n), umax: u64(-2n) });
  assert.deepEqual([b.smin, b.smax, b.umin, b.umax], [-5n, -2n, u64(-5n), u64(-2n)]);
  const c = synced({ s32Min: -5, s32Max: 5, u32Min: 1, u32Max: 10 });
  assert.deepEqual([c.s32Min, c.s32Max, c.u32Min, c.u32Max], [1, 5, 1, 5]);
});

test('a range sharing one value with the tnum becomes that constant', () => {
  // Cilium's case: var_off (0xe00; 0x100) holds 0xe00 and 0xf00; [0xe01, 0xf00] leaves only 0xf00
  const a = synced({ value: 0xe00n, mask: 0x100n, umin: 0xe01n, umax: 0xf00n, smin: 0xe01n, smax: 0xf00n });
  assert.deepEqual([a.value, a.mask, a.umin, a.umax, a.u32Min], [0xf00n, 0n, 0xf00n, 0xf00n, 0xf00]);
  const b = synced({ value: 0x10n, mask: 0x300n, umin: 0x10n, umax: 0x100n });
  assert.deepEqual([b.value, b.mask], [0x10n, 0n], 'only the minimum lies in both');
  const c = synced({ value: 0x10n, mask: 0x300n, umin: 0x11n, umax: 0x200n });
  assert.deepEqual([c.value, c.mask], [0x110n, 0n], 'only a value in between lies in both');
});

test('marking known and unknown', () => {
  const s = new Scalar();
  markKnown(s, 0xffffffff, 0xfffffffe);
  assert.equal(formatScalar(s), '-2');
  assert.deepEqual([s.s32Min, s.u32Max], [-2, 0xfffffffe]);
  markKnown32(s, 7);
  assert.deepEqual([s.varOff.vHi, s.varOff.vLo, s.varOff.mLo, s.s32Max, s.u32Min], [0xffffffff, 7, 0, 7, 7]);
  markUnknown(s);
  assert.equal(formatScalar(s), 'scalar()');
  const b: ScalarBig = { ...UNBOUNDED, value: 0x10n, mask: 0xf00n, umin: 3n, smax: 99n, s32Min: -4, u32Max: 77 };
  assert.deepEqual(scalarToBig(scalarFromBig(b)), b);
  assert.ok(scalarEquals(scalarFromBig(b), scalarFromBig(b)));
});

test('zero extension, truncation and sign extension are sound', () => {
  const rng = new Rng(9);
  const sext = (v: bigint, bits: number): bigint => u64(BigInt.asIntN(bits, v & ((1n << BigInt(bits)) - 1n)));
  for (let k = 0; k < 5000; k++) {
    const x = randomValue(rng);
    let s = scalarAround(rng, x);
    zext32To64(s);
    boundsSync(s);
    assert.ok(contains(s, x & 0xffffffffn), `zext ${x}`);
    for (const size of [1, 2, 4]) {
      s = scalarAround(rng, x);
      coerceToSize(s, size);
      assert.ok(contains(s, x & ((1n << BigInt(8 * size)) - 1n)), `coerce ${size} ${x}: ${formatScalar(s)}`);
      s = scalarAround(rng, x);
      coerceToSizeSx(s, size);
      assert.ok(contains(s, sext(x, 8 * size)), `sign-extend ${size} ${x}: ${formatScalar(s)}`);
    }
    for (const size of [1, 2]) {
      s = scalarAround(rng, x);
      coerceSubregToSizeSx(s, size);
      zext32To64(s);
      boundsSync(s);
      assert.ok(contains(s, sext(x, 8 * size) & 0xffffffffn), `subreg sign-extend ${size} ${x}: ${formatScalar(s)}`);
    }
  }
});

test('sign extension of an unknown value gives the default ranges of its width', () => {
  const s = new Scalar();
  markUnknown(s);
  coerceToSizeSx(s, 1);
  assert.equal(formatScalar(s), 'scalar(smin=smin32=-128,smax=smax32=127)');
  markUnknown(s);
  coerceSubregToSizeSx(s, 2);
  zext32To64(s);
  boundsSync(s);
  assert.equal(formatScalar(s), 'scalar(smin=0,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))');
});

test('invariant checks name what is inconsistent', () => {
  assert.equal(checkInvariants(scalarFromBig({ ...UNBOUNDED, umin: 5n, umax: 4n })), 'range bounds violation');
  assert.equal(checkInvariants(scalarFromBig({ ...UNBOUNDED, s32Min: 1, s32Max: 0 })), 'range bounds violation');
  assert.equal(checkInvariants(scalarFromBig({ ...UNBOUNDED, mask: 0n, value: 3n })), 'const tnum out of sync with range bounds');
  const sub = scalarFromBig({ ...UNBOUNDED, mask: 0xffffffff00000000n, value: 3n });
  assert.equal(checkInvariants(sub), 'const subreg tnum out of sync with range bounds');
  assert.equal(checkInvariants(scalarFromBig(UNBOUNDED)), undefined);
  assert.ok(scalarContains(scalarFromBig(UNBOUNDED), hi(U64), lo(U64)));
});
