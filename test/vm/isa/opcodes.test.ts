// The opcode table: complete for RFC 9669 and consistent with the bit layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPCODE_TABLE, OPCODES, CLS, opcodeInfo } from '../../../src-vm/isa/opcodes';
import { decodeInsns, encodeInsns, insn } from '../../../src-vm/isa/insn';

test('every RFC 9669 opcode has exactly one row', () => {
  // ALU/ALU64: 12 binary ops x 2 sources x 2 classes, neg x 2, end x 3;
  // LD: lddw, 3 abs, 3 ind; LDX: 4 mem + 3 memsx; ST: 4; STX: 4 + 2 atomic;
  // JMP/JMP32: ja, ja32, 11 conditions x 2 sources x 2 classes, call, callx, exit; may_goto.
  const expected = 12 * 2 * 2 + 2 + 3 + 1 + 3 + 3 + 4 + 3 + 4 + 4 + 2 + 2 + 11 * 2 * 2 + 3 + 1;
  assert.equal(OPCODE_TABLE.length, expected);
  assert.equal(OPCODES.filter(Boolean).length, expected);
});

test('rows agree with the class, source and op bits of their opcode', () => {
  for (const row of OPCODE_TABLE) {
    assert.equal(row.cls, row.code & 0x07, row.name);
    if (row.cls >= CLS.ALU) {
      assert.equal(row.op, row.code & 0xf0, row.name);
      assert.equal(row.srcReg, (row.code & 0x08) !== 0, row.name);
    }
  }
  assert.equal(opcodeInfo(0x3f)?.name, 'div');
  assert.equal(opcodeInfo(0x3c)?.name, 'div32');
  assert.equal(opcodeInfo(0xdb)?.size, 8);
  assert.equal(opcodeInfo(0x91)?.name, 'ldxsb');
  assert.equal(opcodeInfo(0x06)?.name, 'ja32');
  assert.equal(opcodeInfo(0x00), undefined);
});

test('decode(encode(x)) is the identity for every field value range', () => {
  const insns = [insn(0xbf, 10, 15, -32768, -2147483648), insn(0x18, 1, 6, 32767, 2147483647), insn(0, 0, 0, 0, -1)];
  assert.deepEqual(decodeInsns(encodeInsns(insns)), insns);
  const bytes = encodeInsns([insn(0xb7, 1, 2, -1, 0x11223344)]);
  assert.deepEqual([...bytes], [0xb7, 0x21, 0xff, 0xff, 0x44, 0x33, 0x22, 0x11]);
});
