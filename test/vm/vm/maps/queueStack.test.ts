// Queue and stack maps (src-vm/vm/maps/queueStack.ts): FIFO and LIFO order,
// E2BIG when full, BPF_EXIST dropping the oldest element, the kernel's
// refusals, and the user-space view (lookup = peek, update = push).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueueStackMap } from '../../../../src-vm/vm/maps/queueStack';
import { BPF_EXIST, BPF_NOEXIST } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EINVAL, ENOENT } from '../../../../src-vm/vm/maps/errno';

const make = (type: 'queue' | 'stack', maxEntries = 3): QueueStackMap => new QueueStackMap({ type, keySize: 0, valueSize: 2, maxEntries }, { nCpus: 1 });
const popAll = (m: QueueStackMap): number[] => {
  const out: number[] = [];
  const buf = new Uint8Array(2);
  while (m.pop(buf) === 0) out.push(buf[0]);
  return out;
};

test('a queue pops oldest first; a stack newest first; both refuse a push when full', () => {
  for (const [type, order] of [['queue', [1, 2, 3]], ['stack', [3, 2, 1]]] as const) {
    const m = make(type);
    for (const n of [1, 2, 3]) assert.equal(m.push(Uint8Array.of(n, 0)), 0);
    assert.equal(m.push(Uint8Array.of(4, 0)), -E2BIG);
    assert.deepEqual(m.entries().map((e) => e.value[0]), order);
    assert.deepEqual(popAll(m), order);
  }
});

test('BPF_EXIST makes room by dropping the oldest element (the bottom of a stack)', () => {
  const q = make('queue');
  for (const n of [1, 2, 3, 4, 5]) assert.equal(q.push(Uint8Array.of(n, 0), BPF_EXIST), 0);
  assert.deepEqual(popAll(q), [3, 4, 5]);
  const s = make('stack');
  for (const n of [1, 2, 3, 4, 5]) s.push(Uint8Array.of(n, 0), BPF_EXIST);
  assert.deepEqual(popAll(s), [5, 4, 3]);
});

test('pop and peek on an empty map zero the output and fail with ENOENT; bad flags are EINVAL', () => {
  const m = make('stack');
  const out = Uint8Array.of(7, 7);
  assert.equal(m.peek(out), -ENOENT);
  assert.deepEqual([...out], [0, 0]);
  assert.equal(m.push(Uint8Array.of(1, 1), BPF_NOEXIST), -EINVAL);
  assert.equal(m.push(Uint8Array.of(1, 1), 3), -EINVAL);
  assert.equal(m.push(Uint8Array.of(1, 1), 4), -EINVAL);
});

test('user space: lookup peeks, update pushes, lookup-and-delete pops; keyed operations are refused', () => {
  const m = make('queue', 2);
  assert.equal(m.sysUpdate(null, Uint8Array.of(8, 9)), 0);
  assert.deepEqual([...m.sysLookup(null).value!], [8, 9]);
  assert.equal(m.size, 1);
  assert.deepEqual([...m.sysLookupAndDelete(null).value!], [8, 9]);
  assert.equal(m.sysLookupAndDelete(null).err, -ENOENT);
  assert.equal(m.sysLookupAndDelete(null, 4).err, -EINVAL, 'no flags for queue pops');
  assert.equal(m.getNextKey(null).err, -EINVAL);
  assert.equal(m.delete(new Uint8Array(0)), -EINVAL);
  assert.equal(m.lookup(new Uint8Array(0)), null);
});
