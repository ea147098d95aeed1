// Tests for src-vm/vm/inspect/globalsView.ts: the globals of the committed
// object test/fixtures/elf/maps_globals.bpf.o decoded per variable through
// its DATASECs before and after a run, a writable one edited through its map
// at its own offset, the read-only .rodata refused with the reason, and
// sections without BTF shown as hex rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MapDef } from '../../../../src-vm/elf/loadedObject';
import { loadObject } from '../../../../src-vm/elf/loader';
import { LinuxMachine } from '../../../../src-vm/vm/linux/linuxMachine';
import { createMap, keyOfIndex } from '../../../../src-vm/vm/maps';
import { globalNodes } from '../../../../src-vm/vm/inspect/globalsView';
import { applyEdit } from '../../../../src-vm/vm/inspect/valueEdit';
import { Vm } from '../../../../src-vm/vm/interpreter';

const OBJECT = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'elf', 'maps_globals.bpf.o');
const PACKET = Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex');

function machine() {
  const object = loadObject(new Uint8Array(readFileSync(OBJECT)), { name: 'maps_globals' }).value;
  const m = LinuxMachine.create(object).value;
  return { object, m, nodes: () => globalNodes({ defs: object.maps, maps: m.maps.maps, btf: object.btf }) };
}

test('every global by name, type and section; values before and after a run', () => {
  const { m, nodes } = machine();
  assert.deepEqual(nodes().map((n) => [n.name, n.value, n.type]), [
    ['scale', '3', 'const volatile int (.rodata)'],
    ['offset_total', '5', 'int (.data)'],
    ['packets_seen', '0', 'int (.bss)'],
    ['local_hits', '0', 'int (.bss)'],
  ]);
  m.run(m.program('count_packets')!, { packet: PACKET });
  assert.deepEqual(nodes().map((n) => n.value), ['3', '5', '1', '1']);
});

test('a writable global is edited through its section\'s map at its offset; .rodata is refused with the reason', () => {
  const { object, m, nodes } = machine();
  const [scale, , , localHits] = nodes();
  assert.equal(scale.edit, undefined);
  assert.match(scale.readOnly ?? '', /^\.rodata is read-only to the program \(BPF_F_RDONLY_PROG, frozen at load\)/);
  assert.deepEqual(applyEdit(new Vm([]), localHits.edit!, '0x01020304'), { value: '0x1020304 (16909060)' });
  const bss = object.maps.findIndex((d) => d.kind === 'bss');
  const section = m.maps.at(bss)!.sysLookup(keyOfIndex(0)).value!;
  const offset = object.btf!.findByName('DATASEC', '.bss')!.vars.find((v) => object.btf!.typeById(v.type)?.name === 'local_hits')!.offset;
  assert.deepEqual([...section.subarray(offset, offset + 4)], [4, 3, 2, 1]);
  assert.equal(nodes()[3].value, '16909060');
  assert.equal(nodes()[2].value, '0', 'its neighbour is untouched');
});

function dataDef(realName: string, kind: MapDef['kind'], size: number, readOnly: boolean): MapDef {
  return {
    name: `x${realName}`, realName, kind, type: 'array', typeId: 0, keySize: 4, valueSize: size, maxEntries: 1, flags: 0, numaNode: 0,
    sectionIndex: 0, sectionOffset: 0, keyTypeId: 0, valueTypeId: 0, readOnly,
  };
}

test('sections without BTF variables show as hex rows of 16 bytes; read-only ones keep their reason', () => {
  const defs = [dataDef('.data', 'data', 20, false), dataDef('.rodata.str1.1', 'rodata', 6, true)];
  const maps = defs.map((d) => createMap({ type: 'array', keySize: 4, valueSize: d.valueSize, maxEntries: 1, name: d.name }).value!);
  maps[0].sysUpdate(keyOfIndex(0), Uint8Array.from({ length: 20 }, (_, i) => i));
  maps[1].sysUpdate(keyOfIndex(0), Buffer.from('hello\0'));
  const nodes = globalNodes({ defs, maps });
  assert.deepEqual(nodes.map((n) => [n.name, n.value, n.type]), [
    ['.data', '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f …', '20 bytes (no BTF variables)'],
    ['.rodata.str1.1', '68 65 6c 6c 6f 00', '6 bytes (no BTF variables)'],
  ]);
  assert.deepEqual(nodes[0].children!.map((c) => [c.name, c.value]), [['+0', '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f'], ['+16', '10 11 12 13']]);
  assert.deepEqual(applyEdit(new Vm([]), nodes[0].children![1].edit!, 'aa bb cc dd'), { value: 'aa bb cc dd' });
  assert.deepEqual([...maps[0].sysLookup(keyOfIndex(0)).value!.subarray(16)], [0xaa, 0xbb, 0xcc, 0xdd]);
  assert.equal(nodes[1].children![0].edit, undefined);
  assert.match(nodes[1].children![0].readOnly ?? '', /^\.rodata\.str1\.1 is read-only/);
  assert.deepEqual(globalNodes({ defs: [], maps: [] }).map((n) => n.value), ['the object has no global variables']);
});
