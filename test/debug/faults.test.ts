// The built debug adapter on programs that fault (test/fixtures/debug/faults.c):
// an out-of-bounds packet read and a call to a helper that does not exist,
// both of which our verifier rejects, stop with reason `exception`; the
// stopped event, exceptionInfo and the end of the run name the pc, the access
// and the region; any resume after it ends the session. A normal run ends
// with the return value by name and the instruction count, as LinuxMachine
// counts them.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LinuxMachine, loadObject, targetsOfObject, verifyTarget } from '../../src-vm/index';
import { compileCFile, probeClang } from '../../src-vm/cli/clang';
import { processScratchDir } from '../support/kernel';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame } from './adapterSupport';

before(ensureAdapterBuilt);

const CLANG = !('error' in probeClang());
const NO_CLANG = 'clang is not installed (apt-get install clang-19)';
const SCRATCH = processScratchDir('debug-faults');
const FAULTS_C = join(FIXTURES, 'faults.c');
/** A 42-byte IPv4 frame: byte 100 is past its end. */
const IPV4 = 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000';
const ARP = 'ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002';

function compiled(source: string): Uint8Array {
  const r = compileCFile(source);
  assert.ok(!('error' in r), 'error' in r ? r.error : '');
  return r.bytes;
}

/** Our verifier's rejection of program `name` of the object. */
function verifierRejection(object: Uint8Array, name: string): string {
  const target = targetsOfObject(loadObject(object, { name: 'faults' }).value).find((t) => t.name === name);
  assert.ok(target, `program ${name}`);
  const outcome = verifyTarget(target);
  assert.equal(outcome.kind, 'verified');
  assert.equal(outcome.kind === 'verified' && outcome.report.verdict, 'reject', `the verifier rejects ${name}`);
  return outcome.kind === 'verified' ? outcome.report.error?.message ?? '' : '';
}

const FAULTS: {
  program: string; line: number; exceptionId: string; text: RegExp; verifier: RegExp; resume: 'continue' | 'next' | 'stepIn';
}[] = [
  {
    program: 'oob_read', line: 16, exceptionId: 'vm/memory', resume: 'continue',
    text: /^pc \d+: read of 1 bytes at 0x[0-9a-f]+: offset 100 is outside packet \(42 bytes\)$/,
    verifier: /invalid access to packet/,
  },
  {
    program: 'unknown_helper', line: 22, exceptionId: 'vm/helper', resume: 'next',
    text: /^pc \d+: call to helper 999, which this runtime does not emulate$/,
    verifier: /invalid func unknown#999/,
  },
];

for (const f of FAULTS) {
  test(`a fault stops with reason exception naming the pc and what went wrong: ${f.program}`, async (t) => {
    if (!CLANG) return t.skip(NO_CLANG);
    assert.match(verifierRejection(compiled(FAULTS_C), f.program), f.verifier);
    const dap = await startAdapter();
    try {
      const launched = await launch(dap, { program: FAULTS_C, programName: f.program, packet: IPV4 });
      assert.equal(launched.success, true, launched.message);
      const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
      assert.equal(stop.body.reason, 'exception');
      const text = stop.body.text ?? '';
      assert.match(text, f.text);
      assert.equal(stop.body.description, text);
      const info = await dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
      assert.deepEqual([info.body.exceptionId, info.body.description, info.body.breakMode], [f.exceptionId, text, 'always']);
      // The frame is at the C line of the access, and its instruction is the pc the message names.
      const [frame] = await topFrame(dap);
      assert.deepEqual([frame.name, frame.line], [f.program, f.line]);
      const pc = Number(/^pc (\d+)/.exec(text)?.[1]);
      assert.equal(frame.instructionPointerReference, `0x${(pc * 8).toString(16)}`);
      await dap.request(f.resume, { threadId: 1 });
      await dap.waitForEvent('terminated');
      const output = dap.output();
      assert.match(output, new RegExp(`program faulted after \\d+ instructions?: ${text.replace(/[()]/g, '\\$&')}\n`));
      assert.ok(!dap.log.some((l) => l.startsWith('exited ')), 'a faulted run has no exit code');
    } finally {
      dap.kill();
    }
  });
}

test('the end of a normal run: the return value by name and the instruction count', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const source = join(FIXTURES, 'xdp_count.c');
  const object = join(SCRATCH, 'xdp_count.o');
  writeFileSync(object, compiled(source));
  const machine = LinuxMachine.create(loadObject(compiled(source), { name: 'xdp_count' }).value).value;
  for (const [packet, name] of [[ARP, 'XDP_DROP'], [IPV4, 'XDP_PASS']] as const) {
    const expected = machine.run(machine.program('count_ipv4')!, { packet: Uint8Array.from(Buffer.from(packet, 'hex')) });
    assert.equal(expected.retName, name);
    const dap = await startAdapter();
    try {
      const launched = await launch(dap, { program: object, packet }, [], source);
      assert.equal(launched.success, true, launched.message);
      const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
      await dap.waitForEvent('terminated');
      assert.equal(exited.body.exitCode, expected.retval);
      const r0 = expected.retval;
      assert.ok(dap.output().includes(`program exited with r0 = 0x${r0.toString(16)} (${r0}) ${name} after ${expected.steps} instructions\n`), dap.output());
    } finally {
      dap.kill();
    }
  }
});
