// The debugger's acceptance run, as issue 7 states it, driven through the
// stand-alone adapter (node out/debugAdapter.js) by @vscode/debugadapter-
// testsupport's DebugClient: an XDP C program with a pcap input stops at a C
// breakpoint; registers and a map are read; an expression is evaluated; step
// into, over and out of a subprogram; three steps back each restore every
// register, the whole stack, the packet and the map exactly; the run ends
// with the return value the kernel's BPF_PROG_TEST_RUN gives the same packet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { compileCFile, probeClang } from '../../src-vm/cli/clang';
import { pcapOf } from '../support/pcapFile';
import { kernelUnavailable, loadAll, processScratchDir, testRun, unpin } from '../support/kernel';
import { ADAPTER, ensureAdapterBuilt, FIXTURES } from './adapterSupport';

const SOURCE = join(FIXTURES, 'xdp_count.c');
const SCRATCH = processScratchDir('debug-acceptance');
const CLANG = probeClang();

/** An ARP frame, then an IPv4/UDP one: the run uses packet 1. */
const ARP = Buffer.from('ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002', 'hex');
const IPV4 = Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex');

const PCAP = join(SCRATCH, 'arp-then-ipv4.pcap');
writeFileSync(PCAP, pcapOf([ARP, IPV4]));

// xdp_count.c, 1-based: 13 is_ipv4's declaration (its entry's line info), 15 `if (data + 14 > end)` in it;
// 26 `if (!is_ipv4(data, end))`, 30 the map lookup, 31 `if (count)`, 32 the atomic add, 33 `return XDP_PASS` in count_ipv4.
const LINE = { callIsIpv4: 26, isIpv4: 13, bounds: 15, lookup: 30, add: 32 } as const;

let dc: DebugClient;

before(async () => {
  ensureAdapterBuilt();
  dc = new DebugClient(process.execPath, ADAPTER, 'ebpf');
  await dc.start();
});

after(async () => {
  await dc.stop();
});

async function top(): Promise<DebugProtocol.StackFrame> {
  const trace = await dc.stackTraceRequest({ threadId: 1 });
  return trace.body.stackFrames[0];
}

async function scope(frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const scopes = await dc.scopesRequest({ frameId });
  const found = scopes.body.scopes.find((s) => s.name === name);
  assert.ok(found, `a ${name} scope (have ${scopes.body.scopes.map((s) => s.name).join(', ')})`);
  return (await dc.variablesRequest({ variablesReference: found.variablesReference })).body.variables;
}

/** Everything the step backs must restore: registers, the frame's 512 stack bytes, the packet's bytes, the map. */
async function machineState(): Promise<string> {
  const frame = await top();
  const registers = await scope(frame.id, 'Registers');
  const stack = await scope(frame.id, 'Stack');
  const r10 = registers.find((r) => r.name === 'r10');
  const stackBytes = r10?.memoryReference
    ? (await dc.customRequest('readMemory', { memoryReference: r10.memoryReference, offset: -512, count: 512 })).body.data
    : 'r10 has no memory reference';
  const packet = (await scope(frame.id, 'Packet')).map((v) => `${v.name}=${v.value}`);
  const map = (await dc.evaluateRequest({ expression: 'ipv4_count[0]', frameId: frame.id, context: 'watch' })).body.result;
  return JSON.stringify({
    line: frame.line, name: frame.name,
    registers: registers.map((r) => `${r.name}=${r.value}`), stack: stack.map((s) => `${s.name}=${s.value}`), stackBytes, packet, map,
  });
}

async function step(request: 'next' | 'stepIn' | 'stepOut' | 'stepBack'): Promise<DebugProtocol.StackFrame> {
  const stopped = dc.waitForEvent('stopped');
  await dc.customRequest(request, { threadId: 1 });
  await stopped;
  return top();
}

test('XDP C program on a pcap: breakpoint, registers, map, evaluate, step in/over/out, three steps back, the kernel\'s return value', async (t) => {
  if ('error' in CLANG) { t.skip(`clang is not installed: ${CLANG.error}`); return; }
  await dc.hitBreakpoint(
    { type: 'ebpf', request: 'launch', program: SOURCE, pcap: PCAP, packetIndex: 1 },
    { path: SOURCE, line: LINE.callIsIpv4 },
  );

  // Registers at the breakpoint: r1 is the context pointer, r10 the frame pointer, both annotated.
  const frame = await top();
  assert.equal(frame.name, 'count_ipv4');
  const registers = await scope(frame.id, 'Registers');
  assert.deepEqual(registers.map((r) => r.name).slice(0, 11), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
  assert.match(registers.find((r) => r.name === 'r10')!.value, /stack/);

  // The map, before the program touched it, and an expression over the packet.
  const maps = await scope(frame.id, 'Maps');
  assert.ok(maps.some((m) => m.name === 'ipv4_count'), 'ipv4_count is listed');
  assert.match((await dc.evaluateRequest({ expression: 'ipv4_count[0]', frameId: frame.id, context: 'watch' })).body.result, /^0x0 \(0\)|^0$/);
  // r1 and r2 carry data and data_end into is_ipv4.
  const ethertype = await dc.evaluateRequest({ expression: 'ntohs(*(u16 *)(r1 + 12))', frameId: frame.id, context: 'watch' });
  assert.match(ethertype.body.result, /^0x800 \(2048\)/, 'the frame\'s ethertype, IPv4');
  const length = await dc.evaluateRequest({ expression: 'r2 - r1', frameId: frame.id, context: 'watch' });
  assert.match(length.body.result, new RegExp(`\\(${IPV4.length}\\)`), 'data_end - data is the packet\'s length');

  // Into is_ipv4, over a line of it, out to the caller.
  let at = await step('stepIn');
  assert.deepEqual({ name: at.name, line: at.line }, { name: 'is_ipv4', line: LINE.isIpv4 });
  at = await step('next');
  assert.deepEqual({ name: at.name, line: at.line }, { name: 'is_ipv4', line: LINE.bounds });
  at = await step('stepOut');
  assert.equal(at.name, 'count_ipv4');
  assert.equal(at.line, LINE.callIsIpv4);

  // Three lines forward through the map update, recording everything at each line's start; then three back.
  at = await step('next');
  assert.ok(at.line! > LINE.callIsIpv4, 'past the call');
  at = await step('next');
  assert.equal(at.line, LINE.lookup);
  const seen = [await machineState()];
  for (let i = 0; i < 3; i++) {
    await step('next');
    seen.push(await machineState());
  }
  assert.notEqual(seen[3], seen[0], 'the steps changed the state');
  const summary = seen.map((j) => JSON.parse(j) as { line: number; map: string });
  t.diagnostic(`lines ${summary.map((x) => x.line).join(' → ')}; ipv4_count[0] ${summary.map((x) => x.map).join(' → ')}`);
  assert.deepEqual(summary.slice(0, 3).map((x) => x.line), [LINE.lookup, LINE.lookup + 1, LINE.add]);
  assert.ok(summary[3].line > LINE.add, 'past the atomic add');
  assert.match(summary[3].map, /^0x1 \(1\)/, 'the atomic add counted the frame');
  for (let i = 2; i >= 0; i--) {
    await step('stepBack');
    assert.equal(await machineState(), seen[i], `step back to state ${i}`);
  }

  // To the end: the return value the kernel gives the same packet.
  const exited = dc.waitForEvent('exited');
  await dc.continueRequest({ threadId: 1 });
  const exitCode = (await exited).body.exitCode as number;
  assert.equal(exitCode, 2, 'XDP_PASS for an IPv4 frame');
  const unavailable = kernelUnavailable();
  if (unavailable) { t.diagnostic(`kernel comparison skipped: ${unavailable}`); return; }
  const object = join(SCRATCH, 'xdp_count.o');
  const compiled = compileCFile(SOURCE);
  assert.ok(!('error' in compiled), 'error' in compiled ? compiled.error : '');
  writeFileSync(object, compiled.bytes);
  const loaded = loadAll(object, 'xdp');
  try {
    assert.ok(loaded.ok, loaded.log);
    const kernel = testRun(join(loaded.pinDir, 'count_ipv4'), IPV4, SCRATCH);
    assert.ok(!('error' in kernel), 'error' in kernel ? kernel.error : '');
    assert.equal(exitCode, kernel.retval, 'our return value is the kernel\'s');
  } finally {
    unpin(loaded.pinDir);
  }
});
