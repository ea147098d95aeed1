// scalarPrint.ts: the kernel's number formats and the grouping of equal
// bounds, and a round trip (parse, then print) of scalar texts printed by the
// Linux 6.18.44 verifier, which must come back character for character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarFromBig } from '../../../src-vm/verifier/bounds';
import { parseRegValue } from '../../../src-vm/verifier/logParse';
import { formatScalar, formatScalarReg, formatSnum, formatTnum, formatUnum } from '../../../src-vm/verifier/scalarPrint';
import { Tnum } from '../../../src-vm/verifier/tnum';

test('numbers: decimal while small (U16 / S16), 0x-hex beyond, signed in their 64-bit pattern', () => {
  const cases: [bigint, string, string][] = [
    [0n, '0', '0'], [65535n, '65535', '0xffff'], [65536n, '0x10000', '0x10000'], [32767n, '32767', '32767'],
    [32768n, '32768', '0x8000'], [-1n, '0xffffffffffffffff', '-1'], [-32768n, '0xffffffffffff8000', '-32768'],
    [-32769n, '0xffffffffffff7fff', '0xffffffffffff7fff'],
  ];
  for (const [v, unum, snum] of cases) {
    assert.equal(formatUnum(v), unum, `unum ${v}`);
    assert.equal(formatSnum(v), snum, `snum ${v}`);
  }
  assert.equal(formatTnum(new Tnum(0, 0, 0, 0xff)), '(0x0; 0xff)');
  assert.equal(formatTnum(new Tnum(0, 7, 0, 0)), '7');
  assert.equal(formatTnum(new Tnum(1, 0, 0, 0)), '0x100000000');
});

test('equal bounds are grouped, but never a negative signed bound with an unsigned one', () => {
  const U64 = (1n << 64n) - 1n;
  const base = { value: 0n, mask: U64, smin: -(1n << 63n), smax: (1n << 63n) - 1n, umin: 0n, umax: U64,
    s32Min: -0x80000000, s32Max: 0x7fffffff, u32Min: 0, u32Max: 0xffffffff };
  assert.equal(formatScalar(scalarFromBig({ ...base, smin: 3n, umin: 3n, s32Min: 3, u32Min: 3 })), 'scalar(smin=umin=smin32=umin32=3)');
  // smin32 = -5 and umin = 2^64 - 5 share a bit pattern but not a sign
  assert.equal(formatScalar(scalarFromBig({ ...base, umin: U64 - 4n, s32Min: -5 })), 'scalar(umin=0xfffffffffffffffb,smin32=-5)');
  // s32 values outside S16 print as their 32-bit pattern, so they group with u32 ones
  assert.equal(formatScalar(scalarFromBig({ ...base, s32Min: -0x10000000, u32Min: 0xf0000000 })), 'scalar(smin32=umin32=0xf0000000)');
  assert.equal(formatScalar(scalarFromBig({ ...base, value: 0x10n, mask: 0xf00n })), 'scalar(var_off=(0x10; 0xf00))');
});

test('ids, linked deltas and precision marks', () => {
  const v = parseRegValue('scalar()');
  if (v.kind !== 'scalar') throw new Error('parse');
  assert.equal(formatScalar(v.scalar, { id: 2 }), 'scalar(id=2)');
  assert.equal(formatScalar(v.scalar, { id: 2, linkedDelta: 5 }), 'scalar(id=2+5)');
  assert.equal(formatScalar(v.scalar, { id: 3, linkedDelta: -7 }), 'scalar(id=3-7)');
  assert.equal(formatScalar(v.scalar, { id: 3, linkedDelta: 0 }), 'scalar(id=3+0)');
  assert.equal(formatScalar(v.scalar, { precise: true }), 'Pscalar()');
  const c = parseRegValue('P0x10000');
  if (c.kind !== 'scalar') throw new Error('parse');
  assert.equal(formatScalarReg(2, c.scalar, { precise: c.precise }), 'R2=P0x10000');
});

/** Scalars as the Linux 6.18.44 verifier printed them. */
const KERNEL_TEXTS = [
  '42', '-1', '0xfffff11f', '0x8000000000000000', '0x950a43d67e960f7d', '-368', '0', 'scalar()', 'scalar(id=1)',
  'scalar(id=2+5)', 'scalar(id=1-1304168462)', 'Pscalar(smin=smin32=-128,smax=smax32=127)',
  'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
  'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))',
  'scalar(smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=4083,var_off=(0x3; 0xff0))',
  'scalar(smin=0,smax=umax=0xffffffff,smin32=0xf0000000,smax32=0xfffffff,var_off=(0x0; 0xffffffff))',
  'scalar(smin=0xffffffff00000001,smax=0,smin32=0xf0000001,smax32=0x10000000)',
  'scalar(id=2,smin32=-5)', 'scalar(smin32=-505,smax32=0x7ffffff0)',
  'scalar(id=2,smin=0x8000000080000000,smax=0x7ffffffffffffffa,umin=umin32=0x80000000,umax=0xfffffffffffffffa,smax32=-6,umax32=0xfffffffa,var_off=(0x80000000; 0xffffffff7fffffff))',
  'scalar(smin=0,smax=umax=umax32=0xffff0000,smax32=0x7fff0000,var_off=(0x0; 0xffff0000))',
  'scalar(smin=0x8000000000000008,umin=umin32=8,smin32=0x80000008,var_off=(0x8; 0xfffffffffffffff7))',
  'scalar(smin=umin=umin32=127,smax=umax=umax32=0x8000007e,var_off=(0x0; 0xffffffff))',
  'scalar(smin=0xffffffff80000001,smax=0xffffffff8000001f,umin=0xffffffff80000001,umax=0xffffffff8000001f,smin32=umin32=0x80000001,smax32=umax32=0x8000001f,var_off=(0xffffffff80000000; 0x1f))',
  'scalar(smin=umin=umin32=0xfffffb0c,smax=umax=umax32=0xfffffd86,smin32=-1268,smax32=-634,var_off=(0xfffff804; 0x7fa))',
  'scalar(smin=smin32=-17955,smax=smax32=-675,umin=0xffffffffffffb9dd,umax=0xfffffffffffffd5d,umin32=0xffffb9dd,umax32=0xfffffd5d,var_off=(0xffffffffffff815d; 0x7c80))',
  'scalar(smin=umin=26543,smax=umax=0x7da364f007,smin32=0x80000007,smax32=0x7fffffaf,umin32=7,umax32=0xffffffaf,var_off=(0x7; 0x7fffffffa8))',
  'scalar(smin=0,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))',
  'scalar(smin=smin32=0,smax=smax32=-1)',
];

test('scalar texts printed by the kernel survive parse and print unchanged', () => {
  for (const text of KERNEL_TEXTS) {
    const v = parseRegValue(text);
    assert.equal(v.kind, 'scalar', text);
    if (v.kind !== 'scalar') continue;
    assert.equal(formatScalar(v.scalar, { id: v.id, linkedDelta: v.linkedDelta, precise: v.precise }), text);
  }
});
