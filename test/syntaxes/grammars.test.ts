// Our TextMate grammars tokenized by VS Code's own engine: golden cases of
// (line, token text, innermost scope) for the assembly grammar in both
// dialects and for the injection into C, plus the manifest entries that
// register them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarFor, scopeOf, tokenizeLines } from './tokenize';

type Golden = [line: string, token: string, scope: string | undefined];

const ASM: Golden[] = [
  ['r0 = *(u32 *)(r1 + 4)  # data_end', 'r0', 'variable.language.register.ebpf-asm'],
  ['r0 = *(u32 *)(r1 + 4)  # data_end', '# data_end', 'comment.line.number-sign.ebpf-asm'],
  ['if r2 > r3 goto out', 'goto', 'keyword.control.ebpf-asm'],
  ['out:', 'out', 'entity.name.function.label.ebpf-asm'],
  ['\t.section xdp,"ax"', '.section', 'keyword.control.directive.ebpf-asm'],
  ['call bpf_map_lookup_elem', 'call', 'keyword.control.ebpf-asm'],
  ['mov %r0, 1', '%r0', 'variable.language.register.ebpf-asm'],
  ['12: (bf) r1 = r6', '12', 'constant.numeric.line-number.ebpf-asm'],
  ['r1 = 0x2a', '0x2a', 'constant.numeric.ebpf-asm'],
];

const C: Golden[] = [
  ['SEC("xdp")', 'SEC', 'keyword.other.section.ebpf'],
  ['SEC("tracepoint/syscalls/sys_enter_openat")', 'tracepoint/syscalls/sys_enter_openat', 'entity.name.section.ebpf'],
  ['\t__uint(type, BPF_MAP_TYPE_HASH);', '__uint', 'support.macro.map-definition.ebpf'],
  ['\t__uint(type, BPF_MAP_TYPE_HASH);', 'type', 'variable.other.property.map-field.ebpf'],
  ['\t__uint(type, BPF_MAP_TYPE_HASH);', 'BPF_MAP_TYPE_HASH', 'constant.language.map.ebpf'],
  ['\tcount = bpf_map_lookup_elem(&counts, &key);', 'bpf_map_lookup_elem', 'support.function.helper.ebpf'],
  ['int BPF_KPROBE(probe, int dfd)', 'BPF_KPROBE', 'support.function.helper.ebpf'],
  ['\treturn XDP_DROP;', 'XDP_DROP', 'constant.language.return-code.ebpf'],
  ['\treturn TC_ACT_SHOT;', 'TC_ACT_SHOT', 'constant.language.return-code.ebpf'],
  ['static __always_inline int f(void)', '__always_inline', 'storage.modifier.ebpf'],
  // Not inside comments; plain C keeps its own scopes.
  ['// return XDP_DROP;', '// return XDP_DROP;', 'comment.line.double-slash.c'],
  ['\treturn 0;', 'return', 'keyword.control.c'],
  ['\tint bpf_thing = 1;', 'int', 'keyword.control.c'],
];

function check(goldens: Golden[], scope: 'source.ebpf-asm' | 'source.c') {
  return async () => {
    const grammar = await grammarFor(scope);
    const failures = goldens.flatMap(([line, token, want]) => {
      const got = scopeOf(tokenizeLines(grammar, [line])[0], token);
      return got === want ? [] : [`${JSON.stringify(line)}: ${JSON.stringify(token)} is ${got}, want ${want}`];
    });
    assert.deepEqual(failures, []);
  };
}

test('assembly grammar: both dialects and verifier-log lines', check(ASM, 'source.ebpf-asm'));
test('C injection: sections, map definitions, helpers, return codes', check(C, 'source.c'));

test('a block comment spanning lines hides eBPF names in C', async () => {
  const lines = tokenizeLines(await grammarFor('source.c'), ['/* SEC("xdp")', '   XDP_DROP */ return XDP_PASS;']);
  assert.equal(scopeOf(lines[0], ' SEC("xdp")'), 'comment.block.c');
  assert.equal(scopeOf(lines[1], '   XDP_DROP '), 'comment.block.c');
  assert.equal(scopeOf(lines[1], 'XDP_PASS'), 'constant.language.return-code.ebpf');
});

test('package.json registers the assembly grammar and injects ours into C', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { grammars: Record<string, unknown>[] } };
  assert.deepEqual(pkg.contributes.grammars, [
    { language: 'ebpf-asm', scopeName: 'source.ebpf-asm', path: './syntaxes/ebpf-asm.tmLanguage.json' },
    { scopeName: 'source.c.ebpf-injection', path: './syntaxes/ebpf-c.injection.tmLanguage.json', injectTo: ['source.c'] },
    { language: 'ebpf-verifier-log', scopeName: 'source.ebpf-verifier-log', path: './syntaxes/ebpf-verifier-log.tmLanguage.json' },
  ]);
});
