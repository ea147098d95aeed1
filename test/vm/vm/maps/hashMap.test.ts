// The hash family (src-vm/vm/maps/hashMap.ts, lruList.ts). Orders and LRU
// survivors below were recorded from the live kernel (6.18, 2 possible CPUs,
// bpftool pinned to CPU 0) for BPF_F_ZERO_SEED maps; test/kernel/maps.test.ts
// checks thousands more operations against the kernel directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashMap } from '../../../../src-vm/vm/maps/hashMap';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, MAP_F, type MapDef } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EEXIST, EINVAL, ENOENT } from '../../../../src-vm/vm/maps/errno';

const TWO_CPUS = { nCpus: 2 };
const k = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, 0, 0);
const keysOf = (m: HashMap): number[] => m.entries().map((e) => e.key[0] | (e.key[1] << 8));

function hash(def: Partial<MapDef> = {}): HashMap {
  return new HashMap({ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, flags: MAP_F.ZERO_SEED, ...def }, TWO_CPUS);
}

test('a zero-seed hash map iterates in the kernel\'s bucket order, and an update moves the key to its bucket\'s head', () => {
  const m = hash();
  for (const i of [1, 2, 3, 4]) assert.equal(m.sysUpdate(k(i), k(i)), 0);
  assert.deepEqual(keysOf(m), [4, 2, 3, 1]);
  const afterUpdate: [number, number[]][] = [[1, [4, 2, 1, 3]], [2, [4, 2, 1, 3]], [3, [4, 2, 3, 1]], [4, [4, 2, 3, 1]]];
  for (const [key, order] of afterUpdate) {
    m.sysUpdate(k(key), k(0));
    assert.deepEqual(keysOf(m), order, `after updating ${key}`);
  }
  const big = hash({ maxEntries: 16 });
  for (let i = 1; i <= 16; i++) big.sysUpdate(k(i), k(i));
  assert.deepEqual(keysOf(big), [10, 4, 16, 15, 5, 14, 7, 2, 13, 1, 8, 12, 11, 9, 6, 3]);
  big.sysUpdate(k(1), k(0));
  assert.deepEqual(keysOf(big), [10, 4, 16, 15, 5, 14, 7, 2, 1, 13, 8, 12, 11, 9, 6, 3]);
});

test('update flags: NOEXIST on a present key is EEXIST, EXIST on an absent one ENOENT, unknown flags EINVAL', () => {
  const m = hash();
  assert.equal(m.update(k(1), k(1), BPF_EXIST), -ENOENT);
  assert.equal(m.update(k(1), k(1), BPF_NOEXIST), 0);
  assert.equal(m.update(k(1), k(2), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(k(1), k(3), BPF_EXIST), 0);
  assert.deepEqual([...m.lookup(k(1))!], [3, 0, 0, 0]);
  assert.equal(m.update(k(1), k(3), 3), -EINVAL);
  assert.equal(m.update(k(1), k(3), 8n), -EINVAL);
  assert.equal(m.update(k(1), k(3), BPF_F_LOCK), -EINVAL, 'BPF_F_LOCK needs a spin lock in the value');
});

test('a full preallocated map refuses new keys with E2BIG but still updates present ones; so does BPF_F_NO_PREALLOC', () => {
  for (const flags of [MAP_F.ZERO_SEED, MAP_F.ZERO_SEED | MAP_F.NO_PREALLOC]) {
    const m = hash({ flags });
    for (let i = 1; i <= 4; i++) assert.equal(m.update(k(i), k(i)), 0);
    assert.equal(m.update(k(9), k(9)), -E2BIG);
    assert.equal(m.update(k(2), k(20), BPF_ANY), 0);
    assert.equal(m.delete(k(3)), 0);
    assert.equal(m.delete(k(3)), -ENOENT);
    assert.equal(m.update(k(9), k(9)), 0);
    assert.equal(m.size, 4);
  }
});

test('lookup hands out a live view; an update of a preallocated element swaps in a spare, leaving old views stale', () => {
  const m = hash();
  m.update(k(1), k(1));
  const view = m.lookup(k(1))!;
  assert.equal(m.lookup(k(1)), view, 'the same element gives the same view');
  view[0] = 42;
  assert.deepEqual([...m.sysLookup(k(1)).value!], [42, 0, 0, 0]);
  m.update(k(1), k(7));
  assert.notEqual(m.lookup(k(1)), view, 'the kernel replaces the element on update');
  assert.equal(view[0], 42);
});

test('get_next_key: a missing key restarts from the first element; the last key ends with ENOENT', () => {
  const m = hash();
  for (const i of [1, 2, 3, 4]) m.update(k(i), k(i));
  const order: number[] = [];
  let key: Uint8Array | null = null;
  for (;;) {
    const next = m.getNextKey(key);
    if (next.err) { assert.equal(next.err, -ENOENT); break; }
    order.push(next.key![0]);
    key = next.key!;
  }
  assert.deepEqual(order, [4, 2, 3, 1]);
  assert.equal(m.getNextKey(k(77)).key![0], 4);
});

test('bpf_for_each_map_elem sees elements in bucket order and survives deletion during the walk', () => {
  const m = hash({ maxEntries: 16 });
  for (let i = 1; i <= 6; i++) m.update(k(i), k(i * 10));
  const seen: number[] = [];
  for (const { key, value } of m.elements()) {
    seen.push(key[0]);
    assert.equal(value[0], key[0] * 10);
    m.delete(key);
  }
  assert.deepEqual(seen, keysOf(hashWith(16, [1, 2, 3, 4, 5, 6])));
  assert.equal(m.size, 0);
});

function hashWith(maxEntries: number, keys: number[]): HashMap {
  const m = hash({ maxEntries });
  for (const i of keys) m.update(k(i), k(i));
  return m;
}

test('per-CPU hash: a program writes its CPU\'s copy (others zero); user space writes all, 8-byte aligned', () => {
  const m = new HashMap({ type: 'percpu_hash', keySize: 4, valueSize: 3, maxEntries: 4, flags: MAP_F.ZERO_SEED }, TWO_CPUS);
  assert.equal(m.update(k(1), Uint8Array.of(1, 2, 3), BPF_ANY, 1), 0);
  assert.deepEqual([...m.lookup(k(1), 0)!], [0, 0, 0]);
  assert.deepEqual([...m.lookup(k(1), 1)!], [1, 2, 3]);
  assert.equal(m.lookup(k(1), 2), null, 'no CPU 2');
  assert.equal(m.sysValueSize, 16);
  assert.deepEqual([...m.sysLookup(k(1)).value!], [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0]);
  assert.equal(m.sysUpdate(k(2), Uint8Array.of(9, 9, 9, 0, 0, 0, 0, 0, 8, 8, 8, 0, 0, 0, 0, 0)), 0);
  assert.deepEqual(m.entries().find((e) => e.key[0] === 2)!.perCpu!.map((v) => [...v]), [[9, 9, 9], [8, 8, 8]]);
  assert.equal(m.update(k(2), Uint8Array.of(5, 5, 5), BPF_EXIST, 0), 0, 'an existing per-CPU element is updated in place');
  assert.deepEqual([...m.lookup(k(2), 1)!], [8, 8, 8]);
  const taken = m.sysLookupAndDelete(k(2));
  assert.equal(taken.err, 0);
  assert.equal(taken.value![0], 5);
  assert.equal(m.lookup(k(2)), null);
});

test('LRU hash (common LRU, 2 CPUs, all on CPU 0): the survivors the kernel keeps', () => {
  const m = new HashMap({ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: MAP_F.ZERO_SEED }, TWO_CPUS);
  for (let i = 1; i <= 8; i++) assert.equal(m.sysUpdate(k(i), k(i)), 0);
  assert.deepEqual(keysOf(m), [4, 7, 2, 1, 8, 6, 5, 3]);
  m.sysUpdate(k(2), k(0));
  for (let i = 9; i <= 12; i++) assert.equal(m.sysUpdate(k(i), k(i)), 0);
  assert.deepEqual(keysOf(m), [10, 2, 7, 8, 12, 11, 9]);
});

test('LRU hash with BPF_F_NO_COMMON_LRU: CPU 0 owns half the elements and frees four at a time', () => {
  const m = new HashMap({ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: MAP_F.ZERO_SEED | MAP_F.NO_COMMON_LRU }, TWO_CPUS);
  for (let i = 1; i <= 8; i++) m.sysUpdate(k(i), k(i));
  assert.deepEqual(keysOf(m), [7, 8, 6, 5]);
  m.sysUpdate(k(2), k(0));
  for (let i = 9; i <= 12; i++) m.sysUpdate(k(i), k(i));
  assert.deepEqual(keysOf(m), [12]);
  const odd = new HashMap({ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 3, flags: MAP_F.NO_COMMON_LRU }, TWO_CPUS);
  assert.equal(odd.maxEntries, 4, 'max_entries rounds up to a multiple of the CPU count');
});

test('LRU: a program lookup sets the reference bit that spares an element from eviction; user-space lookups do not', () => {
  const run = (programLookups: boolean): number[] => {
    const m = new HashMap({ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 4, flags: MAP_F.ZERO_SEED }, { nCpus: 1 });
    for (let i = 1; i <= 4; i++) m.update(k(i), k(i));
    for (let round = 0; round < 3; round++) {
      if (programLookups) m.lookup(k(1));
      else m.sysLookup(k(1));
      m.update(k(10 + round), k(0));
    }
    return keysOf(m).sort((a, b) => a - b);
  };
  assert.ok(run(true).includes(1), 'looked-up key 1 survives');
  assert.ok(!run(false).includes(1), 'without program lookups key 1 is the oldest and goes');
});

test('LRU: NOEXIST on a present key fails with EEXIST after the LRU has already taken (maybe evicted) a node', () => {
  const m = new HashMap({ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 2, flags: MAP_F.ZERO_SEED }, { nCpus: 1 });
  m.update(k(1), k(1));
  m.update(k(2), k(2));
  assert.equal(m.update(k(2), k(9), BPF_NOEXIST), -EEXIST);
  assert.equal(m.size, 1, 'the kernel evicted key 1 to make room before it checked the flags');
});

test('BPF_F_LOCK updates a present element in place when the value has a spin lock, and never touches the lock word', () => {
  const m = hash({ valueSize: 8, spinLockOffset: 0 });
  m.update(k(1), Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 1));
  const view = m.lookup(k(1))!;
  view[0] = 0x55; // pretend the lock is held
  assert.equal(m.update(k(1), Uint8Array.of(9, 9, 9, 9, 2, 2, 2, 2), BPF_F_LOCK), 0);
  assert.equal(m.lookup(k(1)), view, 'in place: same element');
  assert.deepEqual([...view], [0x55, 0, 0, 0, 2, 2, 2, 2]);
  assert.deepEqual([...m.sysLookup(k(1), BPF_F_LOCK).value!].slice(4), [2, 2, 2, 2]);
  assert.equal(m.update(k(5), Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1), BPF_F_LOCK | BPF_EXIST), -ENOENT);
});
