// asmHover as a pure function over the fixtures: kernel-style text with the
// slot index, opcode byte / mnemonic / class, slot and raw bytes, helper
// details on calls (also on lines that did not assemble), jump targets, and
// nothing on lines without an instruction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { analyzeAsm } from '../../server/src/analyze';
import { asmHover, describeOpcode, wordAt } from '../../server/src/hover';
import { opcodeInfo } from '../../src-vm/isa/opcodes';

const fixture = (name: string): string => readFileSync(`test/fixtures/server/${name}`, 'utf8');
const noLog = (m: string): void => assert.fail(`unexpected log: ${m}`);

function hoverText(h: Hover | undefined): string {
  assert.ok(h, 'expected a hover');
  return (h.contents as MarkupContent).value;
}

/** [line, character, substrings the hover must contain] on clean.s. */
const CLEAN_CASES: [number, number, string[]][] = [
  [6, 8, ['0: (b7) r0 = 2', '`0xb7` `mov` — class ALU64, source K (immediate)', '**slot 0** in section `.text`', '`b7 00 00 00 02 00 00 00`']],
  [7, 20, ['1: (18) r2 = 0x1122334455667788', '`0x18` `lddw` — class LD, mode IMM, size DW (8 bytes)', '**slots 1–2**',
    '`18 02 00 00 88 77 66 55 00 00 00 00 44 33 22 11`']],
  [8, 8, ['3: (63) *(u32 *)(r10 -4) = r0', '`0x63` `stxw` — class STX, mode MEM, size W (4 bytes)', '`63 0a fc ff 00 00 00 00`']],
  [9, 8, ['4: (25) if r0 > 0x5 goto pc+2', '`jgt` — class JMP, source K', '**jumps to** slot 7 (line 14)']],
  [10, 15, ['5: (85) call bpf_map_lookup_elem#1', '**helper** `bpf_map_lookup_elem` (id 1)',
    'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)', 'Perform a lookup in map']],
  [11, 9, ['6: (85) call pc+1', '**bpf-to-bpf call** to slot 8, line 16', '`85 10 00 00 01 00 00 00`']],
  [15, 8, ['8: (b4) w0 = 1', '`0xb4` `mov32` — class ALU, source K']],
];

for (const [line, character, expected] of CLEAN_CASES) {
  test(`hover on clean.s line ${line + 1}`, () => {
    const text = fixture('clean.s');
    const h = asmHover(analyzeAsm(text, 'auto', noLog), text, { line, character });
    const value = hoverText(h);
    for (const part of expected) assert.ok(value.includes(part), `hover lacks ${JSON.stringify(part)}:\n${value}`);
    assert.equal(h?.range?.start.line, line);
    assert.doesNotMatch(value, /not final/);
  });
}

test('the hover range is the instruction span', () => {
  const text = fixture('clean.s');
  const h = asmHover(analyzeAsm(text, 'auto', noLog), text, { line: 7, character: 0 });
  assert.deepEqual(h?.range, { start: { line: 7, character: 8 }, end: { line: 7, character: 34 } });
});

test('no hover on comments, directives, labels or past the end', () => {
  const text = fixture('clean.s');
  const a = analyzeAsm(text, 'auto', noLog);
  for (const line of [0, 3, 4, 5, 12, 14, 40]) assert.equal(asmHover(a, text, { line, character: 2 }), undefined, `line ${line + 1}`);
});

test('a line with an error still hovers, marked as not final', () => {
  const text = fixture('two_errors.s');
  const value = hoverText(asmHover(analyzeAsm(text, 'auto', noLog), text, { line: 7, character: 10 }));
  assert.match(value, /\*\*not final:\*\* this line has errors \(undefined label nowhere\)/);
});

test('helper hover from the text when the line did not assemble', () => {
  const text = 'call bpf_no_such r1\n    call bpf_ktime_get_ns r1\ncall 14 r2\nr0 = bpf_redirect\nredirect:\n';
  const a = analyzeAsm(text, 'llvm', noLog);
  assert.equal(a.insnsByLine.size, 0, 'no line assembles');
  assert.equal(asmHover(a, text, { line: 0, character: 8 }), undefined, 'unknown helper name');
  const ktime = asmHover(a, text, { line: 1, character: 12 });
  assert.match(hoverText(ktime), /\*\*helper\*\* `bpf_ktime_get_ns` \(id 5\)/);
  assert.deepEqual(ktime?.range, { start: { line: 1, character: 9 }, end: { line: 1, character: 25 } });
  assert.match(hoverText(asmHover(a, text, { line: 2, character: 5 })), /`bpf_get_current_pid_tgid` \(id 14\)/);
  assert.match(hoverText(asmHover(a, text, { line: 3, character: 8 })), /`bpf_redirect` \(id 23\)/);
  assert.equal(asmHover(a, text, { line: 4, character: 2 }), undefined, 'a label named like a helper is not a helper');
});

test('a call to an undefined name is a relocation the loader resolves', () => {
  const text = 'call my_subprog\nexit\n';
  const value = hoverText(asmHover(analyzeAsm(text, 'auto', noLog), text, { line: 0, character: 7 }));
  assert.match(value, /\*\*calls\*\* `my_subprog` \(relocation R_BPF_64_32, resolved by the loader\)/);
});

test('hover on a conformance-dialect document', () => {
  const text = fixture('conformance.s');
  const value = hoverText(asmHover(analyzeAsm(text, 'auto', noLog), text, { line: 2, character: 2 }));
  assert.ok(value.includes('1: (04) w0 += 2'), value);
  assert.ok(value.includes('`0x04` `add32` — class ALU, source K (immediate)'), value);
});

test('describeOpcode and wordAt', () => {
  assert.equal(describeOpcode(opcodeInfo(0x79)!), 'class LDX, mode MEM, size DW (8 bytes)');
  assert.equal(describeOpcode(opcodeInfo(0xdb)!), 'class STX, mode ATOMIC, size DW (8 bytes)');
  assert.equal(describeOpcode(opcodeInfo(0x5d)!), 'class JMP, source X (register)');
  assert.equal(describeOpcode(opcodeInfo(0x91)!), 'class LDX, mode MEMSX, size B (1 bytes)');
  assert.deepEqual(wordAt('call bpf_x#1', 7), { word: 'bpf_x', start: 5, end: 10 });
  assert.equal(wordAt('a  b', 2), undefined);
});
