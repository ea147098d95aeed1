// bpf_core_patch_insn as libbpf does it, on hand-made instructions: ALU
// immediates, load/store offsets and access sizes, lddw immediates, the
// checks before patching (the value the compiler wrote, the offset range,
// the access size) with libbpf's messages, and poisoning (one slot, or both
// slots of an lddw, become `call 0xbad2310`).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insn, type Insn } from '../../../src-vm/isa/insn';
import type { CoreReloRes } from '../../../src-vm/elf/coreCalc';
import { CoreLog } from '../../../src-vm/elf/coreLog';
import { patchInsn, POISON_HELPER_ID } from '../../../src-vm/elf/corePatch';

function res(over: Partial<CoreReloRes>): CoreReloRes {
  return { origVal: 0n, newVal: 0n, poison: false, validate: true, failMemszAdjust: false, origSize: 0, newSize: 0, origTypeId: 0, newTypeId: 0, ...over };
}

interface Case {
  name: string;
  insns: Insn[];
  res: Partial<CoreReloRes>;
  /** Expected errno (0 = patched or poisoned). */
  err: number;
  /** Expected instructions afterwards (defaults to unchanged). */
  after?: Insn[];
  log: string[];
}

const POISON = insn(0x85, 0, 0, 0, POISON_HELPER_ID);
const P = "prog 'p': relo #4:";

const CASES: Case[] = [
  {
    name: 'ALU64 add immediate: the byte offset', insns: [insn(0x07, 3, 0, 0, 16)], res: { origVal: 16n, newVal: 1280n }, err: 0,
    after: [insn(0x07, 3, 0, 0, 1280)], log: [`${P} patched insn #7 (ALU/ALU64) imm 16 -> 1280`],
  },
  {
    name: 'ALU32 mov immediate', insns: [insn(0xb4, 0, 0, 0, 1)], res: { origVal: 1n, newVal: 0n }, err: 0,
    after: [insn(0xb4, 0, 0, 0, 0)], log: [`${P} patched insn #7 (ALU/ALU64) imm 1 -> 0`],
  },
  {
    name: 'a negative immediate compares as its 64-bit sign extension', insns: [insn(0xb7, 0, 0, 0, -1)], res: { origVal: 0xffffffffffffffffn, newVal: 5n }, err: 0,
    after: [insn(0xb7, 0, 0, 0, 5)], log: [`${P} patched insn #7 (ALU/ALU64) imm 18446744073709551615 -> 5`],
  },
  {
    name: 'the compiler\'s value differs: refused', insns: [insn(0x07, 3, 0, 0, -17)], res: { origVal: 16n, newVal: 1280n }, err: -22,
    log: [`${P} unexpected insn #7 (ALU/ALU64) value: got 4294967279, exp 16 -> 1280`],
  },
  {
    name: 'unchecked values are patched whatever the instruction holds', insns: [insn(0x07, 3, 0, 0, 99)], res: { origVal: 16n, newVal: 114n, validate: false }, err: 0,
    after: [insn(0x07, 3, 0, 0, 114)], log: [`${P} patched insn #7 (ALU/ALU64) imm 99 -> 114`],
  },
  {
    name: 'an ALU op with a register source cannot carry a relocation', insns: [insn(0x0f, 3, 2, -8, 0)], res: { origVal: 0n }, err: -22,
    log: [`${P} trying to relocate unrecognized insn #7, code:0xf, src:0x2, dst:0x3, off:0xfffffff8, imm:0x0`],
  },
  {
    name: 'ALU poisoned', insns: [insn(0x07, 3, 0, 0, 16)], res: { origVal: 16n, poison: true }, err: 0,
    after: [POISON], log: [`${P} substituting insn #7 w/ invalid insn`],
  },
  {
    name: 'LDX offset', insns: [insn(0x79, 1, 1, 8, 0)], res: { origVal: 8n, newVal: 16n, origSize: 8, newSize: 8 }, err: 0,
    after: [insn(0x79, 1, 1, 16, 0)], log: [`${P} patched insn #7 (LDX/ST/STX) off 8 -> 16`],
  },
  {
    name: 'LDX offset and a wider field: the load widens', insns: [insn(0x61, 0, 1, 12, 0)], res: { origVal: 12n, newVal: 24n, origSize: 4, newSize: 8 }, err: 0,
    after: [insn(0x79, 0, 1, 24, 0)], log: [`${P} patched insn #7 (LDX/ST/STX) off 12 -> 24`, `${P} patched insn #7 (LDX/ST/STX) mem_sz 4 -> 8`],
  },
  {
    name: 'ST and STX offsets and sizes (u16 -> u8)', insns: [insn(0x6a, 1, 0, 2, 7), insn(0x6b, 1, 2, 2, 0)], res: { origVal: 2n, newVal: 3n, origSize: 2, newSize: 1 }, err: 0,
    after: [insn(0x72, 1, 0, 3, 7), insn(0x6b, 1, 2, 2, 0)], log: [`${P} patched insn #7 (LDX/ST/STX) off 2 -> 3`, `${P} patched insn #7 (LDX/ST/STX) mem_sz 2 -> 1`],
  },
  {
    name: 'an offset past 32767 does not fit', insns: [insn(0x61, 0, 1, 8, 0)], res: { origVal: 8n, newVal: 40000n, origSize: 4, newSize: 4 }, err: -34,
    log: [`${P} insn #7 (LDX/ST/STX) value too big: 40000`],
  },
  {
    name: 'a negative offset that is not the compiler\'s value', insns: [insn(0x61, 0, 1, -8, 0)], res: { origVal: 8n, newVal: 16n }, err: -22,
    log: [`${P} unexpected insn #7 (LDX/ST/STX) value: got 4294967288, exp 8 -> 16`],
  },
  {
    name: 'a size change that is not safe (signed): libbpf warns and poisons', insns: [insn(0x61, 0, 1, 0, 0)], res: { origVal: 0n, newVal: 8n, origSize: 4, newSize: 8, failMemszAdjust: true }, err: 0,
    after: [POISON],
    log: [`${P} insn #7 (LDX/ST/STX) accesses field incorrectly. Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.`, `${P} substituting insn #7 w/ invalid insn`],
  },
  {
    name: 'the access size is not the field\'s (the offset is already written, as in libbpf)', insns: [insn(0x69, 0, 1, 4, 0)], res: { origVal: 4n, newVal: 8n, origSize: 4, newSize: 8 }, err: -22,
    after: [insn(0x69, 0, 1, 8, 0)], log: [`${P} patched insn #7 (LDX/ST/STX) off 4 -> 8`, `${P} insn #7 (LDX/ST/STX) unexpected mem size: got 2, exp 4`],
  },
  {
    name: 'a new size no load has', insns: [insn(0x61, 0, 1, 4, 0)], res: { origVal: 4n, newVal: 8n, origSize: 4, newSize: 16 }, err: -22,
    after: [insn(0x61, 0, 1, 8, 0)], log: [`${P} patched insn #7 (LDX/ST/STX) off 4 -> 8`, `${P} insn #7 (LDX/ST/STX) invalid new mem size: 16`],
  },
  {
    name: 'lddw: the 64-bit immediate', insns: [insn(0x18, 1, 0, 0, 181), insn(0, 0, 0, 0, 0)], res: { origVal: 181n, newVal: 1n << 40n }, err: 0,
    after: [insn(0x18, 1, 0, 0, 0), insn(0, 0, 0, 0, 256)], log: [`${P} patched insn #7 (LDIMM64) imm64 181 -> 1099511627776`],
  },
  {
    name: 'lddw of a negative 64-bit value', insns: [insn(0x18, 1, 0, 0, 5), insn(0, 0, 0, 0, 0)], res: { origVal: 5n, newVal: 0xfffffffffffffffen }, err: 0,
    after: [insn(0x18, 1, 0, 0, -2), insn(0, 0, 0, 0, -1)], log: [`${P} patched insn #7 (LDIMM64) imm64 5 -> 18446744073709551614`],
  },
  {
    name: 'lddw poisoned: both slots', insns: [insn(0x18, 1, 0, 0, 5), insn(0, 0, 0, 0, 0)], res: { origVal: 5n, poison: true }, err: 0,
    after: [POISON, POISON], log: [`${P} substituting insn #7 w/ invalid insn`, `${P} substituting insn #8 w/ invalid insn`],
  },
  {
    name: 'an lddw of a map is not a CO-RE lddw', insns: [insn(0x18, 1, 1, 0, 0), insn(0, 0, 0, 0, 0)], res: { origVal: 0n }, err: -22,
    log: [`${P} insn #7 (LDIMM64) has unexpected form`],
  },
  {
    name: 'an lddw cut short', insns: [insn(0x18, 1, 0, 0, 5)], res: { origVal: 5n }, err: -22,
    log: [`${P} insn #7 (LDIMM64) is truncated`],
  },
  {
    name: 'a legacy packet load is no lddw', insns: [insn(0x20, 0, 0, 0, 4)], res: { origVal: 4n }, err: -22,
    log: [`${P} insn #7 (LDIMM64) has unexpected form`],
  },
  {
    name: 'a jump cannot carry a relocation', insns: [insn(0x85, 0, 0, 0, 14)], res: { origVal: 14n }, err: -22,
    log: [`${P} trying to relocate unrecognized insn #7, code:0x85, src:0x0, dst:0x0, off:0x0, imm:0xe`],
  },
];

describe('patchInsn (bpf_core_patch_insn)', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const original = c.insns.map((i) => ({ ...i }));
      const insns = c.insns.slice();
      const log = new CoreLog();
      const err = patchInsn(insns, 0, res(c.res), { progName: 'p', reloIdx: 4, insnIdx: 7, log });
      assert.equal(err, c.err);
      assert.deepEqual(insns, c.after ?? original);
      assert.deepEqual(log.lines, c.log);
      assert.deepEqual(c.insns, original, 'the instruction objects are replaced, never edited');
    });
  }
});
