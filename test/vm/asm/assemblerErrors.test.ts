// Error diagnostics of the LLVM/kernel-dialect assembler as a data table:
// source -> the message, its 1-based line and column, and its code. Every
// error in a file is reported, and nothing ever throws.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../../src-vm/asm/assembler';

interface ErrorCase {
  source: string;
  message: string;
  /** 1-based, as an editor shows it. */
  line: number;
  col: number;
  code?: string;
}

const CASES: ErrorCase[] = [
  { source: 'r11 = 1', message: 'unknown register r11', line: 1, col: 1, code: 'asm/unknown-register' },
  { source: '\tw12 += 2', message: 'unknown register w12', line: 1, col: 2, code: 'asm/unknown-register' },
  { source: 'r01 = 1', message: 'unknown register r01', line: 1, col: 1 },
  { source: 'r1 = 0x1ffffffff', message: 'immediate 0x1ffffffff does not fit in 32 bits', line: 1, col: 6, code: 'asm/immediate-range' },
  { source: 'r1 = -2147483649', message: 'immediate -2147483649 does not fit in 32 bits', line: 1, col: 6 },
  { source: 'r1 = 0x1ffffffffffffffff ll', message: 'immediate 0x1ffffffffffffffff does not fit in 64 bits', line: 1, col: 6 },
  { source: 'r0 = 0\ngoto +5000\nexit', message: 'jump target +5000 is outside the program (3 instructions)', line: 2, col: 6, code: 'isa/target-out-of-range' },
  { source: 'call pc-3', message: 'call target -3 is outside the program (1 instructions)', line: 1, col: 6, code: 'isa/target-out-of-range' },
  { source: 'r1 = 1 ll\ngoto -2', message: 'jump into the middle of the lddw at insn 0', line: 2, col: 6, code: 'isa/target-in-lddw' },
  { source: 'f:\n  goto LBB0_9\n  exit', message: 'undefined label LBB0_9', line: 2, col: 8, code: 'asm/undefined-label' },
  { source: 'goto +40000', message: 'jump offset +40000 does not fit in 16 bits (use gotol for longer jumps)', line: 1, col: 6, code: 'asm/offset-range' },
  { source: 'gotol +0x100000000', message: 'jump offset +4294967296 does not fit in 32 bits', line: 1, col: 7 },
  { source: 'r1 = *(u8 *)(r2 + 40000)', message: 'offset 40000 does not fit in 16 bits (-32768..32767)', line: 1, col: 17, code: 'asm/offset-range' },
  { source: 'r1 = *(u32 *)(r2 + r3)', message: 'an offset must be a number, not the register r3', line: 1, col: 20 },
  { source: 'r1 += w2', message: 'an ALU operation mixes r1 and w2: use r registers for 64 bits or w registers for 32 bits', line: 1, col: 7, code: 'asm/register-width' },
  { source: 'if r1 > w2 goto +1', message: 'a comparison mixes r1 and w2: use r registers for 64 bits or w registers for 32 bits', line: 1, col: 9 },
  { source: 'w1 = (s32)w2', message: '(s32) needs 64-bit registers: r1 = (s32)r2', line: 1, col: 11 },
  { source: 'foo r1', message: "unknown instruction 'foo'", line: 1, col: 1, code: 'asm/unknown-instruction' },
  { source: 'r1 = my_map', message: 'my_map is an address: load it with r1 = my_map ll', line: 1, col: 6, code: 'asm/needs-ll' },
  { source: 'w1 = 5 ll', message: 'a 64-bit load needs an r register, not w1', line: 1, col: 1 },
  { source: 'r1 = be16 r2', message: 'byte swaps work in place: write r1 = be16 r1', line: 1, col: 11 },
  { source: 'r1 = -r2', message: 'negation works in place: write r1 = -r1', line: 1, col: 7 },
  { source: 'lock *(u16 *)(r1 + 0) += r2', message: 'atomic operations take (u32 *) or (u64 *)', line: 1, col: 13 },
  { source: 'lock *(u64 *)(r1 + 0) -= r2', message: "expected +=, |=, &= or ^= after lock, found '-='", line: 1, col: 23 },
  { source: 'lock *(u64 *)(r1 + 0) += w2', message: 'a 64-bit atomic operation needs an r register, not w2', line: 1, col: 26 },
  { source: 'r1 = atomic_fetch_add((u64 *)(r1 + 0), r2)', message: 'atomic_fetch_add: the result register r1 must be the value register r2', line: 1, col: 40 },
  { source: 'r1 = cmpxchg_64(r1 + 0, r0, r2)', message: 'cmpxchg_64 compares with and returns r0, not r1', line: 1, col: 1 },
  { source: 'r1 = atomic64_fetch_add((u32 *)(r1 + 0), r1)', message: 'atomic64_fetch_add is a 64-bit operation but the access type is u32', line: 1, col: 6 },
  { source: 'r1 = *(u8 *)skb[0]', message: 'legacy packet loads always write r0, not r1', line: 1, col: 1 },
  { source: 'r0 = *(u64 *)skb[1]', message: 'legacy packet loads read u8, u16 or u32', line: 1, col: 17 },
  { source: '*(s8 *)(r1 + 0) = 1', message: 'a store takes an unsigned access type (u8, u16, u32, u64)', line: 1, col: 7 },
  { source: 'r1 = *(u128 *)(r1 + 0)', message: 'unknown access type u128 (expected u8, u16, u32, u64, s8, s16 or s32)', line: 1, col: 8 },
  { source: 'call bpf_map_lookup_elem#2', message: 'bpf_map_lookup_elem is helper #1, not #2', line: 1, col: 26, code: 'asm/helper-id' },
  { source: 'call r1', message: 'call takes a helper or function, not a register: write callx r1', line: 1, col: 6 },
  { source: 'call', message: 'expected a helper number, a helper or function name, or pc+N', line: 1, col: 5 },
  { source: 'may_goto', message: 'expected a jump target such as +2, -1 or a label', line: 1, col: 9 },
  { source: 'goto r1', message: 'a jump target is an offset or a label, not the register r1', line: 1, col: 6 },
  { source: 'callx 5', message: "expected a register, found '5'", line: 1, col: 7 },
  { source: 'exit r0', message: "unexpected 'r0' after the end of the instruction", line: 1, col: 6 },
  { source: 'r1 = 1 +', message: 'expected a number or a symbol', line: 1, col: 9 },
  { source: 'if r1 ?? r2 goto +1', message: "unexpected character '?'", line: 1, col: 7, code: 'asm/lex' },
  { source: 'r1 = "unterminated', message: 'unterminated string', line: 1, col: 6, code: 'asm/lex' },
  { source: 'r1 = 0x', message: 'invalid number 0x', line: 1, col: 6, code: 'asm/lex' },
  { source: 'x:\nx:', message: 'label x is already defined on line 1', line: 2, col: 1, code: 'asm/duplicate-label' },
  { source: 'r1: exit', message: 'r1 is a register name and cannot be a label', line: 1, col: 1 },
  { source: 'f:\n  goto g\n  .section other,"ax",@progbits\ng:\n  exit', message: 'label g is in section other; a jump cannot leave section .text', line: 2, col: 8, code: 'asm/cross-section-jump' },
  { source: 'f: call v\n.data\nv: .long 1', message: 'v is data in section .data, not a function', line: 1, col: 9, code: 'asm/call-data' },
  { source: '.data\nr0 = 1', message: 'instruction in data section .data', line: 2, col: 1, code: 'asm/code-in-data' },
  { source: '.byte 1', message: '.byte is data and cannot go in code section .text (use .quad for a raw instruction slot)', line: 1, col: 7, code: 'asm/data-in-code' },
  { source: '.data\n.byte 256', message: 'value 256 does not fit in 1 byte', line: 2, col: 7, code: 'asm/data-range' },
  { source: '.data\n.long a + b\na: b:', message: 'expression a+b is neither a constant nor a symbol plus a constant', line: 2, col: 7, code: 'asm/expression' },
  { source: '.data\n.uleb128 later\nlater:', message: 'later must be a constant or a difference of labels defined before it', line: 2, col: 10 },
  { source: '.section', message: 'expected a section name', line: 1, col: 9 },
  { source: '.section x, ax', message: "expected section flags in quotes such as \"ax\", found 'ax'", line: 1, col: 13 },
  { source: '.type f, @thing', message: 'unknown symbol type thing (expected @function, @object or @notype)', line: 1, col: 11 },
  { source: '.data\n.p2align 40', message: 'alignment 40 is not a power of two between 1 and 65536 bytes', line: 2, col: 10 },
  { source: '.popsection', message: '.popsection without .pushsection', line: 1, col: 1 },
  { source: '.data\n.ascii 5', message: "expected a string in quotes, found '5'", line: 2, col: 8 },
  { source: 'f: exit\n.size f, g', message: 'size of f must be a non-negative constant, found g', line: 2, col: 10 },
  { source: '.quad 0x00000000000000ff', message: 'unknown opcode 0xff', line: 1, col: 1, code: 'isa/unknown-opcode' },
];

test('each bad line gives its message at its line and column', () => {
  for (const c of CASES) {
    const { diagnostics } = assemble(c.source);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const found = errors.find((d) => d.message === c.message);
    assert.ok(found, `${JSON.stringify(c.source)}: expected "${c.message}", got ${JSON.stringify(errors.map((d) => d.message))}`);
    assert.deepEqual([found.span!.line + 1, found.span!.col + 1], [c.line, c.col], `${JSON.stringify(c.source)}: position of "${c.message}"`);
    if (c.code) assert.equal(found.code, c.code, `${JSON.stringify(c.source)}: code`);
  }
});

test('every error in a file is reported, in source order, and good lines still assemble', () => {
  const source = ['r0 = 1', 'r11 = 2', 'r1 = 3', 'foo', 'goto nowhere', 'w1 += r2', 'exit'].join('\n');
  const { value, diagnostics } = assemble(source);
  assert.deepEqual(diagnostics.map((d) => d.span!.line + 1), [2, 4, 5, 6]);
  assert.ok(diagnostics.every((d) => d.severity === 'error'));
  const text = value.sections.find((s) => s.name === '.text')!;
  assert.equal(text.insns.length, 4, 'r0 = 1, r1 = 3, goto nowhere (with offset 0) and exit');
});

test('warnings: unknown directives and a verifier-log opcode that disagrees with the text', () => {
  const { diagnostics } = assemble('.frobnicate 1\n3: (bf) r1 = 5');
  assert.deepEqual(diagnostics.map((d) => [d.severity, d.code, d.message]), [
    ['warning', 'asm/unknown-directive', 'unknown directive .frobnicate is ignored'],
    ['warning', 'asm/opcode-mismatch', 'the line says opcode (bf) but the instruction assembles to (b7)'],
  ]);
});

test('the assembler never throws, whatever the input', () => {
  let seed = 7;
  const rand = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  const pieces = ['r1', 'w2', 'r11', '=', '+=', 's>>=', '*', '(', ')', 'u32', 's8', '+', '-', '0x', '12', 'goto', 'if', 'call', 'lock', 'll',
    '.section', '.byte', '.quad', '"s"', ',', ':', 'L1', 'skb', '[', ']', '#', '; c', 'exit', 'atomic_fetch_add', 'cmpxchg_64', '<', '>', '\t', '\n', 'pc', '0:', '(18)'];
  for (let n = 0; n < 3000; n++) {
    const text = Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '');
    const r = assemble(text);
    assert.ok(Array.isArray(r.diagnostics) && Array.isArray(r.value.sections), text);
  }
});
