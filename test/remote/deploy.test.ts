// The remote test box end to end: through a real OpenSSH server on loopback
// to the real kernel of this machine. Loads an accepted and a rejected XDP
// C program (the kernel's log on the right C lines, next to our verifier),
// attaches the accepted one to a veth pair in a network namespace, sends UDP
// through it and reads the map counters back while trace_pipe streams its
// bpf_printk lines, test-runs remotely against our interpreter, deploys under
// names full of shell metacharacters, and leaves nothing pinned.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { attach, attachments, detach, programIds } from '../../client/src/remote/attach';
import { ourVerdicts } from '../../client/src/remote/build';
import { PIN_ROOT, deploy } from '../../client/src/remote/deploy';
import { dumpMap, listDeployments, unload } from '../../client/src/remote/inventory';
import { SessionPool, type RemoteSession } from '../../client/src/remote/session';
import { testRun } from '../../client/src/remote/testRun';
import { streamTrace } from '../../client/src/remote/trace';
import { pairPrograms } from '../../src-vm/cli/remoteCompare';
import { assemble } from '../../src-vm/asm/assembler';
import { writeElf } from '../../src-vm/elf/elfWriter';
import { runProgram } from '../../src-vm/vm/runProgram';
import { kernelUnavailable } from '../support/kernel';
import { runTool } from '../support/tools';
import { wrapForXdp } from '../support/xdpOracle';
import { sshdUnavailable, startSshd, type TestSshd } from './sshd';
import { built, openSession } from './session';
import { runLocally } from '../../client/src/remote/localRun';
import { hex, runDifferences } from '../../src-vm/cli/remoteCompare';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const skip = kernelUnavailable() ?? sshdUnavailable() ?? (process.getuid?.() === 0 ? undefined : 'network namespaces and veth pairs need root');
if (skip) console.log(`# remote deploy tests skipped: ${skip}`);

const TAG = `wbt${process.pid}`;
const NS = `${TAG}ns`;
const VETH = `${TAG}a`;
const PEER = `${TAG}b`;
const SUBNET = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
let sshd: TestSshd;
let pool: SessionPool;
let session: RemoteSession;
let mountedTracefs = false;

function sh(cmd: string, ...args: string[]): string {
  const r = runTool(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  sshd = await startSshd();
  pool = new SessionPool();
  session = await openSession(sshd, pool);
  if (!(await session.preflight()).tracefs) {
    sh('mount', '-t', 'tracefs', 'tracefs', '/sys/kernel/tracing');
    mountedTracefs = true;
    pool.closeAll();
    session = await openSession(sshd, pool);
  }
});

after(async () => {
  if (skip) return;
  for (const d of await listDeployments(session)) if (d.name.startsWith(TAG)) await unload(session, d.name);
  runTool('ip', ['netns', 'del', NS]);
  runTool('ip', ['link', 'del', VETH]);
  if (mountedTracefs) runTool('umount', ['/sys/kernel/tracing']);
  pool.closeAll();
  sshd.kill();
});

test('load: the kernel accepts one XDP program and rejects another on the right C line, as our verifier does', { skip }, async () => {
  const good = built(join(FIXTURES, 'xdp_count.c'));
  const accepted = await deploy(session, { bytes: good.bytes, fileName: good.fileName, name: `${TAG}-count` });
  assert.ok(accepted.loaded, accepted.output);
  assert.deepEqual(accepted.kernel.programs.map((p) => [p.name, p.verdict]), [['count_udp', 'accept']]);
  assert.match(accepted.kernel.programs[0].pinnedAt ?? '', new RegExp(`^${PIN_ROOT}/${TAG}-count/prog/count_udp$`));
  assert.deepEqual(pairPrograms(accepted.kernel.programs, ourVerdicts(good)).map((p) => [p.kernel?.verdict, p.ours?.verdict, p.differences]),
    [['accept', 'accept', []]]);

  const bad = built(join(FIXTURES, 'xdp_past_end.c'));
  const rejected = await deploy(session, { bytes: bad.bytes, fileName: bad.fileName, name: `${TAG}-bad` });
  assert.equal(rejected.loaded, false);
  const [k] = rejected.kernel.programs;
  assert.equal(k.verdict, 'reject');
  assert.deepEqual(k.error?.source, { text: 'return data[8];', file: 'xdp_past_end.c', line: 11 });
  assert.match(k.error?.message ?? '', /^invalid access to packet, off=8 size=1/);
  const [pair] = pairPrograms(rejected.kernel.programs, ourVerdicts(bad));
  assert.equal(pair.ours?.verdict, 'reject');
  assert.equal(pair.ours?.error?.line, 11, 'our verifier blames the same C line');
  assert.deepEqual(pair.differences, []);
  assert.deepEqual((await listDeployments(session)).filter((d) => d.name.startsWith(TAG)).map((d) => d.name), [`${TAG}-count`], 'a rejected object pins nothing');
});

test('attach to a veth pair in a network namespace: UDP sent through it is counted, trace_pipe streams, detach and unload leave nothing', { skip }, async () => {
  const name = `${TAG}-count`;
  sh('ip', 'netns', 'add', NS);
  sh('ip', 'link', 'add', VETH, 'type', 'veth', 'peer', 'name', PEER);
  sh('ip', 'link', 'set', PEER, 'netns', NS);
  sh('ip', 'addr', 'add', `${SUBNET}.1/24`, 'dev', VETH);
  sh('ip', 'link', 'set', VETH, 'up');
  sh('ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${SUBNET}.2/24`, 'dev', PEER);
  sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', PEER, 'up');
  await attach(session, name, 'count_udp', { kind: 'xdp', iface: VETH, mode: 'native' });
  const [attached] = await attachments(session, new Set((await programIds(session, name)).keys()));
  assert.deepEqual({ kind: attached.kind, iface: attached.kind === 'xdp' ? attached.iface : '' }, { kind: 'xdp', iface: VETH });

  const traced: string[] = [];
  const trace = await streamTrace(session, (line) => traced.push(line));
  const SENT = 5;
  const sender = `const s=require('dgram').createSocket('udp4');let n=0;const go=()=>s.send('x',9,'${SUBNET}.1',()=>{if(++n<${SENT})go();else s.close();});go();`;
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '-e', sender], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  const counters = (await dumpMap(session, name, 'counters')) as { formatted: { key: number; value: number } }[];
  const count = (key: number): number => counters.find((c) => c.formatted.key === key)?.formatted.value ?? -1;
  assert.equal(count(0), SENT, 'every UDP datagram crossed the XDP program once');
  assert.ok(count(1) >= 1, 'the ARP exchange before them was counted as other traffic');
  for (let i = 0; i < 50 && !traced.some((l) => l.includes('count_udp key 0')); i++) await new Promise((res) => setTimeout(res, 100));
  await trace.stop();
  assert.ok(traced.some((l) => l.includes('count_udp key 0')), `trace_pipe lines: ${traced.slice(0, 5).join(' | ')}`);
  const readers = runTool('sh', ['-c', 'ps -eo args | grep -c "[c]at /sys/kernel/tracing/trace_pipe"']).stdout.trim();
  assert.equal(readers, '0', 'stopping left no trace_pipe reader behind');

  const removed = await detach(session, name);
  assert.deepEqual(removed.map((a) => a.kind), ['xdp']);
  assert.doesNotMatch(sh('ip', 'link', 'show', VETH), /xdp/);
  assert.deepEqual(await unload(session, name), []);
  assert.equal(existsSync(`${PIN_ROOT}/${name}`), false);
});

const ASM = `
  r0 = *(u8 *)(r1 + 0)
  r3 = *(u8 *)(r1 + 5)
  r0 <<= 8
  r0 |= r3
  r0 *= 3
  r0 ^= 0x55
  r3 = *(u32 *)(r1 + 8)
  r0 += r3
  exit
`;

test('BPF_PROG_TEST_RUN on the remote kernel matches our interpreter on the same bytes', { skip }, async () => {
  const program = assemble(ASM).value.sections[0].insns;
  const packet = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
  const wrapped = writeElf({
    sections: [{ name: 'xdp', kind: 'code', insns: wrapForXdp(program, packet.length), spans: [], bytes: new Uint8Array() }],
    symbols: [{ name: 'oracle', section: 'xdp', offset: 0, global: true, kind: 'func' }],
    relocs: [],
  });
  const name = `${TAG}-oracle`;
  const d = await deploy(session, { bytes: wrapped, fileName: 'oracle.o', name });
  assert.ok(d.loaded, d.output);
  // One run: with `repeat N` the kernel runs the program N times on the same buffer, and this one writes to it.
  const run = await testRun(session, name, 'oracle', packet, 1);
  assert.equal(run.retval, 2, 'the wrapper returns XDP_PASS');
  assert.equal((await testRun(session, name, 'oracle', packet, 50)).repeat, 50);
  const kernelR0 = new DataView(run.dataOut.buffer, run.dataOut.byteOffset, 8).getBigUint64(0, true);
  const ours = runProgram(program, { mem: packet });
  assert.equal(ours.fault, undefined);
  assert.equal(kernelR0, ours.r0);
  assert.deepEqual([...run.dataOut.subarray(8)], [...packet.subarray(8)], 'the rest of the packet comes back untouched');
  await unload(session, name);
});

test('names full of shell metacharacters deploy, run and unload correctly and execute nothing', { skip }, async () => {
  const name = `${TAG} a;b $(touch ebpf-wb-canary) \`touch ebpf-wb-canary\` 'q' "d"\nnl|&>`;
  const fileName = `${name}.o`;
  const good = built(join(FIXTURES, 'xdp_count.c'));
  const d = await deploy(session, { bytes: good.bytes, fileName, name });
  assert.ok(d.loaded, d.output);
  const listed = await listDeployments(session);
  assert.deepEqual(listed.find((x) => x.name === name), { name, programs: ['count_udp'], maps: readdirSync(`${PIN_ROOT}/${name}/map`).sort() });
  assert.ok(readdirSync(`${PIN_ROOT}/${name}/map`).includes('counters'));
  const run = await testRun(session, name, 'count_udp', new Uint8Array(64));
  assert.equal(run.retval, 2);
  await unload(session, name);
  for (const dir of [homedir(), '/', '/tmp', sshd.dir, process.cwd()]) assert.equal(existsSync(join(dir, 'ebpf-wb-canary')), false, `canary in ${dir}`);
  assert.equal(existsSync(`${PIN_ROOT}/${name}`), false);
});

/** An IPv4/UDP frame (Ethernet addresses distinct so a swap shows), a non-IP frame, and a frame cut inside the IP header. */
const REWRITE_PACKETS: [what: string, bytes: Uint8Array, retval: number][] = [
  ['IPv4', Uint8Array.from([
    0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00,
    0x45, 0, 0, 29, 0, 1, 0, 0, 64, 17, 0x12, 0x34, 10, 0, 0, 1, 10, 0, 0, 2,
    0x30, 0x39, 0, 9, 0, 9, 0, 0, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ]), 3],
  ['ARP', Uint8Array.from({ length: 42 }, (_, i) => (i === 12 ? 0x08 : i === 13 ? 0x06 : (i * 29 + 3) & 0xff)), 2],
  ['short IPv4', Uint8Array.from({ length: 20 }, (_, i) => (i === 12 ? 0x08 : i === 13 ? 0x00 : i + 1)), 1],
];

test('remote run compares like with like: an XDP program reading data/data_end and rewriting the packet, kernel vs our context runner', { skip }, async () => {
  const obj = built(join(FIXTURES, 'xdp_rewrite.c'));
  const name = `${TAG}-rewrite`;
  const d = await deploy(session, { bytes: obj.bytes, fileName: obj.fileName, name });
  assert.ok(d.loaded, d.output);
  try {
    for (const [what, packet, retval] of REWRITE_PACKETS) {
      const k = await testRun(session, name, 'bounce', packet, 1);
      const kernel = { retval: k.retval, dataOut: hex(k.dataOut), durationNs: k.durationNs };
      const ours = runLocally(obj.bytes, obj.objectName, 'bounce', packet);
      assert.ok(ours, 'the object has the program');
      assert.equal(kernel.retval, retval, `${what}: kernel verdict`);
      assert.deepEqual(runDifferences(kernel, ours), [], `${what}: kernel and our interpreter agree`);
      assert.equal(ours.dataOut, kernel.dataOut);
      assert.ok(ours.steps > 5, `${what}: our run executed the program (${ours.steps} insns)`);
      if (what !== 'short IPv4') assert.notEqual(kernel.dataOut, hex(packet), `${what}: the program rewrote the packet`);
    }
    assert.equal(runLocally(obj.bytes, obj.objectName, 'no_such_prog', new Uint8Array(64)), null);
    assert.match(runLocally(obj.bytes, obj.objectName, 'bounce', new Uint8Array(8))?.fault ?? '', /test_run refuses .*at least 14/);
  } finally {
    await unload(session, name);
  }
});
