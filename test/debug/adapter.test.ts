// The built debug adapter (out/debugAdapter.js) driven over stdio with DAP:
// launch, breakpoints, stopping, variables, stepping, faults, memory reads,
// launch errors and the end of the program. Builds the adapter first when it
// is missing or older than its sources.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame, valueOf, variables } from './adapterSupport';

before(ensureAdapterBuilt);

// calls.bpf.s, 1-based: 8 blank (a breakpoint there moves to 10 `call add3`), 11 `r6 = r0`, 14 `r0 += r6`.
test('breakpoint, registers, stack, next, continue, exit', async () => {
  const dap = await startAdapter();
  try {
    const program = join(FIXTURES, 'calls.bpf.s');
    const launched = await launch(dap, { program, stopOnEntry: false }, [8, 14]);
    assert.equal(launched.success, true, launched.message);
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal(stop.body.threadId, 1);
    const threads = await dap.request<DebugProtocol.ThreadsResponse>('threads');
    assert.deepEqual(threads.body.threads, [{ id: 1, name: 'eBPF program' }]);
    const [frame] = await topFrame(dap);
    assert.equal(frame.line, 10);
    assert.equal(frame.name, 'prog');
    assert.equal(frame.source?.name, 'calls.bpf.s');
    const regs = await variables(dap, frame.id, 'Registers');
    assert.deepEqual(regs.map((v) => v.name), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
    assert.equal(valueOf(regs, 'r6'), '0xa (10)   verifier: 10');
    assert.match(valueOf(regs, 'r10') ?? '', /^0x[0-9a-f]+ \(stack of frame 0 \+ 512\)   verifier: fp0$/);
    const stack = await variables(dap, frame.id, 'Stack');
    assert.equal(stack.length, 64);
    assert.deepEqual(stack[0], { name: 'fp-8', value: '00 00 00 00 00 00 00 00   verifier: invalid', type: '8 bytes', variablesReference: 0, memoryReference: stack[0].memoryReference });
    const evaluated = await dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'r1', frameId: frame.id, context: 'hover' });
    assert.equal(evaluated.body.result, '0xa (10)');

    assert.equal((await dap.request('next', { threadId: 1 })).success, true);
    assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, 'step');
    const [afterCall] = await topFrame(dap);
    assert.equal(afterCall.line, 11);
    assert.equal(valueOf(await variables(dap, afterCall.id, 'Registers'), 'r0'), '0xd (13)   verifier: 13');

    await dap.request('continue', { threadId: 1 });
    const second = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(second.body.reason, 'breakpoint');
    assert.equal((await topFrame(dap))[0].line, 14);

    await dap.request('continue', { threadId: 1 });
    const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    assert.equal(exited.body.exitCode, 29);
    await dap.waitForEvent('terminated');
    assert.match(dap.output(), /program exited with r0 = 0x1d \(29\) after 14 instructions/);
    assert.equal((await dap.request('disconnect', {})).success, true);
    assert.equal(await dap.exited, 0);
  } finally {
    dap.kill();
  }
});

test('setBreakpoints reports moved and unverified breakpoints', async () => {
  const dap = await startAdapter();
  try {
    const program = join(FIXTURES, 'calls.bpf.s');
    const launched = dap.request('launch', { program, stopOnEntry: true });
    await dap.waitForEvent('initialized');
    const bps = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: program }, breakpoints: [{ line: 9 }, { line: 50 }] });
    assert.deepEqual(bps.body.breakpoints.map((b) => [b.line, b.verified]), [[10, true], [50, false]]);
    const other = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: join(FIXTURES, 'loop.bpf.s') }, breakpoints: [{ line: 4 }] });
    assert.equal(other.body.breakpoints[0].verified, false);
    assert.match(other.body.breakpoints[0].message ?? '', /not part of the program being debugged/);
    await dap.request('configurationDone');
    assert.equal((await launched).success, true);
    assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, 'entry');
    assert.equal((await topFrame(dap))[0].line, 6);
  } finally {
    dap.kill();
  }
});

test('step in and step out across a bpf-to-bpf call', async () => {
  const dap = await startAdapter();
  try {
    const program = join(FIXTURES, 'calls.bpf.s');
    assert.equal((await launch(dap, { program }, [10])).success, true);
    await dap.waitForEvent('stopped');
    await dap.request('stepIn', { threadId: 1 });
    await dap.waitForEvent('stopped');
    const frames = await topFrame(dap);
    assert.deepEqual(frames.map((f) => [f.name, f.line]), [['add3', 17], ['prog', 10]]);
    const callerRegs = await variables(dap, frames[1].id, 'Registers');
    assert.deepEqual(callerRegs.map((v) => v.name), ['r6', 'r7', 'r8', 'r9', 'r10']);
    await dap.request('stepOut', { threadId: 1 });
    await dap.waitForEvent('stopped');
    assert.deepEqual((await topFrame(dap)).map((f) => [f.name, f.line]), [['prog', 11]]);
  } finally {
    dap.kill();
  }
});

test('a fault stops with the interpreter message, then the session ends', async () => {
  const dap = await startAdapter();
  try {
    assert.equal((await launch(dap, { program: join(FIXTURES, 'fault.bpf.s') })).success, true);
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.text, 'pc 1: read of 4 bytes at 0x0: NULL pointer dereference');
    const info = await dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 1 });
    assert.equal(info.body.exceptionId, 'vm/memory');
    assert.equal((await topFrame(dap))[0].line, 5);
    await dap.request('continue', { threadId: 1 });
    await dap.waitForEvent('terminated');
    assert.match(dap.output(), /program faulted after 2 instructions: pc 1: read of 4 bytes at 0x0: NULL pointer dereference/);
  } finally {
    dap.kill();
  }
});

test('readMemory reads the input memory a register points at', async () => {
  const dap = await startAdapter();
  try {
    assert.equal((await launch(dap, { program: join(FIXTURES, 'packet.bpf.s'), mem: 'de ad be ef', stopOnEntry: true })).success, true);
    await dap.waitForEvent('stopped');
    const [frame] = await topFrame(dap);
    const r1 = (await variables(dap, frame.id, 'Registers')).find((v) => v.name === 'r1');
    assert.ok(r1?.memoryReference, 'r1 points at memory');
    const read = await dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: r1.memoryReference, offset: 1, count: 8 });
    assert.deepEqual([...Buffer.from(read.body?.data ?? '', 'base64')], [0xad, 0xbe, 0xef]);
    assert.equal(read.body?.unreadableBytes, 5);
  } finally {
    dap.kill();
  }
});

const LAUNCH_ERRORS: { name: string; args: (program: string) => object; fixture?: string; message: (program: string) => string }[] = [
  { name: 'missing file', args: () => ({ program: '/nonexistent/x.s' }), message: () => 'program: file not found: /nonexistent/x.s' },
  { name: 'no program', args: () => ({}), message: () => 'program: required: the path of the program to run (.o, .c, .bpf.s or .s)' },
  { name: 'bad mem', args: (p) => ({ program: p, mem: 'aa bq' }), message: () => "mem: not a hex byte string at position 4: 'q' is not a hex digit" },
  { name: 'bad budget', args: (p) => ({ program: p, budget: -3 }), message: () => 'budget: must be a positive whole number of instructions, got -3' },
  { name: 'unknown section', args: (p) => ({ program: p, section: 'tc' }), message: () => 'section: no code section named tc (sections: xdp)' },
  { name: 'attribute types', args: (p) => ({ program: p, stopOnEntry: 'yes', budget: '10' }), message: () => 'budget: must be a number of instructions\nstopOnEntry: must be true or false' },
  { name: 'assembly error', fixture: 'broken.bpf.s', args: (p) => ({ program: p }), message: (p) => `${p}:4:7: unknown register r11` },
];

for (const c of LAUNCH_ERRORS) {
  test(`launch fails with a message naming the problem: ${c.name}`, async () => {
    const dap = await startAdapter();
    try {
      const program = join(FIXTURES, c.fixture ?? 'calls.bpf.s');
      const response = await dap.request('launch', c.args(program));
      assert.equal(response.success, false);
      assert.equal(response.message, c.message(program));
      assert.equal((response.body as { error?: DebugProtocol.Message }).error?.showUser, true);
    } finally {
      dap.kill();
    }
  });
}
