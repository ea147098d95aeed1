// Reading BTF bytes: the header (either byte order) and one record per type,
// decoded by a per-kind table. Every offset and length is checked before it is
// read; a record that does not fit, or of a kind whose size cannot be known,
// ends the type section with an error naming the type id and byte offset.
// Linear in the input. Pure; reference checks and loops are in btfCheck.ts.

import { ByteView } from './byteView';
import type { ElfReport } from './elfReport';
import { hex } from './elfReport';
import { BtfStrings } from './btfStrings';
import {
  BTF_KINDS, type BtfEnum64Value, type BtfEnumValue, type BtfHeader, type BtfKind, type BtfMember, type BtfParam,
  type BtfType, type BtfVarSecinfo,
} from './btfTypes';

export const BTF_MAGIC = 0xeb9f;
export const BTF_HEADER_SIZE = 24;
/** Bytes of the common part of every type record: name_off, info, size/type. */
const TYPE_HEADER_SIZE = 12;
/** The kernel rejects more types than this (BTF_MAX_TYPE). */
const BTF_MAX_TYPE = 0xfffff;

/** Reads the header; undefined (with an error) when the bytes are not BTF at all. */
export function readBtfHeader(bytes: Uint8Array, report: ElfReport): BtfHeader | undefined {
  if (bytes.length < BTF_HEADER_SIZE) {
    report.error('btf/truncated', `BTF is ${bytes.length} bytes long, shorter than its ${BTF_HEADER_SIZE}-byte header`);
    return undefined;
  }
  const le = new ByteView(bytes, true);
  const littleEndian = le.u16(0) === BTF_MAGIC;
  if (!littleEndian && new ByteView(bytes, false).u16(0) !== BTF_MAGIC) {
    report.error('btf/bad-magic', `BTF magic is ${hex(le.u16(0))}, expected ${hex(BTF_MAGIC)} in either byte order`);
    return undefined;
  }
  const v = new ByteView(bytes, littleEndian);
  const h: BtfHeader = {
    magic: BTF_MAGIC, version: v.u8(2), flags: v.u8(3), hdrLen: v.u32(4),
    typeOff: v.u32(8), typeLen: v.u32(12), strOff: v.u32(16), strLen: v.u32(20), littleEndian,
  };
  if (h.version !== 1) report.error('btf/bad-version', `BTF version is ${h.version}; only version 1 exists`);
  if (h.flags !== 0) report.warning('btf/bad-flags', `BTF header flags are ${hex(h.flags)}; the kernel accepts only 0`);
  if (h.hdrLen < BTF_HEADER_SIZE || h.hdrLen > bytes.length) {
    report.error('btf/bad-header-length', `BTF header length ${h.hdrLen} is outside ${BTF_HEADER_SIZE}..${bytes.length} (the size of the BTF)`);
    return undefined;
  }
  if (bytes.subarray(BTF_HEADER_SIZE, h.hdrLen).some((b) => b !== 0)) {
    report.warning('btf/unknown-header-fields', `BTF header is ${h.hdrLen} bytes and its bytes past ${BTF_HEADER_SIZE} are not zero: fields this reader does not know are ignored`);
  }
  return h;
}

/** The part of `[start, start + length)` inside the bytes, reporting what does not fit. */
function clip(bytes: Uint8Array, start: number, length: number, what: string, report: ElfReport): Uint8Array {
  if (start + length <= bytes.length) return bytes.subarray(start, start + length);
  report.error('btf/section-out-of-range', `BTF ${what} at byte ${hex(start)}, ${length} bytes long, runs past the end of the BTF (${bytes.length} bytes); only what fits is read`);
  return bytes.subarray(Math.min(start, bytes.length));
}

/** The type and string sections' bytes, each clipped to the BTF, with layout problems reported. */
export function btfSections(bytes: Uint8Array, h: BtfHeader, report: ElfReport): { types: Uint8Array; typesAt: number; strings: Uint8Array } {
  const typesAt = h.hdrLen + h.typeOff;
  const strAt = h.hdrLen + h.strOff;
  const types = clip(bytes, typesAt, h.typeLen, 'type section', report);
  const strings = clip(bytes, strAt, h.strLen, 'string section', report);
  if (h.typeOff % 4 !== 0) report.error('btf/misaligned', `BTF type section offset ${h.typeOff} is not a multiple of 4`);
  if (h.typeLen % 4 !== 0) report.error('btf/misaligned', `BTF type section length ${h.typeLen} is not a multiple of 4`);
  if (typesAt < strAt + h.strLen && strAt < typesAt + h.typeLen && h.typeLen > 0 && h.strLen > 0) {
    report.error('btf/sections-overlap', `BTF type section (${hex(typesAt)}..${hex(typesAt + h.typeLen)}) and string section (${hex(strAt)}..${hex(strAt + h.strLen)}) overlap`);
  }
  if (h.strLen === 0) report.error('btf/bad-strings', 'BTF string section is empty; it must at least hold the empty name at offset 0');
  else if (strings.length > 0 && strings[0] !== 0) report.error('btf/bad-strings', 'BTF string section does not start with the empty name (a NUL byte at offset 0)');
  if (strings.length > 0 && strings[strings.length - 1] !== 0) report.error('btf/bad-strings', 'BTF string section does not end with a NUL byte; its last string is unreadable');
  return { types, typesAt, strings };
}

/**
 * What a kind's decoder sees: the common fields of the current record and
 * reads of the rest. One instance is reused for every record, so decoding
 * allocates only the types themselves.
 */
class RecordReader {
  id = 0;
  /** Byte offset of the record within the type section view `v`. */
  at = 0;
  /** Byte offset of the record within the whole BTF, for messages and `BtfType.offset`. */
  offset = 0;
  nameOff = 0;
  name = '';
  vlen = 0;
  kindFlag = false;
  sizeOrType = 0;

  constructor(
    readonly v: ByteView,
    private readonly strings: BtfStrings,
    private readonly report: ElfReport,
  ) {}

  /** The u32 at `delta` bytes past the common header. */
  u32(delta: number): number {
    return this.v.u32(this.at + TYPE_HEADER_SIZE + delta);
  }

  /** The name at `nameOff` for part `what` of this record ('' and an error when unreadable). */
  nameAt(nameOff: number, what: string, index = -1): string {
    if (nameOff === 0) return '';
    const s = this.strings.at(nameOff);
    if (s !== undefined) return s;
    return badName(this.strings, nameOff, `${typeWhere(this.id, this.name, this.offset)} ${index >= 0 ? `${what} ${index}` : what}`, this.report);
  }
}

interface KindRow {
  /** Bytes that follow the 12-byte common header. */
  extra(vlen: number): number;
  decode(r: RecordReader): BtfType;
}

type RefKind = 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT' | 'TYPE_TAG';

function ref(kind: RefKind): KindRow {
  return { extra: () => 0, decode: (r) => ({ kind, id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, type: r.sizeOrType }) };
}

function members(r: RecordReader): BtfMember[] {
  const out: BtfMember[] = new Array<BtfMember>(r.vlen);
  for (let i = 0, d = 0; i < r.vlen; i++, d += 12) {
    const nameOff = r.u32(d);
    const raw = r.u32(d + 8);
    out[i] = {
      name: r.nameAt(nameOff, 'member', i), nameOff, type: r.u32(d + 4),
      bitOffset: r.kindFlag ? raw & 0xffffff : raw,
      bitfieldSize: r.kindFlag ? raw >>> 24 : 0,
    };
  }
  return out;
}

function params(r: RecordReader): BtfParam[] {
  const out: BtfParam[] = new Array<BtfParam>(r.vlen);
  for (let i = 0, d = 0; i < r.vlen; i++, d += 8) {
    const nameOff = r.u32(d);
    out[i] = { name: r.nameAt(nameOff, 'parameter', i), nameOff, type: r.u32(d + 4) };
  }
  return out;
}

function enumValues(r: RecordReader): BtfEnumValue[] {
  const out: BtfEnumValue[] = new Array<BtfEnumValue>(r.vlen);
  for (let i = 0, d = 0; i < r.vlen; i++, d += 8) {
    const nameOff = r.u32(d);
    const raw = r.u32(d + 4);
    out[i] = { name: r.nameAt(nameOff, 'enumerator', i), nameOff, value: r.kindFlag ? raw | 0 : raw };
  }
  return out;
}

function enum64Values(r: RecordReader): BtfEnum64Value[] {
  const out: BtfEnum64Value[] = new Array<BtfEnum64Value>(r.vlen);
  for (let i = 0, d = 0; i < r.vlen; i++, d += 12) {
    const nameOff = r.u32(d);
    const raw = (BigInt(r.u32(d + 8)) << 32n) | BigInt(r.u32(d + 4));
    out[i] = { name: r.nameAt(nameOff, 'enumerator', i), nameOff, value: r.kindFlag ? BigInt.asIntN(64, raw) : raw };
  }
  return out;
}

function secinfos(r: RecordReader): BtfVarSecinfo[] {
  const out: BtfVarSecinfo[] = new Array<BtfVarSecinfo>(r.vlen);
  for (let i = 0, d = 0; i < r.vlen; i++, d += 12) out[i] = { type: r.u32(d), offset: r.u32(d + 4), size: r.u32(d + 8) };
  return out;
}

function composite(kind: 'STRUCT' | 'UNION'): KindRow {
  return {
    extra: (n) => 12 * n,
    decode: (r) => ({ kind, id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType, kindFlag: r.kindFlag, members: members(r) }),
  };
}

const KIND_ROWS: Readonly<Record<Exclude<BtfKind, 'VOID'>, KindRow>> = {
  INT: {
    extra: () => 4,
    decode: (r) => {
      const word = r.u32(0);
      const encoding = (word >>> 24) & 0x0f;
      return {
        kind: 'INT', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType,
        encoding, signed: (encoding & 1) !== 0, bitsOffset: (word >>> 16) & 0xff, bits: word & 0xff,
      };
    },
  },
  PTR: ref('PTR'),
  TYPEDEF: ref('TYPEDEF'),
  VOLATILE: ref('VOLATILE'),
  CONST: ref('CONST'),
  RESTRICT: ref('RESTRICT'),
  TYPE_TAG: ref('TYPE_TAG'),
  ARRAY: {
    extra: () => 12,
    decode: (r) => ({ kind: 'ARRAY', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, type: r.u32(0), indexType: r.u32(4), nelems: r.u32(8) }),
  },
  STRUCT: composite('STRUCT'),
  UNION: composite('UNION'),
  ENUM: {
    extra: (n) => 8 * n,
    decode: (r) => ({ kind: 'ENUM', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType, signed: r.kindFlag, values: enumValues(r) }),
  },
  ENUM64: {
    extra: (n) => 12 * n,
    decode: (r) => ({ kind: 'ENUM64', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType, signed: r.kindFlag, values: enum64Values(r) }),
  },
  FWD: { extra: () => 0, decode: (r) => ({ kind: 'FWD', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, union: r.kindFlag }) },
  FUNC: { extra: () => 0, decode: (r) => ({ kind: 'FUNC', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, type: r.sizeOrType, linkage: r.vlen }) },
  FUNC_PROTO: {
    extra: (n) => 8 * n,
    decode: (r) => ({ kind: 'FUNC_PROTO', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, returnType: r.sizeOrType, params: params(r) }),
  },
  VAR: { extra: () => 4, decode: (r) => ({ kind: 'VAR', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, type: r.sizeOrType, linkage: r.u32(0) }) },
  DATASEC: {
    extra: (n) => 12 * n,
    decode: (r) => ({ kind: 'DATASEC', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType, vars: secinfos(r) }),
  },
  FLOAT: { extra: () => 0, decode: (r) => ({ kind: 'FLOAT', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, size: r.sizeOrType }) },
  DECL_TAG: {
    extra: () => 4,
    decode: (r) => ({
      kind: 'DECL_TAG', id: r.id, name: r.name, nameOff: r.nameOff, offset: r.offset, type: r.sizeOrType, componentIdx: r.u32(0) | 0, kindFlag: r.kindFlag,
    }),
  },
};

/** `type [12] 'name' (at byte 0x1a4)`: how messages name a type. */
export function typeWhere(id: number, name: string, offset: number): string {
  return `type [${id}]${name ? ` '${name}'` : ''} (at byte ${hex(offset)})`;
}

/**
 * Decodes every type record of the type section. `typesAt` is the section's
 * offset in the BTF, so that messages and `BtfType.offset` give positions in
 * the BTF bytes. The result's index is the type id; entry 0 is void.
 */
export function readBtfTypes(
  types: Uint8Array, typesAt: number, littleEndian: boolean, strings: BtfStrings, report: ElfReport,
): BtfType[] {
  const v = new ByteView(types, littleEndian);
  const r = new RecordReader(v, strings, report);
  const out: BtfType[] = [{ kind: 'VOID', id: 0, name: '', nameOff: 0, offset: -1 }];
  for (let at = 0; at < types.length;) {
    r.id = out.length;
    r.at = at;
    r.offset = typesAt + at;
    r.name = '';
    if (!v.fits(at, TYPE_HEADER_SIZE)) {
      report.error('btf/truncated-type', `${typeWhere(r.id, '', r.offset)}: only ${types.length - at} bytes left in the type section, less than a type's ${TYPE_HEADER_SIZE}-byte header`);
      break;
    }
    const info = v.u32(at + 4);
    const kindNumber = (info >>> 24) & 0x1f;
    const kind = BTF_KINDS[kindNumber];
    r.nameOff = v.u32(at);
    r.name = r.nameAt(r.nameOff, 'name');
    if (kind === undefined || kind === 'VOID') {
      report.error('btf/unknown-kind', `${typeWhere(r.id, r.name, r.offset)} has kind ${kindNumber}, ${kindNumber === 0 ? 'which is reserved for void' : 'which BTF does not define'}; its size is unknown, so the types after it cannot be read`);
      break;
    }
    if ((info & 0x60ff0000) !== 0) {
      report.warning('btf/bad-info', `${typeWhere(r.id, r.name, r.offset)} has unused bits set in its info word ${hex(info)}`);
    }
    const row = KIND_ROWS[kind];
    r.vlen = info & 0xffff;
    const size = TYPE_HEADER_SIZE + row.extra(r.vlen);
    if (!v.fits(at, size)) {
      report.error('btf/truncated-type', `${typeWhere(r.id, r.name, r.offset)}: ${kind} with vlen ${r.vlen} needs ${size} bytes but only ${types.length - at} are left in the type section`);
      break;
    }
    r.kindFlag = info >>> 31 === 1;
    r.sizeOrType = v.u32(at + 8);
    out.push(row.decode(r));
    at += size;
  }
  if (out.length - 1 > BTF_MAX_TYPE) {
    report.warning('btf/too-many-types', `BTF has ${out.length - 1} types; the kernel accepts at most ${BTF_MAX_TYPE}`);
  }
  return out;
}

/** Reports why the string at `nameOff` cannot be read, naming `what`; returns '' to use as the name. */
export function badName(strings: BtfStrings, nameOff: number, what: string, report: ElfReport): string {
  report.error('btf/bad-name', nameOff >= strings.size
    ? `${what}: name offset ${hex(nameOff)} is outside the string section (${strings.size} bytes)`
    : `${what}: the name at offset ${hex(nameOff)} of the string section cannot be read (${strings.whyUnreadable(nameOff)})`);
  return '';
}
