// assembleConformance: every form of the bpf_conformance dialect against its
// bytes (FORMAT.md §2), label resolution, number range rules, and every error
// reported with its position and the upstream message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFORMANCE_MNEMONICS, assembleConformance } from '../../../src-vm/asm/conformanceAsm';
import { encodeInsns, type Insn } from '../../../src-vm/isa/insn';

function hex(insns: readonly Insn[]): string {
  return [...encodeInsns(insns)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

const GOLDEN: [string, string][] = [
  ['add %r1, 2', '07 01 00 00 02 00 00 00'],
  ['add %r1, %r2', '0f 21 00 00 00 00 00 00'],
  ['add32 %r1, -1', '04 01 00 00 ff ff ff ff'],
  ['sub32 %r3, %r4', '1c 43 00 00 00 00 00 00'],
  ['mul %r1, 3', '27 01 00 00 03 00 00 00'],
  ['div32 %r1, %r2', '3c 21 00 00 00 00 00 00'],
  ['or %r0, 0x10', '47 00 00 00 10 00 00 00'],
  ['and32 %r0, %r9', '5c 90 00 00 00 00 00 00'],
  ['lsh %r1, 63', '67 01 00 00 3f 00 00 00'],
  ['rsh32 %r1, %r2', '7c 21 00 00 00 00 00 00'],
  ['mod %r1, 7', '97 01 00 00 07 00 00 00'],
  ['xor %r1, %r2', 'af 21 00 00 00 00 00 00'],
  ['mov %r0, 0xffffffff', 'b7 00 00 00 ff ff ff ff'],
  ['mov32 %r0, 2147483647', 'b4 00 00 00 ff ff ff 7f'],
  ['mov %r0, -2147483648', 'b7 00 00 00 00 00 00 80'],
  ['arsh %r1, 3', 'c7 01 00 00 03 00 00 00'],
  ['arsh32 %r1, %r2', 'cc 21 00 00 00 00 00 00'],
  ['neg %r2', '87 02 00 00 00 00 00 00'],
  ['neg32 %r2', '84 02 00 00 00 00 00 00'],
  ['sdiv %r1, 3', '37 01 01 00 03 00 00 00'],
  ['sdiv32 %r1, %r2', '3c 21 01 00 00 00 00 00'],
  ['smod %r1, %r2', '9f 21 01 00 00 00 00 00'],
  ['smod32 %r1, 5', '94 01 01 00 05 00 00 00'],
  ['movsx864 %r0, %r1', 'bf 10 08 00 00 00 00 00'],
  ['movsx1664 %r0, %r1', 'bf 10 10 00 00 00 00 00'],
  ['movsx3264 %r0, %r1', 'bf 10 20 00 00 00 00 00'],
  ['movsx832 %r0, %r1', 'bc 10 08 00 00 00 00 00'],
  ['movsx1632 %r0, %r1', 'bc 10 10 00 00 00 00 00'],
  ['be16 %r0', 'dc 00 00 00 10 00 00 00'],
  ['be64 %r3', 'dc 03 00 00 40 00 00 00'],
  ['le32 %r0', 'd4 00 00 00 20 00 00 00'],
  ['bswap16 %r0', 'd7 00 00 00 10 00 00 00'],
  ['swap64 %r1', 'd7 01 00 00 40 00 00 00'],
  ['lddw %r0, 0x1122334455667788', '18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11'],
  ['lddw %r1, -1', '18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff'],
  ['lddw %r1, 18446744073709551615', '18 01 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff'],
  ['ldxb %r0, [%r1]', '71 10 00 00 00 00 00 00'],
  ['ldxh %r0, [%r1+2]', '69 10 02 00 00 00 00 00'],
  ['ldxw %r0, [%r10-4]', '61 a0 fc ff 00 00 00 00'],
  ['ldxdw %r0, [%r1+0x10]', '79 10 10 00 00 00 00 00'],
  ['ldxsb %r0, [%r1]', '91 10 00 00 00 00 00 00'],
  ['ldxsh %r0, [%r1+2]', '89 10 02 00 00 00 00 00'],
  ['ldxsw %r0, [%r1+4]', '81 10 04 00 00 00 00 00'],
  ['stb [%r1+2], 0x11', '72 01 02 00 11 00 00 00'],
  ['sth [%r1], -2', '6a 01 00 00 fe ff ff ff'],
  ['stw [%r10-4], 1', '62 0a fc ff 01 00 00 00'],
  ['stdw [%r10-8], 0x7fffffff', '7a 0a f8 ff ff ff ff 7f'],
  ['stxb [%r1], %r2', '73 21 00 00 00 00 00 00'],
  ['stxh [%r1+1], %r2', '6b 21 01 00 00 00 00 00'],
  ['stxw [%r1-1], %r2', '63 21 ff ff 00 00 00 00'],
  ['stxdw [%r10-8], %r0', '7b 0a f8 ff 00 00 00 00'],
  ['ja +1', '05 00 01 00 00 00 00 00'],
  ['ja -1', '05 00 ff ff 00 00 00 00'],
  ['ja32 +70000', '06 00 00 00 70 11 01 00'],
  ['jeq %r1, 5, +2', '15 01 02 00 05 00 00 00'],
  ['jne %r1, %r2, -3', '5d 21 fd ff 00 00 00 00'],
  ['jsle32 %r1, -1, +0', 'd6 01 00 00 ff ff ff ff'],
  ['jset32 %r1, %r2, +1', '4e 21 01 00 00 00 00 00'],
  ['jlt %r0, 0x80000000, +4', 'a5 00 04 00 00 00 00 80'],
  ['jsge %r3, %r4, +0x7fff', '7d 43 ff 7f 00 00 00 00'],
  ['exit', '95 00 00 00 00 00 00 00'],
  ['call 5', '85 00 00 00 05 00 00 00'],
  ['call helper 5', '85 00 00 00 05 00 00 00'],
  ['call %r2', '8d 02 00 00 00 00 00 00'],
  ['call helper %r2', '8d 02 00 00 00 00 00 00'],
  ['call local +3', '85 10 00 00 03 00 00 00'],
  ['call runtime 7', '85 20 00 00 07 00 00 00'],
  ['lock add [%r10-8], %r1', 'db 1a f8 ff 00 00 00 00'],
  ['lock fetch add32 [%r1+4], %r2', 'c3 21 04 00 01 00 00 00'],
  ['lock or [%r1], %r2', 'db 21 00 00 40 00 00 00'],
  ['lock fetch or32 [%r1], %r2', 'c3 21 00 00 41 00 00 00'],
  ['lock fetch and [%r1], %r2', 'db 21 00 00 51 00 00 00'],
  ['lock xor32 [%r1], %r2', 'c3 21 00 00 a0 00 00 00'],
  ['lock xchg [%r1], %r2', 'db 21 00 00 e1 00 00 00'],
  ['lock fetch xchg [%r1], %r2', 'db 21 00 00 e1 00 00 00'],
  ['lock cmpxchg32 [%r1], %r2', 'c3 21 00 00 f1 00 00 00'],
];

test('every form assembles to its bytes', () => {
  for (const [source, bytes] of GOLDEN) {
    const { value, diagnostics } = assembleConformance(source);
    assert.deepEqual(diagnostics, [], source);
    assert.equal(hex(value.insns), bytes, source);
  }
});

test('the mnemonic list covers the whole dialect', () => {
  const expected = ['add', 'add32', 'sub', 'mul32', 'div', 'sdiv', 'sdiv32', 'smod', 'smod32', 'or', 'and', 'lsh', 'rsh',
    'mod', 'xor', 'mov', 'mov32', 'arsh', 'arsh32', 'neg', 'neg32', 'movsx864', 'movsx1664', 'movsx3264', 'movsx832',
    'movsx1632', 'be16', 'be32', 'be64', 'le16', 'le32', 'le64', 'bswap16', 'bswap32', 'bswap64', 'swap16', 'swap32',
    'swap64', 'lddw', 'ldxb', 'ldxh', 'ldxw', 'ldxdw', 'ldxsb', 'ldxsh', 'ldxsw', 'stb', 'sth', 'stw', 'stdw', 'stxb',
    'stxh', 'stxw', 'stxdw', 'ja', 'ja32', 'jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt',
    'jsle', 'jeq32', 'jsle32', 'exit', 'call', 'lock'];
  for (const m of expected) assert.ok(CONFORMANCE_MNEMONICS.includes(m), m);
  for (const absent of ['ldabsb', 'ldindw', 'may_goto', 'callx', 'lock32', 'movsx3232', 'sadd']) {
    assert.ok(!CONFORMANCE_MNEMONICS.includes(absent), absent);
  }
});

test('labels resolve to slot distances, lddw counts as two slots, the first exit is `exit`', () => {
  const source = [
    'mov %r0, 0', 'L1:', 'lddw %r1, 5', 'jne %r0, 0, L1', 'ja32 L2', 'call local func', 'jeq %r0, 1, exit',
    'L2:', 'exit', 'func:', 'mov %r0, 1', 'exit',
  ].join('\n');
  const { value, diagnostics } = assembleConformance(source);
  assert.deepEqual(diagnostics, []);
  assert.equal(value.insns.length, 10);
  assert.equal(value.insns[3].off, -3);
  assert.equal(value.insns[4].imm, 2);
  assert.deepEqual([value.insns[5].src, value.insns[5].imm], [1, 2]);
  assert.equal(value.insns[6].off, 0);
  assert.deepEqual([...value.labels], [['L1', 1], ['L2', 7], ['exit', 7], ['func', 8]]);
});

test('spans point at each instruction; the second slot of lddw has none', () => {
  const { value } = assembleConformance('  mov %r0, 1   # set r0\nlddw %r1, 0x100000000\r\nexit');
  assert.deepEqual(value.spans, [
    { line: 0, col: 2, endLine: 0, endCol: 12 },
    { line: 1, col: 0, endLine: 1, endCol: 21 },
    undefined,
    { line: 2, col: 0, endLine: 2, endCol: 4 },
  ]);
});

test('comments, blank lines, CRLF and tabs are ignored', () => {
  const { value, diagnostics } = assembleConformance('# header, with commas\r\n\r\n\tmov\t%r0,\t1 # x, y\r\n\r\nexit\r\n');
  assert.deepEqual(diagnostics, []);
  assert.equal(hex(value.insns), 'b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00');
});

const ERRORS: [string, [number, number, number, string][]][] = [
  ['or %r0, %r50', [[0, 8, 12, 'Invalid register: %r50']]],
  ['ldxq %r0, %r1', [[0, 0, 4, 'Invalid mnemonic: ldxq']]],
  ['lddw %r0', [[0, 0, 8, 'Invalid number of operands for mnemonic: lddw (expected 2, got 1)']]],
  ['mov %r0,%r1', [[0, 0, 11, 'Invalid number of operands for mnemonic: mov (expected 2, got 1)']]],
  ['exit %r0', [[0, 0, 8, 'Invalid number of operands for mnemonic: exit (expected 0, got 1)']]],
  ['ja NOT_A_LABEL\nexit', [[0, 3, 14, 'Invalid label: NOT_A_LABEL']]],
  ['ja 5', [[0, 3, 4, 'Invalid label: 5 (a relative target needs a sign: +5)']]],
  ['jeq %r1, 0, exit', [[0, 12, 16, 'Invalid label: exit']]],
  ['lock', [[0, 0, 4, 'Invalid number of operands for lock']]],
  ['lock or [%r10-8]', [[0, 0, 16, 'Invalid number of operands for lock']]],
  ['lock fetch', [[0, 0, 10, 'Invalid number of operands for lock']]],
  ['lock nand [%r1], %r2', [[0, 5, 9,
    'Invalid atomic operation: nand (expected add, and, or, xor, xchg or cmpxchg, with 32 for a 32-bit access)']]],
  ['mov32 %r0, 2147483648', [[0, 11, 21, 'Immediate out of 32-bit range: 2147483648']]],
  ['mov32 %r0, 0x100000000', [[0, 11, 22, 'Immediate out of 32-bit range: 0x100000000']]],
  ['mov %r0, -2147483649', [[0, 9, 20, 'Immediate out of 32-bit range: -2147483649']]],
  ['mov %r0, -0x1', [[0, 9, 13, 'Immediate out of 32-bit range: -0x1 (hex is unsigned; write a negative value in decimal)']]],
  ['mov %r0, 12abc', [[0, 9, 14, 'Invalid immediate: 12abc']]],
  ['lddw %r0, 0x10000000000000000', [[0, 10, 29, 'Immediate out of 64-bit range: 0x10000000000000000']]],
  ['lddw %r0, -9223372036854775809', [[0, 10, 30, 'Immediate out of 64-bit range: -9223372036854775809']]],
  ['ldxb %r0, [%r1+0x10000]', [[0, 14, 22, 'Offset out of 16-bit range: +0x10000']]],
  ['ldxb %r0, [%r1+32768]', [[0, 14, 20, 'Offset out of 16-bit range: +32768']]],
  ['ldxb %r0, [%r1-0x8]', [[0, 14, 18, 'Offset out of 16-bit range: -0x8 (hex is unsigned; write a negative value in decimal)']]],
  ['ldxb %r0, %r1', [[0, 10, 13, 'Failed to decode register and offset: %r1']]],
  ['ldxb %r0, [%rx+1]', [[0, 11, 14, 'Invalid register: %rx']]],
  ['jeq %r1, 0, +32768', [[0, 12, 18, 'Offset out of 16-bit range: +32768']]],
  ['call foo 1', [[0, 5, 8, 'Invalid call mode: foo (expected helper, local or runtime)']]],
  ['movsx864 %r0, 5', [[0, 14, 15, 'movsx864 sign-extends a register: expected %rN, got 5']]],
  ['L1:\nL1:', [[1, 0, 3, 'Duplicate label (L1) detected at line 2 (previous declaration at line 1)']]],
  ['L1: mov %r0, 1', [[0, 4, 14, 'Unexpected text after a label: put the instruction on its own line']]],
  [':', [[0, 0, 1, "Missing label name before ':'"]]],
];

test('each error carries the upstream message and its position', () => {
  for (const [source, expected] of ERRORS) {
    const { diagnostics } = assembleConformance(source);
    const got = diagnostics.filter((d) => d.severity === 'error')
      .map((d) => [d.span?.line, d.span?.col, d.span?.endCol, d.message]);
    assert.deepEqual(got, expected, source);
  }
});

test('every error in the input is reported, not only the first', () => {
  const source = 'mov %r0, %r99\nfrob %r1\nadd32 %r1, 0x1ffffffff\nja nowhere\nstxw [%r1+99999], %r12\nexit';
  const { value, diagnostics } = assembleConformance(source);
  assert.deepEqual(diagnostics.map((d) => [d.severity, d.span?.line, d.message]), [
    ['error', 0, 'Invalid register: %r99'],
    ['error', 1, 'Invalid mnemonic: frob'],
    ['error', 2, 'Immediate out of 32-bit range: 0x1ffffffff'],
    ['error', 4, 'Offset out of 16-bit range: +99999'],
    ['warning', 4, 'Register %r12 does not exist (eBPF has %r0-%r10); accepted only to encode negative tests'],
    ['error', 3, 'Invalid label: nowhere'],
  ]);
  assert.equal(value.insns.length, 5, 'lines with a known mnemonic still take their slot');
});

test('%r11..%r15 assemble (for negative tests) with a warning', () => {
  const { value, diagnostics } = assembleConformance('mov %r11, 1');
  assert.equal(hex(value.insns), 'b7 0b 00 00 01 00 00 00');
  assert.deepEqual(diagnostics.map((d) => [d.severity, d.code]), [['warning', 'casm/nonexistent-register']]);
});

test('a label more than 32767 slots away does not fit a jump offset', () => {
  const source = 'ja far\n' + 'exit\n'.repeat(40000) + 'far:\nexit';
  const { diagnostics } = assembleConformance(source);
  assert.deepEqual(diagnostics.map((d) => d.message), ['Jump to far is 40000 slots away, beyond the 16-bit offset range']);
  assert.deepEqual(assembleConformance('ja32 far\n' + 'exit\n'.repeat(40000) + 'far:\nexit').diagnostics, []);
});

test('an explicit exit label before the first exit is replaced, with a warning', () => {
  const { value, diagnostics } = assembleConformance('exit:\nmov %r0, 0\nexit');
  assert.equal(value.labels.get('exit'), 1);
  assert.deepEqual(diagnostics.map((d) => d.code), ['casm/implicit-exit-label']);
});

test('garbage never throws and every diagnostic lies inside the text', () => {
  const pieces = ['mov', 'lock', 'fetch', 'call', 'local', '%r1', '%r', '[%r1+', ']', '[', '+', '-', '0x', '0xffffffffff',
    '-', ',', ':', 'L:', '#', 'lddw', 'ja32', 'jeq', '99999999999999999999', 'exit', '\t', ' ', '\n', 'be16', 'x'];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let round = 0; round < 500; round++) {
    const text = Array.from({ length: 1 + (next() % 30) }, () => pieces[next() % pieces.length]).join(next() % 2 ? ' ' : '');
    const { diagnostics } = assembleConformance(text);
    const lines = text.split('\n');
    for (const d of diagnostics) {
      assert.ok(d.span && d.span.line < lines.length && d.span.endCol <= lines[d.span.line].length, `${JSON.stringify(text)}: ${d.message}`);
    }
  }
});
