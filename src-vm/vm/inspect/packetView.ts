// The Packet scope (and an assembly program's Memory scope): the bytes the
// program sees now — data..data_end after any adjust_head/tail — as 16-byte
// hex rows, then the headers recognisable in them (packetHeaders.ts) with
// their fields as children (`eth.proto = 0x0800 (IPv4)`, `ip.saddr =
// 10.0.0.1`). Rows and whole-byte fields are edited in place, where the
// program reads them. Pure.

import { formatBytes } from '../runtimeInspect';
import { decodeHeaders, type HeaderField } from './packetHeaders';
import { infoNode, type ValueFormat, type VarNode } from './varNode';

/** Bytes per hex row. */
export const ROW_BYTES = 16;

/** Where the packet is: its buffer (edits write there), the data's bounds in it, and its address. */
export interface PacketWindow {
  buf: Uint8Array;
  start: number;
  end: number;
  /** Address of the first data byte. */
  address: bigint;
  /** Start of the XDP metadata when there is some (meta < start). */
  meta?: number;
  /** The layer-3 protocol when the data starts at the network header (skb of a socket filter). */
  l3?: number;
}

/** `buf[start, end)` as hex rows named by their offset, each editable as hex bytes. */
export function memoryRows(buf: Uint8Array, start: number, end: number, address: bigint): VarNode[] {
  const rows: VarNode[] = [];
  for (let off = 0; start + off < end; off += ROW_BYTES) {
    const n = Math.min(ROW_BYTES, end - start - off);
    rows.push({
      name: `0x${off.toString(16).padStart(4, '0')}`,
      value: formatBytes(buf.subarray(start + off, start + off + n)),
      type: `${n} byte${n === 1 ? '' : 's'}`,
      address: address + BigInt(off),
      edit: { kind: 'memory', bytes: buf, offset: start + off, format: { size: n, notation: 'bytes' } },
    });
  }
  return rows;
}

function fieldFormat(f: HeaderField): ValueFormat {
  if (f.kind === 'ipv4') return { size: 4, notation: 'ipv4' };
  if (f.kind === 'int') return { size: f.size, bigEndian: true };
  return { size: f.size, notation: 'bytes' };
}

function fieldNode(w: PacketWindow, f: HeaderField): VarNode {
  const node: VarNode = { name: f.name, value: f.value, type: `${f.size} byte${f.size === 1 ? '' : 's'} at offset ${f.offset}`, address: w.address + BigInt(f.offset) };
  if (f.kind === 'bits') node.readOnly = `${f.name} is part of a byte: change that byte in the hex rows`;
  else node.edit = { kind: 'memory', bytes: w.buf, offset: w.start + f.offset, format: fieldFormat(f) };
  return node;
}

/** The Packet scope's rows: length, metadata, the hex rows, then each decoded header. */
export function packetNodes(w: PacketWindow): VarNode[] {
  const data = w.buf.subarray(w.start, w.end);
  const preview = formatBytes(data.subarray(0, ROW_BYTES)) + (data.length > ROW_BYTES ? ' …' : '');
  const nodes: VarNode[] = [
    infoNode('length', `${data.length} bytes (data_end - data)`),
    { name: 'bytes', value: preview, type: `${data.length} bytes`, address: w.address, children: memoryRows(w.buf, w.start, w.end, w.address) },
  ];
  if (w.meta !== undefined && w.meta < w.start) {
    const meta = w.buf.subarray(w.meta, w.start);
    nodes.splice(1, 0, { name: 'data_meta', value: formatBytes(meta), type: `${meta.length} bytes of metadata`, children: memoryRows(w.buf, w.meta, w.start, w.address - BigInt(meta.length)) });
  }
  const decoded = decodeHeaders(data, w.l3);
  for (const h of decoded.headers) {
    nodes.push({ name: h.name, value: h.summary, type: `header at offset ${h.offset}`, address: w.address + BigInt(h.offset), children: h.fields.map((f) => fieldNode(w, f)) });
  }
  if (decoded.stopped) nodes.push(infoNode('not decoded', decoded.stopped));
  return nodes;
}
