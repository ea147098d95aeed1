// Unit tests for src-vm/verifier/mapValueFields.ts: which special fields the
// kernel would find in a map value's BTF (by struct name and size, nested
// structs, arrays, global-data sections), on hand-built BTF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBtf } from '../../../src-vm/elf/btf';
import { mapValueFields, type MapValueField } from '../../../src-vm/verifier/mapValueFields';
import { BtfBuilder } from '../elf/btfBuild';

/** Builds the types every row uses; returns the BTF and the ids of the candidate value types. */
function fixture() {
  const b = new BtfBuilder();
  const u32 = b.int('unsigned int', 4, false);
  const u64 = b.int('unsigned long long', 8, false);
  const lock = b.struct('bpf_spin_lock', 4, [['val', u32, 0]]);
  const timer = b.struct('bpf_timer', 16, [['a', u64, 0], ['b', u64, 64]]);
  const fakeTimer = b.struct('bpf_timer', 8, [['a', u64, 0]]);
  const ids = {
    plain: b.struct('plain', 16, [['a', u64, 0], ['b', u64, 64]]),
    locked: b.struct('locked', 16, [['n', u64, 0], ['lock', lock, 64]]),
    timed: b.struct('timed', 24, [['t', timer, 0], ['n', u64, 128]]),
    wrongSize: b.struct('wrong', 8, [['t', fakeTimer, 0]]),
    nested: 0, timers: 0, datasec: 0, scalar: u64,
  };
  ids.nested = b.struct('outer', 24, [['a', u64, 0], ['inner', ids.locked, 64]]);
  ids.timers = b.struct('timers', 32, [['t', b.array(timer, u32, 2), 0]]);
  const v = b.raw('VAR', 'glock', 0, false, lock, [1]);
  const w = b.raw('VAR', 'counter', 0, false, u64, [1]);
  ids.datasec = b.raw('DATASEC', '.data', 2, false, 16, [w, 0, 8, v, 8, 4]);
  return { btf: parseBtf(b.bytes()).value, ids };
}

const ROWS: [keyof ReturnType<typeof fixture>['ids'], MapValueField[]][] = [
  ['plain', []],
  ['locked', [{ kind: 'spin_lock', offset: 8 }]],
  ['timed', [{ kind: 'timer', offset: 0 }]],
  ['wrongSize', []],
  ['nested', [{ kind: 'spin_lock', offset: 16 }]],
  ['timers', [{ kind: 'timer', offset: 0 }, { kind: 'timer', offset: 16 }]],
  ['datasec', [{ kind: 'spin_lock', offset: 8 }]],
  ['scalar', []],
];

for (const [which, expect] of ROWS) {
  test(`map value fields: ${which}`, () => {
    const { btf, ids } = fixture();
    assert.deepEqual(mapValueFields(btf, ids[which]), expect);
  });
}

test('map value fields: none without BTF or for a bad type id', () => {
  assert.deepEqual(mapValueFields(undefined, 3), []);
  assert.deepEqual(mapValueFields(fixture().btf, 9999), []);
});
