// The disassembler against llvm-objdump 19, line by line, on the committed
// clang-built objects (test/fixtures/llvm/*.bpf.o) and on llvm-mc's objects of
// the corpus; golden lines of the kernel verifier-log dialect (disasm.c's
// formats); and assemble -> disassemble -> assemble round trips.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { assemble } from '../../../src-vm/asm/assembler';
import { disassemble, formatInsn, type DisasmOptions } from '../../../src-vm/asm/disassembler';
import { decodeInsns, insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { LLVM_MC, LLVM_OBJCOPY, LLVM_OBJDUMP, llvmMcObject, missingTools, normaliseSpace, objdump, sectionBytes, withTempDir, type ObjdumpSection } from './llvmTools';

const FIXTURES = 'test/fixtures/llvm';
const CORPUS = 'test/fixtures/llvm/corpus';
const objects = readdirSync(FIXTURES).filter((f) => f.endsWith('.bpf.o')).sort();
const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.s')).sort();

function toolsMissing(): string | undefined {
  return missingTools(['llvm-objdump', LLVM_OBJDUMP], ['llvm-objcopy', LLVM_OBJCOPY]);
}

/** Our text of each instruction objdump printed, in the same order. */
function ourLines(insns: readonly Insn[], section: ObjdumpSection, opts: DisasmOptions): { idx: number; text: string }[] {
  return section.lines.map((l) => ({ idx: l.idx, text: formatInsn(insns, l.idx, { ...opts, symbols: section.symbols }) }));
}

/**
 * Compares every line objdump printed for the sections of `obj`; `skip` names
 * lines objdump cannot print (it shows `<unknown>` for 32-bit atomics without alu32).
 */
function compareWithObjdump(obj: string, dir: string, mcpu: string | undefined, opts: DisasmOptions, skip = (_t: string) => false): number {
  let compared = 0;
  for (const section of objdump(obj, mcpu)) {
    const insns = decodeInsns(sectionBytes(obj, section.name, dir));
    const ours = ourLines(insns, section, opts);
    section.lines.forEach((theirs, n) => {
      if (skip(theirs.text)) return;
      assert.equal(normaliseSpace(ours[n].text), normaliseSpace(theirs.text), `${obj} ${section.name} insn ${theirs.idx}`);
      compared++;
    });
    assert.equal(disassemble(insns, opts).length, section.lines.length, `${section.name}: one line per instruction`);
  }
  return compared;
}

/** Without alu32, llvm-objdump decodes 32-bit atomics with pre-v3 rules (`<unknown>`, or as an add). */
const pre32Atomic = (text: string) => text === '<unknown>' || text.startsWith('lock *(u32 *)');

for (const file of objects) {
  test(`${file}: same text as llvm-objdump --mcpu=v4, line by line`, (t) => {
    const missing = toolsMissing();
    if (missing) return t.skip(missing);
    withTempDir((dir) => {
      const n = compareWithObjdump(join(FIXTURES, file), dir, 'v4', {});
      assert.ok(n > 20, `${file}: only ${n} lines compared`);
    });
  });
  test(`${file}: same text as plain llvm-objdump with alu32: false`, (t) => {
    const missing = toolsMissing();
    if (missing) return t.skip(missing);
    withTempDir((dir) => {
      const n = compareWithObjdump(join(FIXTURES, file), dir, undefined, { alu32: false }, pre32Atomic);
      assert.ok(n > 20, `${file}: only ${n} lines compared`);
    });
  });
}

for (const file of corpusFiles) {
  test(`corpus ${file}: llvm-mc's object disassembles as llvm-objdump prints it`, (t) => {
    const missing = toolsMissing() ?? missingTools(['llvm-mc', LLVM_MC]);
    if (missing) return t.skip(missing);
    withTempDir((dir) => {
      const obj = llvmMcObject(readFileSync(join(CORPUS, file), 'utf8'), dir);
      assert.ok(compareWithObjdump(obj, dir, 'v4', {}) > 10);
    });
  });
}

/** Kernel dialect, as kernel/bpf/disasm.c formats each kind. */
const KERNEL_LINES: [Insn[], string][] = [
  [[insn(0xbf, 1, 6)], '(bf) r1 = r6'],
  [[insn(0xb7, 0, 0, 0, -1)], '(b7) r0 = -1'],
  [[insn(0x04, 1, 0, 0, 2)], '(04) w1 += 2'],
  [[insn(0xcc, 1, 2)], '(cc) w1 s>>= w2'],
  [[insn(0x3f, 1, 2, 1)], '(3f) r1 s/= r2'],
  [[insn(0x97, 1, 0, 1, 3)], '(97) r1 s%= 3'],
  [[insn(0xbf, 1, 2, 8)], '(bf) r1 = (s8)r2'],
  [[insn(0xbc, 1, 2, 16)], '(bc) w1 = (s16)w2'],
  [[insn(0x87, 3)], '(87) r3 = -r3'],
  [[insn(0x84, 3)], '(84) w3 = -w3'],
  [[insn(0xdc, 1, 0, 0, 16)], '(dc) r1 = be16 r1'],
  [[insn(0xd4, 1, 0, 0, 64)], '(d4) r1 = le64 r1'],
  [[insn(0xd7, 1, 0, 0, 32)], '(d7) r1 = bswap32 r1'],
  [[insn(0x61, 1, 1, 4)], '(61) r1 = *(u32 *)(r1 +4)'],
  [[insn(0x79, 2, 10, -8)], '(79) r2 = *(u64 *)(r10 -8)'],
  [[insn(0x89, 1, 2, -4)], '(89) r1 = *(s16 *)(r2 -4)'],
  [[insn(0x63, 10, 1, -4)], '(63) *(u32 *)(r10 -4) = r1'],
  [[insn(0x7a, 10, 0, -8, 5)], '(7a) *(u64 *)(r10 -8) = 5'],
  [[insn(0x72, 1, 0, 0, -1)], '(72) *(u8 *)(r1 +0) = -1'],
  [[insn(0xdb, 1, 2)], '(db) lock *(u64 *)(r1 +0) += r2'],
  [[insn(0xc3, 1, 2, 0, 0x50)], '(c3) lock *(u32 *)(r1 +0) &= r2'],
  [[insn(0xdb, 1, 0, 0, 0x01)], '(db) r0 = atomic64_fetch_add((u64 *)(r1 +0), r0)'],
  [[insn(0xc3, 1, 3, 8, 0x41)], '(c3) r3 = atomic_fetch_or((u32 *)(r1 +8), r3)'],
  [[insn(0xdb, 1, 0, 0, 0xe1)], '(db) r0 = atomic64_xchg((u64 *)(r1 +0), r0)'],
  [[insn(0xc3, 1, 2, -4, 0xf1)], '(c3) r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)'],
  [lddwSlots(1, 0x1122334455667788n), '(18) r1 = 0x1122334455667788'],
  [lddwSlots(2, -1n), '(18) r2 = 0xffffffffffffffff'],
  [[insn(0x28, 0, 0, 0, 12)], '(28) r0 = *(u16 *)skb[12]'],
  [[insn(0x50, 0, 1, 0, 0)], '(50) r0 = *(u8 *)skb[r1 + 0]'],
  [[insn(0x25, 1, 0, 2, 5)], '(25) if r1 > 0x5 goto pc+2'],
  [[insn(0xa6, 1, 0, -3, -1)], '(a6) if w1 < 0xffffffff goto pc-3'],
  [[insn(0xcd, 1, 2, 7)], '(cd) if r1 s< r2 goto pc+7'],
  [[insn(0x05, 0, 0, -1)], '(05) goto pc-1'],
  [[insn(0x06, 0, 0, 0, 100000)], '(06) gotol pc+100000'],
  [[insn(0xe5, 0, 0, 2)], '(e5) may_goto pc+2'],
  [[insn(0x85, 0, 0, 0, 1)], '(85) call bpf_map_lookup_elem#1'],
  [[insn(0x85, 0, 0, 0, 999999)], '(85) call unknown#999999'],
  [[insn(0x85, 0, 1, 0, 3)], '(85) call pc+3'],
  [[insn(0x85, 0, 2, 0, 1234)], '(85) call kernel-function#1234'],
  [[insn(0x95)], '(95) exit'],
];

test('kernel dialect prints what kernel/bpf/disasm.c prints', () => {
  for (const [insns, expected] of KERNEL_LINES) assert.equal(formatInsn(insns, 0, { dialect: 'kernel' }), expected);
});

test('kernel dialect without the opcode, and with callbacks for call names and lddw immediates', () => {
  assert.equal(formatInsn([insn(0xbf, 1, 6)], 0, { dialect: 'kernel', opcodePrefix: false }), 'r1 = r6');
  const opts: DisasmOptions = { dialect: 'kernel', callName: (i) => (i.src === 2 ? 'bpf_obj_new_impl' : undefined), immText: (_i, _idx, v) => `map[id:${v}]` };
  assert.equal(formatInsn([insn(0x85, 0, 2, 0, 77)], 0, opts), '(85) call bpf_obj_new_impl#77');
  assert.equal(formatInsn(lddwSlots(1, 5n, 1), 0, opts), '(18) r1 = map[id:5]');
});

/** What llvm-objdump cannot show, in our LLVM-dialect extensions. */
test('LLVM dialect extensions: ldind offset, ld_pseudo high word, round-trip calls and raw slots', () => {
  assert.equal(formatInsn([insn(0x50, 0, 1, 0, 2)], 0), 'r0 = *(u8 *)skb[r1 + 0x2]');
  const pseudo = lddwSlots(1, 0n, 2);
  pseudo[0].imm = 5;
  pseudo[1].imm = 16;
  assert.equal(formatInsn(pseudo, 0), 'ld_pseudo r1, 0x2, 0x5, 0x10');
  assert.equal(formatInsn([insn(0x85, 0, 1, 0, 3)], 0), 'call 0x3');
  assert.equal(formatInsn([insn(0x85, 0, 1, 0, 3)], 0, { roundTrip: true }), 'call pc+0x3');
  assert.equal(formatInsn([insn(0x85, 0, 2, 0, 9)], 0, { roundTrip: true }), 'call kernel-function#9');
  assert.equal(formatInsn([insn(0xb7, 2, 0, 1, 0)], 0), 'r2 = 0x0');
  assert.equal(formatInsn([insn(0xb7, 2, 0, 1, 0)], 0, { roundTrip: true }), '.quad 0x00000000000102b7');
  assert.equal(formatInsn([insn(0xff)], 0), '<unknown>');
  assert.equal(formatInsn([insn(0xff)], 0, { roundTrip: true }), '.quad 0x00000000000000ff');
});

test('jump notes name the nearest symbol at or before the target, as llvm-objdump does', () => {
  const insns = [insn(0x05, 0, 0, 1), insn(0x95), insn(0x15, 1, 0, -3, 0), insn(0x95)];
  const symbols = [{ name: 'f', offset: 0 }, { name: 'LBB0_2', offset: 2 }];
  assert.deepEqual(disassemble(insns, { symbols }), ['goto +0x1 <LBB0_2>', 'exit', 'if r1 == 0x0 goto -0x3 <f>', 'exit']);
});

/**
 * Disassembles, assembles the text again and compares slot by slot. The kernel
 * log prints an lddw of a map (`ld_pseudo`) as its bare immediate, so there
 * only the pseudo source may be lost.
 */
function roundTrip(insns: readonly Insn[], opts: DisasmOptions, what: string): void {
  const lines = disassemble(insns, opts);
  const again = assemble(lines.join('\n'));
  const back = again.value.sections.find((s) => s.kind === 'code')?.insns ?? [];
  assert.equal(back.length, insns.length, `${what}: slot count`);
  const lineOf = (slot: number) => disassemble(insns.slice(0, slot + 1), opts).length - 1;
  insns.forEach((orig, slot) => {
    const mine = back[slot];
    const pseudoLost = opts.dialect === 'kernel' && orig.code === 0x18 && orig.src !== 0 && mine.src === 0;
    const expected = pseudoLost ? { ...orig, src: 0 } : orig;
    if (!isDeepStrictEqual(mine, expected)) assert.deepEqual(mine, expected, `${what}: slot ${slot}, line ${lines[lineOf(slot)]}`);
  });
}

test('assemble -> disassemble -> assemble is the identity on every corpus section', () => {
  for (const file of corpusFiles) {
    const obj = assemble(readFileSync(join(CORPUS, file), 'utf8')).value;
    for (const s of obj.sections.filter((x) => x.kind === 'code' && x.insns.length)) {
      roundTrip(s.insns, { roundTrip: true }, `${file} ${s.name} (llvm)`);
      roundTrip(s.insns, { roundTrip: true, alu32: false }, `${file} ${s.name} (llvm, no alu32)`);
      roundTrip(s.insns, { dialect: 'kernel' }, `${file} ${s.name} (kernel log)`);
    }
  }
});

test('disassembly of clang-built objects assembles back to their bytes', (t) => {
  const missing = toolsMissing();
  if (missing) return t.skip(missing);
  withTempDir((dir) => {
    for (const file of objects) {
      for (const section of objdump(join(FIXTURES, file), 'v4')) {
        const insns = decodeInsns(sectionBytes(join(FIXTURES, file), section.name, dir));
        roundTrip(insns, { roundTrip: true, symbols: section.symbols }, `${file} ${section.name}`);
        roundTrip(insns, { dialect: 'kernel' }, `${file} ${section.name} (kernel log)`);
      }
    }
  });
});

test('round trip of 3000 random slots, valid or not, through the round-trip dialect', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const codes = [0x07, 0x0c, 0x18, 0x61, 0x7b, 0xc3, 0xdb, 0x85, 0x95, 0x05, 0x06, 0xe5, 0xd4, 0x50, 0x20, 0x00, 0xff, 0x8d, 0xbf, 0x3c];
  const insns: Insn[] = [];
  for (let n = 0; n < 3000; n++) {
    const pick = rand();
    const small = rand() < 0.7;
    insns.push({
      code: pick < 0.9 ? codes[Math.floor(rand() * codes.length)] : Math.floor(rand() * 256),
      dst: Math.floor(rand() * (small ? 11 : 16)), src: Math.floor(rand() * (small ? 3 : 16)),
      off: small ? Math.floor(rand() * 64) - 32 : Math.floor(rand() * 65536) - 32768,
      imm: small ? Math.floor(rand() * 128) - 64 : Math.floor(rand() * 2 ** 32) - 2 ** 31,
    });
  }
  roundTrip(insns, { roundTrip: true }, 'random slots');
});
