// The disassembly view's text (client/src/disassembly.ts): a prebuilt example
// object listed as the kernel's log shows programs, with its source lines;
// an unreadable file as a comment saying why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassembleFile } from '../../client/src/disassembly';

test('an object: each program in the kernel format, with source lines and maps by name', () => {
  const lines = disassembleFile('examples/prebuilt/xdp_firewall.bpf.o').split('\n');
  assert.match(lines[0], /^Disassembly of program xdp_firewall \(section xdp, type xdp, \d+ insns\):$/);
  assert.ok(lines.some((l) => /^; .* @ xdp_firewall\.bpf\.c:\d+$/.test(l)), lines.slice(0, 10).join('\n'));
  assert.ok(lines.includes('9: (18) r1 = map[verdicts]'), 'the counters map is named');
  assert.ok(lines.some((l) => /^\d+: \(95\) exit$/.test(l)));
});

test('a file that cannot be read: the reason as a comment, nothing else', () => {
  assert.equal(disassembleFile('/nowhere/x.o'), '# cannot read /nowhere/x.o: no such file\n');
});
