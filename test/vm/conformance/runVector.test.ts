// runVector: how a parsed vector is judged — r0 against `-- result` as a full
// 64-bit value, rejections and faults against `-- error`, raw over asm, and
// the skips the upstream runner makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVectorFile } from '../../../src-vm/conformance/vectorFile';
import { runVector, type VectorStatus } from '../../../src-vm/conformance/runVector';

const CASES: { name: string; text: string; status: VectorStatus; message: string; actual?: bigint }[] = [
  { name: 'result matches', text: '-- asm\nmov %r0, 42\nexit\n-- result\n0x2a', status: 'pass', message: 'r0 = 0x2a', actual: 42n },
  { name: 'upper 32 bits count', text: '-- asm\nlddw %r0, 0x100000001\nexit\n-- result\n0x1',
    status: 'fail', message: 'incorrect return value: expected 0x1, got 0x100000001', actual: 0x100000001n },
  { name: 'r1 points at mem, r2 is its length', text: '-- asm\nldxb %r0, [%r1+2]\nadd %r0, %r2\nexit\n-- mem\n01 02 03\n-- result\n0x6',
    status: 'pass', message: 'r0 = 0x6', actual: 6n },
  { name: 'raw wins over asm', text: '-- asm\nmov %r0, 1\nexit\n-- raw\n0x00000007000000b7\n0x0000000000000095\n-- result\n7',
    status: 'pass', message: 'r0 = 0x7', actual: 7n },
  { name: 'assembler errors stop the vector', text: '-- asm\nmov %r0, %r50\nexit\n-- result\n0x0',
    status: 'error', message: 'assembly failed: line 2: Invalid register: %r50' },
  { name: 'an empty -- error accepts any rejection', text: '-- raw\n95 01 00 00 00 00 00 00\n-- error\n',
    status: 'pass', message: 'failed as expected: insn 0 (exit, opcode 0x95): dst field is 1, must be 0' },
  { name: 'an empty -- error needs a rejection', text: '-- raw\n95 00 00 00 00 00 00 00\n-- error\n',
    status: 'fail', message: 'expected the program to be rejected, but it ran and returned 0x0', actual: 0n },
  { name: 'a rejection without -- error is an error', text: '-- raw\n8f 00 00 00 00 00 00 00\n-- result\n0x0',
    status: 'error', message: 'program did not run to exit: insn 0: unknown opcode 0x8f' },
  { name: 'a named error must match exactly', text: '-- raw\n8f 00 00 00 00 00 00 00\n-- error\nsomething else',
    status: 'fail', message: 'expected error "something else", got "insn 0: unknown opcode 0x8f"' },
  { name: 'no instructions', text: '-- asm\n# nothing\n-- result\n0x0', status: 'skip', message: 'Test file has no BPF instructions' },
  { name: 'no expectation', text: '-- asm\nexit\n', status: 'skip', message: 'No result or error in test file' },
];

test('vectors are judged like the upstream runner', () => {
  for (const c of CASES) {
    const outcome = runVector(parseVectorFile(c.text).value);
    assert.equal(outcome.status, c.status, c.name);
    assert.equal(outcome.message, c.message, c.name);
    assert.equal(outcome.actual, c.actual, c.name);
  }
});

test('a run that faults reports the fault and where', () => {
  const outcome = runVector(parseVectorFile('-- asm\nldxdw %r0, [%r1+64]\nexit\n-- mem\n00 01\n-- result\n0x0').value);
  assert.equal(outcome.status, 'error');
  assert.match(outcome.message, /^program did not run to exit: /);
  assert.equal(outcome.diagnostics.length, 1);
  assert.equal(outcome.diagnostics[0].insnIdx, 0);
});

test('a program that never exits is stopped by the budget', () => {
  const outcome = runVector(parseVectorFile('-- asm\nja -1\nexit\n-- result\n0x0').value, { budget: 1000 });
  assert.equal(outcome.status, 'error');
  assert.ok(outcome.steps >= 1000 && outcome.steps <= 1001, String(outcome.steps));
});
