// sockmap and sockhash entries (src-vm/vm/maps/sockMaps.ts): the kernel's
// update/delete answers, cookie lookups only for 8-byte values, and sockhash
// iteration in jhash (seed 0) bucket order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOfIndex } from '../../../../src-vm/vm/maps/arrayMap';
import { jhash } from '../../../../src-vm/vm/maps/jhash';
import { SockHash, SockMap } from '../../../../src-vm/vm/maps/sockMaps';
import { BPF_EXIST, BPF_NOEXIST } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOSPC } from '../../../../src-vm/vm/maps/errno';

const cookie = (n: number): Uint8Array => Uint8Array.of(n, 0, 0, 0, 0, 0, 0, 0);

test('sockmap: index keys; deleting an empty slot is EINVAL; lookups return the cookie only with 8-byte values', () => {
  const m = new SockMap({ type: 'sockmap', keySize: 4, valueSize: 8, maxEntries: 2 }, { nCpus: 1 });
  assert.equal(m.update(keyOfIndex(0), cookie(5), BPF_EXIST), -ENOENT);
  assert.equal(m.update(keyOfIndex(0), cookie(5)), 0);
  assert.equal(m.update(keyOfIndex(0), cookie(6), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(keyOfIndex(2), cookie(6)), -E2BIG);
  assert.equal(m.socketAt(0), 5n);
  assert.deepEqual([...m.sysLookup(keyOfIndex(0)).value!], [5, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(m.delete(keyOfIndex(1)), -EINVAL);
  assert.equal(m.delete(keyOfIndex(0)), 0);
  const narrow = new SockMap({ type: 'sockmap', keySize: 4, valueSize: 4, maxEntries: 2 }, { nCpus: 1 });
  narrow.update(keyOfIndex(0), Uint8Array.of(5, 0, 0, 0));
  assert.equal(narrow.sysLookup(keyOfIndex(0)).err, -ENOSPC);
});

test('sockhash: E2BIG when full, ENOENT deleting an absent key, and get_next_key in bucket order', () => {
  const m = new SockHash({ type: 'sockhash', keySize: 2, valueSize: 8, maxEntries: 4 }, { nCpus: 1 });
  const keys = [0x0102, 0x0304, 0x0506, 0x0708].map((n) => Uint8Array.of(n >> 8, n & 0xff));
  for (const [i, k] of keys.entries()) assert.equal(m.update(k, cookie(i + 1)), 0);
  assert.equal(m.update(Uint8Array.of(9, 9), cookie(9)), -E2BIG);
  assert.equal(m.update(keys[0], cookie(7)), 0, 'replacing needs no room');
  assert.equal(m.socketOf(keys[0]), 7n);
  const bucket = (k: Uint8Array): number => jhash(k, 0) & 3;
  const order: number[] = [];
  for (let next = m.getNextKey(null); next.err === 0; next = m.getNextKey(next.key!)) order.push(bucket(next.key!));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'buckets ascend');
  assert.equal(order.length, 4);
  assert.equal(m.delete(Uint8Array.of(9, 9)), -ENOENT);
});
