// The built debug adapter's Variables pane: the scopes a frame has (Registers,
// Stack, Context, Packet, Maps, Globals for Linux programs; Memory for
// assembly), registers annotated with the verifier's state, the packet's
// headers decoded, map entries and globals decoded with BTF, and setVariable:
// edits that change how the run ends, and refusals that say why.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { probeClang } from '../../src-vm/cli/clang';
import { DapClient } from './dapClient';
import { ADAPTER, ensureAdapterBuilt, FIXTURES, launch, ROOT, startAdapter, topFrame } from './adapterSupport';

before(ensureAdapterBuilt);

const CLANG = !('error' in probeClang());
const FIREWALL = join(ROOT, 'examples', 'xdp_firewall.bpf.c');
const FIREWALL_PCAP = join(ROOT, 'examples', 'packets', 'firewall.pcap');
const FIREWALL_CTX = join(ROOT, 'examples', 'xdp_firewall.ctx.json');
const GLOBALS_OBJECT = join(ROOT, 'test', 'fixtures', 'elf', 'maps_globals.bpf.o');
const GLOBALS_SOURCE = join(ROOT, 'test', 'fixtures', 'elf', 'maps_globals.bpf.c');
/** An IPv4/UDP frame of 42 bytes, 192.168.0.1 → 192.168.0.2. */
const IPV4 = 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000';

type Vars = DebugProtocol.Variable[];

async function scopesOf(dap: DapClient, frameId: number): Promise<DebugProtocol.Scope[]> {
  return (await dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
}

async function children(dap: DapClient, ref: number): Promise<Vars> {
  return (await dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
}

async function scope(dap: DapClient, frameId: number, name: string): Promise<{ ref: number; vars: Vars }> {
  const found = (await scopesOf(dap, frameId)).find((s) => s.name === name);
  assert.ok(found, `scope ${name}`);
  return { ref: found.variablesReference, vars: await children(dap, found.variablesReference) };
}

function row(vars: Vars, name: string): DebugProtocol.Variable {
  const v = vars.find((x) => x.name === name);
  assert.ok(v, `row ${name} among ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

async function setVariable(dap: DapClient, ref: number, name: string, value: string): Promise<DebugProtocol.SetVariableResponse> {
  return dap.request<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference: ref, name, value });
}

async function stoppedAt(dap: DapClient, reason: string): Promise<DebugProtocol.StackFrame> {
  assert.equal((await dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped')).body.reason, reason);
  return (await topFrame(dap))[0];
}

async function exitCode(dap: DapClient): Promise<number> {
  await dap.request('continue', { threadId: 1 });
  const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
  await dap.waitForEvent('terminated');
  return exited.body.exitCode;
}

test('initialize declares setVariable', async () => {
  const dap = DapClient.start(ADAPTER);
  try {
    const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ebpf', pathFormat: 'path' });
    assert.equal(init.body?.supportsSetVariable, true);
  } finally {
    dap.kill();
  }
});

test('xdp_firewall on a VLAN-tagged pcap packet: verifier annotations, the context, the packet headers', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const dap = await startAdapter();
  try {
    // Packet 3 of firewall.pcap: 802.1Q tag (vid 42) around IPv4/TCP 10.9.9.9 → 192.168.1.1. Line 77: `key.prefixlen = 32;`.
    const launched = await launch(dap, { program: FIREWALL, pcap: FIREWALL_PCAP, packetIndex: 3 }, [77]);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    assert.equal(frame.line, 77);
    assert.deepEqual((await scopesOf(dap, frame.id)).map((s) => s.name), ['Registers', 'Stack', 'Context', 'Packet', 'Maps', 'Globals']);

    const regs = (await scope(dap, frame.id, 'Registers')).vars;
    // The IP header pointer: proven 20 bytes long past a 14-byte Ethernet and a 4-byte VLAN header.
    assert.ok(regs.some((v) => /verifier: pkt\(off=18,r=38\)/.test(v.value)), regs.map((v) => `${v.name}=${v.value}`).join('\n'));
    assert.match(row(regs, 'r10').value, /\(stack of frame 0 \+ 512\)\s+verifier: fp0$/);
    // Several paths (with and without a VLAN tag) reach line 77: the pane says whose state it shows.
    assert.match(row(regs, 'verifier').value, /(first|path \d+) of \d+ paths .*the run's registers fit/);

    const ctx = (await scope(dap, frame.id, 'Context')).vars;
    assert.deepEqual(ctx.map((v) => v.name), ['data', 'data_end', 'data_meta', 'ingress_ifindex', 'rx_queue_index', 'egress_ifindex']);
    assert.match(row(ctx, 'data').value, /\(packet \+ 256\)$/);
    assert.match(row(ctx, 'data_end').value, /\(packet \+ 314\)$/);

    const packet = (await scope(dap, frame.id, 'Packet')).vars;
    assert.equal(row(packet, 'length').value, '58 bytes (data_end - data)');
    const eth = await children(dap, row(packet, 'eth').variablesReference);
    assert.equal(row(eth, 'eth.proto').value, '0x8100 (802.1Q VLAN)');
    const vlan = await children(dap, row(packet, 'vlan').variablesReference);
    assert.equal(row(vlan, 'vlan.proto').value, '0x0800 (IPv4)');
    assert.match(row(vlan, 'vlan.tci').value, /vid 42\)$/);
    const ip = await children(dap, row(packet, 'ip').variablesReference);
    assert.deepEqual([row(ip, 'ip.saddr').value, row(ip, 'ip.daddr').value, row(ip, 'ip.protocol').value], ['10.9.9.9', '192.168.1.1', '6 (TCP)']);
    assert.match(row(packet, 'tcp').value, /^\d+ → 443 \[SYN\]$/);
  } finally {
    dap.kill();
  }
});

test('xdp_firewall on an untagged packet: the annotations come from the path without a VLAN tag, the one the run is on', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const dap = await startAdapter();
  try {
    // Packet 0 of firewall.pcap: IPv4 without a VLAN tag, so the IP header starts 14 bytes in.
    const launched = await launch(dap, { program: FIREWALL, pcap: FIREWALL_PCAP, packetIndex: 0 }, [77]);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    const regs = (await scope(dap, frame.id, 'Registers')).vars;
    const described = regs.map((v) => `${v.name}=${v.value}`).join('\n');
    assert.ok(regs.some((v) => /\(packet \+ 270\)\s+verifier: pkt\(off=14,r=34\)/.test(v.value)), described);
    assert.ok(!regs.some((v) => /pkt\(off=18/.test(v.value)), `no VLAN-path state:\n${described}`);
  } finally {
    dap.kill();
  }
});

test('xdp_firewall: Maps shows the entries decoded with BTF after the program wrote one; r0 set at the exit changes the verdict', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const dap = await startAdapter();
  try {
    // 10.9.9.9 is in the blocked 10.0.0.0/8 of the ctx file: counted as VERDICT_DROP (1), then line 82 returns.
    const launched = await launch(dap, { program: FIREWALL, pcap: FIREWALL_PCAP, packetIndex: 3, ctx: FIREWALL_CTX }, [82]);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    const maps = (await scope(dap, frame.id, 'Maps')).vars;
    assert.deepEqual(maps.map((m) => m.name), ['blocked', 'verdicts']);
    assert.equal(row(maps, 'blocked').type, 'lpm_trie<struct ipv4_prefix, __u32>');
    const blocked = await children(dap, row(maps, 'blocked').variablesReference);
    assert.deepEqual(blocked.map((e) => [e.name, e.value]), [['[{prefixlen=8, addr=10}]', '1']]);
    const verdicts = await children(dap, row(maps, 'verdicts').variablesReference);
    assert.deepEqual(verdicts.map((e) => [e.name, e.value]), [['[0]', '0'], ['[1]', '1'], ['[2]', '0']]);

    const { ref, vars } = await scope(dap, frame.id, 'Registers');
    assert.match(row(vars, 'r0').value, /^0x1 \(1\)/);
    const set = await setVariable(dap, ref, 'r0', '2');
    assert.equal(set.success, true, set.message);
    assert.equal(set.body.value, '0x2 (2)');
    assert.equal(await exitCode(dap), 2);
    assert.match(dap.output(), /r0 = 0x2 \(2\) XDP_PASS/);
  } finally {
    dap.kill();
  }
});

test('xdp_firewall: a packet edit reaches the program — a blocked source rewritten in the Packet scope passes', async (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const dap = await startAdapter();
  try {
    // Line 60 is the first bounds check: nothing of the packet has been read yet. 10.9.9.9 is blocked by the ctx file.
    const launched = await launch(dap, { program: FIREWALL, pcap: FIREWALL_PCAP, packetIndex: 3, ctx: FIREWALL_CTX }, [60]);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    const ip = row((await scope(dap, frame.id, 'Packet')).vars, 'ip');
    const saddr = await setVariable(dap, ip.variablesReference, 'ip.saddr', '192.168.1.10');
    assert.equal(saddr.success, true, saddr.message);
    assert.equal(saddr.body.value, '192.168.1.10');
    await dap.waitForEvent('invalidated');
    const bytes = await children(dap, row((await scope(dap, frame.id, 'Packet')).vars, 'bytes').variablesReference);
    // Behind Ethernet and the VLAN tag the source address is bytes 30..33: c0 a8 | 01 0a.
    assert.match(row(bytes, '0x0010').value, / c0 a8$/);
    assert.match(row(bytes, '0x0020').value, /^01 0a c0 a8 01 01 /);
    const ihl = await setVariable(dap, ip.variablesReference, 'ip.ihl', '5');
    assert.equal(ihl.success, false);
    assert.match(ihl.message ?? '', /ip\.ihl cannot be changed: ip\.ihl is part of a byte: change that byte in the hex rows/);
    assert.equal(await exitCode(dap), 2);
    assert.match(dap.output(), /XDP_PASS/);
  } finally {
    dap.kill();
  }
});

test('an object with globals: Globals decoded per variable, a map entry the program wrote, a global edited to change the return', async () => {
  const dap = await startAdapter();
  try {
    // Line 28 returns (scaled(ingress_ifindex) & 1) ? XDP_PASS : XDP_DROP, scaled(x) = x * scale + offset_total.
    const launched = await launch(dap, { program: GLOBALS_OBJECT, programName: 'count_packets', packet: IPV4 }, [28], GLOBALS_SOURCE);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    assert.equal(frame.line, 28);
    const globals = await scope(dap, frame.id, 'Globals');
    assert.deepEqual(globals.vars.map((v) => [v.name, v.value, v.type]), [
      ['scale', '3', 'const volatile int (.rodata)'],
      ['offset_total', '5', 'int (.data)'],
      ['packets_seen', '1', 'int (.bss)'],
      // The compiled code increments local_hits after line 28's first instruction.
      ['local_hits', '0', 'int (.bss)'],
    ]);
    const counts = await children(dap, row((await scope(dap, frame.id, 'Maps')).vars, 'counts').variablesReference);
    assert.deepEqual(counts.map((e) => e.value), ['1', '0', '0', '0']);

    const readOnly = await setVariable(dap, globals.ref, 'scale', '4');
    assert.equal(readOnly.success, false);
    assert.match(readOnly.message ?? '', /scale cannot be changed: \.rodata is read-only/);
    // 1 * 3 + 6 is odd: XDP_PASS instead of XDP_DROP.
    const set = await setVariable(dap, globals.ref, 'offset_total', '6');
    assert.equal(set.success, true, set.message);
    assert.equal(row((await scope(dap, frame.id, 'Globals')).vars, 'offset_total').value, '6');
    assert.equal(await exitCode(dap), 2);
  } finally {
    dap.kill();
  }
});

test('assembly: Registers, Stack and Memory; a register edit changes the exit code; bad values are refused with a message', async () => {
  const dap = await startAdapter();
  try {
    // calls.bpf.s line 14 is `r0 += r6` with r0 = 16 and r6 = 13; the program would exit with 29.
    const launched = await launch(dap, { program: join(FIXTURES, 'calls.bpf.s'), mem: 'de ad be ef' }, [14]);
    assert.equal(launched.success, true, launched.message);
    const frame = await stoppedAt(dap, 'breakpoint');
    assert.deepEqual((await scopesOf(dap, frame.id)).map((s) => s.name), ['Registers', 'Stack', 'Memory']);
    const memory = (await scope(dap, frame.id, 'Memory')).vars;
    assert.deepEqual(memory.map((v) => [v.name, v.value]), [['length', '4 bytes'], ['0x0000', 'de ad be ef']]);
    assert.deepEqual(row(memory, 'length').presentationHint, { kind: 'virtual', attributes: ['readOnly'] });
    assert.match(row(memory, '0x0000').memoryReference ?? '', /^0x[0-9a-f]+$/);

    const { ref, vars } = await scope(dap, frame.id, 'Registers');
    assert.equal(row(vars, 'r6').value, '0xd (13)   verifier: 13');
    assert.deepEqual([row(vars, 'r10').evaluateName, row(vars, 'r10').presentationHint], ['r10', { attributes: ['readOnly'] }]);
    assert.equal(row(vars, 'r6').presentationHint, undefined, 'r6 can be changed');
    const refusals: [string, string, RegExp][] = [
      ['r6', 'twelve', /^r6: 'twelve' is not a number or hex bytes: give a number \(42, -1, 0x2a\) or 8 hex bytes/],
      ['r6', '0x10000000000000000', /does not fit in 8 bytes/],
      ['r10', '0', /r10 is the frame pointer: it is read-only/],
      ['r11', '0', /there is no 'r11' here to change/],
    ];
    for (const [name, value, message] of refusals) {
      const refused = await setVariable(dap, ref, name, value);
      assert.equal(refused.success, false, `${name} = ${value}`);
      assert.match(refused.message ?? '', message);
    }
    const set = await setVariable(dap, ref, 'r6', '100');
    assert.equal(set.success, true, set.message);
    assert.equal(row((await scope(dap, frame.id, 'Registers')).vars, 'r6').value, '0x64 (100)   verifier: 13');
    assert.equal(await exitCode(dap), 116);
  } finally {
    dap.kill();
  }
});
