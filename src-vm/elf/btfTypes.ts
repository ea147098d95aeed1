// The BTF data model: one plain object per type, kinds as strings, and the
// encoding tables (kind numbers, linkage names, CO-RE-relevant constants).
// Pure data and types; imports nothing. The parser lives in btfParse.ts, the
// queries (typeById, sizeOf, …) on the Btf class in btf.ts.

/** Every BTF kind, in kind-number order (index = the kind field of `info`); VOID is kind 0. */
export const BTF_KINDS = [
  'VOID', 'INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE',
  'CONST', 'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG', 'ENUM64',
] as const;

export type BtfKind = (typeof BTF_KINDS)[number];

/** `BTF_INT_*` encoding bits of an INT. */
export const BTF_INT_SIGNED = 1;
export const BTF_INT_CHAR = 2;
export const BTF_INT_BOOL = 4;

/** Linkage of a FUNC (kept in its vlen) and of a VAR, by number. */
export const BTF_LINKAGE_NAMES: readonly string[] = ['static', 'global', 'extern'];

/** libbpf (and the kernel) give up resolving a chain of typedefs/modifiers/arrays after this many steps. */
export const MAX_RESOLVE_DEPTH = 32;

interface BtfTypeCommon {
  /** Type id: the index in `Btf.types`; 0 is void. */
  id: number;
  /** The type's name; '' when anonymous (or when the name offset was bad: see nameOff and the diagnostics). */
  name: string;
  /** The name's offset in the string section, as recorded. */
  nameOff: number;
  /** Byte offset of the type's record in the BTF bytes (-1 for void). */
  offset: number;
}

export interface BtfVoid extends BtfTypeCommon { kind: 'VOID' }

export interface BtfInt extends BtfTypeCommon {
  kind: 'INT';
  size: number;
  /** Raw BTF_INT_* bits (signed 1, char 2, bool 4). */
  encoding: number;
  signed: boolean;
  bitsOffset: number;
  bits: number;
}

/** PTR, TYPEDEF, the qualifiers and TYPE_TAG: a name (only TYPEDEF/TYPE_TAG have one) and the type they refer to. */
export interface BtfRefType extends BtfTypeCommon {
  kind: 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT' | 'TYPE_TAG';
  type: number;
}

export interface BtfArray extends BtfTypeCommon {
  kind: 'ARRAY';
  /** Element type. */
  type: number;
  indexType: number;
  nelems: number;
}

export interface BtfMember {
  name: string;
  nameOff: number;
  type: number;
  /** Offset from the start of the struct, in bits. */
  bitOffset: number;
  /** Width of a bitfield in bits (kind_flag encoding); 0 when the member is not a bitfield of that kind. */
  bitfieldSize: number;
}

export interface BtfComposite extends BtfTypeCommon {
  kind: 'STRUCT' | 'UNION';
  size: number;
  /** kind_flag: member offsets carry a bitfield size in their top 8 bits. */
  kindFlag: boolean;
  members: BtfMember[];
}

export interface BtfEnumValue {
  name: string;
  nameOff: number;
  /** Read as signed 32-bit when the enum is signed, else unsigned. */
  value: number;
}

export interface BtfEnum extends BtfTypeCommon {
  kind: 'ENUM';
  size: number;
  signed: boolean;
  values: BtfEnumValue[];
}

export interface BtfEnum64Value {
  name: string;
  nameOff: number;
  /** Read as signed 64-bit when the enum is signed, else unsigned. */
  value: bigint;
}

export interface BtfEnum64 extends BtfTypeCommon {
  kind: 'ENUM64';
  size: number;
  signed: boolean;
  values: BtfEnum64Value[];
}

export interface BtfFwd extends BtfTypeCommon {
  kind: 'FWD';
  /** kind_flag: a forward declaration of a union rather than a struct. */
  union: boolean;
}

export interface BtfFunc extends BtfTypeCommon {
  kind: 'FUNC';
  /** The FUNC_PROTO. */
  type: number;
  /** 0 static, 1 global, 2 extern (BTF_LINKAGE_NAMES). */
  linkage: number;
}

export interface BtfParam {
  name: string;
  nameOff: number;
  /** 0 (void) on the last parameter marks a variadic function. */
  type: number;
}

export interface BtfFuncProto extends BtfTypeCommon {
  kind: 'FUNC_PROTO';
  returnType: number;
  params: BtfParam[];
}

export interface BtfVar extends BtfTypeCommon {
  kind: 'VAR';
  type: number;
  /** 0 static, 1 global, 2 extern (BTF_LINKAGE_NAMES). */
  linkage: number;
}

export interface BtfVarSecinfo {
  /** The VAR (or FUNC, for .ksyms). */
  type: number;
  offset: number;
  size: number;
}

export interface BtfDatasec extends BtfTypeCommon {
  kind: 'DATASEC';
  size: number;
  vars: BtfVarSecinfo[];
}

export interface BtfFloat extends BtfTypeCommon {
  kind: 'FLOAT';
  size: number;
}

export interface BtfDeclTag extends BtfTypeCommon {
  kind: 'DECL_TAG';
  type: number;
  /** -1 for the type itself, else the member or parameter index it tags. */
  componentIdx: number;
  /** kind_flag: the tag is an attribute to emit as-is. */
  kindFlag: boolean;
}

export type BtfType =
  | BtfVoid | BtfInt | BtfRefType | BtfArray | BtfComposite | BtfEnum | BtfEnum64 | BtfFwd
  | BtfFunc | BtfFuncProto | BtfVar | BtfDatasec | BtfFloat | BtfDeclTag;

type OfKind<T, K> = T extends { kind: infer TK } ? (K extends TK ? T : never) : never;

/** The type variant of a given kind (`BtfTypeOfKind<'STRUCT'>` is BtfComposite). */
export type BtfTypeOfKind<K extends BtfKind> = OfKind<BtfType, K>;

/** The fixed header at the start of BTF bytes, as read (offsets relative to the end of the header). */
export interface BtfHeader {
  magic: number;
  version: number;
  flags: number;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
  littleEndian: boolean;
}

/** Kinds that only qualify or rename another type; `resolveModifiers` skips them. */
export const MODIFIER_KINDS: ReadonlySet<BtfKind> = new Set(['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG']);

/** The type a type is built on, for the kinds that have one (modifiers, PTR, ARRAY's element, VAR, FUNC, DECL_TAG). */
export function referencedType(t: BtfType): number | undefined {
  switch (t.kind) {
    case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG':
    case 'VAR': case 'FUNC': case 'DECL_TAG': case 'ARRAY':
      return t.type;
    default:
      return undefined;
  }
}
