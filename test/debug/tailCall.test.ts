// Stepping across a tail call in the built adapter: step into
// bpf_tail_call lands in the tail-called program, whose frame shows its own
// name, C line and instruction; the run ends with that program's verdict.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { probeClang } from '../../src-vm/cli/clang';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame } from './adapterSupport';

before(ensureAdapterBuilt);

const SOURCE = join(FIXTURES, 'tail_call.c');
const CLANG = probeClang();
// tail_call.c, 1-based: 20-21 the body of by_length; 27 the bpf_tail_call in dispatch.
const BY_LENGTH_LINES = [20, 21, 22];
const TAIL_CALL_LINE = 27;

test('step into a tail call enters the called program at its own C lines; its return value ends the run', async (t) => {
  if ('error' in CLANG) { t.skip(`clang is not installed: ${CLANG.error}`); return; }
  const dap = await startAdapter();
  try {
    const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    const response = await launch(dap, { program: SOURCE, programName: 'dispatch', packet: '00'.repeat(60) }, [TAIL_CALL_LINE]);
    assert.equal(response.success, true, response.message);
    await stopped;
    let frame = (await topFrame(dap))[0];
    assert.deepEqual({ name: frame.name, line: frame.line }, { name: 'dispatch', line: TAIL_CALL_LINE });
    for (let i = 0; i < 20 && frame.name === 'dispatch'; i++) {
      const next = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
      await dap.request('stepIn', { threadId: 1, granularity: 'instruction' });
      await next;
      frame = (await topFrame(dap))[0];
    }
    assert.equal(frame.name, 'by_length', 'the tail-called program');
    assert.ok(BY_LENGTH_LINES.includes(frame.line), `at one of by_length's lines (${frame.line})`);
    assert.match(frame.source?.path ?? '', /tail_call\.c$/);
    const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    await dap.request('continue', { threadId: 1 });
    assert.equal((await exited).body.exitCode, 2, 'XDP_PASS from by_length for a 60-byte packet');
  } finally {
    dap.kill();
  }
});

test('a breakpoint on a line of the tail-called program stops there when the tail call runs it', async (t) => {
  if ('error' in CLANG) { t.skip(`clang is not installed: ${CLANG.error}`); return; }
  const dap = await startAdapter();
  try {
    const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    const response = await launch(dap, { program: SOURCE, programName: 'dispatch', packet: '00'.repeat(60) }, [BY_LENGTH_LINES[1]]);
    assert.equal(response.success, true, response.message);
    assert.equal((await stopped).body.reason, 'breakpoint');
    const frame = (await topFrame(dap))[0];
    assert.deepEqual({ name: frame.name, line: frame.line }, { name: 'by_length', line: BY_LENGTH_LINES[1] });
    // Going back before the tail call, the launched program's lines are shown again.
    const back = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await dap.request('reverseContinue', { threadId: 1 });
    assert.equal((await back).body.reason, 'entry');
    const start = (await topFrame(dap))[0];
    assert.equal(start.name, 'dispatch');
    const again = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await dap.request('continue', { threadId: 1 });
    assert.equal((await again).body.reason, 'breakpoint', 'and forward again to the same breakpoint');
    assert.equal((await topFrame(dap))[0].line, BY_LENGTH_LINES[1]);
  } finally {
    dap.kill();
  }
});
