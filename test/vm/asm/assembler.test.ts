// The LLVM/kernel-dialect assembler: golden bytes for the spellings llvm-mc
// does not know (verifier-log lines, helper names, objdump listings, our
// extensions), and the shape of the object it builds — sections, symbols,
// relocations, spans. Byte equality with llvm-mc is in llvmMc.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assemble } from '../../../src-vm/asm/assembler';
import type { AsmObject } from '../../../src-vm/asm/object';
import { encodeInsns } from '../../../src-vm/isa/insn';

function codeHex(obj: AsmObject, section = '.text'): string {
  const s = obj.sections.find((x) => x.name === section);
  return s ? Buffer.from(encodeInsns(s.insns)).toString('hex').replace(/(.{16})(?=.)/g, '$1 ') : '';
}

/** One line of source -> its slots as hex, little-endian, as `llvm-objdump -d` shows raw bytes. */
const GOLDEN: [string, string][] = [
  // Verifier-log lines: index, opcode and register-state comment are read.
  ['0: (b7) r0 = 0 ; R0_w=0', 'b700000000000000'],
  ['12: (61) r1 = *(u32 *)(r1 +4)', '6111040000000000'],
  ['3: (25) if r1 > 0x5 goto pc+2', '2501020005000000'],
  ['(a6) if w1 < 0xffffffff goto pc-3', 'a601fdffffffffff'],
  ['7: (05) goto pc-1', '0500ffff00000000'],
  ['(06) gotol pc+100000', '06000000a0860100'],
  ['(e5) may_goto pc+2', 'e500020000000000'],
  ['5: (18) r1 = 0xffff888100000000', '1801000000000000 000000008188ffff'],
  ['(85) call bpf_map_lookup_elem#1', '8500000001000000'],
  ['(85) call unknown#300', '850000002c010000'],
  ['(85) call pc+3', '8510000003000000'],
  ['(85) call kernel-function#77', '852000004d000000'],
  ['(85) call bpf_obj_new_impl#4242', '8520000092100000'],
  ['(85) call kernel-function#-5', '85200000fbffffff'],
  ['(db) r0 = atomic64_fetch_add((u64 *)(r1 +0), r0)', 'db01000001000000'],
  ['(c3) r3 = atomic_fetch_or((u32 *)(r1 +8), r3)', 'c331080041000000'],
  ['(db) r0 = atomic64_xchg((u64 *)(r1 +0), r0)', 'db010000e1000000'],
  ['(c3) r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)', 'c321fcfff1000000'],
  ['(c3) lock *(u32 *)(r1 +0) &= r2', 'c321000050000000'],
  ['(50) r0 = *(u8 *)skb[r1 + 0]', '5010000000000000'],
  ['r0 = *(u16 *)skb[r2 + 14]', '482000000e000000'],
  ['(d7) r1 = bswap32 r1', 'd701000020000000'],
  ['(7a) *(u64 *)(r10 -8) = 5', '7a0af8ff05000000'],
  // Helpers by name: our one addition to the LLVM dialect.
  ['call bpf_map_lookup_elem', '8500000001000000'],
  ['call map_update_elem', '8500000002000000'],
  ['call bpf_ringbuf_output', '8500000082000000'],
  // llvm-objdump listings: slot index and `<sym+off>` notes are skipped.
  ['      12:\tr1 = 0x0 ll', '1801000000000000 0000000000000000'],
  ['goto +0x2 <LBB0_3>', '0500020000000000'],
  ['if r1 s> -0x1 goto -0x1 <f+0x8>', '6501ffffffffffff'],
  ['ld_pseudo\tr1, 0x1, 0x5', '1811000005000000 0000000000000000'],
  // What clang prints but llvm-mc 19 rejects: `r2 = w2` is `w2 = w2`.
  ['r2 = w2', 'bc22000000000000'],
  // Extensions llvm-objdump cannot show but we print.
  ['r0 = *(u8 *)skb[r1 + 0x2]', '5010000002000000'],
  ['ld_pseudo r1, 2, 5, 16', '1821000005000000 0000000010000000'],
  ['gotol +100000', '06000000a0860100'],
  ['.quad 0x00000005000002b7', 'b702000005000000'],
  ['.quad 0x95, 0x0000000100000085', '9500000000000000 8500000001000000'],
  // Numbers, expressions, spacing and comments.
  ['r1 = 0xffffffff', 'b7010000ffffffff'],
  ['r1 = 010', 'b701000008000000'],
  ['r1 = 0b101', 'b701000005000000'],
  ['r1 = (1 + 2) - -3', 'b701000006000000'],
  ['r1 = ~0', 'b7010000ffffffff'],
  ['w1 = 0x80000000', 'b401000000000080'],
  ['r1=*(u8*)(r2+20)', '7121140000000000'],
  ['r1 = *(u64 *)(r2)', '7921000000000000'],
  ['r1 = *(u64 *)(r2 + -4)', '7921fcff00000000'],
  ['/* block */ r0 = 1 // trailing', 'b700000001000000'],
  ['r0 = 2 # hash comment', 'b700000002000000'],
  ['lock *(u32 *)(r1 + 0) += r2', 'c321000000000000'],
  ['w1 = *(u16 *)(r2 + 2)', '6921020000000000'],
  ['w1 = *(s8 *)(r2 + 0)', '9121000000000000'],
  ['r1 = 0x8000000000000000 ll', '1801000000000000 0000000000000080'],
];

test('golden lines assemble to their bytes without errors', () => {
  for (const [line, hex] of GOLDEN) {
    const { value, diagnostics } = assemble(line);
    // A single line is not a whole program: its jumps may leave it.
    const errors = diagnostics.filter((d) => d.severity === 'error' && d.code !== 'isa/target-out-of-range');
    assert.deepEqual(errors.map((d) => d.message), [], line);
    assert.equal(codeHex(value), hex, line);
  }
});

test('block comments may span lines; a /* inside a string or line comment opens nothing', () => {
  const src = 'r0 = 1 /* start\n r0 = 2\n end */ r0 = 3\n# not /* a block\nr0 = 4 // nor /* this\n.data\n.ascii "/*"\n.text\nexit';
  const { value, diagnostics } = assemble(src);
  assert.deepEqual(diagnostics, []);
  assert.equal(codeHex(value), 'b700000001000000 b700000003000000 b700000004000000 9500000000000000');
  assert.deepEqual(value.sections[0].spans[1], { line: 2, col: 8, endLine: 2, endCol: 14 });
  assert.equal(Buffer.from(value.sections.find((s) => s.name === '.data')!.bytes).toString(), '/*');
});

test('instructions before any section go to .text; labels and jumps by name', () => {
  const { value, diagnostics } = assemble('start:\n  r0 = 0\n.LBB0_1:\n  r0 += 1\n  if r0 < 10 goto .LBB0_1\n  goto start\n  exit');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(value.sections.map((s) => [s.name, s.kind]), [['.text', 'code']]);
  assert.equal(codeHex(value), 'b700000000000000 0700000001000000 a500feff0a000000 0500fcff00000000 9500000000000000');
});

test('local bpf-to-bpf calls resolve; helpers by name unless a label has that name', () => {
  const src = 'main:\n  call sub\n  call ktime_get_ns\n  call trace_printk\n  exit\nsub:\n  exit\ntrace_printk:\n  exit';
  const { value, diagnostics } = assemble(src);
  assert.deepEqual(diagnostics, []);
  assert.equal(codeHex(value), '8510000003000000 8500000005000000 8510000002000000 9500000000000000 9500000000000000 9500000000000000');
  assert.deepEqual(value.relocs, []);
});

test('the sections.s corpus file builds the expected object: sections, symbols, relocations', () => {
  const { value, diagnostics } = assemble(readFileSync('test/fixtures/llvm/corpus/sections.s', 'utf8'));
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(value.sections.map((s) => [s.name, s.kind, s.kind === 'code' ? s.insns.length : s.bytes.length]), [
    ['.text', 'code', 2], ['kprobe/do_sys_open', 'code', 9], ['socket/filter', 'code', 7],
    ['.data', 'data', 30], ['.rodata', 'data', 62], ['license', 'data', 4],
  ]);
  const sym = (name: string) => value.symbols.find((s) => s.name === name);
  assert.deepEqual(sym('probe'), { name: 'probe', section: 'kprobe/do_sys_open', offset: 0, global: true, kind: 'func', size: 72 });
  assert.deepEqual(sym('helper_fn'), { name: 'helper_fn', section: '.text', offset: 0, global: true, kind: 'func' });
  assert.deepEqual(sym('table'), { name: 'table', section: '.data', offset: 0, global: true, kind: 'object', size: 26 });
  assert.deepEqual(sym('rodata_words'), { name: 'rodata_words', section: '.rodata', offset: 36, global: true, kind: 'notype' });
  assert.deepEqual(sym('_license'), { name: '_license', section: 'license', offset: 0, global: true, kind: 'notype', size: 4 });
  assert.equal(sym('.LBB1_2'), undefined, 'plain labels are not symbols');
  assert.deepEqual(value.relocs, [
    { section: 'kprobe/do_sys_open', insnIdx: 0, symbol: 'table', kind: 'lddw' },
    { section: 'kprobe/do_sys_open', insnIdx: 2, symbol: 'message', kind: 'lddw' },
    { section: 'kprobe/do_sys_open', insnIdx: 4, symbol: 'rodata_words', kind: 'lddw' },
    { section: 'kprobe/do_sys_open', insnIdx: 6, symbol: 'helper_fn', kind: 'call' },
    { section: 'socket/filter', insnIdx: 3, symbol: 'helper_fn', kind: 'call' },
  ]);
  const probe = value.sections.find((s) => s.name === 'kprobe/do_sys_open')!;
  assert.equal(probe.insns[4].imm, 4, 'rodata_words+4: the addend is in imm');
  assert.equal(Buffer.from(value.sections.find((s) => s.name === 'license')!.bytes).toString(), 'GPL\0');
});

test('external symbols: lddw and call to undefined names become relocations and undefined symbols', () => {
  const { value, diagnostics } = assemble('\t.section tc,"ax"\nprog:\n\tr1 = my_map ll\n\tcall ext_fn\n\texit');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(value.relocs, [
    { section: 'tc', insnIdx: 0, symbol: 'my_map', kind: 'lddw' },
    { section: 'tc', insnIdx: 2, symbol: 'ext_fn', kind: 'call' },
  ]);
  assert.deepEqual(value.symbols, [
    { name: 'my_map', offset: 0, global: true, kind: 'notype' },
    { name: 'ext_fn', offset: 0, global: true, kind: 'notype' },
  ]);
  assert.equal(codeHex(value, 'tc'), '1801000000000000 0000000000000000 85100000ffffffff 9500000000000000');
});

test('every slot has the span of its statement; an lddw repeats it on its second slot', () => {
  const { value } = assemble('f:  r0 = 1 # one\n\tr1 = 2 ll\n\n\texit ; done');
  const text = value.sections[0];
  assert.deepEqual(text.spans, [
    { line: 0, col: 4, endLine: 0, endCol: 10 },
    { line: 1, col: 1, endLine: 1, endCol: 10 },
    { line: 1, col: 1, endLine: 1, endCol: 10 },
    { line: 3, col: 1, endLine: 3, endCol: 5 },
  ]);
});

test('sections are code or data by flags, by name, or by their first content', () => {
  const src = '.section a,"ax"\nexit\n.section b,"aw"\n.byte 1\n.section c\nexit\n.section d\n.byte 2\n.section .rodata.str1.1\n.asciz "x"';
  const { value, diagnostics } = assemble(src);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(value.sections.map((s) => [s.name, s.kind]), [['a', 'code'], ['b', 'data'], ['c', 'code'], ['d', 'data'], ['.rodata.str1.1', 'data']]);
});

test('.pushsection, .popsection and .previous switch back', () => {
  const src = '.text\nr0 = 1\n.pushsection .data\n.byte 7\n.popsection\nr0 = 2\n.data\n.byte 8\n.previous\nexit';
  const { value, diagnostics } = assemble(src);
  assert.deepEqual(diagnostics, []);
  assert.equal(codeHex(value), 'b700000001000000 b700000002000000 9500000000000000');
  assert.deepEqual([...value.sections.find((s) => s.name === '.data')!.bytes], [7, 8]);
});

test('clang -g metadata is accepted: one note that .loc is not compiled into .debug_line', () => {
  const { diagnostics } = assemble('\t.file 0 "/d" "x.c" md5 0x00\nf:\n\t.loc 0 3 0\n\t.cfi_startproc\n\tr0 = 0\n\t.loc 0 4 1 prologue_end\n\texit\n\t.cfi_endproc');
  assert.deepEqual(diagnostics.map((d) => [d.severity, d.code, d.span?.line]), [['info', 'asm/no-line-table', 2]]);
});

test('validator findings land on the jump target operand', () => {
  const { diagnostics } = assemble('r0 = 0\nif r0 > 1 goto +7 <far>\nexit');
  assert.deepEqual(diagnostics.map((d) => [d.code, d.message, d.span, d.insnIdx]), [[
    'isa/target-out-of-range', 'jump target +7 is outside the program (3 instructions)', { line: 1, col: 15, endLine: 1, endCol: 17 }, 1,
  ]]);
});
