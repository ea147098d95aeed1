// Tests for src-vm/vm/linux/launchInput.ts: a debugger launch's packet, run
// configuration and program type from its attributes, each problem naming the
// attribute it belongs to. Table-driven.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchConfig, launchPacket, launchProgramType, LAUNCH_PROGRAM_TYPES, type LaunchInput } from '../../../../src-vm/vm/linux/launchInput';
import { DEFAULT_PROCESS } from '../../../../src-vm/vm/linux/runState';

/** A classic little-endian pcap of `packets`. */
function pcap(packets: number[][]): Uint8Array {
  const out: number[] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0];
  for (const p of packets) out.push(0, 0, 0, 0, 0, 0, 0, 0, p.length, 0, 0, 0, p.length, 0, 0, 0, ...p);
  return Uint8Array.from(out);
}

const PACKETS: { name: string; input: LaunchInput; packet?: number[]; errors: string[] }[] = [
  { name: 'none', input: {}, errors: [] },
  { name: 'hex', input: { packet: 'aa bb' }, packet: [0xaa, 0xbb], errors: [] },
  { name: 'file bytes', input: { packetFile: Uint8Array.from([1, 2, 3]) }, packet: [1, 2, 3], errors: [] },
  { name: 'pcap default index', input: { pcap: pcap([[1], [2, 2]]) }, packet: [1], errors: [] },
  { name: 'pcap index 1', input: { pcap: pcap([[1], [2, 2]]), packetIndex: 1 }, packet: [2, 2], errors: [] },
  { name: 'bad hex', input: { packet: 'zz' }, errors: ["packet: not a hex byte string at position 0: 'z' is not a hex digit"] },
  { name: 'packet and pcap', input: { packet: 'aa', pcap: pcap([[1]]) }, errors: ['packet: give one of packet, packetFile and pcap, not packet and pcap'] },
  { name: 'packetFile and pcap', input: { packetFile: new Uint8Array(1), pcap: pcap([[1]]) }, errors: ['packetFile: give one of packet, packetFile and pcap, not packetFile and pcap'] },
  { name: 'index without pcap', input: { packet: 'aa', packetIndex: 0 }, errors: ['packetIndex: needs a pcap to pick the packet from'] },
  { name: 'index past the end', input: { pcap: pcap([[1]]), packetIndex: 1 }, errors: ['packetIndex: 1 is not a packet of the capture (it has 1, numbered from 0)'] },
  { name: 'empty capture', input: { pcap: pcap([]) }, errors: ['packetIndex: 0 is not a packet of the capture (it has 0, numbered from 0)'] },
  { name: 'not a pcap', input: { pcap: new Uint8Array(30) }, errors: ['pcap: not a pcap file: magic 0x0'] },
  { name: 'short pcap', input: { pcap: new Uint8Array(3) }, errors: ['pcap: not a pcap file: 3 bytes, shorter than the 24-byte header'] },
];

for (const c of PACKETS) {
  test(`launchPacket: ${c.name}`, () => {
    const r = launchPacket(c.input);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), c.errors);
    assert.deepEqual(r.value && [...r.value], c.packet);
  });
}

test('launchProgramType: every kernel type but unspec; an unknown one lists them', () => {
  assert.deepEqual(launchProgramType(undefined), { value: undefined, diagnostics: [] });
  assert.equal(launchProgramType('sched_cls').value, 'sched_cls');
  assert.ok(!LAUNCH_PROGRAM_TYPES.includes('unspec'));
  for (const bad of ['tc', 'unspec', 'XDP']) {
    const r = launchProgramType(bad);
    assert.equal(r.value, undefined);
    assert.match(r.diagnostics[0].message, new RegExp(`^programType: unknown program type '${bad}' \\(known: socket_filter, kprobe, sched_cls, .*netfilter\\)$`));
  }
});

test('launchConfig: ctx first, then maps and the task and clock attributes over it', () => {
  const r = launchConfig({
    ctx: JSON.stringify({ ctx: { ingress_ifindex: 2 }, maps: { a: [{ key: '00', value: '01' }] }, process: { pid: 7, comm: 'ctx' }, time: { tickNs: 5 } }),
    maps: JSON.stringify({ b: [{ key: '02', value: '03' }] }),
    process: { comm: 'curl', uid: 0 },
    ktimeNs: '0x100',
  });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.value.run.xdp.ingressIfindex, 2);
  assert.deepEqual(r.value.maps.map((m) => [m.attribute, m.contents.map((c) => c.map)]), [['ctx', ['a']], ['maps', ['b']]]);
  assert.deepEqual(r.value.run.maps.map((c) => c.map), ['a', 'b']);
  assert.deepEqual(r.value.run.env.process, { ...DEFAULT_PROCESS, pid: 7, comm: 'curl', uid: 0 });
  assert.deepEqual([r.value.run.env.monotonicNs, r.value.run.env.tickNs], [256n, 5n]);
});

test('launchConfig: nothing given is an empty configuration', () => {
  assert.deepEqual(launchConfig({}), { value: { run: { xdp: {}, tracing: {}, env: {}, maps: [] }, maps: [] }, diagnostics: [] });
});

const CONFIG_ERRORS: { name: string; input: LaunchInput; errors: string[] }[] = [
  { name: 'ctx not JSON', input: { ctx: '{' }, errors: [/^ctx: \(file\): not JSON: /.source] },
  { name: 'ctx unknown key', input: { ctx: '{"bogus": 1}' }, errors: [/^ctx: bogus: unknown key \(known: ctx, maps, /.source] },
  { name: 'ctx bad field', input: { ctx: '{"ctx": {"mark": "x"}}' }, errors: [/^ctx: ctx\.mark: expected an integer/.source] },
  { name: 'ctx unknown context field', input: { ctx: '{"ctx": {"ifindx": 1}}' }, errors: [/^ctx: ctx\.ifindx: unknown key \(known: mark, .*args\)$/.source] },
  { name: 'ctx unknown process field', input: { ctx: '{"process": {"ppid": 1}}' }, errors: [/^ctx: process\.ppid: unknown key/.source] },
  { name: 'maps not JSON', input: { maps: '[' }, errors: [/^maps: not JSON: /.source] },
  { name: 'maps not an object', input: { maps: '[1]' }, errors: ['^maps: expected an object$'] },
  { name: 'maps bad value', input: { maps: '{"m": [{"key": "00", "value": "zz"}]}' }, errors: [/^maps\.m\[0\]\.value: not a hex byte string/.source] },
  { name: 'pid negative', input: { process: { pid: -1 } }, errors: ['^pid: expected a 32-bit unsigned integer, got -1$'] },
  { name: 'gid fraction', input: { process: { gid: 1.5 } }, errors: [/^gid: expected an integer/.source] },
  { name: 'ktimeNs not a number', input: { ktimeNs: 'soon' }, errors: [/^ktimeNs: expected an integer \(a number, or a decimal or 0x-hex string\), got "soon"$/.source] },
];

for (const c of CONFIG_ERRORS) {
  test(`launchConfig names the attribute: ${c.name}`, () => {
    const messages = launchConfig(c.input).diagnostics.map((d) => d.message);
    assert.equal(messages.length, c.errors.length, messages.join('\n'));
    c.errors.forEach((e, i) => assert.match(messages[i], new RegExp(e)));
  });
}
