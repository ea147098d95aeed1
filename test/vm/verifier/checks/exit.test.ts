// Unit tests for src-vm/verifier/checks/exit.ts: check_return_code's test of
// R0 against a range and the kernel's message for each kind of value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReturnRange } from '../../../../src-vm/verifier/checks/exit';
import { constScalar, pointerReg, unknownScalar, type RegState } from '../../../../src-vm/verifier/regState';

const AT = 'At program exit the register R0';

/** A scalar known to be in [0, 2^32-1] (a zero-extended 32-bit load). */
function u32Scalar(): RegState {
  const r = unknownScalar();
  r.s.umaxHi = 0; r.s.umaxLo = 0xffffffff; r.s.sminHi = 0; r.s.sminLo = 0; r.s.smaxHi = 0; r.s.smaxLo = 0xffffffff;
  return r;
}

const CASES: [string, RegState, [number, number], string | undefined][] = [
  ['constant inside', constScalar(1n), [0, 1], undefined],
  ['constant at the top of [0, 3]', constScalar(3n), [0, 3], undefined],
  ['constant above', constScalar(2n), [0, 1], `${AT} has smin=2 smax=2 should have been in [0, 1]`],
  ['negative constant', constScalar(-1n), [0, 1], `${AT} has smin=-1 smax=-1 should have been in [0, 1]`],
  ['zero where only 1 is allowed', constScalar(0n), [1, 1], `${AT} has smin=0 smax=0 should have been in [1, 1]`],
  ['unknown scalar', unknownScalar(), [0, 1], `${AT} has unknown scalar value should have been in [0, 1]`],
  ['zero-extended u32', u32Scalar(), [0, 1], `${AT} has smin=0 smax=4294967295 should have been in [0, 1]`],
  ['ctx pointer', pointerReg('ctx'), [0, 1], `${AT} is not a known value (ctx)`],
];

for (const [name, r0, [min, max], message] of CASES) {
  test(`return range: ${name}`, () => {
    const err = checkReturnRange(r0, { min, max }, 7);
    assert.equal(err?.message, message);
    if (err) assert.equal(err.insnIdx, 7);
  });
}
