// Verifier states (src-vm/verifier/state.ts): the pruning test must be sound
// (an old state covers the current one only when every value the current one
// allows was allowed by the old), ids must map one to one, and copies are deep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markUnknown, Scalar, scalarConst } from '../../../src-vm/verifier/bounds';
import { constScalar, pointerReg, scalarReg, unknownScalar } from '../../../src-vm/verifier/regState';
import { formatState, initialState, stateClone, statesEqual, stateSubsumes } from '../../../src-vm/verifier/state';

function rangeReg(lo: number, hi: number): ReturnType<typeof scalarReg> {
  const s = new Scalar();
  markUnknown(s);
  s.uminHi = 0; s.uminLo = lo; s.umaxHi = 0; s.umaxLo = hi;
  s.sminHi = 0; s.sminLo = lo; s.smaxHi = 0; s.smaxLo = hi;
  s.u32Min = lo; s.u32Max = hi; s.s32Min = lo; s.s32Max = hi;
  s.varOff.mHi = 0; s.varOff.mLo = 0xff;
  return scalarReg(s);
}

test('the initial state prints as the kernel log starts', () => {
  assert.deepEqual(formatState(initialState()), ['R1=ctx()', 'R10=fp0']);
});

test('a wider scalar range covers a narrower one, never the reverse', () => {
  const wide = initialState(), narrow = initialState();
  wide.cur.regs[2] = rangeReg(0, 200);
  narrow.cur.regs[2] = rangeReg(10, 20);
  assert.ok(stateSubsumes(wide, narrow));
  assert.ok(!stateSubsumes(narrow, wide));
});

test('an uninitialised register in the old state covers anything', () => {
  const old = initialState(), cur = initialState();
  cur.cur.regs[3] = unknownScalar();
  assert.ok(stateSubsumes(old, cur));
  assert.ok(!stateSubsumes(cur, old));
});

test('pointers must match in type and offset; packet range may only grow', () => {
  const old = initialState(), cur = initialState();
  old.cur.regs[2] = pointerReg('pkt'); old.cur.regs[2].range = 8;
  cur.cur.regs[2] = pointerReg('pkt'); cur.cur.regs[2].range = 14;
  assert.ok(stateSubsumes(old, cur));
  assert.ok(!stateSubsumes(cur, old));
  cur.cur.regs[2].off = 4;
  assert.ok(!stateSubsumes(old, cur));
});

test('linked scalar ids map one to one', () => {
  const old = initialState(), cur = initialState();
  for (const st of [old, cur]) { st.cur.regs[2] = unknownScalar(); st.cur.regs[3] = unknownScalar(); }
  old.cur.regs[2].id = 1; old.cur.regs[3].id = 1;
  cur.cur.regs[2].id = 5; cur.cur.regs[3].id = 5;
  assert.ok(stateSubsumes(old, cur));
  cur.cur.regs[3].id = 6;
  assert.ok(!stateSubsumes(old, cur), 'old links r2 and r3, cur does not');
});

test('stack slots are compared byte by byte and spills by register', () => {
  const old = initialState(), cur = initialState();
  for (const st of [old, cur]) { st.cur.stack.allocated = 8; }
  old.cur.stack.types.fill(2, 504, 512);
  cur.cur.stack.types.fill(3, 504, 512);
  assert.ok(stateSubsumes(old, cur), 'zero bytes are misc bytes');
  assert.ok(!stateSubsumes(cur, old), 'misc bytes are not known zero');
});

test('clones are deep; statesEqual sees any difference', () => {
  const a = initialState();
  a.cur.regs[0] = constScalar(3n);
  const b = stateClone(a);
  assert.ok(statesEqual(a, b));
  b.cur.regs[0].s = scalarConst(4n);
  assert.ok(!statesEqual(a, b));
  assert.equal(formatState(a)[0], 'R0=3');
});
