// Assembly in its Linux context: given a packet (or a capture, a context, a
// program type), an assembly file is assembled into an object and runs on
// LinuxMachine like C — r1 is the xdp_md, the packet's bounds come from it,
// the return value is named — with breakpoints on its own lines; `mem`
// beside a packet is refused, naming both ways to run it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame, valueOf, variables } from './adapterSupport';

before(ensureAdapterBuilt);

const SOURCE = join(FIXTURES, 'xdp_len.bpf.s');
// xdp_len.bpf.s, 1-based: 8 `r2 = *(u32 *)(r1 + 0)`, 10 `r3 -= r2`, 15 `exit`.
const LINE = { loadData: 8, length: 10 } as const;

for (const [bytes, exitCode, name] of [[60, 2, 'XDP_PASS'], [30, 1, 'XDP_DROP']] as const) {
  test(`an XDP program in assembly on a ${bytes}-byte packet: r1 is the context, a breakpoint on its line, ${name}`, async () => {
    const dap = await startAdapter();
    try {
      const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
      const response = await launch(dap, { program: SOURCE, packet: '00'.repeat(bytes) }, [LINE.length]);
      assert.equal(response.success, true, response.message);
      assert.equal((await stopped).body.reason, 'breakpoint');
      const frame = (await topFrame(dap))[0];
      assert.deepEqual({ line: frame.line, name: frame.name }, { line: LINE.length, name: 'xdp_len' });
      assert.match(frame.source?.path ?? '', /xdp_len\.bpf\.s$/);
      const regs = await variables(dap, frame.id, 'Registers');
      assert.match(valueOf(regs, 'r1') ?? '', /context|xdp/i, 'r1 points at the XDP context');
      assert.match(valueOf(regs, 'r3') ?? '', /packet \+ \d+/, 'r3 = data_end, a packet pointer');
      const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
      await dap.request('continue', { threadId: 1 });
      assert.equal((await exited).body.exitCode, exitCode);
      assert.match(dap.output(), new RegExp(`program exited with r0 = 0x${exitCode} \\(${exitCode}\\) ${name}`));
    } finally {
      dap.kill();
    }
  });
}

test('mem beside a packet is refused: the two ways to run assembly are named', async () => {
  const dap = await startAdapter();
  try {
    const response = await dap.request('launch', { program: SOURCE, packet: '00'.repeat(60), mem: 'aa bb' });
    assert.equal(response.success, false);
    assert.match(response.message ?? '', /^mem: applies to assembly run on its memory contract; with packet, packetFile, pcap, ctx, maps or programType the program runs in its Linux context instead/);
  } finally {
    dap.kill();
  }
});

test('without a Linux input, assembly still runs on its memory contract (r1 = mem, r2 = its length)', async () => {
  const dap = await startAdapter();
  try {
    const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal((await launch(dap, { program: SOURCE, mem: '01 02 03', stopOnEntry: true })).success, true);
    await stopped;
    const regs = await variables(dap, (await topFrame(dap))[0].id, 'Registers');
    assert.match(valueOf(regs, 'r2') ?? '', /^0x3 \(3\)/);
  } finally {
    dap.kill();
  }
});
