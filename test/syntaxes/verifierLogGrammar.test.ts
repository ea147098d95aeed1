// The verifier log grammar (syntaxes/ebpf-verifier-log.tmLanguage.json) as
// VS Code's engine reads it: golden (line, token, innermost scope) cases over
// the kinds of line a kernel log has, with instructions coloured by the
// assembly grammar and the state after `;` kept apart from them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grammarFor, scopeOf, tokenizeLines } from './tokenize';

type Golden = [line: string, token: string, scope: string | undefined];

const INSN = '12: (61) r1 = *(u32 *)(r1 +26)         ; R1=pkt(r=14)';

const LOG: Golden[] = [
  [INSN, '12', 'constant.numeric.line-number.ebpf-verifier-log'],
  [INSN, '(61)', 'comment.opcode.ebpf-verifier-log'],
  [INSN, 'r1', 'variable.language.register.ebpf-asm'],
  [INSN, ';', 'punctuation.separator.state.ebpf-verifier-log'],
  [INSN, 'R1', 'variable.language.register.ebpf-verifier-log'],
  [INSN, 'pkt', 'support.type.register-type.ebpf-verifier-log'],
  ['0: R1=ctx() R10=fp0', 'R10', 'variable.language.register.ebpf-verifier-log'],
  ['0: R1=ctx() R10=fp0', 'ctx', 'support.type.register-type.ebpf-verifier-log'],
  ['7: safe', 'safe', 'keyword.control.safe.ebpf-verifier-log'],
  ['from 4 to 10: R0=0', 'from', 'keyword.control.ebpf-verifier-log'],
  ['from 4 to 10: R0=0', '10', 'constant.numeric.line-number.ebpf-verifier-log'],
  ['; if (iph->saddr == x) @ prog.bpf.c:24', 'prog.bpf.c', 'string.unquoted.file-name.ebpf-verifier-log'],
  ['; if (iph->saddr == x) @ prog.bpf.c:24', '24', 'constant.numeric.line-number.ebpf-verifier-log'],
  ['processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', 'processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', 'comment.line.statistics.ebpf-verifier-log'],
  ['invalid access to packet, off=26 size=4, R1(id=0,off=26,r=14)', 'invalid access to packet, off=26 size=4, R1(id=0,off=26,r=14)', 'invalid.illegal.message.ebpf-verifier-log'],
  ['caller:', 'caller:', 'keyword.other.frame.ebpf-verifier-log'],
];

test('verifier log grammar: instructions, states, branches, source lines, statistics and the message', async () => {
  const grammar = await grammarFor('source.ebpf-verifier-log');
  const failures = LOG.flatMap(([line, token, want]) => {
    const got = scopeOf(tokenizeLines(grammar, [line])[0], token);
    return got === want ? [] : [`${JSON.stringify(line)}: ${JSON.stringify(token)} is ${got}, want ${want}`];
  });
  assert.deepEqual(failures, []);
});

test('the state after an instruction is not taken for an assembly comment', async () => {
  const tokens = tokenizeLines(await grammarFor('source.ebpf-verifier-log'), [INSN])[0];
  assert.ok(!tokens.some((t) => t.scopes.some((s) => s.startsWith('comment.line.semicolon'))), JSON.stringify(tokens));
});
