// Stack slots (src-vm/verifier/stackState.ts): spills, partial overwrites,
// zero and misc bytes, growth, and the printed form (`fp-8=...`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatStack, fullSpill, growStack, markBytes, Slot, slotOf, spillRegister, stackClone, stackEquals, StackState,
} from '../../../src-vm/verifier/stackState';
import { constScalar, pointerReg } from '../../../src-vm/verifier/regState';

test('a full spill keeps the register and prints it', () => {
  const st = new StackState();
  growStack(st, -8);
  spillRegister(st, -8, pointerReg('ctx'), 8);
  assert.equal(fullSpill(st, slotOf(-8))?.type, 'ctx');
  assert.deepEqual(formatStack(st, 0), ['fp-8=ctx()']);
  assert.equal(st.allocated, 8);
});

test('overwriting part of a spill leaves misc bytes and forgets the register', () => {
  const st = new StackState();
  growStack(st, -8);
  spillRegister(st, -8, pointerReg('ctx'), 8);
  markBytes(st, -8, 4, Slot.Zero);
  assert.equal(fullSpill(st, 0), undefined);
  assert.deepEqual(formatStack(st, 0), ['fp-8=mmmm0000']);
});

test('a narrow scalar spill marks only its bytes as spilled', () => {
  const st = new StackState();
  growStack(st, -16);
  spillRegister(st, -16, constScalar(1n), 4);
  assert.deepEqual(Array.from(st.types.subarray(512 - 16, 512 - 8)), [1, 1, 1, 1, 2, 2, 2, 2].map((t) => t as Slot));
  assert.equal(fullSpill(st, slotOf(-16)), undefined);
});

test('clones are independent and compare equal until changed', () => {
  const st = new StackState();
  growStack(st, -24);
  markBytes(st, -24, 8, Slot.Misc);
  const c = stackClone(st);
  assert.ok(stackEquals(st, c));
  markBytes(c, -24, 1, Slot.Zero);
  assert.ok(!stackEquals(st, c));
  assert.deepEqual(formatStack(st, 0), ['fp-24=mmmmmmmm']);
});
