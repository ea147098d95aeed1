// Bytes decoded by their BTF type for the Variables pane: integers (bool and
// char shown as such), enums by name, pointers, floats, char arrays as
// strings (unsigned char arrays as hex bytes), arrays and structs/unions
// (bitfields included) as nested rows with a one-line summary (`{hits=1,
// colour=GREEN, …}`). Where the bytes live is the caller's business: it
// passes `edit`, which turns an offset in the value and a format into an
// EditTarget, so the same decoding serves map values and global variables.
// Pure; reads a parsed Btf.

import type { Btf, BtfComposite, BtfType } from '../../elf/btf';
import { btfTypeName, memberBitfieldSize } from '../../elf/btfPrint';
import { formatBytes } from '../runtimeInspect';
import { capped, MAX_CHILDREN, type EditTarget, type ValueFormat, type VarNode } from './varNode';

/** Turns a part of the value (its offset and format) into where an edit of it goes. */
export type EditAt = (offset: number, format: ValueFormat) => EditTarget | undefined;

export interface DecodeContext {
  btf: Btf;
  /** Absent: the value is read-only. */
  edit?: EditAt;
  /** Why the value is read-only, when `edit` is absent. */
  readOnly?: string;
}

/** Nested types deeper than this show as bytes (real C stays far below it; hostile BTF does not). */
const MAX_DEPTH = 16;
/** Members or elements a summary line names before `…`. */
const SUMMARY_ITEMS = 4;

function littleEndian(bytes: Uint8Array): bigint {
  return bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
}

const isCharType = (t: BtfType | undefined): boolean => t?.kind === 'INT' && t.size === 1 && ((t.encoding & 2) !== 0 || /char/.test(t.name));
/** Arrays of these read as text: `char` itself (not `unsigned char`, which usually holds bytes). */
const isTextType = (t: BtfType | undefined): boolean => t?.kind === 'INT' && t.size === 1 && ((t.encoding & 2) !== 0 || t.name === 'char' || t.name === 'signed char');

function charText(code: number): string {
  return code >= 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `'\\x${code.toString(16).padStart(2, '0')}'`;
}

function intText(t: Extract<BtfType, { kind: 'INT' }>, raw: bigint): string {
  if ((t.encoding & 4) !== 0) return raw === 0n ? 'false' : raw === 1n ? 'true' : `true (${raw})`;
  const v = t.signed ? BigInt.asIntN(t.size * 8, raw) : raw;
  if (isCharType(t)) return `${v} ${charText(Number(raw))}`;
  return !t.signed && v >= 256n ? `${v} (0x${v.toString(16)})` : String(v);
}

function enumText(t: Extract<BtfType, { kind: 'ENUM' | 'ENUM64' }>, raw: bigint): string {
  const v = t.signed ? BigInt.asIntN(t.size * 8, raw) : raw;
  const hit = t.values.find((e) => BigInt(e.value) === v);
  return hit ? `${hit.name} (${v})` : String(v);
}

function stringText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const chars = [...bytes.subarray(0, end < 0 ? bytes.length : end)].map((c) => (c === 0x22 || c === 0x5c ? `\\${String.fromCharCode(c)}` : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`));
  return `"${chars.join('')}"${end < 0 ? ' (no NUL)' : ''}`;
}

function summary(children: readonly VarNode[], open: string, close: string, named: boolean): string {
  const items = children.filter((c) => !c.info).slice(0, SUMMARY_ITEMS).map((c) => {
    const v = c.children ? `${open}…${close}` : c.value;
    return named ? `${c.name}=${v}` : v;
  });
  return `${open}${items.join(', ')}${children.length > SUMMARY_ITEMS ? ', …' : ''}${close}`;
}

class Decoder {
  constructor(private readonly c: DecodeContext, private readonly bytes: Uint8Array) {}

  private leaf(name: string, typeId: number, at: number, value: string, format: ValueFormat | undefined): VarNode {
    const node: VarNode = { name, value, type: btfTypeName(this.c.btf, typeId) };
    const edit = format && this.c.edit?.(at, format);
    if (edit) node.edit = edit;
    else node.readOnly = format ? this.c.readOnly : `${node.type} values are shown, not edited`;
    return node;
  }

  node(name: string, typeId: number, at: number, depth: number): VarNode {
    const { btf } = this.c;
    const size = btf.sizeOf(typeId) ?? 0;
    const bytes = this.bytes.subarray(at, at + size);
    const t = btf.resolveModifiers(typeId);
    if (bytes.length < size) return { name, value: `<${size} bytes expected, ${bytes.length} there>`, type: btfTypeName(btf, typeId) };
    if (!t || depth > MAX_DEPTH) return this.leaf(name, typeId, at, formatBytes(bytes), { size, notation: 'bytes' });
    const raw = (): bigint => littleEndian(bytes);
    switch (t.kind) {
      case 'INT':
        return this.leaf(name, typeId, at, intText(t, raw()), size <= 8 ? { size } : { size, notation: 'bytes' });
      case 'ENUM': case 'ENUM64':
        return this.leaf(name, typeId, at, enumText(t, raw()), { size });
      case 'PTR':
        return this.leaf(name, typeId, at, raw() === 0n ? 'NULL' : `0x${raw().toString(16)}`, { size });
      case 'FLOAT': {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const text = size === 4 ? String(view.getFloat32(0, true)) : size === 8 ? String(view.getFloat64(0, true)) : formatBytes(bytes);
        return this.leaf(name, typeId, at, text, undefined);
      }
      case 'ARRAY': return this.array(name, typeId, t, at, depth);
      case 'STRUCT': case 'UNION': return this.composite(name, typeId, t, at, depth);
      default: return this.leaf(name, typeId, at, formatBytes(bytes), { size, notation: 'bytes' });
    }
  }

  private array(name: string, typeId: number, t: Extract<BtfType, { kind: 'ARRAY' }>, at: number, depth: number): VarNode {
    const { btf } = this.c;
    const elemSize = btf.sizeOf(t.type) ?? 0;
    const size = elemSize * t.nelems;
    const shown = Math.min(t.nelems, MAX_CHILDREN);
    const children = Array.from({ length: shown }, (_, i) => this.node(`[${i}]`, t.type, at + i * elemSize, depth + 1));
    const edit = size > 0 ? this.c.edit?.(at, { size, notation: 'bytes' }) : undefined;
    const elem = btf.resolveModifiers(t.type);
    const own = this.bytes.subarray(at, at + size);
    const value = isTextType(elem) ? stringText(own) : elem?.kind === 'INT' && elem.size === 1 ? formatBytes(own) : summary(children, '[', ']', false);
    return { name, value, type: btfTypeName(btf, typeId), children: capped(children, t.nelems), ...(edit ? { edit } : { readOnly: this.c.readOnly }) };
  }

  private composite(name: string, typeId: number, t: BtfComposite, at: number, depth: number): VarNode {
    const children = t.members.map((m, i) => {
      const bits = memberBitfieldSize(this.c.btf, t, i);
      const label = m.name || '(anonymous)';
      if (bits) return this.bitfield(label, t, i, at);
      return this.node(label, m.type, at + Math.floor(m.bitOffset / 8), depth + 1);
    });
    const edit = this.c.edit?.(at, { size: t.size, notation: 'bytes' });
    return { name, value: summary(children, '{', '}', true), type: btfTypeName(this.c.btf, typeId), children, ...(edit ? { edit } : { readOnly: this.c.readOnly }) };
  }

  private bitfield(name: string, t: BtfComposite, i: number, at: number): VarNode {
    const m = t.members[i];
    const bits = memberBitfieldSize(this.c.btf, t, i);
    const first = at + Math.floor(m.bitOffset / 8);
    const shift = BigInt(m.bitOffset % 8);
    const word = littleEndian(this.bytes.subarray(first, first + Math.ceil((Number(shift) + bits) / 8)));
    const raw = (word >> shift) & ((1n << BigInt(bits)) - 1n);
    const int = this.c.btf.resolveModifiers(m.type);
    const signed = (int?.kind === 'INT' || int?.kind === 'ENUM') && int.signed;
    const value = signed ? BigInt.asIntN(bits, raw) : raw;
    const shownValue = int?.kind === 'ENUM' ? enumText(int, BigInt.asUintN(int.size * 8, value)) : String(value);
    return { name, value: shownValue, type: `${btfTypeName(this.c.btf, m.type)} : ${bits}`, readOnly: `${name} is a bit field: edit the struct around it as bytes` };
  }
}

/** `bytes` (a whole value) decoded as BTF type `typeId`, named `name`. */
export function btfValueNode(c: DecodeContext, name: string, typeId: number, bytes: Uint8Array): VarNode {
  return new Decoder(c, bytes).node(name, typeId, 0, 0);
}
