// The LPM trie (src-vm/vm/maps/lpmTrie.ts): longest-prefix lookups, the
// kernel's update/delete errors, and get_next_key's postorder (the example of
// kernel/bpf/lpm_trie.c: more specific prefixes first). The live kernel
// agrees op for op in test/kernel/maps.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LpmTrie } from '../../../../src-vm/vm/maps/lpmTrie';
import { BPF_EXIST, BPF_NOEXIST, MAP_F } from '../../../../src-vm/vm/maps/mapDef';
import { EEXIST, EINVAL, ENOENT, ENOSPC } from '../../../../src-vm/vm/maps/errno';

function key(prefix: number, ...octets: number[]): Uint8Array {
  const k = new Uint8Array(8);
  new DataView(k.buffer).setUint32(0, prefix, true);
  k.set(octets, 4);
  return k;
}

const trie = (maxEntries = 16): LpmTrie => new LpmTrie({ type: 'lpm_trie', keySize: 8, valueSize: 1, maxEntries, flags: MAP_F.NO_PREALLOC }, { nCpus: 1 });
const v = (n: number): Uint8Array => Uint8Array.of(n);
const valueOf = (t: LpmTrie, k: Uint8Array): number | null => t.lookup(k)?.[0] ?? null;

test('lookup returns the longest stored prefix that matches', () => {
  const t = trie();
  t.update(key(8, 10), v(8));
  t.update(key(16, 10, 1), v(16));
  t.update(key(24, 10, 1, 2), v(24));
  t.update(key(0), v(0));
  const cases: [Uint8Array, number | null][] = [
    [key(32, 10, 1, 2, 3), 24], [key(32, 10, 1, 3, 3), 16], [key(32, 10, 2, 0, 0), 8], [key(32, 11, 0, 0, 0), 0],
    [key(20, 10, 1, 2, 3), 16], [key(24, 10, 1, 2, 0), 24], [key(33, 10, 1, 2, 3), null],
  ];
  for (const [k, want] of cases) assert.equal(valueOf(t, k), want, [...k].join('.'));
});

test('update flags and limits: NOEXIST on a present prefix EEXIST, EXIST on an absent one ENOENT, full trie ENOSPC', () => {
  const t = trie(2);
  assert.equal(t.update(key(8, 10), v(1), BPF_EXIST), -ENOENT);
  assert.equal(t.update(key(8, 10), v(1), BPF_NOEXIST), 0);
  assert.equal(t.update(key(8, 10, 99), v(2), BPF_NOEXIST), -EEXIST, 'bits past the prefix do not make another key');
  assert.equal(t.update(key(8, 10), v(3), BPF_EXIST), 0);
  assert.equal(t.update(key(16, 10, 1), v(4)), 0);
  assert.equal(t.update(key(16, 10, 2), v(5)), -ENOSPC);
  assert.equal(t.update(key(16, 10, 1), v(6)), 0, 'replacing a present prefix needs no room');
  assert.equal(t.update(key(33, 10), v(1)), -EINVAL);
  assert.equal(t.update(key(8, 10), v(1), 3), -EINVAL);
  assert.equal(t.size, 2);
});

test('delete: exact prefixes only; an intermediate node or a shorter match is ENOENT', () => {
  const t = trie();
  t.update(key(24, 192, 168, 0), v(1));
  t.update(key(24, 192, 168, 1), v(2)); // forks under an intermediate 192.168.0.0/23
  assert.equal(t.delete(key(23, 192, 168, 0)), -ENOENT);
  assert.equal(t.delete(key(16, 192, 168)), -ENOENT);
  assert.equal(t.delete(key(33, 192)), -EINVAL);
  assert.equal(t.delete(key(24, 192, 168, 0, 77)), 0);
  assert.equal(valueOf(t, key(32, 192, 168, 0, 1)), null);
  assert.equal(valueOf(t, key(32, 192, 168, 1, 1)), 2);
  assert.equal(t.size, 1);
});

test('get_next_key walks in postorder: more specific prefixes before the ones that contain them', () => {
  const t = trie();
  for (const [k, n] of [[key(16, 192, 168), 1], [key(24, 192, 168, 0), 2], [key(24, 192, 168, 128), 3], [key(24, 192, 168, 1), 4]] as const) t.update(k, v(n));
  const names: string[] = [];
  let k: Uint8Array | null = null;
  for (;;) {
    const next = t.getNextKey(k);
    if (next.err) { assert.equal(next.err, -ENOENT); break; }
    k = next.key!;
    names.push(`${k[4]}.${k[5]}.${k[6]}.${k[7]}/${k[0]}`);
  }
  assert.deepEqual(names, ['192.168.0.0/24', '192.168.1.0/24', '192.168.128.0/24', '192.168.0.0/16']);
  assert.equal(t.getNextKey(key(24, 10, 0, 0)).key![6], 0, 'an absent key restarts at the leftmost');
  assert.equal(trie().getNextKey(null).err, -ENOENT);
});
