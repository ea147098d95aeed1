// Redirect targets (src-vm/vm/maps/redirectMaps.ts): bpf_redirect_map's
// decision (XDP_REDIRECT with the target, the fallback action from the flags'
// low bits for an empty slot, XDP_ABORTED for unknown flags) and the update
// rules of devmap, devmap_hash, cpumap and xskmap (the first three are also
// checked against the kernel in test/kernel/maps.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOfIndex } from '../../../../src-vm/vm/maps/arrayMap';
import {
  BPF_F_BROADCAST, BPF_F_EXCLUDE_INGRESS, CpuMap, DevMap, DevMapHash, XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_REDIRECT, XskMap,
} from '../../../../src-vm/vm/maps/redirectMaps';
import { BPF_EXIST, BPF_NOEXIST, MAP_F } from '../../../../src-vm/vm/maps/mapDef';
import { E2BIG, EEXIST, EINVAL, ENODEV, ENOENT, EOPNOTSUPP, EOVERFLOW } from '../../../../src-vm/vm/maps/errno';

const env = { nCpus: 2, ifindexes: new Set([1, 2, 7]) };
const u32 = (n: number): Uint8Array => keyOfIndex(n);

test('devmap: updates need an existing ifindex; ifindex 0 clears the slot; lookups show {ifindex, prog id}', () => {
  const m = new DevMap({ type: 'devmap', keySize: 4, valueSize: 8, maxEntries: 4 }, env);
  assert.ok(m.flags & MAP_F.RDONLY_PROG, 'programs may only read a devmap');
  assert.equal(m.update(u32(0), Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0)), 0);
  assert.deepEqual([...m.lookup(u32(0))!], [7, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(m.update(u32(1), Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0)), -EINVAL, 'no interface 9');
  assert.equal(m.update(u32(4), Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0)), -E2BIG);
  assert.equal(m.update(u32(0), Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(u32(0), Uint8Array.of(0, 0, 0, 0, 3, 0, 0, 0)), -EINVAL, 'a program needs an interface');
  assert.equal(m.update(u32(0), new Uint8Array(8)), 0);
  assert.equal(m.lookup(u32(0)), null);
  assert.equal(m.delete(u32(2)), 0, 'deleting an empty slot is fine');
  assert.equal(m.delete(u32(4)), -EINVAL);
});

test('bpf_redirect_map on a devmap: redirect to a present slot, fall back to the flags\' action otherwise', () => {
  const m = new DevMap({ type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 4 }, env);
  m.update(u32(2), Uint8Array.of(1, 0, 0, 0));
  assert.deepEqual(m.redirect(2), { action: XDP_REDIRECT, target: { mapType: 'devmap', index: 2, broadcast: false, excludeIngress: false } });
  assert.equal(m.ifindexAt(2), 1);
  assert.deepEqual(m.redirect(3, XDP_PASS), { action: XDP_PASS });
  assert.deepEqual(m.redirect(3, XDP_DROP), { action: XDP_DROP });
  assert.deepEqual(m.redirect(99), { action: XDP_ABORTED });
  assert.deepEqual(m.redirect(2, 0x40), { action: XDP_ABORTED }, 'unknown flags abort');
  const all = m.redirect(3, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
  assert.equal(all.action, XDP_REDIRECT);
  assert.equal(all.target?.broadcast, true);
  assert.equal(all.target?.excludeIngress, true);
  assert.equal(m.redirect((1n << 32n) + 2n).action, XDP_REDIRECT, 'the index is truncated to 32 bits');
});

test('devmap_hash: any u32 key, E2BIG when full, NOEXIST on a present key EEXIST, ifindex 0 EINVAL', () => {
  const m = new DevMapHash({ type: 'devmap_hash', keySize: 4, valueSize: 4, maxEntries: 2 }, env);
  assert.equal(m.update(u32(1000), Uint8Array.of(1, 0, 0, 0)), 0);
  assert.equal(m.update(u32(5), Uint8Array.of(2, 0, 0, 0)), 0);
  assert.equal(m.update(u32(6), Uint8Array.of(2, 0, 0, 0)), -E2BIG);
  assert.equal(m.update(u32(5), Uint8Array.of(7, 0, 0, 0), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(u32(5), Uint8Array.of(7, 0, 0, 0), BPF_EXIST), 0);
  assert.equal(m.update(u32(8), Uint8Array.of(0, 0, 0, 0)), -EINVAL);
  assert.deepEqual(m.entries().map((e) => e.key[0] | (e.key[1] << 8)), [1000, 5], 'bucket order: 1000 & 1 = 0 before 5 & 1 = 1');
  assert.equal(m.delete(u32(6)), -ENOENT);
  assert.equal(m.redirect(1000).action, XDP_REDIRECT);
  assert.equal(m.redirect(6, XDP_PASS).action, XDP_PASS);
});

test('cpumap: qsize 0 deletes, over 16384 EOVERFLOW, a CPU that does not exist ENODEV', () => {
  const m = new CpuMap({ type: 'cpumap', keySize: 4, valueSize: 4, maxEntries: 4 }, env);
  assert.equal(m.update(u32(1), Uint8Array.of(192, 0, 0, 0)), 0);
  assert.deepEqual([...m.lookup(u32(1))!], [192, 0, 0, 0]);
  assert.equal(m.update(u32(1), Uint8Array.of(1, 0x40, 0, 0)), -EOVERFLOW);
  assert.equal(m.update(u32(3), Uint8Array.of(1, 0, 0, 0)), -ENODEV, 'only 2 CPUs');
  assert.equal(m.update(u32(4), Uint8Array.of(1, 0, 0, 0)), -E2BIG);
  assert.equal(m.redirect(1).action, XDP_REDIRECT);
  assert.equal(m.redirect(1, BPF_F_BROADCAST).action, XDP_ABORTED, 'cpumap takes no broadcast');
  assert.equal(m.update(u32(1), new Uint8Array(4)), 0);
  assert.equal(m.redirect(1, XDP_PASS).action, XDP_PASS);
});

test('xskmap: sockets by queue index; NOEXIST/EXIST as for hash maps; user space cannot look them up', () => {
  const m = new XskMap({ type: 'xskmap', keySize: 4, valueSize: 4, maxEntries: 2 }, env);
  assert.equal(m.update(u32(0), u32(77), BPF_EXIST), -ENOENT);
  assert.equal(m.update(u32(0), u32(77)), 0);
  assert.equal(m.update(u32(0), u32(78), BPF_NOEXIST), -EEXIST);
  assert.equal(m.socketAt(0), 77);
  assert.equal(m.sysLookup(u32(0)).err, -EOPNOTSUPP);
  assert.equal(m.redirect(0).action, XDP_REDIRECT);
  assert.equal(m.redirect(1, XDP_DROP).action, XDP_DROP);
  assert.equal(m.delete(u32(2)), -EINVAL);
});
