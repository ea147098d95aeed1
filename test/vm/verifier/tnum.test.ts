// tnum.ts: every operation against a BigInt transcription of the kernel's
// formula on random 64-bit tnums (exactness of the 32-bit-halves arithmetic),
// soundness against brute force on all 4-bit tnums, and tnum_range /
// tnum_step against their definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../src-vm/verifier/tnum';
import { out64 } from '../../../src-vm/verifier/word64';
import { hi, lo, randomValue, Rng, U64, u64 } from './scalarKit';

interface Big { v: bigint; m: bigint }

const mk = (b: Big): T.Tnum => new T.Tnum(hi(b.v), lo(b.v), hi(b.m), lo(b.m));
const big = (t: T.Tnum): Big => ({ v: (BigInt(t.vHi) << 32n) | BigInt(t.vLo), m: (BigInt(t.mHi) << 32n) | BigInt(t.mLo) });
const show = (b: Big): string => `(0x${b.v.toString(16)}; 0x${b.m.toString(16)})`;

function randomTnum(rng: Rng): Big {
  const m = rng.chance(0.2) ? 0n : rng.chance(0.1) ? U64 : randomValue(rng) & randomValue(rng);
  return { v: randomValue(rng) & ~m, m };
}

// The kernel's formulas (kernel/bpf/tnum.c, Linux 6.18), in BigInt.
const ref = {
  add: (a: Big, b: Big): Big => {
    const sm = u64(a.m + b.m), sv = u64(a.v + b.v), sigma = u64(sm + sv);
    const mu = (sigma ^ sv) | a.m | b.m;
    return { v: sv & ~mu & U64, m: mu };
  },
  sub: (a: Big, b: Big): Big => {
    const dv = u64(a.v - b.v), alpha = u64(dv + a.m), beta = u64(dv - b.m);
    const mu = (alpha ^ beta) | a.m | b.m;
    return { v: dv & ~mu & U64, m: mu };
  },
  and: (a: Big, b: Big): Big => {
    const v = a.v & b.v;
    return { v, m: (a.v | a.m) & (b.v | b.m) & ~v & U64 };
  },
  or: (a: Big, b: Big): Big => ({ v: a.v | b.v, m: (a.m | b.m) & ~(a.v | b.v) & U64 }),
  xor: (a: Big, b: Big): Big => ({ v: (a.v ^ b.v) & ~(a.m | b.m) & U64, m: a.m | b.m }),
  union: (a: Big, b: Big): Big => {
    const mu = (a.v ^ b.v) | a.m | b.m;
    return { v: a.v & b.v & ~mu & U64, m: mu };
  },
  intersect: (a: Big, b: Big): Big => ({ v: (a.v | b.v) & ~(a.m & b.m) & U64, m: a.m & b.m }),
  mul: (a: Big, b: Big): Big => {
    let acc: Big = { v: 0n, m: 0n };
    while (a.v || a.m) {
      if (a.v & 1n) acc = ref.add(acc, b);
      else if (a.m & 1n) acc = ref.union(acc, ref.add(acc, b));
      a = { v: a.v >> 1n, m: a.m >> 1n };
      b = { v: u64(b.v << 1n), m: u64(b.m << 1n) };
    }
    return acc;
  },
};

const BINARY: [string, (o: T.Tnum, a: T.Tnum, b: T.Tnum) => T.Tnum, (a: Big, b: Big) => Big][] = [
  ['add', T.tnumAdd, ref.add], ['sub', T.tnumSub, ref.sub], ['and', T.tnumAnd, ref.and], ['or', T.tnumOr, ref.or],
  ['xor', T.tnumXor, ref.xor], ['union', T.tnumUnion, ref.union], ['intersect', T.tnumIntersect, ref.intersect],
  ['mul', T.tnumMul, ref.mul],
];

for (const [name, fn, model] of BINARY) {
  test(`tnum ${name} equals the kernel's formula on random 64-bit tnums`, () => {
    const rng = new Rng(name.length * 7919);
    for (let k = 0; k < 3000; k++) {
      const a = randomTnum(rng), b = randomTnum(rng);
      const got = big(fn(new T.Tnum(), mk(a), mk(b)));
      assert.deepEqual(got, model(a, b), `${name}${show(a)}, ${show(b)}`);
      // the output may be one of the inputs
      const into = mk(a);
      assert.deepEqual(big(fn(into, into, mk(b))), got, `${name} in place`);
    }
  });
}

/** Every tnum over the low `bits` bits (upper bits known zero) and its members. */
function allSmall(bits: number): { t: Big; members: bigint[] }[] {
  const out: { t: Big; members: bigint[] }[] = [];
  for (let m = 0n; m < 1n << BigInt(bits); m++) {
    for (let v = 0n; v < 1n << BigInt(bits); v++) {
      if (v & m) continue;
      const members: bigint[] = [];
      for (let x = 0n; x < 1n << BigInt(bits); x++) if ((x & ~m) === v) members.push(x);
      out.push({ t: { v, m }, members });
    }
  }
  return out;
}

const contains = (t: Big, x: bigint): boolean => (x & ~t.m & U64) === t.v;

const CONCRETE: Record<string, (x: bigint, y: bigint) => bigint> = {
  add: (x, y) => u64(x + y), sub: (x, y) => u64(x - y), mul: (x, y) => u64(x * y),
  and: (x, y) => x & y, or: (x, y) => x | y, xor: (x, y) => x ^ y,
};

test('tnum arithmetic and bitwise ops are sound on every pair of 4-bit tnums', () => {
  const small = allSmall(4);
  for (const [name, fn] of BINARY) {
    const op = CONCRETE[name];
    if (!op) continue;
    for (const a of small) for (const b of small) {
      const r = big(fn(new T.Tnum(), mk(a.t), mk(b.t)));
      for (const x of a.members) for (const y of b.members) {
        assert.ok(contains(r, op(x, y)), `${name}: ${x} op ${y} = ${op(x, y)} not in ${show(r)} from ${show(a.t)}, ${show(b.t)}`);
      }
    }
  }
});

test('tnum neg, shifts, casts, byte swaps and subregister views match their definitions', () => {
  const rng = new Rng(11);
  for (let k = 0; k < 3000; k++) {
    const a = randomTnum(rng), n = rng.int(64), n32 = rng.int(32);
    const t = mk(a);
    assert.deepEqual(big(T.tnumNeg(new T.Tnum(), t)), ref.sub({ v: 0n, m: 0n }, a));
    assert.deepEqual(big(T.tnumLshift(new T.Tnum(), t, n)), { v: u64(a.v << BigInt(n)), m: u64(a.m << BigInt(n)) });
    assert.deepEqual(big(T.tnumRshift(new T.Tnum(), t, n)), { v: a.v >> BigInt(n), m: a.m >> BigInt(n) });
    const sar = (v: bigint): bigint => u64(BigInt.asIntN(64, v) >> BigInt(n));
    assert.deepEqual(big(T.tnumArshift(new T.Tnum(), t, n, false)), { v: sar(a.v), m: sar(a.m) });
    const low = (v: bigint): bigint => BigInt.asUintN(32, BigInt.asIntN(32, v) >> BigInt(n32));
    assert.deepEqual(big(T.tnumArshift(new T.Tnum(), t, n32, true)), { v: low(a.v), m: low(a.m) });
    for (const size of [1, 2, 4]) {
      const keep = (1n << BigInt(8 * size)) - 1n;
      assert.deepEqual(big(T.tnumCast(new T.Tnum(), t, size)), { v: a.v & keep, m: a.m & keep });
    }
    assert.deepEqual(big(T.tnumSubreg(new T.Tnum(), t)), { v: a.v & 0xffffffffn, m: a.m & 0xffffffffn });
    assert.deepEqual(big(T.tnumClearSubreg(new T.Tnum(), t)), { v: a.v & ~0xffffffffn & U64, m: a.m & ~0xffffffffn & U64 });
    const b = randomTnum(rng);
    assert.deepEqual(big(T.tnumWithSubreg(new T.Tnum(), t, mk(b))),
      { v: (a.v & ~0xffffffffn & U64) | (b.v & 0xffffffffn), m: (a.m & ~0xffffffffn & U64) | (b.m & 0xffffffffn) });
    const swap = (v: bigint, bytes: number): bigint => {
      let r = 0n;
      for (let i = 0; i < bytes; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
      return r;
    };
    assert.deepEqual(big(T.tnumBswap16(new T.Tnum(), t)), { v: swap(a.v, 2), m: swap(a.m, 2) });
    assert.deepEqual(big(T.tnumBswap32(new T.Tnum(), t)), { v: swap(a.v, 4), m: swap(a.m, 4) });
    assert.deepEqual(big(T.tnumBswap64(new T.Tnum(), t)), { v: swap(a.v, 8), m: swap(a.m, 8) });
  }
});

test('tnum predicates: overlap, in, constness, alignment', () => {
  const small = allSmall(3);
  for (const a of small) for (const b of small) {
    const shared = a.members.some((x) => b.members.includes(x));
    assert.equal(T.tnumOverlap(mk(a.t), mk(b.t)), shared, `overlap ${show(a.t)} ${show(b.t)}`);
    const sub = b.members.every((x) => a.members.includes(x));
    assert.equal(T.tnumIn(mk(a.t), mk(b.t)), sub, `in ${show(a.t)} ${show(b.t)}`);
  }
  assert.ok(T.tnumIsConst(new T.Tnum(1, 2, 0, 0)));
  assert.ok(T.tnumIsUnknown(new T.Tnum()));
  assert.ok(T.tnumEqualsConst(new T.Tnum(0, 42, 0, 0), 0, 42));
  assert.ok(T.tnumSubregIsConst(new T.Tnum(0, 42, 0xff, 0)));
  assert.ok(T.tnumIsAligned(new T.Tnum(0, 16, 0, 0x30), 16));
  assert.ok(!T.tnumIsAligned(new T.Tnum(0, 16, 0, 0x38), 16));
});

test('tnum_range is the common prefix of min and max, all of [min, max] inside', () => {
  for (let min = 0n; min < 40n; min++) for (let max = min; max < 40n; max++) {
    const r = big(T.tnumRange(new T.Tnum(), 0, Number(min), 0, Number(max)));
    for (let x = min; x <= max; x++) assert.ok(contains(r, x), `${x} not in range(${min}, ${max}) = ${show(r)}`);
    const bits = (min ^ max).toString(2).length - (min === max ? 1 : 0);
    assert.equal(r.m, (1n << BigInt(bits)) - 1n, `mask of range(${min}, ${max})`);
  }
  assert.deepEqual(big(T.tnumRange(new T.Tnum(), 0, 0, 0xffffffff, 0xffffffff)), { v: 0n, m: U64 });
  assert.deepEqual(big(T.tnumRange(new T.Tnum(), 1, 0, 1, 0xff)), { v: 0x100000000n, m: 0xffn });
});

test('tnum_step gives the smallest member above z, clamped to the members\' range', () => {
  for (const { t, members } of allSmall(5)) {
    const tmax = t.v | t.m;
    for (let z = 0n; z < 40n; z++) {
      T.tnumStep(mk(t), 0, Number(z));
      const got = (BigInt(out64.hi) << 32n) | BigInt(out64.lo);
      const expected = z >= tmax ? tmax : z < t.v ? t.v : members.find((x) => x > z);
      assert.equal(got, expected, `step(${show(t)}, ${z})`);
    }
  }
  // across the 32-bit halves
  T.tnumStep(new T.Tnum(0, 0xfffffff0, 1, 0xf), 0, 0xffffffff);
  assert.deepEqual([out64.hi, out64.lo], [1, 0xfffffff0]);
});
