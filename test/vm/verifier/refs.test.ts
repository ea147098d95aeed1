// Reference tracking (src-vm/verifier/refs.ts): acquiring numbers references
// from the id generator, releasing turns every copy (registers and spills, in
// every frame) into an unknown scalar, and leaks are reported with the
// kernel's lines, one per reference, plus what would leak them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerifyEnv } from '../../../src-vm/verifier/env';
import { acquireReference, checkReferenceLeak, releaseReference, unreleasedReferenceLines } from '../../../src-vm/verifier/refs';
import { pointerReg } from '../../../src-vm/verifier/regState';
import { initialState } from '../../../src-vm/verifier/state';
import { spillRegister } from '../../../src-vm/verifier/stackState';

function env(): VerifyEnv {
  return { insns: [], progType: 'sched_cls', maps: [], idGen: 0, forks: [] };
}

function sockWithRef(id: number): ReturnType<typeof pointerReg> {
  const r = pointerReg('sock');
  r.refObjId = id;
  return r;
}

test('acquiring draws ids from the generator and remembers the instruction', () => {
  const e = env(), st = initialState();
  e.idGen = 1;
  assert.equal(acquireReference(e, st, 8), 2);
  assert.equal(acquireReference(e, st, 12), 3);
  assert.deepEqual(st.refs, [{ id: 2, insnIdx: 8 }, { id: 3, insnIdx: 12 }]);
});

test('releasing invalidates every register and spilled copy holding the reference, and only those', () => {
  const e = env(), st = initialState();
  const id = acquireReference(e, st, 0);
  const other = acquireReference(e, st, 1);
  st.cur.regs[0] = sockWithRef(id);
  st.cur.regs[6] = sockWithRef(id);
  st.cur.regs[7] = sockWithRef(other);
  spillRegister(st.cur.stack, -8, sockWithRef(id), 8);
  assert.equal(releaseReference(st, id), true);
  assert.equal(st.cur.regs[0].type, 'scalar');
  assert.equal(st.cur.regs[6].type, 'scalar');
  assert.equal(st.cur.stack.spills[0]?.type, 'scalar');
  assert.equal(st.cur.regs[7].type, 'sock');
  assert.deepEqual(st.refs.map((r) => r.id), [other]);
});

test('releasing what is not held (or no reference at all) fails and changes nothing', () => {
  const e = env(), st = initialState();
  acquireReference(e, st, 0);
  assert.equal(releaseReference(st, 0), false);
  assert.equal(releaseReference(st, 42), false);
  assert.equal(st.refs.length, 1);
});

test('leaks: one kernel line per reference, then what would leak them', () => {
  const e = env(), st = initialState();
  assert.equal(checkReferenceLeak(st, 5), undefined);
  acquireReference(e, st, 3);
  acquireReference(e, st, 4);
  assert.deepEqual(unreleasedReferenceLines(st), ['Unreleased reference id=1 alloc_insn=3', 'Unreleased reference id=2 alloc_insn=4']);
  const atExit = checkReferenceLeak(st, 9);
  assert.equal(atExit?.insnIdx, 9);
  assert.equal(atExit?.message, 'Unreleased reference id=1 alloc_insn=3');
  assert.deepEqual(atExit?.trail, ['Unreleased reference id=2 alloc_insn=4']);
  const atTailCall = checkReferenceLeak(st, 9, 'tail_call');
  assert.deepEqual(atTailCall?.trail, ['Unreleased reference id=2 alloc_insn=4', 'tail_call would lead to reference leak']);
});
