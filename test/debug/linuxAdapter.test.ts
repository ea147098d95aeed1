// The built debug adapter on Linux programs (a C file compiled by the
// adapter, an object compiled here): the program runs in its real context
// through LinuxMachine, with a packet from hex or a pcap and a ctx JSON;
// breakpoints on C lines through BTF line info, frames at C locations, the
// return value by name at the end, checked against LinuxMachine.run and the
// kernel's BPF_PROG_TEST_RUN; each bad configuration names its attribute.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LinuxMachine, loadObject } from '../../src-vm/index';
import { compileCFile, probeClang } from '../../src-vm/cli/clang';
import { pcapOf } from '../support/pcapFile';
import { kernelUnavailable, loadAll, processScratchDir, testRun, unpin } from '../support/kernel';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter, topFrame, valueOf, variables } from './adapterSupport';

before(ensureAdapterBuilt);

const CLANG = !('error' in probeClang());
const SOURCE = join(FIXTURES, 'xdp_count.c');
const SCRATCH = processScratchDir('debug-linux');

/** An IPv4 frame (ethertype 0x0800) and an ARP one (0x0806), 42 bytes each. */
const IPV4 = Uint8Array.from(Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex'));
const ARP = Uint8Array.from(Buffer.from('ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002', 'hex'));

const PCAP = join(SCRATCH, 'two.pcap');
writeFileSync(PCAP, pcapOf([ARP, IPV4]));

/** xdp_count.c compiled as the adapter compiles it, for the .o launches and the oracles. */
function compiledObject(): string | undefined {
  if (!CLANG) return undefined;
  const out = join(SCRATCH, 'xdp_count.o');
  const compiled = compileCFile(SOURCE);
  assert.ok(!('error' in compiled), 'error' in compiled ? compiled.error : '');
  writeFileSync(out, compiled.bytes);
  return out;
}

/** What LinuxMachine.run returns for `packet` on the object. */
function machineRetval(object: string, packet: Uint8Array): { retval: number; retName?: string } {
  const loaded = loadObject(new Uint8Array(readFileSync(object)), { name: 'xdp_count' });
  const machine = LinuxMachine.create(loaded.value).value;
  const r = machine.run(machine.program('count_ipv4')!, { packet });
  return { retval: r.retval, retName: r.retName };
}

test('a C program: breakpoints on C lines, C frames, step into a subprogram, the return value by name', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const dap = await startAdapter();
  try {
    // Line 25 is blank: the breakpoint moves to 26 (`if (!is_ipv4(data, end))`); 33 (`return XDP_PASS;`)
    // has no instruction of its own (r0 is set where the paths meet, line 34), nor has 200: both move to 34.
    const launched = dap.request('launch', { program: SOURCE, pcap: PCAP, packetIndex: 1 });
    await dap.waitForEvent('initialized');
    const bps = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: SOURCE }, breakpoints: [{ line: 25 }, { line: 33 }, { line: 200 }] });
    assert.deepEqual(bps.body.breakpoints.map((b) => [b.line, b.verified]), [[26, true], [34, true], [34, true]]);
    await dap.request('configurationDone');
    assert.equal((await launched).success, true, (await launched).message);
    assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, 'breakpoint');
    const [frame] = await topFrame(dap);
    assert.deepEqual([frame.name, frame.source?.name, frame.source?.path, frame.line], ['count_ipv4', 'xdp_count.c', SOURCE, 26]);
    const regs = await variables(dap, frame.id, 'Registers');
    assert.match(valueOf(regs, 'r10') ?? '', /stack of frame 0 \+ 512/);

    // Step instruction by instruction into is_ipv4: two frames, both at C lines.
    let frames = await topFrame(dap);
    for (let i = 0; i < 20 && frames.length < 2; i++) {
      await dap.request('stepIn', { threadId: 1 });
      await dap.waitForEvent('stopped');
      frames = await topFrame(dap);
    }
    assert.deepEqual(frames.map((f) => f.name), ['is_ipv4', 'count_ipv4']);
    assert.ok(frames[0].line !== undefined && frames[0].line >= 13 && frames[0].line <= 17, `is_ipv4 at line ${frames[0].line}`);
    assert.equal(frames[1].line, 26);
    await dap.request('stepOut', { threadId: 1 });
    await dap.waitForEvent('stopped');
    assert.deepEqual((await topFrame(dap)).map((f) => f.name), ['count_ipv4']);

    await dap.request('continue', { threadId: 1 });
    assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, 'breakpoint');
    assert.equal((await topFrame(dap))[0].line, 34);
    await dap.request('continue', { threadId: 1 });
    const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    await dap.waitForEvent('terminated');
    const expected = machineRetval(compiledObject()!, IPV4);
    assert.deepEqual([exited.body.exitCode, expected.retName], [expected.retval, 'XDP_PASS']);
    assert.match(dap.output(), /count_ipv4 \(xdp, section xdp\): \d+ instruction slots, a 42-byte packet/);
    assert.match(dap.output(), /program exited with r0 = 0x2 \(2\) XDP_PASS after \d+ instructions/);
  } finally {
    dap.kill();
  }
});

test('an object with programName and a hex packet: the return value equals LinuxMachine.run and BPF_PROG_TEST_RUN', async (t) => {
  const object = compiledObject();
  if (!object) return t.skip('clang is not installed (apt-get install clang-19)');
  for (const [packet, name] of [[ARP, 'XDP_DROP'], [IPV4, 'XDP_PASS']] as const) {
    const dap = await startAdapter();
    try {
      const launched = await launch(dap, { program: object, programName: 'count_ipv4', packet: Buffer.from(packet).toString('hex') }, [], SOURCE);
      assert.equal(launched.success, true, launched.message);
      const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
      await dap.waitForEvent('terminated');
      const machine = machineRetval(object, packet);
      assert.equal(machine.retName, name);
      assert.equal(exited.body.exitCode, machine.retval);
      assert.match(dap.output(), new RegExp(`r0 = 0x${machine.retval} \\(${machine.retval}\\) ${name} after`));
      const unavailable = kernelUnavailable();
      if (unavailable) { t.diagnostic(`kernel comparison skipped: ${unavailable}`); continue; }
      const loaded = loadAll(object, 'xdp');
      try {
        assert.equal(loaded.ok, true, loaded.log);
        const kernel = testRun(join(loaded.pinDir, 'count_ipv4'), packet, SCRATCH);
        assert.ok(!('error' in kernel), 'error' in kernel ? kernel.error : '');
        assert.equal(exited.body.exitCode, kernel.retval);
      } finally {
        unpin(loaded.pinDir);
      }
    } finally {
      dap.kill();
    }
  }
});

test('ctx JSON: map contents are in place before the run; a register points at the value', async (t) => {
  const object = compiledObject();
  if (!object) return t.skip('clang is not installed (apt-get install clang-19)');
  const ctx = join(SCRATCH, 'ctx.json');
  writeFileSync(ctx, JSON.stringify({ ctx: { ingress_ifindex: 1, rx_queue_index: 0 }, maps: { ipv4_count: [{ key: '00000000', value: '0500000000000000' }] } }));
  const dap = await startAdapter();
  try {
    // Line 32: `__sync_fetch_and_add(count, 1);`, reached with `count` in a register.
    const launched = await launch(dap, { program: object, packet: Buffer.from(IPV4).toString('hex'), ctx }, [32], SOURCE);
    assert.equal(launched.success, true, launched.message);
    assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, 'breakpoint');
    const [frame] = await topFrame(dap);
    assert.deepEqual([frame.source?.name, frame.line], ['xdp_count.c', 32]);
    const regs = await variables(dap, frame.id, 'Registers');
    const count = regs.find((v) => /ipv4_count/.test(v.type ?? '') && v.memoryReference);
    assert.ok(count?.memoryReference, `a register points at the map value: ${JSON.stringify(regs.map((v) => [v.name, v.type]))}`);
    const read = await dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: count.memoryReference, count: 8 });
    assert.deepEqual([...Buffer.from(read.body?.data ?? '', 'base64')], [5, 0, 0, 0, 0, 0, 0, 0]);
    await dap.request('next', { threadId: 1 });
    await dap.waitForEvent('stopped');
    const after = await dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: count.memoryReference, count: 8 });
    assert.deepEqual([...Buffer.from(after.body?.data ?? '', 'base64')], [6, 0, 0, 0, 0, 0, 0, 0]);
  } finally {
    dap.kill();
  }
});

const BAD_CONFIG: { name: string; args: (object: string) => object; message: RegExp }[] = [
  { name: 'missing object', args: () => ({ program: '/nonexistent/x.o' }), message: /^program: file not found: \/nonexistent\/x\.o$/ },
  { name: 'unknown program', args: (o) => ({ program: o, programName: 'nope' }), message: /^programName: no program 'nope' in the object \(programs: count_ipv4 \(xdp\)\)$/ },
  { name: 'unknown section', args: (o) => ({ program: o, section: 'tc' }), message: /^section: no program in section 'tc'/ },
  { name: 'missing pcap', args: (o) => ({ program: o, pcap: '/nonexistent/p.pcap' }), message: /^pcap: file not found: \/nonexistent\/p\.pcap$/ },
  { name: 'malformed pcap', args: (o) => ({ program: o, pcap: o }), message: /^pcap: not a pcap file: magic 0x464c457f$/ },
  { name: 'packet index past the capture', args: (o) => ({ program: o, pcap: PCAP, packetIndex: 2 }), message: /^packetIndex: 2 is not a packet of the capture \(it has 2, numbered from 0\)$/ },
  { name: 'bad packet hex', args: (o) => ({ program: o, packet: 'ff zz' }), message: /^packet: / },
  { name: 'packet too short for test_run', args: (o) => ({ program: o, packet: 'ffff' }), message: /^packet: BPF_PROG_TEST_RUN refuses it \(EINVAL\): the packet has 2 bytes/ },
  { name: 'missing ctx', args: (o) => ({ program: o, ctx: '/nonexistent/c.json' }), message: /^ctx: file not found: \/nonexistent\/c\.json$/ },
  { name: 'bad ctx key', args: (o) => ({ program: o, ctx: join(SCRATCH, 'bad-ctx.json') }), message: /^ctx: bogus: unknown key/ },
  { name: 'mem on an object', args: (o) => ({ program: o, mem: 'aa' }), message: /^mem: applies to assembly programs/ },
  { name: 'a malformed packet on assembly (which runs in its Linux context)', args: () => ({ program: join(FIXTURES, 'xdp_len.bpf.s'), packet: 'aa' }), message: /^packet: / },
];

for (const c of BAD_CONFIG) {
  test(`bad configuration ends the launch naming the attribute: ${c.name}`, async (t) => {
    const object = compiledObject();
    if (!object) return t.skip('clang is not installed (apt-get install clang-19)');
    writeFileSync(join(SCRATCH, 'bad-ctx.json'), JSON.stringify({ bogus: 1 }));
    const dap = await startAdapter();
    try {
      const response = await dap.request('launch', c.args(object));
      assert.equal(response.success, false);
      assert.match(response.message ?? '', c.message);
      assert.equal((response.body as { error?: DebugProtocol.Message }).error?.showUser, true);
    } finally {
      dap.kill();
    }
  });
}
