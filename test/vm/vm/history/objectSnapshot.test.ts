// Object-graph snapshots restore in place: fields (also added and deleted
// ones), array elements and length, Map and Set contents, typed-array and
// ArrayBuffer bytes (also through a DataView), cycles, and shared objects;
// opaque and frozen objects are kept by reference; unchanged records and
// bytes are shared with the previous snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreSnapshot, takeSnapshot } from '../../../../src-vm/vm/history/objectSnapshot';

class Counter {
  count = 0;
  readonly log: string[] = [];
  extra?: number;
}

const none = (): boolean => false;

interface Case {
  name: string;
  build: () => { root: object; mutate: () => void; observe: () => unknown };
}

const CASES: Case[] = [
  {
    name: 'class fields, added and deleted fields, nested arrays',
    build: () => {
      const c = new Counter();
      c.log.push('a');
      return { root: c, mutate: () => { c.count = 5; c.log.push('b'); c.log[0] = 'z'; c.extra = 1; }, observe: () => JSON.stringify(c) };
    },
  },
  {
    name: 'Map and Set contents, with object keys',
    build: () => {
      const key = { id: 1 };
      const m = new Map<object, number>([[key, 1]]);
      const s = new Set<string>(['x']);
      const root = { m, s };
      return { root, mutate: () => { m.set(key, 2); m.set({ id: 2 }, 3); s.delete('x'); s.add('y'); }, observe: () => `${[...m.values()]}|${[...s]}` };
    },
  },
  {
    name: 'typed arrays, a DataView over its own buffer, an ArrayBuffer',
    build: () => {
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const view = new DataView(new ArrayBuffer(8));
      const words = new Uint32Array(2);
      const root = { bytes, view, words };
      return { root, mutate: () => { bytes[1] = 9; view.setUint32(0, 0xdeadbeef); words[1] = 7; }, observe: () => `${bytes}|${view.getUint32(0)}|${words}` };
    },
  },
  {
    name: 'cycles and an object shared by two parents',
    build: () => {
      const shared = { v: 1 };
      const a: { next?: object; shared: { v: number } } = { shared };
      const b = { next: a, shared };
      a.next = b;
      return { root: a, mutate: () => { shared.v = 2; a.next = undefined; }, observe: () => `${shared.v}|${a.next === b}|${b.next === a}` };
    },
  },
];

for (const c of CASES) {
  test(`restore puts back ${c.name}`, () => {
    const { root, mutate, observe } = c.build();
    const before = observe();
    const snapshot = takeSnapshot([root], none);
    mutate();
    assert.notEqual(observe(), before, 'the mutation is visible');
    restoreSnapshot(snapshot);
    assert.equal(observe(), before);
  });
}

test('opaque and frozen objects are kept by reference, not restored', () => {
  const code = { breakpoints: [1] };
  const frozen = Object.freeze({ n: 1 });
  const root = { code, frozen, n: 1 };
  const snapshot = takeSnapshot([root], (o) => o === code);
  code.breakpoints.push(2);
  root.n = 2;
  restoreSnapshot(snapshot);
  assert.deepEqual(code.breakpoints, [1, 2], 'opaque: left as it is');
  assert.equal(root.n, 1);
  assert.equal(root.frozen, frozen);
});

test('an unchanged graph costs nothing new; changed bytes are copied once', () => {
  const bytes = new Uint8Array(1000);
  const root = { bytes, meta: { n: 1 } };
  const first = takeSnapshot([root], none);
  const same = takeSnapshot([root], none, first);
  assert.equal(same.objects, first.objects, 'the object list is shared');
  assert.ok(same.records.every((r, i) => r === first.records[i]), 'every record is shared');
  bytes[3] = 1;
  const changed = takeSnapshot([root], none, same);
  assert.ok(changed.ownBytes >= 1000 && changed.ownBytes < 1200, `about one copy of the bytes (${changed.ownBytes})`);
  restoreSnapshot(first);
  assert.equal(bytes[3], 0);
});

test('large bytes are kept in pages: one changed byte costs one page, and restore puts every page back', () => {
  const big = new Uint8Array(100_000);
  const view = new DataView(big.buffer, 40_000, 8);
  const root = { big, view };
  const first = takeSnapshot([root], none);
  big[50_000] = 7;
  view.setUint8(0, 9);
  const second = takeSnapshot([root], none, first);
  assert.ok(second.ownBytes < 3 * 4096 + 1000, `two pages and the view's window, not 100 kB (${second.ownBytes})`);
  restoreSnapshot(first);
  assert.equal(big[50_000], 0);
  assert.equal(big[40_000], 0);
  restoreSnapshot(second);
  assert.deepEqual([big[50_000], big[40_000]], [7, 9]);
});
