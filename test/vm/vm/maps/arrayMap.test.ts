// Arrays (src-vm/vm/maps/arrayMap.ts): the kernel's answers for flags,
// bounds and delete, get_next_key in index order, per-CPU copies, stable
// value views for the interpreter, and global-data initial contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayMap, keyOfIndex } from '../../../../src-vm/vm/maps/arrayMap';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EEXIST, EINVAL, ENOENT } from '../../../../src-vm/vm/maps/errno';

const array = (valueSize = 4, maxEntries = 4): ArrayMap => new ArrayMap({ type: 'array', keySize: 4, valueSize, maxEntries }, { nCpus: 2 });

test('array updates: ANY and EXIST succeed, NOEXIST is EEXIST, past the end E2BIG, unknown flags EINVAL', () => {
  const m = array();
  const cases: [number, number | bigint, number][] = [
    [0, BPF_ANY, 0], [3, BPF_EXIST, 0], [1, BPF_NOEXIST, -EEXIST], [4, BPF_ANY, -E2BIG], [4, BPF_NOEXIST, -E2BIG],
    [0, 3, -EINVAL], [0, BPF_F_LOCK, -EINVAL], [0xffffffff, BPF_ANY, -E2BIG], [0, 1n << 40n, -EINVAL],
  ];
  for (const [index, flags, want] of cases) assert.equal(m.update(keyOfIndex(index), Uint8Array.of(1, 2, 3, 4), flags), want, `index ${index} flags ${flags}`);
});

test('array lookups: past the end is null (ENOENT from user space), delete is always EINVAL', () => {
  const m = array();
  assert.equal(m.lookup(keyOfIndex(4)), null);
  assert.equal(m.sysLookup(keyOfIndex(4)).err, -ENOENT);
  assert.deepEqual([...m.sysLookup(keyOfIndex(2)).value!], [0, 0, 0, 0], 'elements start zeroed');
  assert.equal(m.delete(keyOfIndex(0)), -EINVAL);
  assert.equal(m.sysDelete(keyOfIndex(9)), -EINVAL);
});

test('get_next_key walks indexes in order; no key or an index past the end restarts at 0', () => {
  const m = array(4, 3);
  const next = (key: number | null): string => {
    const r = m.getNextKey(key === null ? null : keyOfIndex(key));
    return r.err ? `err ${r.err}` : String(r.key![0]);
  };
  assert.deepEqual([next(null), next(0), next(1), next(2), next(3), next(0xffffffff)], ['0', '1', '2', 'err -2', '0', '0']);
  assert.deepEqual(m.entries().map((e) => e.key[0]), [0, 1, 2]);
});

test('lookup returns the same live view every time: a program\'s store is what user space reads', () => {
  const m = array(6);
  const view = m.lookup(keyOfIndex(1))!;
  assert.equal(view.length, 6);
  assert.equal(m.lookup(keyOfIndex(1)), view);
  view.set([9, 8, 7, 6, 5, 4]);
  assert.deepEqual([...m.sysLookup(keyOfIndex(1)).value!], [9, 8, 7, 6, 5, 4]);
  assert.equal(view.byteOffset % 8, 0, 'values sit in 8-byte-aligned slots');
});

test('per-CPU arrays: one copy per CPU; user space sees round_up(value_size, 8) bytes per CPU', () => {
  const m = new ArrayMap({ type: 'percpu_array', keySize: 4, valueSize: 3, maxEntries: 2 }, { nCpus: 2 });
  assert.equal(m.update(keyOfIndex(0), Uint8Array.of(1, 1, 1), BPF_ANY, 1), 0);
  assert.deepEqual([...m.lookup(keyOfIndex(0), 0)!], [0, 0, 0]);
  assert.deepEqual([...m.lookup(keyOfIndex(0), 1)!], [1, 1, 1]);
  assert.equal(m.sysValueSize, 16);
  assert.deepEqual([...m.sysLookup(keyOfIndex(0)).value!], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  assert.equal(m.sysUpdate(keyOfIndex(1), Uint8Array.of(2, 2, 2, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0)), 0);
  assert.deepEqual(m.entries()[1].perCpu!.map((v) => [...v]), [[2, 2, 2], [3, 3, 3]]);
  assert.equal(m.lookup(keyOfIndex(0), 2), null, 'bpf_map_lookup_percpu_elem on a CPU that does not exist');
  assert.equal(m.sysUpdate(keyOfIndex(1), new Uint8Array(16), BPF_NOEXIST), -EEXIST);
  assert.equal(m.sysUpdate(keyOfIndex(1), new Uint8Array(16), BPF_F_LOCK), -EINVAL);
});

test('bpf_for_each_map_elem visits every index (even zero ones) with its value', () => {
  const m = array(4, 3);
  m.update(keyOfIndex(2), Uint8Array.of(5, 0, 0, 0));
  const seen = [...m.elements()].map(({ key, value }) => `${key[0]}:${value[0]}`);
  assert.deepEqual(seen, ['0:0', '1:0', '2:5']);
  assert.ok(m.iterable);
});

test('a global-data map (.data/.rodata) starts with its section\'s bytes', () => {
  const m = new ArrayMap({ type: 'array', keySize: 4, valueSize: 5, maxEntries: 1, flags: 0x80 }, { nCpus: 1 });
  m.initialize(Uint8Array.of(104, 105, 33, 0, 7));
  assert.deepEqual([...m.valueView(0)], [104, 105, 33, 0, 7]);
  assert.equal(m.valueView(0), m.lookup(keyOfIndex(0)));
});
