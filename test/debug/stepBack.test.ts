// Going backwards through the stand-alone adapter on assembly: the
// capabilities say so, stepBack honours instruction granularity, reverse
// continue returns to the previous breakpoint stop (reason "breakpoint") and
// then to the start (reason "entry"), and a step back at the start stays put.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ADAPTER, ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame, valueOf, variables } from './adapterSupport';
import { DapClient } from './dapClient';

before(ensureAdapterBuilt);

const CALLS = join(FIXTURES, 'calls.bpf.s');

async function stopAfter(dap: DapClient, command: string, args: object = {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
  const response = await dap.request(command, { threadId: 1, ...args });
  assert.equal(response.success, true, `${command}: ${response.message}`);
  return stopped;
}

test('the adapter announces step back and stepping granularity', async () => {
  const dap = DapClient.start(ADAPTER);
  try {
    const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ebpf', pathFormat: 'path' });
    assert.equal(init.body?.supportsStepBack, true);
    assert.equal(init.body?.supportsSteppingGranularity, true);
  } finally {
    dap.kill();
  }
});

test('reverse continue: back to the previous breakpoint stop, then to the start; step back at the start stays', async () => {
  const dap = await startAdapter();
  try {
    // calls.bpf.s (1-based): 17 `r0 = r1` in add3, called twice (r1 = 10, then 13).
    const firstStop = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await launch(dap, { program: CALLS }, [17]);
    assert.equal((await firstStop).body.reason, 'breakpoint');
    const frame = async (): Promise<number> => (await topFrame(dap))[0].id;
    const r1 = async (): Promise<string | undefined> => valueOf(await variables(dap, await frame(), 'Registers'), 'r1')?.split(' ').slice(0, 2).join(' ');
    assert.equal(await r1(), '0xa (10)');
    assert.equal((await stopAfter(dap, 'continue')).body.reason, 'breakpoint');
    assert.equal(await r1(), '0xd (13)');

    assert.equal((await stopAfter(dap, 'reverseContinue')).body.reason, 'breakpoint');
    assert.equal(await r1(), '0xa (10)', 'the first call again');
    assert.equal((await stopAfter(dap, 'reverseContinue')).body.reason, 'entry');
    assert.equal((await topFrame(dap))[0].line, 6, 'the first instruction');
    assert.equal((await stopAfter(dap, 'stepBack')).body.reason, 'step');
    assert.equal((await topFrame(dap))[0].line, 6, 'nothing before the first instruction');
  } finally {
    dap.kill();
  }
});

test('step back by instruction inside a callee, then by line out to the call', async () => {
  const dap = await startAdapter();
  try {
    const firstStop = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    await launch(dap, { program: CALLS }, [18]);
    await firstStop;
    assert.equal((await topFrame(dap))[0].line, 18);
    await stopAfter(dap, 'stepBack', { granularity: 'instruction' });
    assert.equal((await topFrame(dap))[0].line, 17);
    await stopAfter(dap, 'stepBack');
    const frames = await topFrame(dap);
    assert.deepEqual({ line: frames[0].line, depth: frames.length }, { line: 10, depth: 1 }, 'at the call in the main frame');
  } finally {
    dap.kill();
  }
});
