// validateProgram: every encoding problem reported with its instruction index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { validateProgram, validateBytes } from '../../../src-vm/isa/validate';

const EXIT = insn(0x95);

const CASES: { name: string; insns: Insn[]; expect: [number, string][] }[] = [
  { name: 'valid program', insns: [insn(0xb7, 0, 0, 0, 1), ...lddwSlots(2, 1n << 40n), EXIT], expect: [] },
  { name: 'unknown opcode', insns: [insn(0x8f), EXIT], expect: [[0, 'insn 0: unknown opcode 0x8f']] },
  { name: 'register r11', insns: [insn(0xb7, 11, 0, 0, 1), EXIT],
    expect: [[0, 'insn 0 (mov, opcode 0xb7): dst field is 11, must be a register r0..r10']] },
  { name: 'src set on an immediate ALU op', insns: [insn(0x07, 1, 1, 0, 1), EXIT],
    expect: [[0, 'insn 0 (add, opcode 0x07): src field is 1, must be 0']] },
  { name: 'offset on add', insns: [insn(0x0f, 1, 2, 1, 0), EXIT], expect: [[0, 'insn 0 (add, opcode 0x0f): off field is 1, must be 0']] },
  { name: 'sdiv is div with off 1', insns: [insn(0x3f, 1, 2, 1, 0), EXIT], expect: [] },
  { name: 'movsx width 32 is 64-bit only', insns: [insn(0xbc, 1, 2, 32, 0), EXIT],
    expect: [[0, 'insn 0 (mov32, opcode 0xbc): off field is 32, must be one of 0, 8, 16']] },
  { name: 'bad byte-swap width', insns: [insn(0xd7, 1, 0, 0, 8), EXIT],
    expect: [[0, 'insn 0 (bswap, opcode 0xd7): imm field is 8, must be one of 16, 32, 64']] },
  { name: 'bad atomic op', insns: [insn(0xdb, 1, 2, 0, 0x10), EXIT],
    expect: [[0, 'insn 0 (lock, opcode 0xdb): imm field is 16, must be one of 0, 1, 64, 65, 80, 81, 160, 161, 225, 241']] },
  { name: 'exit with imm', insns: [insn(0x95, 0, 0, 0, 1)], expect: [[0, 'insn 0 (exit, opcode 0x95): imm field is 1, must be 0']] },
  { name: 'lddw cut short', insns: [insn(0x18, 1, 0, 0, 1)], expect: [[0, 'insn 0: lddw needs a second slot, but the program ends here']] },
  { name: 'lddw second slot has an opcode', insns: [insn(0x18, 1, 0, 0, 1), insn(0x95), EXIT],
    expect: [[1, 'insn 1: second slot of lddw must have opcode, registers and offset 0']] },
  { name: 'jump past the end', insns: [insn(0x05, 0, 0, 5000), EXIT],
    expect: [[0, 'insn 0: jump target +5000 is outside the program (2 instructions)']] },
  { name: 'jump before the start', insns: [insn(0x15, 1, 0, -3, 0), EXIT],
    expect: [[0, 'insn 0: jump target -3 is outside the program (2 instructions)']] },
  { name: 'jump into lddw', insns: [insn(0x05, 0, 0, 1), ...lddwSlots(1, 5n), EXIT],
    expect: [[0, 'insn 0: jump into the middle of the lddw at insn 1']] },
  { name: 'local call out of range', insns: [insn(0x85, 0, 1, 0, 9), EXIT],
    expect: [[0, 'insn 0: call target +9 is outside the program (2 instructions)']] },
  { name: 'kfunc call kind is valid, src 3 is not', insns: [insn(0x85, 0, 2, 0, 7), insn(0x85, 0, 3, 0, 7), EXIT],
    expect: [[1, 'insn 1 (call, opcode 0x85): src field is 3, must be one of 0, 1, 2']] },
  { name: 'several problems are all reported', insns: [insn(0xff), insn(0xb7, 12), insn(0x05, 0, 0, 99)],
    expect: [[0, 'insn 0: unknown opcode 0xff'], [1, 'insn 1 (mov, opcode 0xb7): dst field is 12, must be a register r0..r10'],
      [2, 'insn 2: jump target +99 is outside the program (3 instructions)']] },
];

for (const c of CASES) {
  test(`validate: ${c.name}`, () => {
    const got = validateProgram(c.insns).map((d) => [d.insnIdx, d.message]);
    assert.deepEqual(got, c.expect);
  });
}

test('validateBytes reports a partial slot and an empty program', () => {
  assert.match(validateBytes(12, [EXIT])[0].message, /not a multiple of 8 \(4 trailing bytes\)/);
  assert.equal(validateBytes(0, [])[0].message, 'program has no instructions');
});
