// The built debug adapter's breakpoints and expressions: conditional line
// breakpoints (checked against the register at the stop), hit counts,
// logpoints that print interpolated values without stopping, function
// breakpoints on a label and on a C subprogram, instruction breakpoints taken
// from the disassembly, the disassemble request with C lines, and evaluate in
// repl, watch and hover (registers, stack loads, globals, maps) with the
// errors bad expressions and conditions give.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { probeClang } from '../../src-vm/cli/clang';
import { DapClient } from './dapClient';
import { ADAPTER, ensureAdapterBuilt, FIXTURES, startAdapter, topFrame } from './adapterSupport';

before(ensureAdapterBuilt);

const CLANG = !('error' in probeClang());
const CALLS = join(FIXTURES, 'calls.bpf.s');
const LOOP = join(FIXTURES, 'loop.bpf.s');
const PACKET = join(FIXTURES, 'packet.bpf.s');
const GLOBALS = join(FIXTURES, 'xdp_globals.c');
/** loop.bpf.s runs 3,000,003 instructions. */
const LOOP_BUDGET = 4_000_000;
/** An IPv4 frame of 42 bytes. */
const IPV4 = 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000';

/** Launches as VS Code does, with `configure` sending the breakpoints between `initialized` and configurationDone. */
async function launchWith(dap: DapClient, args: object, configure: () => Promise<void> = async () => undefined): Promise<void> {
  const launched = dap.request('launch', args);
  await dap.waitForEvent('initialized');
  await configure();
  await dap.request('configurationDone');
  const response = await launched;
  assert.equal(response.success, true, response.message);
}

async function evaluate(dap: DapClient, expression: string, context = 'repl'): Promise<DebugProtocol.EvaluateResponse> {
  const [frame] = await topFrame(dap);
  return dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId: frame.id, context });
}

async function value(dap: DapClient, expression: string, context = 'repl'): Promise<string> {
  const r = await evaluate(dap, expression, context);
  assert.equal(r.success, true, `${expression}: ${r.message}`);
  return r.body.result;
}

async function withAdapter(body: (dap: DapClient) => Promise<void>): Promise<void> {
  const dap = await startAdapter();
  try {
    await body(dap);
  } finally {
    dap.kill();
  }
}

const setLineBreakpoints = (dap: DapClient, path: string, breakpoints: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.SetBreakpointsResponse> =>
  dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path }, breakpoints });

test('initialize announces conditional, hit-count, log, function and instruction breakpoints and disassembly', async () => {
  const dap = DapClient.start(ADAPTER);
  try {
    const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.equal(init.success, true, init.message);
    const caps = init.body ?? {};
    assert.deepEqual(
      [caps.supportsConditionalBreakpoints, caps.supportsHitConditionalBreakpoints, caps.supportsLogPoints, caps.supportsFunctionBreakpoints,
        caps.supportsInstructionBreakpoints, caps.supportsDisassembleRequest, caps.supportsEvaluateForHovers],
      [true, true, true, true, true, true, true],
    );
  } finally {
    dap.kill();
  }
});

test('a conditional breakpoint stops only where its condition holds; a hit count stops on the counted hit', async () => {
  await withAdapter(async (dap) => {
    // loop.bpf.s: line 7 `r0 += 1`, line 8 `r1 += 1`.
    let placed: DebugProtocol.SetBreakpointsResponse | undefined;
    await launchWith(dap, { program: LOOP, budget: LOOP_BUDGET }, async () => {
      placed = await setLineBreakpoints(dap, LOOP, [{ line: 8, condition: 'r1 == 41' }, { line: 7, hitCondition: '>= 100000' }]);
    });
    assert.deepEqual(placed?.body.breakpoints.map((b) => [b.line, b.verified]), [[8, true], [7, true]]);
    const [conditional, counted] = placed!.body.breakpoints;
    const first = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.deepEqual([first.body.reason, first.body.hitBreakpointIds], ['breakpoint', [conditional.id]]);
    assert.deepEqual([await value(dap, 'r1'), await value(dap, 'r0')], ['0x29 (41)', '0x2a (42)']);
    assert.equal((await topFrame(dap))[0].line, 8);
    await dap.request('continue', { threadId: 1 });
    const second = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.deepEqual(second.body.hitBreakpointIds, [counted.id]);
    assert.equal(await value(dap, 'r0'), '0x1869f (99999)');
    assert.equal(await value(dap, 'r0 + 1 == 100000', 'watch'), '0x1 (1)');
  });
});

test('a logpoint prints its interpolated message to the debug console and does not stop', async () => {
  await withAdapter(async (dap) => {
    let placed: DebugProtocol.SetBreakpointsResponse | undefined;
    await launchWith(dap, { program: CALLS }, async () => {
      placed = await setLineBreakpoints(dap, CALLS, [{ line: 17, logMessage: 'add3 got {r1}, r6 = {r6}, {{braces}}' }]);
    });
    assert.equal(placed?.body.breakpoints[0].verified, true);
    await dap.waitForEvent('terminated');
    const lines = dap.output().split('\n').filter((l) => l.startsWith('add3 got'));
    assert.deepEqual(lines, ['add3 got 10, r6 = 10, {braces}', 'add3 got 13, r6 = 13, {braces}']);
    assert.match(dap.output(), /program exited with r0 = 0x1d \(29\)/);
    assert.ok(!dap.log.some((l) => l.startsWith('stopped')), dap.log.join('\n'));
  });
});

test('a function breakpoint stops at the label it names; unknown names and bad conditions are unverified with the reason', async () => {
  await withAdapter(async (dap) => {
    let fns: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    let lines: DebugProtocol.SetBreakpointsResponse | undefined;
    await launchWith(dap, { program: CALLS }, async () => {
      lines = await setLineBreakpoints(dap, CALLS, [{ line: 14, condition: 'r0 ==' }, { line: 15, hitCondition: 'now and then' }]);
      fns = await dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', {
        breakpoints: [{ name: 'add3', hitCondition: '2' }, { name: 'sub7' }, { name: 'prog', condition: 'r1 +' }],
      });
    });
    const [add3, sub7, prog] = fns!.body.breakpoints;
    assert.deepEqual([add3.verified, add3.line, add3.source?.path], [true, 17, CALLS]);
    assert.deepEqual([sub7.verified, sub7.message], [false, "no function or label 'sub7' in the program (it has: prog, add3)"]);
    assert.deepEqual([prog.verified, prog.message], [false, "condition 'r1 +': column 5: expected an expression after '+'"]);
    assert.deepEqual(lines!.body.breakpoints.map((b) => [b.verified, b.message?.replace(/:.*/s, '')]), [[false, "condition 'r0 =='"], [false, "hit condition 'now and then' is not understood"]]);
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.deepEqual(stop.body.hitBreakpointIds, [add3.id]);
    const [frame] = await topFrame(dap);
    assert.deepEqual([frame.name, frame.line], ['add3', 17]);
    assert.equal(await value(dap, 'r1'), '0xd (13)', 'the second call');
  });
});

test('an instruction breakpoint set from the disassembly stops before that instruction', async () => {
  await withAdapter(async (dap) => {
    await launchWith(dap, { program: CALLS, stopOnEntry: true });
    await dap.waitForEvent('stopped');
    const [frame] = await topFrame(dap);
    assert.equal(frame.instructionPointerReference, '0x0');
    const dis = await dap.request<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: frame.instructionPointerReference, instructionOffset: -2, instructionCount: 14 });
    const instructions = dis.body!.instructions;
    assert.equal(instructions.length, 14);
    assert.deepEqual(instructions.slice(0, 2).map((i) => i.presentationHint), ['invalid', 'invalid']);
    assert.deepEqual([instructions[2].address, instructions[2].instruction, instructions[2].symbol, instructions[2].line], ['0x0', 'r6 = 0xa', 'prog', 6]);
    const target = instructions.find((i) => i.instruction === 'r0 += r6');
    assert.deepEqual([target?.address, target?.line, target?.location?.path], ['0x30', 14, CALLS]);
    const set = await dap.request<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', {
      breakpoints: [{ instructionReference: target!.address }, { instructionReference: '0x0', offset: 0x1000 }],
    });
    const [bp, far] = set.body.breakpoints;
    assert.deepEqual([bp.verified, bp.line, bp.instructionReference], [true, 14, '0x30']);
    assert.deepEqual([far.verified, far.message], [false, 'instruction 512 is past the end of the program (11 slots)']);
    await dap.request('continue', { threadId: 1 });
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
    const [at] = await topFrame(dap);
    assert.deepEqual([at.line, at.instructionPointerReference], [14, '0x30']);
    assert.equal(await value(dap, 'r0 + r6'), '0x1d (29)');
  });
});

test('evaluate reads the stack through a cast; bad expressions and unreadable memory are errors naming the column', async () => {
  await withAdapter(async (dap) => {
    // packet.bpf.s: line 7 stores r0 (the second input byte) at r10 - 8; line 9 is `exit`.
    await launchWith(dap, { program: PACKET, mem: 'aa bb' }, async () => {
      await setLineBreakpoints(dap, PACKET, [{ line: 9 }]);
    });
    await dap.waitForEvent('stopped');
    assert.equal(await value(dap, '*(u32 *)(r10 - 8)'), '0xbb (187)');
    assert.equal(await value(dap, '*(u8 *)(r1 + 1) == *(u64 *)(r10 - 8)', 'watch'), '0x1 (1)');
    assert.match(await value(dap, 'r10 - 8', 'hover'), /^0x[0-9a-f]+ \(stack of frame 0 \+ 504\)$/);
    const cases: [string, string][] = [
      ['r1 +', "column 5: expected an expression after '+'"],
      ['nosuch + 1', "column 1: 'nosuch' is not a register (r0..r10, w0..w10) nor anything this program defines (it has no global variables or maps)"],
      ['*(u32 *)(r1 + 1)', 'offset 1 is outside input memory (2 bytes)'],
      ['r1 / 0', 'column 6: division by zero'],
    ];
    for (const [expression, message] of cases) {
      const r = await evaluate(dap, expression);
      assert.equal(r.success, false, expression);
      assert.ok((r.message ?? '').includes(message), `${expression}: ${r.message}`);
    }
  });
});

test('a condition that cannot be evaluated at run time stops with the reason in the console', async () => {
  await withAdapter(async (dap) => {
    let placed: DebugProtocol.SetBreakpointsResponse | undefined;
    await launchWith(dap, { program: PACKET, mem: 'aa bb' }, async () => {
      placed = await setLineBreakpoints(dap, PACKET, [{ line: 6, condition: '*(u16 *)(r1 + 8) == 0x08' }]);
    });
    assert.equal(placed?.body.breakpoints[0].verified, true);
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(stop.body.reason, 'breakpoint');
    await dap.waitForEvent<DebugProtocol.OutputEvent>('output', (e) => e.body.category === 'stderr');
    assert.match(dap.output(), /breakpoint at line 6: condition '\*\(u16 \*\)\(r1 \+ 8\) == 0x08' cannot be evaluated \(column 1: read of 2 bytes at 0x[0-9a-f]+: offset 8 is outside input memory \(2 bytes\)\); stopped here/);
  });
});

test('a C program: function breakpoint on a subprogram with a condition, globals and maps by name, hovers, disassembly with C lines', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  await withAdapter(async (dap) => {
    let weigh: DebugProtocol.Breakpoint | undefined;
    await launchWith(dap, { program: GLOBALS, packet: IPV4 }, async () => {
      const fns = await dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'weigh', condition: 'r1 == 2' }] });
      weigh = fns.body.breakpoints[0];
    });
    assert.deepEqual([weigh?.verified, weigh?.source?.path, weigh?.line], [true, GLOBALS, 22]);
    const stop = await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.deepEqual(stop.body.hitBreakpointIds, [weigh!.id]);
    const [frame] = await topFrame(dap);
    assert.deepEqual([frame.name, frame.line], ['weigh', 22]);
    assert.equal(await value(dap, 'r1'), '0x2 (2)');

    assert.equal(await value(dap, 'packets'), '0x8 (8)');
    assert.equal(await value(dap, 'total_bytes', 'watch'), '0x2a (42)');
    assert.equal(await value(dap, 'port', 'hover'), '0x35 (53)');
    assert.equal(await value(dap, 'label', 'hover'), '"fw"');
    assert.equal(await value(dap, 'mode == MODE_COUNT'), '0x1 (1)');
    assert.equal(await value(dap, 'seen[0]'), '0x1 (1)');
    assert.equal(await value(dap, 'seen[1]'), "map 'seen' has no element with key 0x1");
    assert.equal(await value(dap, 'seen', 'hover'), "hash map 'seen': 1 element (of at most 16; keys 4 bytes, values 8 bytes)");
    const local = await evaluate(dap, 'sum', 'hover');
    assert.equal(local.success, false, 'C locals are not known by name');

    const dis = await dap.request<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: '0x0', instructionCount: 80 });
    const instructions = dis.body!.instructions;
    const located = instructions.filter((i) => i.location?.path === GLOBALS);
    assert.ok(located.length > 40, `${located.length} instructions carry a C location`);
    const entry = instructions.find((i) => i.symbol === 'weigh');
    assert.equal(entry?.address, frame.instructionPointerReference);
    assert.ok(instructions.some((i) => i.line === 24 && /\*= 0x3/.test(i.instruction)), 'i * 3 is on line 24');
    assert.ok(instructions.some((i) => i.instruction === '(second slot of the lddw above)'), 'global and map loads are lddw');
    // The program has 52 slots: their addresses follow one another, and the rest of the 80 are marked invalid.
    const end = instructions.findIndex((i) => i.presentationHint === 'invalid');
    assert.equal(end, 52);
    assert.ok(instructions.slice(0, end).every((i, n) => i.address === `0x${(n * 8).toString(16)}`));
    assert.ok(instructions.slice(end).every((i) => i.presentationHint === 'invalid' && i.address === '-1'));
  });
});
