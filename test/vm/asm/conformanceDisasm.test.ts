// disassembleConformance: the text of each form, flags for what the dialect
// cannot say, and assemble -> disassemble -> assemble = identity on the bytes
// of every bpf_conformance vector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleConformance } from '../../../src-vm/asm/conformanceAsm';
import { disassembleConformance, formatConformanceInsn } from '../../../src-vm/asm/conformanceDisasm';
import { insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { parseVectorFile } from '../../../src-vm/conformance/vectorFile';
import { conformanceDir, readVector, vectorFiles } from '../conformance/vectorsDir';

const TEXTS: [Insn[], string][] = [
  [[insn(0x07, 1, 0, 0, 2)], 'add %r1, 2'],
  [[insn(0x07, 1, 0, 0, 11)], 'add %r1, 0xb'],
  [[insn(0x04, 1, 0, 0, -11)], 'add32 %r1, -11'],
  [[insn(0xb7, 0, 0, 0, -0x80000000)], 'mov %r0, 0x80000000'],
  [[insn(0x0f, 1, 2)], 'add %r1, %r2'],
  [[insn(0x3c, 1, 2, 1)], 'sdiv32 %r1, %r2'],
  [[insn(0x97, 1, 0, 1, 7)], 'smod %r1, 7'],
  [[insn(0xbf, 0, 1, 16)], 'movsx1664 %r0, %r1'],
  [[insn(0xbc, 0, 1, 8)], 'movsx832 %r0, %r1'],
  [[insn(0x87, 2)], 'neg %r2'],
  [[insn(0xdc, 0, 0, 0, 16)], 'be16 %r0'],
  [[insn(0xd4, 3, 0, 0, 64)], 'le64 %r3'],
  [[insn(0xd7, 0, 0, 0, 32)], 'bswap32 %r0'],
  [lddwSlots(0, 0x1122334455667788n), 'lddw %r0, 0x1122334455667788'],
  [[insn(0x79, 0, 1, 16)], 'ldxdw %r0, [%r1+16]'],
  [[insn(0x81, 0, 10, -4)], 'ldxsw %r0, [%r10-4]'],
  [[insn(0x72, 1, 0, 2, 0x11)], 'stb [%r1+2], 0x11'],
  [[insn(0x7b, 10, 0, -8)], 'stxdw [%r10-8], %r0'],
  [[insn(0xdb, 10, 1, -8, 0x01)], 'lock fetch add [%r10-8], %r1'],
  [[insn(0xc3, 1, 2, 0, 0xa0)], 'lock xor32 [%r1], %r2'],
  [[insn(0xc3, 1, 2, 0, 0xf1)], 'lock cmpxchg32 [%r1], %r2'],
  [[insn(0xdb, 1, 2, 0, 0xe1)], 'lock xchg [%r1], %r2'],
  [[insn(0x05, 0, 0, -1)], 'ja -1'],
  [[insn(0x06, 0, 0, 0, 70000)], 'ja32 +70000'],
  [[insn(0x15, 1, 0, 2, 5)], 'jeq %r1, 5, +2'],
  [[insn(0x5e, 1, 2, -3)], 'jne32 %r1, %r2, -3'],
  [[insn(0x85, 0, 0, 0, 5)], 'call 5'],
  [[insn(0x85, 0, 1, 0, 3)], 'call local +3'],
  [[insn(0x85, 0, 2, 0, 7)], 'call runtime 7'],
  [[insn(0x8d, 2)], 'call %r2'],
  [[insn(0x95)], 'exit'],
];

test('each instruction prints in the dialect and assembles back to itself', () => {
  for (const [insns, text] of TEXTS) {
    assert.deepEqual(disassembleConformance(insns), [text]);
    const back = assembleConformance(text);
    assert.deepEqual(back.diagnostics, [], text);
    assert.deepEqual(back.value.insns, insns, text);
  }
});

test('an lddw covers two slots', () => {
  const insns = [...lddwSlots(1, 5n), insn(0x95)];
  assert.deepEqual(formatConformanceInsn(insns, 0), { text: 'lddw %r1, 0x5', slots: 2 });
  assert.deepEqual(disassembleConformance(insns), ['lddw %r1, 0x5', 'exit']);
});

test('what the dialect cannot say is flagged with the raw bytes', () => {
  const cases: [Insn[], string][] = [
    [[insn(0x07, 0, 0, 1, 1)], 'add %r0, 1 # not expressible in this dialect: off field is 1; raw 07 00 01 00 01 00 00 00'],
    [[insn(0xbf, 0, 0, 1)], 'mov %r0, %r0 # not expressible in this dialect: off field is 1; raw bf 00 01 00 00 00 00 00'],
    [[insn(0x8f)], '# unknown opcode 0x8f: 8f 00 00 00 00 00 00 00'],
    [[insn(0x20, 0, 0, 0, 12)], 'ldabsw 0xc # not expressible in this dialect: ldabsw is not in the conformance dialect; raw 20 00 00 00 0c 00 00 00'],
    [lddwSlots(1, 3n, 1), 'lddw %r1, 0x3 # not expressible in this dialect: lddw with src 1 (only plain constants can be written); ' +
      'raw 18 11 00 00 03 00 00 00 00 00 00 00 00 00 00 00'],
    [[insn(0x18, 1, 0, 0, 3)], 'lddw %r1, 0x3 # not expressible in this dialect: lddw has no second slot; raw 18 01 00 00 03 00 00 00'],
  ];
  for (const [insns, text] of cases) assert.deepEqual(disassembleConformance(insns), [text]);
});

test('assemble -> disassemble -> assemble is the identity for all 313 vectors', () => {
  const dir = conformanceDir('tests');
  const files = vectorFiles(dir);
  assert.equal(files.length, 313);
  for (const file of files) {
    const vector = parseVectorFile(readVector(dir, file)).value;
    const first = vector.raw ?? assembleConformance(vector.asm ?? '').value.insns;
    assert.ok(first.length > 0, file);
    const text = disassembleConformance(first).join('\n');
    const again = assembleConformance(text);
    assert.deepEqual(again.diagnostics, [], `${file}:\n${text}`);
    assert.deepEqual(again.value.insns, first, `${file}:\n${text}`);
  }
});
