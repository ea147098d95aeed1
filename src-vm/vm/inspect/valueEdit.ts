// Editing from the Variables pane: the text a user types becomes bytes of a
// value (a decimal or 0x number, possibly negative, for values of up to 8
// bytes; hex bytes such as `0a 00 00 01` for any size; a dotted IPv4 address
// where the field is one), checked against the value's size, and is written
// where the program will see it: a register, memory it reads in place, a map
// element (through BPF_MAP_UPDATE_ELEM, as user space writes it) or a
// writable context field. Refusals are sentences. Pure; changes only the Vm
// and maps it is given.

import { parseHexBytes } from '../../hexBytes';
import { FRAME_POINTER } from '../../isa/opcodes';
import type { Vm } from '../interpreter';
import { BPF_EXIST, errnoName } from '../maps';
import { formatBytes, formatValue } from '../runtimeInspect';
import type { EditResult, EditTarget, ValueFormat } from './varNode';

const NUMBER = /^(-?)(0x[0-9a-f]+|\d+)$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CALLEE_SAVED_FIRST = 6;

function example(size: number): string {
  return Array.from({ length: Math.min(size, 4) }, (_, i) => (i === 0 ? '2a' : '00')).join(' ') + (size > 4 ? ' …' : '');
}

function usage(format: ValueFormat): string {
  const bytes = `${format.size} hex byte${format.size === 1 ? '' : 's'} (${example(format.size)})`;
  const ip = format.notation === 'ipv4' ? ', an IPv4 address (10.0.0.1)' : '';
  return format.size <= 8 ? `a number (42, -1, 0x2a)${ip} or ${bytes}` : bytes;
}

/** `value` as `size` bytes, or undefined when it does not fit (signed or unsigned). */
function intBytes(value: bigint, size: number, bigEndian: boolean): Uint8Array | undefined {
  const bits = BigInt(size * 8);
  if (value >= 1n << bits || value < -(1n << (bits - 1n))) return undefined;
  let v = BigInt.asUintN(size * 8, value);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++, v >>= 8n) out[bigEndian ? size - 1 - i : i] = Number(v & 0xffn);
  return out;
}

/** The bytes `text` gives a value of `format`, or why it cannot. */
export function parseValue(text: string, format: ValueFormat): { bytes: Uint8Array } | { error: string } {
  const t = text.trim();
  const refuse = (why: string): { error: string } => ({ error: `'${t}' ${why}: give ${usage(format)}` });
  if (t === '') return { error: `no value given: give ${usage(format)}` };
  const single = !/[\s,]/.test(t);
  const num = single ? NUMBER.exec(t) : null;
  if (num) {
    if (format.size > 8) return refuse(`is a number, but the value has ${format.size} bytes`);
    const magnitude = BigInt(num[2]);
    const bytes = intBytes(num[1] ? -magnitude : magnitude, format.size, format.bigEndian === true);
    return bytes ? { bytes } : refuse(`does not fit in ${format.size} byte${format.size === 1 ? '' : 's'}`);
  }
  const ip = format.notation === 'ipv4' ? IPV4.exec(t) : null;
  if (ip) {
    const parts = ip.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? { bytes: Uint8Array.from(parts) } : refuse('is not an IPv4 address');
  }
  const hex = parseHexBytes(t);
  if ('error' in hex) return refuse('is not a number or hex bytes');
  if (hex.bytes.length !== format.size) return refuse(`has ${hex.bytes.length} byte${hex.bytes.length === 1 ? '' : 's'}, the value ${format.size}`);
  return { bytes: hex.bytes };
}

/** How a value written with `format` reads back: a number for up to 8 bytes, else hex. */
export function renderValue(bytes: Uint8Array, format: ValueFormat): string {
  if (format.notation === 'ipv4' && bytes.length === 4) return [...bytes].join('.');
  if (bytes.length > 8 || format.notation === 'bytes') return formatBytes(bytes);
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v |= BigInt(bytes[format.bigEndian ? bytes.length - 1 - i : i]) << BigInt(8 * i);
  return formatValue(v, bytes.length * 8);
}

function littleEndian(bytes: Uint8Array): bigint {
  return bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
}

function setRegister(vm: Vm, depth: number, reg: number, text: string): EditResult {
  if (reg === FRAME_POINTER) return { error: 'r10 is the frame pointer: it is read-only (the verifier refuses any write to it)' };
  const parsed = parseValue(text, { size: 8 });
  if ('error' in parsed) return parsed;
  const value = littleEndian(parsed.bytes);
  if (depth === vm.frames.length) {
    vm.setReg(reg, value);
    return { value: formatValue(value) };
  }
  const frame = vm.frames[depth];
  if (!frame || reg < CALLEE_SAVED_FIRST) return { error: `r${reg} does not survive the call this frame waits on (only r6..r9 can be changed here)` };
  const i = (reg - CALLEE_SAVED_FIRST) * 2;
  frame.saved[i] = Number(value & 0xffffffffn);
  frame.saved[i + 1] = Number(value >> 32n);
  return { value: formatValue(value) };
}

function setMapValue(edit: Extract<EditTarget, { kind: 'map' }>, bytes: Uint8Array): EditResult {
  const { map, key, cpu, offset } = edit;
  const got = map.sysLookup(key);
  if (got.err !== 0 || !got.value) return { error: `the element is gone from map '${map.name}' (lookup fails with ${errnoName(got.err)})` };
  const value = got.value.slice();
  const stride = map.sysValueSize > map.valueSize ? map.sysValueSize / map.nCpus : 0;
  value.set(bytes, cpu * stride + offset);
  const err = map.sysUpdate(key, value, BPF_EXIST);
  return err === 0 ? { value: renderValue(bytes, edit.format) } : { error: `map '${map.name}' refuses the update: BPF_MAP_UPDATE_ELEM fails with ${errnoName(err)}` };
}

/** Writes `text` where `edit` says; the Vm and maps change only when the answer is a value. */
export function applyEdit(vm: Vm, edit: EditTarget, text: string): EditResult {
  if (edit.kind === 'register') return setRegister(vm, edit.depth, edit.reg, text);
  const parsed = parseValue(text, edit.format);
  if ('error' in parsed) return parsed;
  const { bytes } = parsed;
  switch (edit.kind) {
    case 'memory':
      if (edit.offset < 0 || edit.offset + bytes.length > edit.bytes.length) return { error: 'the bytes are no longer there (the packet or memory shrank)' };
      edit.bytes.set(bytes, edit.offset);
      return { value: renderValue(bytes, edit.format) };
    case 'map':
      return setMapValue(edit, bytes);
    case 'field': {
      const refused = edit.access.store(edit.offset, bytes.length, littleEndian(bytes));
      return refused === undefined ? { value: renderValue(bytes, edit.format) } : { error: refused };
    }
  }
}
