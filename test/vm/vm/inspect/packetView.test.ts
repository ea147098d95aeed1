// Tests for src-vm/vm/inspect/packetView.ts: the Packet scope over a buffer
// with headroom and XDP metadata — its rows (length, metadata, hex rows,
// headers), addresses, and edits that land at the right byte of the buffer
// (a row as hex bytes, a field in network order, an address as dotted quad),
// while sub-byte fields refuse with a pointer to the byte rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vm } from '../../../../src-vm/vm/interpreter';
import { memoryRows, packetNodes, type PacketWindow } from '../../../../src-vm/vm/inspect/packetView';
import { applyEdit } from '../../../../src-vm/vm/inspect/valueEdit';
import type { VarNode } from '../../../../src-vm/vm/inspect/varNode';

const PACKET = Buffer.from('ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000', 'hex');
const HEADROOM = 256;
const ADDRESS = 0x500000000n + 0x80000000n + BigInt(HEADROOM);

function windowOf(packet: Uint8Array, meta = HEADROOM): PacketWindow {
  const buf = new Uint8Array(HEADROOM + packet.length + 64);
  buf.set(packet, HEADROOM);
  buf.fill(0xee, meta, HEADROOM);
  return { buf, start: HEADROOM, end: HEADROOM + packet.length, address: ADDRESS, meta };
}

const child = (nodes: readonly VarNode[], path: string[]): VarNode => {
  let node: VarNode | undefined;
  let level: readonly VarNode[] = nodes;
  for (const name of path) {
    node = level.find((n) => n.name === name);
    assert.ok(node, `${name} among ${level.map((n) => n.name).join(', ')}`);
    level = node.children ?? [];
  }
  return node!;
};

test('rows: length, metadata, hex rows, then each header with its fields', () => {
  const nodes = packetNodes(windowOf(PACKET, HEADROOM - 8));
  assert.deepEqual(nodes.map((n) => [n.name, n.value]), [
    ['length', '42 bytes (data_end - data)'],
    ['data_meta', 'ee ee ee ee ee ee ee ee'],
    ['bytes', 'ff ff ff ff ff ff 02 00 00 00 00 01 08 00 45 00 …'],
    ['eth', '02:00:00:00:00:01 → ff:ff:ff:ff:ff:ff, IPv4'],
    ['ip', '192.168.0.1 → 192.168.0.2, UDP'],
    ['udp', '53 → 53, len 8'],
  ]);
  const rows = child(nodes, ['bytes']).children!;
  assert.deepEqual(rows.map((r) => [r.name, r.type, r.address]), [['0x0000', '16 bytes', ADDRESS], ['0x0010', '16 bytes', ADDRESS + 16n], ['0x0020', '10 bytes', ADDRESS + 32n]]);
  assert.equal(child(nodes, ['data_meta']).children?.[0].address, ADDRESS - 8n);
  assert.equal(child(nodes, ['ip', 'ip.saddr']).address, ADDRESS + 26n);
});

test('no metadata row without metadata; a short frame ends in a row saying what was not decoded', () => {
  const nodes = packetNodes(windowOf(PACKET.subarray(0, 20)));
  assert.deepEqual(nodes.map((n) => n.name), ['length', 'bytes', 'eth', 'not decoded']);
  assert.equal(child(nodes, ['not decoded']).value, 'ip: 20-byte header, 6 bytes left');
});

test('edits write the buffer where the program reads the packet', () => {
  const w = windowOf(PACKET);
  const vm = new Vm([]);
  const nodes = packetNodes(w);
  assert.deepEqual(applyEdit(vm, child(nodes, ['ip', 'ip.saddr']).edit!, '10.0.0.1'), { value: '10.0.0.1' });
  assert.deepEqual(applyEdit(vm, child(nodes, ['udp', 'udp.dest']).edit!, '8080'), { value: '0x1f90 (8080)' });
  assert.deepEqual(applyEdit(vm, child(nodes, ['bytes', '0x0020']).edit!, '00 02 00 35 1f 90 00 08 ab cd'), { value: '00 02 00 35 1f 90 00 08 ab cd' });
  assert.equal(Buffer.from(w.buf.subarray(HEADROOM + 26, HEADROOM + 30)).toString('hex'), '0a000001');
  assert.equal(Buffer.from(w.buf.subarray(HEADROOM + 32, HEADROOM + 42)).toString('hex'), '000200351f900008abcd');
  const after = packetNodes(w);
  assert.equal(child(after, ['ip']).value, '10.0.0.1 → 192.168.0.2, UDP');
  assert.equal(child(after, ['udp', 'udp.check']).value, '0xabcd');
  assert.match((applyEdit(vm, child(nodes, ['bytes', '0x0020']).edit!, 'ff') as { error: string }).error, /has 1 byte, the value 10/);
});

test('sub-byte fields are read-only and say how to change them', () => {
  const ihl = child(packetNodes(windowOf(PACKET)), ['ip', 'ip.ihl']);
  assert.equal(ihl.edit, undefined);
  assert.equal(ihl.readOnly, 'ip.ihl is part of a byte: change that byte in the hex rows');
});

test('memoryRows covers exactly the bytes asked for', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
  const rows = memoryRows(bytes, 4, 37, 0x1000n);
  assert.deepEqual(rows.map((r) => [r.name, r.value.split(' ').length, r.address]), [['0x0000', 16, 0x1000n], ['0x0010', 16, 0x1010n], ['0x0020', 1, 0x1020n]]);
  assert.equal(rows[2].value, '24');
});
