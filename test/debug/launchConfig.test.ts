// The built debug adapter's launch configuration: each bad configuration
// ends the launch with an error naming the attribute and the problem, and
// nothing else happens after it; and the attributes that shape a run
// (programType, packetFile, maps, ctx inline, the simulated task and clock,
// includePaths/cflags for C) reach the program, seen in its return value.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { compileCFile, probeClang } from '../../src-vm/cli/clang';
import { processScratchDir } from '../support/kernel';
import { EbpfDebugSession } from '../../client/src/debug/ebpfDebugSession';
import { nodeFileAccessor } from '../../client/src/debug/fileAccessor';
import type { DapClient } from './dapClient';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter } from './adapterSupport';
import { pcapOf } from '../support/pcapFile';

before(ensureAdapterBuilt);

const CLANG = !('error' in probeClang());
const NO_CLANG = 'clang is not installed (apt-get install clang-19)';
const SCRATCH = processScratchDir('debug-launch');
const XDP_C = join(FIXTURES, 'xdp_count.c');
const TASK_C = join(FIXTURES, 'task_info.c');
const TYPES_C = join(FIXTURES, 'launch_types.c');

/** An IPv4 frame and an ARP one, 42 bytes each. */
const IPV4 = 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000';
const ARP = 'ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002';

const objects = new Map<string, string>();
/** `source` compiled as the adapter compiles it, once. */
function objectOf(source: string): string {
  let out = objects.get(source);
  if (out) return out;
  const compiled = compileCFile(source);
  assert.ok(!('error' in compiled), 'error' in compiled ? compiled.error : '');
  out = join(SCRATCH, source.replace(/^.*\//, '').replace(/\.c$/, '.o'));
  writeFileSync(out, compiled.bytes);
  objects.set(source, out);
  return out;
}

/** Scratch input files for the cases. */
function scratch(name: string, content: string | Uint8Array): string {
  const path = join(SCRATCH, name);
  writeFileSync(path, content);
  return path;
}

/** After a failed launch: only output events, none after the response (no initialized, stopped or terminated). */
async function assertNothingStarted(dap: DapClient): Promise<void> {
  const at = dap.log.length;
  await new Promise((done) => setTimeout(done, 150));
  assert.equal(dap.log.length, at, `events after the failed launch: ${dap.log.slice(at).join('\n')}`);
  assert.deepEqual(dap.log.filter((l) => !l.startsWith('output: ')), []);
}

/** `o`: xdp_count.o; every path that should not exist is under /nonexistent. */
const BAD_CONFIG: { name: string; args: (o: string) => object; message: RegExp; output?: RegExp }[] = [
  { name: 'missing C file', args: () => ({ program: '/nonexistent/x.c' }), message: /^program: file not found: \/nonexistent\/x\.c$/ },
  { name: 'undecodable object', args: () => ({ program: scratch('text.o', 'not an elf at all') }), message: /^program: not an ELF file: the file starts with 6e 6f 74 20, expected 7f 45 4c 46/ },
  { name: 'empty object', args: () => ({ program: scratch('empty.o', '') }), message: /^program: not an ELF file: the file is empty/ },
  {
    name: 'C that does not compile', args: () => ({ program: join(FIXTURES, 'broken.c') }),
    message: /^program: clang could not compile it: \/.*\/broken\.c:9:14: error: use of undeclared identifier 'not_declared'$/, output: /broken\.c:9:14: error: use of undeclared identifier/,
  },
  { name: 'clang that does not exist', args: () => ({ program: XDP_C, clang: '/nonexistent/clang' }), message: /^clang: cannot compile \/.*xdp_count\.c: clang was not found at \/nonexistent\/clang/ },
  { name: 'unknown programName', args: (o) => ({ program: o, programName: 'nope' }), message: /^programName: no program 'nope' in the object \(programs: count_ipv4 \(xdp\)\)$/ },
  { name: 'unknown section', args: (o) => ({ program: o, section: 'tc' }), message: /^section: no program in section 'tc' \(programs: count_ipv4 \(xdp\)\)$/ },
  { name: 'unknown programType', args: (o) => ({ program: o, programType: 'tc' }), message: /^programType: unknown program type 'tc' \(known: socket_filter, kprobe, sched_cls, .*, netfilter\)$/ },
  { name: 'section without a type', args: () => ({ program: TYPES_C, packet: IPV4 }), message: /^program: section \d+ \(custom\/parse\): program 'parse' has an unknown program type: .*; set programType to run it as a given type$/ },
  { name: 'malformed packet hex', args: (o) => ({ program: o, packet: 'ff zz' }), message: /^packet: not a hex byte string at position 3: 'z' is not a hex digit$/ },
  { name: 'packet too short for test_run', args: (o) => ({ program: o, packetFile: scratch('short.bin', Uint8Array.from([1, 2])) }), message: /^packetFile: BPF_PROG_TEST_RUN refuses it \(EINVAL\): the packet has 2 bytes/ },
  { name: 'missing packetFile', args: (o) => ({ program: o, packetFile: '/nonexistent/p.bin' }), message: /^packetFile: file not found: \/nonexistent\/p\.bin$/ },
  { name: 'missing pcap', args: (o) => ({ program: o, pcap: '/nonexistent/p.pcap' }), message: /^pcap: file not found: \/nonexistent\/p\.pcap$/ },
  { name: 'malformed pcap', args: (o) => ({ program: o, pcap: scratch('bad.pcap', 'not a capture, just text') }), message: /^pcap: not a pcap file: magic 0x20746f6e$/ },
  { name: 'pcapng', args: (o) => ({ program: o, pcap: scratch('ng.pcap', Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)])) }), message: /^pcap: this is a pcapng file; save it as classic pcap/ },
  { name: 'packetIndex past the capture', args: (o) => ({ program: o, pcap: scratch('one.pcap', pcapOfHex([ARP])), packetIndex: 1 }), message: /^packetIndex: 1 is not a packet of the capture \(it has 1, numbered from 0\)$/ },
  { name: 'packetIndex without pcap', args: (o) => ({ program: o, packet: IPV4, packetIndex: 0 }), message: /^packetIndex: needs a pcap to pick the packet from$/ },
  { name: 'packet and pcap', args: (o) => ({ program: o, packet: IPV4, pcap: scratch('one.pcap', pcapOfHex([ARP])) }), message: /^packet: give one of packet, packetFile and pcap, not packet and pcap$/ },
  { name: 'missing ctx', args: (o) => ({ program: o, ctx: '/nonexistent/c.json' }), message: /^ctx: file not found: \/nonexistent\/c\.json$/ },
  { name: 'ctx not JSON', args: (o) => ({ program: o, ctx: scratch('bad-ctx.json', '{"ctx": ') }), message: /^ctx: \(file\): not JSON: / },
  { name: 'ctx unknown key', args: (o) => ({ program: o, ctx: { bogus: 1 } }), message: /^ctx: bogus: unknown key \(known: ctx, maps, process, time/ },
  { name: 'ctx unknown context field', args: (o) => ({ program: o, ctx: { ctx: { ingress_ifidx: 1 } } }), message: /^ctx: ctx\.ingress_ifidx: unknown key \(known: mark, / },
  { name: 'ctx map with a wrong value size', args: (o) => ({ program: o, ctx: { maps: { ipv4_count: [{ key: '00000000', value: '01' }] } } }), message: /^ctx: maps\.ipv4_count\[0\]: the update fails with \w+ \(key 4 bytes, value 8 bytes expected\)$/ },
  { name: 'maps file missing', args: (o) => ({ program: o, maps: '/nonexistent/m.json' }), message: /^maps: file not found: \/nonexistent\/m\.json$/ },
  { name: 'maps file not JSON', args: (o) => ({ program: o, maps: scratch('bad-maps.json', '{') }), message: /^maps: not JSON: / },
  { name: 'maps unknown map', args: (o) => ({ program: o, maps: scratch('maps.json', JSON.stringify({ nope: [] })) }), message: /^maps\.nope: the object has no map of that name$/ },
  { name: 'maps wrong key size', args: (o) => ({ program: o, maps: { ipv4_count: [{ key: '00', value: '0000000000000000' }] } }), message: /^maps\.ipv4_count\[0\]: the update fails with \w+ \(key 4 bytes, value 8 bytes expected\)$/ },
  { name: 'maps not hex', args: (o) => ({ program: o, maps: { ipv4_count: [{ key: '00000000', value: 'zz' }] } }), message: /^maps\.ipv4_count\[0\]\.value: not a hex byte string/ },
  { name: 'pid out of range', args: (o) => ({ program: o, pid: -1 }), message: /^pid: expected a 32-bit unsigned integer, got -1$/ },
  { name: 'ktimeNs not a number', args: (o) => ({ program: o, ktimeNs: 'noon' }), message: /^ktimeNs: expected an integer/ },
  { name: 'budget not positive', args: (o) => ({ program: o, budget: 0 }), message: /^budget: must be a positive whole number of instructions, got 0$/ },
  {
    name: 'wrong attribute types', args: (o) => ({ program: o, programName: 5, stopOnEntry: 'yes', includePaths: 'inc' }),
    message: /^programName: must be the name of a program \(function\) in the object\nstopOnEntry: must be true or false\nincludePaths: must be a list of include directories$/,
  },
  { name: 'mem beside programType on assembly', args: () => ({ program: join(FIXTURES, 'calls.bpf.s'), programType: 'xdp', mem: 'aa' }), message: /^mem: applies to assembly run on its memory contract/ },
  { name: 'programType not a type, on assembly', args: () => ({ program: join(FIXTURES, 'xdp_len.bpf.s'), programType: 'xdpp' }), message: /^programType: /, },
];

/** A pcap file of the hex `packets`. */
const pcapOfHex = (packets: readonly string[]): Buffer => pcapOf(packets.map((hex) => Buffer.from(hex, 'hex')));

for (const c of BAD_CONFIG) {
  test(`bad configuration ends the launch naming the attribute: ${c.name}`, async (t) => {
    if (!CLANG) return t.skip(NO_CLANG);
    const args = c.args(objectOf(XDP_C));
    const dap = await startAdapter();
    try {
      const response = await dap.request('launch', args);
      assert.equal(response.success, false, 'the launch fails');
      assert.match(response.message ?? '', c.message);
      assert.equal((response.body as { error?: DebugProtocol.Message }).error?.showUser, true);
      if (c.output) assert.match(dap.output(), c.output);
      await assertNothingStarted(dap);
    } finally {
      dap.kill();
    }
  });
}

/** Launches (no breakpoints), runs to the end, returns r0 as the exited event gives it and the output. */
async function runToEnd(args: object): Promise<{ exitCode: number; output: string }> {
  const dap = await startAdapter();
  try {
    const launched = await launch(dap, args);
    assert.equal(launched.success, true, launched.message);
    const exited = await dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    await dap.waitForEvent('terminated');
    return { exitCode: exited.body.exitCode, output: dap.output() };
  } finally {
    dap.kill();
  }
}

/** task_info.c's return value for these inputs (its header comment gives the formula). */
function taskValue(v: { base: number; pid: number; tgid: number; uid: number; gid: number; comm: string; ktimeS: number; parm1: number }): number {
  return v.base + 10 * v.pid + 100 * v.tgid + 1000 * v.uid + 10000 * v.gid + 100000 * (v.comm.charCodeAt(0) - 97) + 1000000 * v.ktimeS + 10000000 * v.parm1;
}

test('C with inline ctx and maps, the task and the clock: each reaches the kprobe', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const run = await runToEnd({
    program: TASK_C, ctx: { ctx: { regs: { di: 9 } } }, maps: { base: [{ key: '00000000', value: '0700000000000000' }] },
    pid: 4, tgid: 5, uid: 3, gid: 2, comm: 'curl', ktimeNs: '6000000000',
  });
  assert.equal(run.exitCode, taskValue({ base: 7, pid: 4, tgid: 5, uid: 3, gid: 2, comm: 'curl', ktimeS: 6, parm1: 9 }));
  assert.match(run.output, /task_info \(kprobe, section kprobe\/do_nanosleep\)/);
});

test('an object with ctx and maps files: the ctx process is the base the attributes change', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const ctx = scratch('task-ctx.json', JSON.stringify({ process: { pid: 1, tgid: 1, comm: 'zsh' }, time: { monotonicNs: 2000000000 }, maps: { base: [{ key: '00000000', value: '0100000000000000' }] } }));
  const maps = scratch('task-maps.json', JSON.stringify({ base: [{ key: '00000000', value: '0300000000000000' }] }));
  const run = await runToEnd({ program: objectOf(TASK_C), ctx, maps, pid: 8, ktimeNs: 4000000000 });
  // maps are written after ctx's; uid/gid keep the simulated task's defaults (1000) and are folded in too.
  assert.equal(run.exitCode, taskValue({ base: 3, pid: 8, tgid: 1, uid: 1000, gid: 1000, comm: 'zsh', ktimeS: 4, parm1: 0 }) >>> 0);
});

test('programType runs a section libbpf gives no type as that type (context, return names)', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  for (const [packet, retval, name] of [[IPV4, 2, 'XDP_PASS'], [ARP, 1, 'XDP_DROP']] as const) {
    const run = await runToEnd({ program: TYPES_C, programType: 'xdp', packet });
    assert.equal(run.exitCode, retval);
    assert.match(run.output, /program: section \d+ \(custom\/parse\): .*; it runs as programType xdp/);
    assert.match(run.output, /parse \(xdp, section custom\/parse\): \d+ instruction slots, a 42-byte packet/);
    assert.match(run.output, new RegExp(`program exited with r0 = 0x${retval} \\(${retval}\\) ${name} after \\d+ instructions`));
  }
});

test('programType overrides a section\'s type: xdp_count as sched_cls reads an __sk_buff and gets TC return names', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  // xdp_md's data and data_end are __sk_buff's len and pkt_type there: 42 + 14 > 0, so is_ipv4 says no and
  // the program returns XDP_DROP (1), which a tc program's caller reads as TC_ACT_RECLASSIFY.
  const run = await runToEnd({ program: objectOf(XDP_C), programType: 'sched_cls', packet: IPV4 });
  assert.equal(run.exitCode, 1);
  assert.match(run.output, /count_ipv4 \(sched_cls, section xdp\)/);
  assert.match(run.output, /program exited with r0 = 0x1 \(1\) TC_ACT_RECLASSIFY after \d+ instructions/);
});

test('packetFile: the raw bytes of a file are the packet', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const arp = await runToEnd({ program: objectOf(XDP_C), packetFile: scratch('arp.bin', Buffer.from(ARP, 'hex')) });
  assert.equal(arp.exitCode, 1);
  assert.match(arp.output, /r0 = 0x1 \(1\) XDP_DROP after \d+ instructions/);
});

test('includePaths and cflags reach clang (the same flags as the language server otherwise)', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const inc = join(SCRATCH, 'inc');
  mkdirSync(inc, { recursive: true });
  writeFileSync(join(inc, 'verdict.h'), '#define VERDICT XDP_DROP\n');
  const source = scratch('verdict.c', [
    '#include <linux/bpf.h>', '#include <bpf/bpf_helpers.h>', '#include <verdict.h>',
    'SEC("xdp") int verdict(struct xdp_md *ctx) { return VERDICT + BONUS; }', 'char LICENSE[] SEC("license") = "GPL";', '',
  ].join('\n'));
  const run = await runToEnd({ program: source, packet: IPV4, includePaths: [inc], cflags: ['-DBONUS=2'] });
  assert.equal(run.exitCode, 3);
  assert.match(run.output, /XDP_TX after/);
  const dap = await startAdapter();
  try {
    const response = await dap.request('launch', { program: source, packet: IPV4 });
    assert.equal(response.success, false);
    assert.match(response.message ?? '', /^program: clang could not compile it: \/.*verdict\.c:3:10: error: 'verdict\.h' file not found$/);
  } finally {
    dap.kill();
  }
});

/** The inline adapter as the extension host runs it: the session in this process, spoken to through handleMessage. */
function inlineSession(): { request: (command: string, args: object) => Promise<DebugProtocol.Response>; events: DebugProtocol.Event[] } {
  const session = new EbpfDebugSession(nodeFileAccessor);
  const pending = new Map<number, (r: DebugProtocol.Response) => void>();
  const events: DebugProtocol.Event[] = [];
  session.onDidSendMessage((m) => {
    const message = m as DebugProtocol.ProtocolMessage;
    if (message.type === 'event') events.push(message as DebugProtocol.Event);
    if (message.type === 'response') pending.get((message as DebugProtocol.Response).request_seq)?.(message as DebugProtocol.Response);
  });
  let seq = 1;
  const request = (command: string, args: object): Promise<DebugProtocol.Response> => new Promise((done) => {
    pending.set(seq, done);
    session.handleMessage({ seq: seq++, type: 'request', command, arguments: args } as DebugProtocol.Request);
  });
  return { request, events };
}

test('the inline adapter takes the same attributes: the same errors, and a run to the return value', async (t) => {
  if (!CLANG) return t.skip(NO_CLANG);
  const object = objectOf(XDP_C);
  const bad = inlineSession();
  await bad.request('initialize', { adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const refused = await bad.request('launch', { program: object, programType: 'tc', pid: 'x' });
  assert.deepEqual([refused.success, refused.message], [false, 'pid: must be a number (a 32-bit unsigned integer)']);
  const good = inlineSession();
  await good.request('initialize', { adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const launched = good.request('launch', { program: object, packetFile: scratch('ipv4.bin', Buffer.from(IPV4, 'hex')) });
  await good.request('configurationDone', {});
  assert.equal((await launched).success, true);
  for (let i = 0; i < 100 && !good.events.some((e) => e.event === 'terminated'); i++) await new Promise((done) => setTimeout(done, 20));
  const exited = good.events.find((e) => e.event === 'exited') as DebugProtocol.ExitedEvent | undefined;
  assert.equal(exited?.body.exitCode, 2);
  const output = good.events.filter((e) => e.event === 'output').map((e) => (e as DebugProtocol.OutputEvent).body.output).join('');
  assert.match(output, /program exited with r0 = 0x2 \(2\) XDP_PASS after \d+ instructions/);
});
