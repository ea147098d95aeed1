// Register states (src-vm/verifier/regState.ts): the log text of each
// register type as the kernel prints it (print_reg_state), copies and equality.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markUnknown, Scalar } from '../../../src-vm/verifier/bounds';
import { constScalar, formatReg, pointerReg, regClone, regEquals, unknownScalar } from '../../../src-vm/verifier/regState';

const MAP = { name: 'hmap', type: 'hash', keySize: 4, valueSize: 16, maxEntries: 16 };

test('formatReg prints every register type as the kernel does', () => {
  const pkt = pointerReg('pkt', 14);
  pkt.range = 14;
  const pktEnd = pointerReg('pkt');
  pktEnd.range = -2;
  const mapValue = pointerReg('map_value');
  mapValue.map = MAP;
  mapValue.maybeNull = true;
  mapValue.id = 3;
  const mapPtr = pointerReg('map_ptr');
  mapPtr.map = MAP;
  const mem = pointerReg('mem');
  mem.memSize = 8;
  const cases: [string, string][] = [
    [formatReg(pointerReg('ctx')), 'ctx()'],
    [formatReg(pointerReg('stack')), 'fp0'],
    [formatReg(pointerReg('stack', -8)), 'fp-8'],
    [formatReg(pkt), 'pkt(off=14,r=14)'],
    [formatReg(pktEnd), 'pkt(r=0xfffffffffffffffe)'],
    [formatReg(pointerReg('pkt_end')), 'pkt_end()'],
    [formatReg(mapValue), 'map_value_or_null(id=3,map=hmap,ks=4,vs=16)'],
    [formatReg(mapPtr), 'map_ptr(map=hmap,ks=4,vs=16)'],
    [formatReg(mem), 'mem(sz=8)'],
    [formatReg(constScalar(42n)), '42'],
    [formatReg(unknownScalar()), 'scalar()'],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

test('a pointer with a variable offset prints its bounds', () => {
  const r = pointerReg('pkt');
  const s = new Scalar();
  markUnknown(s);
  s.uminHi = 0; s.uminLo = 0; s.umaxHi = 0; s.umaxLo = 255;
  s.sminHi = 0; s.sminLo = 0; s.smaxHi = 0; s.smaxLo = 255;
  s.varOff.mHi = 0; s.varOff.mLo = 255;
  s.u32Max = 255; s.s32Min = 0; s.s32Max = 255;
  r.s = s;
  r.id = 2;
  assert.equal(formatReg(r), 'pkt(id=2,r=0,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
});

test('regClone copies deeply and regEquals compares every field', () => {
  const a = pointerReg('map_value', 8);
  a.map = MAP;
  const b = regClone(a);
  assert.ok(regEquals(a, b));
  b.s.umaxLo = 7;
  assert.notEqual(a.s.umaxLo, 7);
  assert.ok(!regEquals(a, b));
  const c = regClone(a);
  c.off = 16;
  assert.ok(!regEquals(a, c));
});
