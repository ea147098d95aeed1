// Unit tests for src-vm/verifier/checks/spinLock.ts: process_spin_lock's
// checks and messages in order, the special fields a load, store or helper may
// not touch, what a held lock forbids, and the lock's place in the printed refs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCallUnderLock, checkLockHeld, checkResourceLeak, checkSpecialFields, mayPointToSpinLock, processSpinLock,
} from '../../../../src-vm/verifier/checks/spinLock';
import { markUnknown } from '../../../../src-vm/verifier/bounds';
import { type MapRef, pointerReg, type RegState } from '../../../../src-vm/verifier/regState';
import { formatRefs, FuncState, initialState, type VerifierState } from '../../../../src-vm/verifier/state';

const LOCKED: MapRef = { name: 'lockarr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, valueFields: [{ kind: 'spin_lock', offset: 8 }] };
const OTHER: MapRef = { ...LOCKED, name: 'other' };
const PLAIN: MapRef = { name: 'plain', type: 'hash', keySize: 4, valueSize: 16, maxEntries: 4, valueFields: [] };
const TIMED: MapRef = { name: 'timed', type: 'array', keySize: 4, valueSize: 24, maxEntries: 1, valueFields: [{ kind: 'timer', offset: 8 }] };

function value(map: MapRef, off: number, id = 1): RegState {
  const r = pointerReg('map_value', off);
  r.map = map;
  r.id = id;
  return r;
}

function withR1(r: RegState): VerifierState {
  const st = initialState();
  st.cur.regs[1] = r;
  return st;
}

test('lock then unlock of the same value', () => {
  const st = withR1(value(LOCKED, 8, 3));
  assert.equal(processSpinLock(st, 5, 1, true), undefined);
  assert.deepEqual(st.lock, { map: LOCKED, id: 3 });
  assert.equal(processSpinLock(st, 6, 1, false), undefined);
  assert.equal(st.lock, undefined);
});

const REFUSALS: [string, RegState, boolean, VerifierState['lock'], string][] = [
  ['variable offset', (() => { const r = value(LOCKED, 8); markUnknown(r.s); return r; })(), true, undefined,
    "R1 doesn't have constant offset. bpf_spin_lock has to be at the constant offset"],
  ['value without a lock', value(PLAIN, 0), true, undefined, "map 'plain' has no valid bpf_spin_lock"],
  ['offset not at the lock', value(LOCKED, 0), true, undefined, "off 0 doesn't point to 'struct bpf_spin_lock' that is at 8"],
  ['second lock', value(LOCKED, 8, 2), true, { map: LOCKED, id: 1 }, 'Locking two bpf_spin_locks are not allowed'],
  ['unlock without lock', value(LOCKED, 8), false, undefined, 'bpf_spin_unlock without taking a lock'],
  ['unlock of another value', value(LOCKED, 8, 2), false, { map: LOCKED, id: 1 }, 'bpf_spin_unlock of different lock'],
  ['unlock of another map', value(OTHER, 8, 1), false, { map: LOCKED, id: 1 }, 'bpf_spin_unlock of different lock'],
];

for (const [name, reg, isLock, held, message] of REFUSALS) {
  test(`process_spin_lock refuses: ${name}`, () => {
    const st = withR1(reg);
    st.lock = held;
    assert.equal(processSpinLock(st, 9, 1, isLock)?.message, message);
  });
}

const FIELD_ACCESS: [string, MapRef, number, number, string | undefined][] = [
  ['before the lock', LOCKED, 0, 8, undefined],
  ['the lock', LOCKED, 8, 4, 'bpf_spin_lock cannot be accessed directly by load/store'],
  ['overlapping the lock from below', LOCKED, 4, 8, 'bpf_spin_lock cannot be accessed directly by load/store'],
  ['right after the lock', LOCKED, 12, 4, undefined],
  ['a timer', TIMED, 16, 8, 'bpf_timer cannot be accessed directly by load/store'],
  ['no special fields', PLAIN, 0, 16, undefined],
];

for (const [name, map, off, size, message] of FIELD_ACCESS) {
  test(`special fields: ${name}`, () => {
    assert.equal(checkSpecialFields(3, value(map, 0), off, size)?.message, message);
  });
}

test('a held lock: only bpf_spin_unlock and bpf-to-bpf calls, no exit or LD_ABS', () => {
  const st = initialState();
  const call = (src: number, imm: number) => checkCallUnderLock(st, 1, { code: 0x85, dst: 0, src, off: 0, imm });
  assert.equal(call(0, 7), undefined);
  st.lock = { map: LOCKED, id: 1 };
  assert.equal(call(0, 7)?.message, 'function calls are not allowed while holding a lock');
  assert.equal(call(0, 94), undefined);
  assert.equal(call(1, 3), undefined);
  assert.equal(checkLockHeld(st, 2, 'BPF_EXIT instruction in main prog')?.message,
    'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region');
  assert.equal(checkResourceLeak(st, 2, 'tail_call')?.message, 'tail_call cannot be used inside bpf_spin_lock-ed region');
});

test('references count at a tail call only in the main frame', () => {
  const st = initialState();
  st.refs.push({ id: 4, insnIdx: 2 });
  assert.deepEqual(checkResourceLeak(st, 9, 'tail_call')?.trail, ['tail_call would lead to reference leak']);
  st.frames.push(new FuncState(1, 5));
  assert.equal(checkResourceLeak(st, 9, 'tail_call'), undefined);
});

test('lock maps keep value ids; the lock is printed last among refs', () => {
  assert.equal(mayPointToSpinLock(value(LOCKED, 0)), true);
  assert.equal(mayPointToSpinLock(value(PLAIN, 0)), false);
  const st = initialState();
  st.refs.push({ id: 2, insnIdx: 1 });
  st.lock = { map: LOCKED, id: 5 };
  assert.equal(formatRefs(st), 'refs=2,5');
  st.lock = { map: LOCKED, id: 0 }; // a value from an lddw: no id to print
  assert.equal(formatRefs(st), 'refs=2');
});
