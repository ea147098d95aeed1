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

test('a breakpoint on a line of another program of the file is refused with the reason, not moved into the debugged one', async (t) => {
  if ('error' in CLANG) { t.skip(`clang is not installed: ${CLANG.error}`); return; }
  const dap = await startAdapter();
  try {
    const launched = dap.request('launch', { program: SOURCE, programName: 'dispatch', packet: '00'.repeat(60), stopOnEntry: true });
    await dap.waitForEvent('initialized');
    const set = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', {
      source: { path: SOURCE }, breakpoints: [{ line: BY_LENGTH_LINES[1] }, { line: TAIL_CALL_LINE }],
    });
    const [other, own] = set.body.breakpoints;
    assert.equal(other.verified, false);
    assert.equal(other.line, BY_LENGTH_LINES[1], 'left on the line asked for');
    assert.match(other.message ?? '', /line 21 is in program by_length, not in dispatch, the one being debugged/);
    assert.deepEqual({ verified: own.verified, line: own.line }, { verified: true, line: TAIL_CALL_LINE });
    await dap.request('configurationDone');
    assert.equal((await launched).success, true);
  } finally {
    dap.kill();
  }
});
