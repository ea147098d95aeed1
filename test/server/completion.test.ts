// asmCompletions: what the text before the cursor asks for (helper after
// `call`, labels after `goto` or as a conformance jump target, keywords or
// mnemonics at a statement start, registers and operators elsewhere), with
// every item read from the core's tables; in C, helper names with their
// prototypes where an identifier that could be one is typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver';
import { asmCompletions, cCompletions, completionPlace, documentLabels } from '../../server/src/completion';
import { CONFORMANCE_MNEMONICS } from '../../src-vm/asm/conformanceAsm';
import { HELPERS } from '../../src-vm/isa/helpers.generated';
import type { Dialect } from '../../src-vm/program';

const PLACES: [string, Dialect, ReturnType<typeof completionPlace>][] = [
  ['', 'llvm', 'statementStart'],
  ['    r', 'llvm', 'statementStart'],
  ['loop:  ', 'llvm', 'statementStart'],
  ['    call ', 'llvm', 'call'],
  ['    call bpf_map', 'llvm', 'call'],
  ['    if r1 > r2 goto ', 'llvm', 'jumpTarget'],
  ['    goto lo', 'llvm', 'jumpTarget'],
  ['    r0 = ', 'llvm', 'operand'],
  ['    r0 = *(', 'llvm', 'operand'],
  ['mo', 'conformance', 'statementStart'],
  ['call ', 'conformance', 'call'],
  ['jeq %r1, 0, ', 'conformance', 'jumpTarget'],
  ['ja ', 'conformance', 'jumpTarget'],
  ['mov %r0, ', 'conformance', 'operand'],
];

for (const [prefix, dialect, place] of PLACES) {
  test(`completionPlace ${JSON.stringify(prefix)} (${dialect}) -> ${place}`, () => {
    assert.equal(completionPlace(prefix, dialect), place);
  });
}

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);

test('after call: every helper with its id, prototype and summary; LLVM also offers local labels', () => {
  const text = 'prog:\n    call \nsub:\n    exit\n';
  const items = asmCompletions(text, { line: 1, character: 9 }, 'llvm');
  const helpers = HELPERS.filter((h) => h.id !== 0);
  assert.deepEqual(labels(items), [...helpers.map((h) => `bpf_${h.name}`), 'prog', 'sub']);
  const lookup = items.find((i) => i.label === 'bpf_map_lookup_elem');
  assert.equal(lookup?.detail, 'helper #1');
  assert.match(String(lookup?.documentation), /^void \*bpf_map_lookup_elem\(struct bpf_map \*map, const void \*key\)\n\nPerform a lookup/);
  assert.equal(lookup?.insertText, undefined);
});

test('conformance dialect calls helpers by number', () => {
  const items = asmCompletions('call ', { line: 0, character: 5 }, 'conformance');
  const ktime = items.find((i) => i.label === 'bpf_ktime_get_ns');
  assert.equal(ktime?.insertText, '5');
  assert.equal(ktime?.filterText, 'bpf_ktime_get_ns');
});

test('jump targets are the labels of the document, even if it does not assemble', () => {
  const text = 'start:\n  r0 = r99\n  if r0 == 0 goto \n.LBB0_2:  exit\n  out :\n';
  assert.deepEqual(labels(asmCompletions(text, { line: 2, character: 18 }, 'llvm')), ['start', '.LBB0_2', 'out']);
  assert.deepEqual(documentLabels('a: b:\n # c:\n'), ['a']);
});

test('statement start: LLVM keywords and registers; conformance mnemonics', () => {
  const llvm = labels(asmCompletions('    ', { line: 0, character: 4 }, 'llvm'));
  for (const k of ['if', 'goto', 'call', 'exit', 'lock', 'r0', 'r10', 'w5']) assert.ok(llvm.includes(k), k);
  assert.ok(!llvm.includes('r11'));
  const conf = labels(asmCompletions('', { line: 0, character: 0 }, 'conformance'));
  assert.deepEqual(conf, [...CONFORMANCE_MNEMONICS]);
});

test('operands: registers, byte swaps from the opcode table, access widths', () => {
  const llvm = labels(asmCompletions('  r0 = ', { line: 0, character: 7 }, 'llvm'));
  for (const k of ['r1', 'w1', 'be16', 'le64', 'bswap32', 'u32', 's8', 'll']) assert.ok(llvm.includes(k), k);
  assert.equal(llvm.filter((l) => /^(be|le|bswap)\d+$/.test(l)).length, 9);
  assert.deepEqual(labels(asmCompletions('mov %r0, ', { line: 0, character: 9 }, 'conformance')),
    Array.from({ length: 11 }, (_, n) => `%r${n}`));
});

test('nothing inside a comment', () => {
  assert.deepEqual(asmCompletions('  r0 = 1 # call ', { line: 0, character: 16 }, 'llvm'), []);
  assert.deepEqual(asmCompletions('  exit // ', { line: 0, character: 10 }, 'llvm'), []);
});

test('operands offer the maps and labels of the document (r1 = counts ll)', () => {
  const text = 'prog:\n  r1 = \n  exit\n.section .maps\ncounts:\n  .zero 32\n';
  const items = asmCompletions(text, { line: 1, character: 7 }, 'llvm').filter((i) => i.detail === 'label or map (r1 = name ll)');
  assert.deepEqual(items.map((i) => i.label), ['prog', 'counts']);
});

test('C: bpf_ helpers with their prototype and description while typing an identifier that could be one', () => {
  const lookup = (line: string) => cCompletions(line, { line: 0, character: line.length });
  const items = lookup('  void *v = bpf_map_l');
  assert.equal(items.length, HELPERS.length - 1);
  const first = items.find((i) => i.label === 'bpf_map_lookup_elem');
  assert.deepEqual(first, {
    label: 'bpf_map_lookup_elem', kind: 3, detail: 'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)',
    documentation: 'Perform a lookup in map for an entry associated to key.\n\nhelper #1', sortText: 'bpf_map_lookup_elem',
  });
  assert.equal(lookup('  b').length, HELPERS.length - 1);
  for (const none of ['  int x = ', '  key', '  // bpf_', '  bpf_printk("bpf_', '#include <bpf_']) assert.deepEqual(lookup(none), [], none);
  assert.equal(lookup('  f("x", bpf_').length, HELPERS.length - 1);
});
