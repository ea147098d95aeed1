// Tests for src-vm/vm/inspect/contextView.ts: each context kind a test run
// builds, read through the program's own field loads — xdp_md's packet
// pointers and queue fields, __sk_buff's fields (network-order ones shown
// both ways) with only the fields the program type may write editable,
// kprobe pt_regs and raw tracepoint arguments, and a type with no context.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import { LinuxMachine, type ProgRun, type ProgRunInput } from '../../../../src-vm/vm/linux/linuxMachine';
import { contextNodes } from '../../../../src-vm/vm/inspect/contextView';
import { applyEdit } from '../../../../src-vm/vm/inspect/valueEdit';
import type { VarNode } from '../../../../src-vm/vm/inspect/varNode';
import { objectOf, program } from '../linux/linuxObjects';

/** 42 bytes: Ethernet, IPv4 192.168.0.1 → 192.168.0.2, UDP 53 → 53. */
const PACKET = Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex');

function begun(type: ProgTypeName, input: ProgRunInput): ProgRun {
  const obj = objectOf([program('p', type, ['r0 = 0', 'exit'])]);
  const run = LinuxMachine.create(obj).value.begin(obj.programs[0], input);
  assert.ok(!('refused' in run), 'refused' in run ? run.refused.message : '');
  return run;
}

function rows(type: ProgTypeName, input: ProgRunInput): { run: ProgRun; nodes: VarNode[]; row: (name: string) => VarNode } {
  const run = begun(type, input);
  const nodes = contextNodes(run.vm, run.state.ctx, type);
  const row = (name: string): VarNode => {
    const found = nodes.find((n) => n.name === name);
    assert.ok(found, `${name} among ${nodes.map((n) => n.name).join(', ')}`);
    return found;
  };
  return { run, nodes, row };
}

test('xdp_md: packet pointers as the program loads them, queue fields, nothing editable', () => {
  const { nodes, row } = rows('xdp', { packet: PACKET, xdp: { ingressIfindex: 1, rxQueueIndex: 3 } });
  assert.deepEqual(nodes.map((n) => n.name), ['data', 'data_end', 'data_meta', 'ingress_ifindex', 'rx_queue_index', 'egress_ifindex']);
  assert.match(row('data').value, /^0x[0-9a-f]+ \(packet \+ 256\)$/);
  assert.match(row('data_end').value, /\(packet \+ 298\)$/);
  assert.equal(row('data').address! + 42n, row('data_end').address);
  assert.deepEqual([row('ingress_ifindex').value, row('rx_queue_index').value, row('egress_ifindex').value], ['0x1 (1)', '0x3 (3)', '0x0 (0)']);
  assert.ok(nodes.every((n) => n.edit === undefined), 'xdp_md is read-only to the program');
});

test('__sk_buff of a TC program: fields decoded, mark and cb[] editable through the field stores, len not', () => {
  const { run, row } = rows('sched_cls', { packet: PACKET, skb: { mark: 5 } });
  assert.equal(row('len').value, '0x2a (42)');
  assert.equal(row('protocol').value, '0x8 (8), network order 0x0800 (IPv4)');
  assert.equal(row('family').value, '0x2 (2)');
  assert.match(row('local_ip4').value, /^192\.168\.0\.1 \(/);
  assert.equal(row('remote_ip6').value, '::');
  assert.deepEqual(row('cb').children?.map((c) => c.name), ['cb[0]', 'cb[1]', 'cb[2]', 'cb[3]', 'cb[4]']);
  assert.equal(row('mark').value, '0x5 (5)');
  assert.equal(row('len').edit, undefined);
  assert.deepEqual(applyEdit(run.vm, row('mark').edit!, '7'), { value: '0x7 (7)' });
  assert.deepEqual(applyEdit(run.vm, row('cb').children![2].edit!, '0x99'), { value: '0x99 (153)' });
  const again = contextNodes(run.vm, run.state.ctx, 'sched_cls');
  assert.equal(again.find((n) => n.name === 'mark')?.value, '0x7 (7)');
  assert.equal(again.find((n) => n.name === 'cb')?.children?.[2].value, '0x99 (153)');
});

test('__sk_buff of a socket filter: only cb[] is writable', () => {
  const { nodes, row } = rows('socket_filter', { packet: PACKET });
  assert.deepEqual(nodes.filter((n) => n.edit).map((n) => n.name), []);
  assert.ok(row('cb').children?.every((c) => c.edit?.kind === 'field'));
  assert.equal(row('mark').edit, undefined);
});

test('kprobe: pt_regs by register name; raw tracepoint: u64 arguments', () => {
  const kprobe = rows('kprobe', { tracing: { regs: { di: 5n, si: -1n } } });
  assert.equal(kprobe.nodes.length, 21);
  assert.deepEqual([kprobe.row('di').value, kprobe.row('si').value, kprobe.row('ip').value], ['0x5 (5)', '0xffffffffffffffff (-1)', '0x0 (0)']);
  const raw = rows('raw_tracepoint', { tracing: { args: [1n, 0x20n] } });
  assert.deepEqual(raw.nodes.map((n) => [n.name, n.value]), [['arg0', '0x1 (1)'], ['arg1', '0x20 (32)']]);
});

test('a program type with no test-run context says so', () => {
  const { nodes } = rows('syscall', {});
  assert.deepEqual(nodes.map((n) => [n.name, n.value, n.info]), [['context', 'a syscall program gets no context in a test run', true]]);
});
