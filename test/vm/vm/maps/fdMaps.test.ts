// Maps that hold kernel objects (src-vm/vm/maps/fdArray.ts, progArray.ts,
// perfEventArray.ts, mapInMap.ts): tail-call targets, perf event output
// routing, and maps of maps with the kernel's inner-map compatibility rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOfIndex } from '../../../../src-vm/vm/maps/arrayMap';
import { MapRegistry } from '../../../../src-vm/vm/maps/index';
import { ArrayOfMaps, HashOfMaps } from '../../../../src-vm/vm/maps/mapInMap';
import { BPF_F_CURRENT_CPU, PerfEventArray } from '../../../../src-vm/vm/maps/perfEventArray';
import { ProgArrayMap } from '../../../../src-vm/vm/maps/progArray';
import { BPF_EXIST, BPF_NOEXIST, MAP_F, type MapDef } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EBADF, EEXIST, EINVAL, ENOENT, ENOTSUPP, EOPNOTSUPP } from '../../../../src-vm/vm/maps/errno';

const u32 = (n: number): Uint8Array => keyOfIndex(n);

test('prog_array: user space writes program ids with BPF_ANY only; tail calls past the end or to empty slots fall through', () => {
  const m = new ProgArrayMap({ type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 3 }, { nCpus: 1, programExists: (id) => id === 42 });
  assert.equal(m.sysUpdate(u32(1), u32(42)), 0);
  assert.equal(m.sysUpdate(u32(1), u32(42), BPF_NOEXIST), -EINVAL);
  assert.equal(m.sysUpdate(u32(2), u32(7)), -EBADF);
  assert.equal(m.sysUpdate(u32(3), u32(42)), -E2BIG);
  assert.equal(m.tailCallTarget(1), 42);
  assert.equal(m.tailCallTarget(0), undefined);
  assert.equal(m.tailCallTarget(3n), undefined);
  assert.deepEqual([...m.sysLookup(u32(1)).value!], [42, 0, 0, 0]);
  assert.equal(m.sysLookup(u32(0)).err, -ENOENT);
  assert.equal(m.lookup(u32(1)), null, 'programs cannot look up a prog_array');
  assert.equal(m.sysDelete(u32(0)), -ENOENT);
  assert.equal(m.sysDelete(u32(5)), -E2BIG);
  assert.equal(m.sysDelete(u32(1)), 0);
});

test('perf_event_array: output goes to the indexed or current CPU\'s event, with the kernel\'s errors', () => {
  const m = new PerfEventArray({ type: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 2 }, { nCpus: 2 });
  assert.equal(m.output(0, Uint8Array.of(1)), -ENOENT);
  m.set(0, { id: 10, cpu: 0 });
  m.set(1, { id: 11, cpu: 1 });
  assert.equal(m.output(BPF_F_CURRENT_CPU, Uint8Array.of(1), 1), 0);
  assert.equal(m.output(0, Uint8Array.of(2), 0), 0);
  assert.equal(m.output(0, Uint8Array.of(3), 1), -EOPNOTSUPP, 'the event counts on CPU 0');
  assert.equal(m.output(2, Uint8Array.of(4)), -E2BIG);
  assert.deepEqual(m.drain().map((s) => [s.index, s.cpu, s.data[0]]), [[1, 1, 1], [0, 0, 2]]);
  assert.equal(m.samples.length, 0);
  assert.equal(m.sysLookup(u32(0)).err, -ENOTSUPP, 'user space cannot read perf events back');
});

test('maps of maps: inner maps must match the template; unknown ids are EBADF; lookups give the map or its id', () => {
  const reg = new MapRegistry({ nCpus: 1 });
  const inner: MapDef = { type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 };
  const a = reg.create(inner).value!;
  const b = reg.create({ ...inner, maxEntries: 5 }).value!;
  const h = reg.create({ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 }).value!;
  const outer = reg.create({ type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, innerMap: inner }).value as ArrayOfMaps;
  assert.equal(outer.sysUpdate(u32(0), u32(a.id)), 0);
  assert.equal(outer.sysUpdate(u32(1), u32(b.id)), -EINVAL, 'array inner maps must have the same max_entries');
  assert.equal(outer.sysUpdate(u32(1), u32(h.id)), -EINVAL);
  assert.equal(outer.sysUpdate(u32(1), u32(99)), -EBADF);
  assert.equal(outer.lookupInner(u32(0)), a);
  assert.deepEqual([...outer.sysLookup(u32(0)).value!], [a.id, 0, 0, 0]);
  const flexible = reg.create({ type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, innerMap: { ...inner, flags: MAP_F.INNER_MAP } }).value!;
  const c = reg.create({ ...inner, maxEntries: 9, flags: MAP_F.INNER_MAP }).value!;
  assert.equal(flexible.sysUpdate(u32(0), u32(c.id)), 0, 'BPF_F_INNER_MAP allows any max_entries');
});

test('hash of maps: the hash map\'s flags and limits, inner maps as values', () => {
  const reg = new MapRegistry({ nCpus: 1 });
  const inner: MapDef = { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 8 };
  const x = reg.create(inner).value!;
  const y = reg.create(inner).value!;
  const outer = reg.create({ type: 'hash_of_maps', keySize: 8, valueSize: 4, maxEntries: 1, innerMap: inner }).value as HashOfMaps;
  const key = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  assert.equal(outer.sysUpdate(key, u32(x.id), BPF_EXIST), -ENOENT);
  assert.equal(outer.sysUpdate(key, u32(x.id)), 0);
  assert.equal(outer.sysUpdate(key, u32(y.id), BPF_NOEXIST), -EEXIST);
  assert.equal(outer.sysUpdate(Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9), u32(y.id)), -E2BIG);
  assert.equal(outer.sysUpdate(key, u32(y.id)), 0);
  assert.equal(outer.lookupInner(key), y);
  assert.deepEqual([...outer.sysLookup(key).value!], [y.id, 0, 0, 0]);
  assert.equal(outer.getNextKey(null).key![0], 1);
  assert.equal(outer.delete(key), 0);
  assert.equal(outer.lookupInner(key), null);
});
