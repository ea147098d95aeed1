// Tests for src-vm/vm/linux/linuxMachine.ts and the helper table: maps
// through the interpreter (handles, value regions bounded by value_size,
// global data), helper argument faults naming the pc and helper, unknown
// helpers named, trace_printk records, ring buffers, tail calls, callbacks,
// XDP and kprobe contexts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinuxMachine } from '../../../../src-vm/vm/linux/linuxMachine';
import { LINUX_HELPERS } from '../../../../src-vm/vm/linux/helpers';
import { objectOf, program, type MapSpec } from './linuxObjects';

const HASH: MapSpec = { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 };
const RB: MapSpec = { name: 'events', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 };
const PACKET = new Uint8Array(60).fill(0xab);

function machineOf(lines: string[], maps: MapSpec[] = [], type: 'xdp' | 'kprobe' = 'xdp') {
  const obj = objectOf([program('p', type, lines, maps)], maps);
  const m = LinuxMachine.create(obj);
  assert.deepEqual(m.diagnostics, []);
  return { machine: m.value, prog: obj.programs[0] };
}

test('the helper table covers at least 60 helpers, each a kernel helper', () => {
  assert.ok(LINUX_HELPERS.length >= 60, `${LINUX_HELPERS.length} helpers`);
  assert.equal(new Set(LINUX_HELPERS.map((h) => h.id)).size, LINUX_HELPERS.length);
});

test('map update, lookup and stores through the value pointer; a store past value_size faults', () => {
  const body = [
    'r6 = 7', '*(u32 *)(r10 - 4) = r6', 'r1 = 5', '*(u64 *)(r10 - 16) = r1',
    'r1 = map counts', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16', 'r4 = 0', 'call 2',
    'r1 = map counts', 'r2 = r10', 'r2 += -4', 'call 1', 'if r0 == 0 goto out',
    'r1 = *(u64 *)(r0 + 0)', 'r1 += 10', '*(u64 *)(r0 + 0) = r1',
  ];
  const { machine, prog } = machineOf([...body, 'out:', 'r0 = 2', 'exit'], [HASH]);
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.retName, 'XDP_PASS');
  assert.deepEqual(machine.dumpMaps()[0].entries, [{ key: '07000000', value: '0f00000000000000' }]);
  const bad = machineOf([...body, '*(u64 *)(r0 + 4) = r1', 'out:', 'r0 = 2', 'exit'], [HASH]);
  const f = bad.machine.run(bad.prog, { packet: PACKET });
  assert.equal(f.fault?.code, 'vm/memory');
  assert.match(f.fault!.message, /offset 4 is outside value of map 'counts' \(8 bytes\)/);
});

test('a bad helper argument stops the run with the pc and the helper name', () => {
  const { machine, prog } = machineOf(['r1 = map counts', 'r2 = 0', 'r3 = 0', 'r4 = 0', 'call 2', 'exit'], [HASH]);
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.fault?.code, 'vm/helper-arg');
  assert.match(r.fault!.message, /^pc 5: bpf_map_update_elem: key \(r2\): read of 4 bytes at 0x0: NULL pointer dereference/);
  const past = machineOf(['r1 = r10', 'r1 += -8', 'r2 = 64', 'call 6', 'exit']);
  const p = past.machine.run(past.prog, { packet: PACKET });
  assert.match(p.fault!.message, /^pc 3: bpf_trace_printk: fmt \(r1\): read of 64 bytes .*outside stack of frame 0/);
});

test('a helper we do not emulate stops the run naming it', () => {
  const { machine, prog } = machineOf(['call 46', 'exit']);
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.fault?.code, 'vm/helper');
  assert.match(r.fault!.message, /pc 0: call to helper 46 \(bpf_get_socket_cookie\), which this runtime does not emulate/);
});

test('trace_printk output is captured, formatted, in order with ring-buffer records', () => {
  const fmt = [...'n=%d x=%x\0'].map((c) => c.charCodeAt(0));
  const stores = fmt.map((b, i) => `*(u8 *)(r10 - ${16 - i}) = ${b}`);
  const lines = [
    ...stores, 'r1 = r10', 'r1 += -16', 'r2 = 11', 'r3 = -3', 'r4 = 255', 'call 6',
    'r1 = map events', 'r2 = 8', 'r3 = 0', 'call 131', 'if r0 == 0 goto out',
    'r1 = 42', '*(u64 *)(r0 + 0) = r1', 'r1 = r0', 'r2 = 0', 'call 132',
    'out:', 'r0 = 2', 'exit',
  ];
  const { machine, prog } = machineOf(lines, [RB]);
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.fault, undefined);
  assert.deepEqual(r.records.map((x) => x.kind === 'trace' ? x.text : `${x.kind}:${Buffer.from(x.data).toString('hex')}`),
    ['n=-3 x=ff', 'ringbuf:2a00000000000000']);
});

test('XDP context: data/data_end are packet pointers, adjust_tail moves data_end, the output is the packet after', () => {
  const lines = [
    'r6 = r1', 'r2 = -20', 'call 65', 'r2 = *(u32 *)(r6 + 0)', 'r3 = *(u32 *)(r6 + 4)', 'r3 -= r2',
    'r1 = *(u8 *)(r2 + 0)', 'r1 ^= 0xff', '*(u8 *)(r2 + 0) = r1', 'r0 = r3', 'exit',
  ];
  const { machine, prog } = machineOf(lines);
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.retval, 40);
  assert.equal(r.packetOut!.length, 40);
  assert.equal(r.packetOut![0], 0x54);
  assert.equal(machine.run(prog, { packet: new Uint8Array(10) }).refused?.errno, 'EINVAL');
});

test('kprobe context: pt_regs from the given registers', () => {
  const { machine, prog } = machineOf(['r0 = *(u64 *)(r1 + 112)', 'r2 = *(u64 *)(r1 + 104)', 'r0 += r2', 'exit'], [], 'kprobe');
  const r = machine.run(prog, { tracing: { regs: { di: 40n, si: 2n } } });
  assert.equal(r.retval, 42);
});

test('global data: lddw of a map value reads initial contents; .rodata is read-only', () => {
  const data: MapSpec = { name: 'test.data', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, initialValue: Uint8Array.of(0, 0, 0, 0, 9, 0, 0, 0) };
  const ro: MapSpec = { name: 'test.rodata', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0x80, initialValue: Uint8Array.of(1, 0, 0, 0), readOnly: true };
  const { machine, prog } = machineOf(['r1 = mapvalue test.data+4', 'r0 = *(u32 *)(r1 + 0)', 'r0 += 1', '*(u32 *)(r1 + 0) = r0', 'exit'], [data, ro]);
  assert.equal(machine.run(prog, { packet: PACKET }).retval, 10);
  assert.equal(machine.run(prog, { packet: PACKET }).retval, 11);
  const w = machineOf(['r1 = mapvalue test.rodata', 'r0 = 1', '*(u32 *)(r1 + 0) = r0', 'exit'], [data, ro]);
  assert.match(w.machine.run(w.prog, { packet: PACKET }).fault!.message, /read-only/);
});

test('bpf_loop runs its callback until it returns 1; the result is the iterations done', () => {
  const lines = [
    'r1 = 10', 'r2 = cb ll', 'r3 = 0', 'r4 = 0', 'call 181', 'exit',
    'cb:', 'r0 = 0', 'if r1 != 3 goto ret', 'r0 = 1', 'ret:', 'exit',
  ];
  const fixed = lines.map((l) => (l === 'r2 = cb ll' ? 'r2 = 0 ll' : l));
  const { machine, prog } = machineOf(fixed);
  // point the lddw at the callback: src=4 (BPF_PSEUDO_FUNC), imm = slots from the next instruction to cb
  prog.insns[1] = { ...prog.insns[1], src: 4, imm: 7 - 2 };
  const r = machine.run(prog, { packet: PACKET });
  assert.equal(r.fault, undefined);
  assert.equal(r.retval, 4);
});

test('raw_tracepoint and perf_event contexts: u64 arguments, sample_period after pt_regs', () => {
  const raw = objectOf([program('raw', 'raw_tracepoint', ['r0 = *(u64 *)(r1 + 8)', 'exit'])]);
  const m = LinuxMachine.create(raw).value;
  assert.equal(m.run(raw.programs[0], { tracing: { args: [1n, 99n] } }).retval, 99);
  const perf = objectOf([program('perf', 'perf_event', ['r0 = *(u64 *)(r1 + 168)', 'exit'])]);
  const p = LinuxMachine.create(perf).value;
  assert.equal(p.run(perf.programs[0], { tracing: { samplePeriod: 1000n } }).retval, 1000);
});
