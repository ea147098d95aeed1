// Tests for src-vm/vm/inspect/valueEdit.ts: what text becomes which bytes for
// a value of each size and notation (numbers, negatives, hex bytes, IPv4
// addresses) and every refusal's message; edits applied to registers (live
// and a caller's saved ones, never r10), memory in place, map elements
// (per-CPU copies included) and context fields.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vm } from '../../../../src-vm/vm/interpreter';
import { ArrayMap, HashMap, keyOfIndex } from '../../../../src-vm/vm/maps';
import { applyEdit, parseValue, renderValue } from '../../../../src-vm/vm/inspect/valueEdit';
import type { EditTarget, ValueFormat } from '../../../../src-vm/vm/inspect/varNode';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const PARSE: { text: string; format: ValueFormat; bytes?: string; error?: RegExp }[] = [
  { text: '42', format: { size: 4 }, bytes: '2a000000' },
  { text: ' 0x2A ', format: { size: 4 }, bytes: '2a000000' },
  { text: '-1', format: { size: 2 }, bytes: 'ffff' },
  { text: '-128', format: { size: 1 }, bytes: '80' },
  { text: '255', format: { size: 1 }, bytes: 'ff' },
  { text: '0x0800', format: { size: 2, bigEndian: true }, bytes: '0800' },
  { text: '18446744073709551615', format: { size: 8 }, bytes: 'ffffffffffffffff' },
  { text: '-9223372036854775808', format: { size: 8 }, bytes: '0000000000000080' },
  { text: '2a 00 00 00', format: { size: 4 }, bytes: '2a000000' },
  { text: '0x2a,0x00', format: { size: 2 }, bytes: '2a00' },
  { text: 'ff', format: { size: 1 }, bytes: 'ff' },
  { text: 'deadbeef', format: { size: 4 }, bytes: 'deadbeef' },
  { text: '10.0.0.1', format: { size: 4, notation: 'ipv4' }, bytes: '0a000001' },
  { text: '0x0a000001', format: { size: 4, notation: 'ipv4', bigEndian: true }, bytes: '0a000001' },
  { text: '', format: { size: 4 }, error: /^no value given: give a number \(42, -1, 0x2a\) or 4 hex bytes \(2a 00 00 00\)$/ },
  { text: '256', format: { size: 1 }, error: /^'256' does not fit in 1 byte: give a number/ },
  { text: '-129', format: { size: 1 }, error: /^'-129' does not fit in 1 byte/ },
  { text: '0x10000000000000000', format: { size: 8 }, error: /does not fit in 8 bytes/ },
  { text: 'twelve', format: { size: 8 }, error: /^'twelve' is not a number or hex bytes: give a number \(42, -1, 0x2a\) or 8 hex bytes \(2a 00 00 00 …\)$/ },
  { text: '2a 00', format: { size: 4 }, error: /^'2a 00' has 2 bytes, the value 4/ },
  { text: '1.5', format: { size: 4 }, error: /is not a number or hex bytes/ },
  { text: '10.0.0.300', format: { size: 4, notation: 'ipv4' }, error: /is not an IPv4 address: give a number \(42, -1, 0x2a\), an IPv4 address \(10\.0\.0\.1\) or 4 hex bytes/ },
  { text: '10.0.0.1', format: { size: 4 }, error: /is not a number or hex bytes/ },
  { text: '7', format: { size: 16, notation: 'bytes' }, error: /^'7' is a number, but the value has 16 bytes: give 16 hex bytes/ },
];

for (const c of PARSE) {
  test(`parseValue '${c.text}' as ${JSON.stringify(c.format)}`, () => {
    const parsed = parseValue(c.text, c.format);
    if (c.error) assert.match('error' in parsed ? parsed.error : `bytes ${hex(parsed.bytes)}`, c.error);
    else assert.equal('bytes' in parsed ? hex(parsed.bytes) : parsed.error, c.bytes);
  });
}

const RENDER: [string, ValueFormat, string][] = [
  ['2a000000', { size: 4 }, '0x2a (42)'],
  ['ffff', { size: 2 }, '0xffff (-1)'],
  ['0800', { size: 2, bigEndian: true }, '0x800 (2048)'],
  ['0a000001', { size: 4, notation: 'ipv4' }, '10.0.0.1'],
  ['0102030405060708', { size: 8, notation: 'bytes' }, '01 02 03 04 05 06 07 08'],
];

for (const [bytes, format, text] of RENDER) {
  test(`renderValue ${bytes} as ${JSON.stringify(format)} reads ${text}`, () => {
    assert.equal(renderValue(Buffer.from(bytes, 'hex'), format), text);
  });
}

/** A Vm stopped inside one bpf-to-bpf call: the caller saved r6 = 6 … r9 = 9. */
function vmInCall(): Vm {
  const vm = new Vm([{ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }]);
  const saved = new Uint32Array(10);
  for (let r = 6; r <= 10; r++) saved[(r - 6) * 2] = r;
  vm.frames.push({ returnPc: 1, saved, stack: vm.stacks[1] });
  return vm;
}

test('registers: the innermost frame takes any value but r10; a caller frame only r6..r9, written to its saved copy', () => {
  const vm = vmInCall();
  assert.deepEqual(applyEdit(vm, { kind: 'register', depth: 1, reg: 3 }, '-2'), { value: '0xfffffffffffffffe (-2)' });
  assert.equal(vm.getReg(3), 0xfffffffffffffffen);
  assert.deepEqual(applyEdit(vm, { kind: 'register', depth: 0, reg: 7 }, '0x123456789'), { value: '0x123456789 (4886718345)' });
  assert.deepEqual([...vm.frames[0].saved.subarray(2, 4)], [0x23456789, 0x1]);
  assert.match((applyEdit(vm, { kind: 'register', depth: 0, reg: 2 }, '1') as { error: string }).error, /r2 does not survive the call this frame waits on/);
  assert.match((applyEdit(vm, { kind: 'register', depth: 1, reg: 10 }, '1') as { error: string }).error, /r10 is the frame pointer: it is read-only/);
  assert.match((applyEdit(vm, { kind: 'register', depth: 1, reg: 4 }, 'x') as { error: string }).error, /'x' is not a number or hex bytes/);
  assert.equal(vm.getReg(4), 0n, 'a refused edit changes nothing');
});

test('memory: bytes are written in place, little- or big-endian; a shrunk buffer refuses', () => {
  const bytes = new Uint8Array(8);
  assert.deepEqual(applyEdit(new Vm([]), { kind: 'memory', bytes, offset: 2, format: { size: 2, bigEndian: true } }, '0x86dd'), { value: '0x86dd (-31011)' });
  assert.deepEqual(applyEdit(new Vm([]), { kind: 'memory', bytes, offset: 4, format: { size: 4, notation: 'ipv4' } }, '192.168.1.1'), { value: '192.168.1.1' });
  assert.equal(hex(bytes), '000086ddc0a80101');
  const edit: EditTarget = { kind: 'memory', bytes, offset: 6, format: { size: 4 } };
  assert.match((applyEdit(new Vm([]), edit, '1') as { error: string }).error, /no longer there/);
});

test('map elements: written with BPF_MAP_UPDATE_ELEM; per-CPU edits touch one CPU; a deleted element refuses', () => {
  const percpu = new ArrayMap({ type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 2, name: 'pc' }, { nCpus: 2 });
  const edit: EditTarget = { kind: 'map', map: percpu, key: keyOfIndex(1), cpu: 1, offset: 2, format: { size: 2 } };
  assert.deepEqual(applyEdit(new Vm([]), edit, '0x0102'), { value: '0x102 (258)' });
  assert.equal(hex(percpu.sysLookup(keyOfIndex(1)).value!), '00000000' + '00000000' + '00000201' + '00000000');
  const hash = new HashMap({ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, name: 'h' }, { nCpus: 1 });
  hash.sysUpdate(keyOfIndex(7), new Uint8Array(8));
  const target: EditTarget = { kind: 'map', map: hash, key: keyOfIndex(7), cpu: 0, offset: 0, format: { size: 8 } };
  assert.deepEqual(applyEdit(new Vm([]), target, '5'), { value: '0x5 (5)' });
  assert.equal(hex(hash.sysLookup(keyOfIndex(7)).value!), '0500000000000000');
  hash.sysDelete(keyOfIndex(7));
  assert.match((applyEdit(new Vm([]), target, '6') as { error: string }).error, /the element is gone from map 'h' \(lookup fails with ENOENT\)/);
});

test('context fields: stored through the field access; its refusal is the answer', () => {
  const stored: [number, number, bigint][] = [];
  const access = {
    load: (): bigint => 0n,
    store: (offset: number, size: number, value: bigint): string | undefined => (offset === 0 ? 'read-only field' : (stored.push([offset, size, value]), undefined)),
  };
  assert.deepEqual(applyEdit(new Vm([]), { kind: 'field', access, offset: 8, format: { size: 4 } }, '0x11223344'), { value: '0x11223344 (287454020)' });
  assert.deepEqual(stored, [[8, 4, 0x11223344n]]);
  assert.deepEqual(applyEdit(new Vm([]), { kind: 'field', access, offset: 0, format: { size: 4 } }, '1'), { error: 'read-only field' });
});
