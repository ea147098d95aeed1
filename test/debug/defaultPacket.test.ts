// A packet program launched without input (F5 with no launch.json does that)
// runs on the default frame the run lens uses, and the Debug Console says so;
// a program that takes no packet gets none and no such message.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { probeClang } from '../../src-vm/cli/clang';
import { ensureAdapterBuilt, FIXTURES, launch, ROOT, startAdapter } from './adapterSupport';

before(ensureAdapterBuilt);

const CLANG = probeClang();

async function runToEnd(program: string, more: object = {}): Promise<{ exitCode: number; output: string }> {
  const dap = await startAdapter();
  try {
    const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    const response = await launch(dap, { program, ...more });
    assert.equal(response.success, true, response.message);
    return { exitCode: (await exited).body.exitCode, output: dap.output() };
  } finally {
    dap.kill();
  }
}

test('an XDP program without a packet runs on the default IPv4/UDP frame, and says so', async (t) => {
  if ('error' in CLANG) { t.skip(CLANG.error); return; }
  const { exitCode, output } = await runToEnd(join(FIXTURES, 'xdp_count.c'));
  assert.equal(exitCode, 2, 'XDP_PASS: the default frame is IPv4');
  assert.match(output, /packet: none given: count_ipv4 runs on the default 64-byte Ethernet\/IPv4\/UDP frame/);
});

test('a tracepoint program takes no packet: none is made up', async (t) => {
  if ('error' in CLANG) { t.skip(CLANG.error); return; }
  const { output } = await runToEnd(join(ROOT, 'examples', 'exec_tracer.bpf.c'), { ctx: join(ROOT, 'examples', 'exec_tracer.ctx.json') });
  assert.match(output, /no packet/);
  assert.doesNotMatch(output, /default 64-byte/);
});
