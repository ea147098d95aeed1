// Tests for src-vm/vm/inspect/btfValue.ts against the committed BTF fixture
// test/fixtures/btf/types.bpf.o (struct record: typedef chains, signed and
// 64-bit enums, bitfields, a union, a char array, a 2-D array, pointers, a
// double, a flexible array): each member's text, the summary line, and which
// parts become edit targets at which offset and format.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Btf } from '../../../../src-vm/elf/btf';
import { loadObject } from '../../../../src-vm/elf/loader';
import { btfValueNode, type DecodeContext } from '../../../../src-vm/vm/inspect/btfValue';
import type { ValueFormat, VarNode } from '../../../../src-vm/vm/inspect/varNode';

const OBJECT = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'btf', 'types.bpf.o');
const btf: Btf = loadObject(new Uint8Array(readFileSync(OBJECT)), { name: 'types' }).value.btf!;
const record = btf.findByName('STRUCT', 'record')!;
const flags = btf.findByName('STRUCT', 'flags')!;
const offsetOf = (name: string): number => record.members.find((m) => m.name === name)!.bitOffset / 8;

function setBits(bytes: Uint8Array, bitOffset: number, bits: number, value: bigint): void {
  for (let i = 0; i < bits; i++) {
    const bit = bitOffset + i;
    if ((value >> BigInt(i)) & 1n) bytes[bit >> 3] |= 1 << (bit & 7);
  }
}

/** A struct record with every member given a recognisable value. */
function recordBytes(): Uint8Array {
  const bytes = new Uint8Array(record.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(offsetOf('hits'), 7, true);
  view.setUint32(offsetOf('colour'), 5, true);
  view.setInt32(offsetOf('delta'), -1, true);
  view.setBigUint64(offsetOf('wide'), 0x123456789an, true);
  const f = offsetOf('flags') * 8;
  const bit = (name: string) => flags.members.find((m) => m.name === name)!;
  setBits(bytes, f + bit('ready').bitOffset, 1, 1n);
  setBits(bytes, f + bit('mode').bitOffset, 3, 3n);
  setBits(bytes, f + bit('level').bitOffset, 4, 0xen);
  bytes[offsetOf('flags') + bit('tag').bitOffset / 8] = 65;
  setBits(bytes, f + bit('stamp').bitOffset, 40, 0x123456789an);
  view.setUint32(offsetOf('word'), 0x41424344, true);
  bytes.set(Buffer.from('abc'), offsetOf('name'));
  view.setUint16(offsetOf('matrix') + (1 * 4 + 2) * 2, 9, true);
  view.setBigUint64(offsetOf('label'), 0x1234n, true);
  view.setFloat64(offsetOf('ratio'), 0.5, true);
  view.setInt32(offsetOf('tagged'), -3, true);
  return bytes;
}

const edits: [number, ValueFormat][] = [];
const CTX: DecodeContext = { btf, edit: (offset, format) => (edits.push([offset, format]), { kind: 'memory', bytes: new Uint8Array(0), offset, format }) };
const decoded = btfValueNode(CTX, 'r', record.id, recordBytes());

function at(path: string[]): VarNode {
  let node = decoded;
  for (const name of path) {
    const next = node.children?.find((c) => c.name === name);
    assert.ok(next, `${name} among ${node.children?.map((c) => c.name).join(', ')}`);
    node = next;
  }
  return node;
}

const MEMBERS: [string[], string, string][] = [
  [['hits'], '7', 'counter_t'],
  [['colour'], 'GREEN (5)', 'enum colour'],
  [['delta'], 'DOWN (-1)', 'enum delta'],
  [['wide'], 'HUGE (78187493530)', 'enum wide'],
  [['flags', 'ready'], '1', 'unsigned int : 1'],
  [['flags', 'mode'], '3', 'unsigned int : 3'],
  [['flags', 'level'], '-2', 'int : 4'],
  [['flags', 'tag'], "65 'A'", 'unsigned char'],
  [['flags', 'stamp'], '78187493530', 'unsigned long long : 40'],
  [['word', 'u'], '1094861636 (0x41424344)', 'unsigned int'],
  [['word', 'bytes'], '44 43 42 41', 'unsigned char[4]'],
  [['word', 'bytes', '[0]'], "68 'D'", 'unsigned char'],
  [['name'], '"abc"', 'char[16]'],
  [['matrix', '[1]', '[2]'], '9', 'unsigned short'],
  [['matrix', '[1]'], '[0, 0, 9, 0]', 'unsigned short[4]'],
  [['ops'], 'NULL', 'struct ops *'],
  [['label'], '0x1234', 'const char *restrict'],
  [['ratio'], '0.5', 'double'],
  [['tagged'], '-3', 'int'],
  [['trailing'], '[]', 'int[0]'],
];

for (const [path, value, type] of MEMBERS) {
  test(`struct record: ${path.join('.')} = ${value}`, () => {
    const node = at(path);
    assert.deepEqual([node.value, node.type], [value, type]);
  });
}

test('struct record: the summary names the first members; the whole value is editable as bytes', () => {
  assert.equal(decoded.value, '{hits=7, colour=GREEN (5), delta=DOWN (-1), wide=HUGE (78187493530), …}');
  assert.equal(decoded.type, 'struct record');
  assert.deepEqual(decoded.edit && [decoded.edit.kind, decoded.edit.kind === 'memory' && decoded.edit.format], ['memory', { size: 136, notation: 'bytes' }]);
});

test('edit targets: scalars by number at their offset, char arrays as bytes; bitfields and floats read-only with a reason', () => {
  const target = (path: string[]): [number, ValueFormat] | undefined => {
    const e = at(path).edit;
    return e?.kind === 'memory' ? [e.offset, e.format] : undefined;
  };
  assert.deepEqual(target(['hits']), [offsetOf('hits'), { size: 4 }]);
  assert.deepEqual(target(['wide']), [offsetOf('wide'), { size: 8 }]);
  assert.deepEqual(target(['word', 'bytes', '[3]']), [offsetOf('word') + 3, { size: 1 }]);
  assert.deepEqual(target(['name']), [offsetOf('name'), { size: 16, notation: 'bytes' }]);
  assert.deepEqual(target(['matrix', '[2]', '[3]']), [offsetOf('matrix') + (2 * 4 + 3) * 2, { size: 2 }]);
  assert.equal(at(['flags', 'mode']).edit, undefined);
  assert.equal(at(['flags', 'mode']).readOnly, 'mode is a bit field: edit the struct around it as bytes');
  assert.equal(at(['ratio']).readOnly, 'double values are shown, not edited');
});

test('without an edit callback every part is read-only with the caller\'s reason', () => {
  const node = btfValueNode({ btf, readOnly: 'frozen' }, 'r', record.id, recordBytes());
  assert.equal(node.edit, undefined);
  assert.deepEqual([node.readOnly, node.children?.[0].readOnly, node.children?.[0].edit], ['frozen', 'frozen', undefined]);
});

test('too few bytes for the type say so instead of reading past them', () => {
  const node = btfValueNode(CTX, 'r', record.id, new Uint8Array(10));
  assert.equal(node.value, '<136 bytes expected, 10 there>');
});
