// parseVectorFile: sections read the way the upstream runner reads them, the
// asm kept at its file positions, both `-- raw` forms, and every malformed
// value reported with its position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVectorFile } from '../../../src-vm/conformance/vectorFile';
import { insn } from '../../../src-vm/isa/insn';

test('a full vector: asm kept at its file lines, mem bytes, hex result', () => {
  const text = [
    '# Copyright line', '-- asm', 'mov %r0, %r2 # r2 = length', 'exit', '-- mem', 'aa bb', '0c', '-- result', '0x2', '',
  ].join('\n');
  const { value, diagnostics } = parseVectorFile(text);
  assert.deepEqual(diagnostics, []);
  assert.equal(value.asmLine, 2);
  assert.deepEqual(value.asm?.split('\n'), ['', '', 'mov %r0, %r2 # r2 = length', 'exit', '', '', '', '', '', '']);
  assert.deepEqual(value.mem, Uint8Array.from([0xaa, 0xbb, 0x0c]));
  assert.equal(value.result, 2n);
  assert.equal(value.raw, undefined);
  assert.equal(value.error, undefined);
});

test('results: hex and decimal, full 64 bits, last line of the section wins', () => {
  assert.equal(parseVectorFile('-- asm\nexit\n-- result\n0xffffffffffffffff').value.result, 0xffffffffffffffffn);
  assert.equal(parseVectorFile('-- asm\nexit\n-- result\n1\n\n42\n').value.result, 42n);
});

test('-- raw: 64-bit words (lddw.data) and 8 hex bytes per line (negative/unused-*)', () => {
  const words = parseVectorFile('-- asm\nexit\n-- raw\n0x5566778800000018\n0x1122334400000000\n0x0000000000000095\n-- result\n0x0');
  assert.deepEqual(words.value.raw, [insn(0x18, 0, 0, 0, 0x55667788), insn(0, 0, 0, 0, 0x11223344), insn(0x95)]);
  assert.notEqual(words.value.asm, undefined, 'asm is kept too; the runner prefers raw');
  const bytes = parseVectorFile('-- raw\n7a 1a f8 ff 00 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n');
  assert.deepEqual(bytes.value.raw, [insn(0x7a, 10, 1, -8, 0), insn(0x95)]);
  assert.equal(bytes.value.error, '', 'an empty -- error section is kept as ""');
  assert.deepEqual(bytes.diagnostics, []);
});

test('comments, CRLF and latin-1 bytes; "--" inside a comment is not a section', () => {
  const text = '# RFC 9669 \x7f comment -- asm\r\n-- asm\r\nmov32 %r0, 1 # -- result\r\nexit\r\n-- result\r\n0x1\r\n';
  const { value, diagnostics } = parseVectorFile(text);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(value.asm?.split('\n').filter((l) => l !== ''), ['mov32 %r0, 1 # -- result', 'exit']);
  assert.equal(value.result, 1n);
});

test('a -- c section is ignored; -- error keeps its last line', () => {
  const text = '-- c\nint x = 1 - -1;\n-- asm\nexit\n-- error\nfirst\nFailed to load program\n';
  const { value, diagnostics } = parseVectorFile(text);
  assert.deepEqual(value.asm?.split('\n').filter((l) => l !== ''), ['exit']);
  assert.equal(value.error, 'Failed to load program');
  assert.deepEqual(diagnostics, []);
});

test('malformed values are diagnostics with positions; the rest is still parsed', () => {
  const text = '-- asm\nexit\n-- mem\n00 zz 1ff\n-- raw\n0x95 banana\n-- result\n-5\n-- Unknown directive\n';
  const { value, diagnostics } = parseVectorFile(text);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span?.line, d.span?.col, d.message]), [
    ['vector/unknown-directive', 8, 0, 'Unknown directive: -- Unknown directive'],
    ['vector/invalid-raw', 5, 5, 'Invalid raw value: banana (expected an unsigned 64-bit number, 0x… for hex)'],
    ['vector/invalid-mem', 3, 3, 'Invalid memory byte: zz (expected two hex digits)'],
    ['vector/invalid-mem', 3, 6, 'Invalid memory byte: 1ff (expected two hex digits)'],
    ['vector/invalid-result', 7, 0, 'Invalid result value: -5 (expected an unsigned 64-bit number, 0x… for hex)'],
  ]);
  assert.deepEqual(value.raw, [insn(0x95)]);
  assert.equal(value.mem?.length, 3);
});

test('files without an expectation or a program say so', () => {
  assert.deepEqual(parseVectorFile('# just a comment\n').diagnostics.map((d) => [d.severity, d.message]), [
    ['warning', 'No result or error in test file'],
    ['warning', 'Test file has no asm or raw section'],
  ]);
  assert.deepEqual(parseVectorFile('').value, { asmLine: -1 });
});
