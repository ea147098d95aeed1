// Tests for src-vm/vm/inspect/mapView.ts: the committed object
// test/fixtures/elf/maps_globals.bpf.o after a run (its array decoded with
// BTF, edited through the map), and maps built here without BTF: a hash
// capped at 100 entries, per-CPU values on one and on two CPUs, maps whose
// elements have no keys, fd maps that are not edited, an empty map, a map
// that could not be built, and an object with no maps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MapDef } from '../../../../src-vm/elf/loadedObject';
import { loadObject } from '../../../../src-vm/elf/loader';
import { LinuxMachine } from '../../../../src-vm/vm/linux/linuxMachine';
import { createMap, keyOfIndex, type BpfMap } from '../../../../src-vm/vm/maps';
import { mapKeys, mapNodes } from '../../../../src-vm/vm/inspect/mapView';
import { applyEdit } from '../../../../src-vm/vm/inspect/valueEdit';
import { Vm } from '../../../../src-vm/vm/interpreter';

const OBJECT = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'elf', 'maps_globals.bpf.o');
const PACKET = Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex');

function def(name: string, type: string, keySize: number, valueSize: number, maxEntries: number, kind: MapDef['kind'] = 'btf'): MapDef {
  return {
    name, realName: name, kind, type, typeId: 0, keySize, valueSize, maxEntries, flags: 0, numaNode: 0,
    sectionIndex: 0, sectionOffset: 0, keyTypeId: 0, valueTypeId: 0, readOnly: false,
  };
}

function built(d: MapDef, nCpus = 1): BpfMap {
  const made = createMap({ type: d.type as never, keySize: d.keySize, valueSize: d.valueSize, maxEntries: d.maxEntries, name: d.name }, { nCpus });
  assert.ok(made.value, made.diagnostics.map((x) => x.message).join('; '));
  return made.value;
}

const u64 = (n: number): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n), true); return b; };

test('maps_globals.bpf.o after one run: counts decoded as __u32 -> __u64, the element the program wrote, edited through the map', () => {
  const object = loadObject(new Uint8Array(readFileSync(OBJECT)), { name: 'maps_globals' }).value;
  const machine = LinuxMachine.create(object).value;
  machine.run(machine.program('count_packets')!, { packet: PACKET });
  const nodes = mapNodes({ defs: object.maps, maps: machine.maps.maps, btf: object.btf });
  assert.deepEqual(nodes.map((n) => [n.name, n.value, n.type]), [['counts', 'array, key 4 B, value 8 B, 4 of 4 entries', 'array<__u32, __u64>']]);
  const entries = nodes[0].children!;
  assert.deepEqual(entries.map((e) => [e.name, e.value]), [['[0]', '1'], ['[1]', '0'], ['[2]', '0'], ['[3]', '0']]);
  assert.deepEqual(applyEdit(new Vm([]), entries[2].edit!, '41'), { value: '0x29 (41)' });
  assert.deepEqual([...machine.maps.byName('counts')!.sysLookup(keyOfIndex(2)).value!], [41, 0, 0, 0, 0, 0, 0, 0]);
});

test('a hash of 150 elements lists the first 100 and how many more; keys and values without BTF read as numbers', () => {
  const d = def('flows', 'hash', 4, 8, 256);
  const map = built(d);
  for (let i = 0; i < 150; i++) assert.equal(map.sysUpdate(keyOfIndex(i), u64(i * 2)), 0);
  const [node] = mapNodes({ defs: [d], maps: [map] });
  assert.equal(node.value, 'hash, key 4 B, value 8 B, 150 of 256 entries');
  assert.equal(node.type, 'hash<4 bytes, 8 bytes>');
  const children = node.children!;
  assert.equal(children.length, 101);
  assert.deepEqual([children[100].name, children[100].value, children[100].info], ['…', '50 more', true]);
  const first = children[0];
  assert.match(first.name, /^\[\d+\]$/);
  assert.equal(first.value, `${Buffer.from(u64(Number(first.name.slice(1, -1)) * 2)).toString('hex').match(/../g)!.join(' ')} (${Number(first.name.slice(1, -1)) * 2})`);
  assert.deepEqual(mapKeys(map, 3)?.keys.length, 3);
  assert.equal(mapKeys(map, 3)?.total, 150);
});

test('per-CPU values: one row per CPU on two CPUs, CPU 0\'s copy on one; an edit reaches only its CPU', () => {
  const d = def('pc', 'percpu_hash', 8, 4, 4);
  const two = built(d, 2);
  const value = new Uint8Array(16);
  value.set([1, 0, 0, 0], 0);
  value.set([2, 0, 0, 0], 8);
  assert.equal(two.sysUpdate(u64(0x0102), value), 0);
  const [node] = mapNodes({ defs: [d], maps: [two] });
  const entry = node.children![0];
  assert.deepEqual([entry.name, entry.value, entry.type], ['[02 01 00 00 00 00 00 00]', '01 00 00 00 (1) | 02 00 00 00 (2)', 'per-CPU, 2 CPUs']);
  assert.deepEqual(entry.children!.map((c) => c.name), ['cpu0', 'cpu1']);
  applyEdit(new Vm([]), entry.children![1].edit!, '9');
  assert.deepEqual([...two.sysLookup(u64(0x0102)).value!].filter((_, i) => i % 8 === 0), [1, 9]);

  const one = built(d, 1);
  one.sysUpdate(u64(7), Uint8Array.from([5, 0, 0, 0, 0, 0, 0, 0]));
  const single = mapNodes({ defs: [d], maps: [one] })[0].children![0];
  assert.deepEqual([single.value, single.type, single.children], ['05 00 00 00 (5)', '4 bytes (per-CPU: CPU 0\'s copy)', undefined]);
});

test('maps that list nothing, fd maps, empty maps, maps not built; global data left to the Globals scope', () => {
  const defs = [
    def('events', 'ringbuf', 0, 0, 4096), def('jumps', 'prog_array', 4, 4, 2), def('empty', 'hash', 4, 4, 8),
    def('gone', 'cgroup_storage', 4, 4, 1), def('.data', 'array', 4, 8, 1, 'data'),
  ];
  const maps = [built(defs[0]), built(defs[1]), built(defs[2]), undefined, built(defs[4])];
  const nodes = mapNodes({ defs, maps });
  assert.deepEqual(nodes.map((n) => [n.name, n.value]), [
    ['events', 'ringbuf, key 0 B, value 0 B, max 4096: elements have no keys to list'],
    ['jumps', 'prog_array, key 4 B, value 4 B, 2 of 2 entries'],
    ['empty', 'hash, key 4 B, value 4 B, 0 of 8 entries'],
    ['gone', 'not emulated: map type cgroup_storage could not be built'],
  ]);
  assert.deepEqual(nodes[2].children!.map((c) => [c.name, c.value]), [['(empty)', 'no elements']]);
  assert.deepEqual(mapNodes({ defs: [], maps: [] }).map((n) => [n.name, n.value]), [['maps', 'the object defines no maps']]);
});

test('fd map values (program ids) are shown, not edited; an empty slot says so; plain values are editable', () => {
  const jumps = def('jumps', 'prog_array', 4, 4, 2);
  const progs = createMap({ type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'jumps' }, { nCpus: 1, programExists: () => true }).value!;
  assert.equal(progs.sysUpdate(keyOfIndex(1), Uint8Array.from([1, 0, 0, 0])), 0);
  const [empty, slot] = mapNodes({ defs: [jumps], maps: [progs] })[0].children!;
  assert.deepEqual([empty.name, empty.value, empty.edit], ['[0]', '(empty slot)', undefined]);
  assert.deepEqual([slot.name, slot.value, slot.edit], ['[1]', '01 00 00 00 (1)', undefined]);
  assert.equal(slot.readOnly, 'values of a prog_array map name other objects; they are not edited here');
  const arr = def('arr', 'array', 4, 4, 1);
  const entry = mapNodes({ defs: [arr], maps: [built(arr)] })[0].children![0];
  assert.deepEqual([entry.value, entry.edit?.kind], ['00 00 00 00 (0)', 'map']);
});
