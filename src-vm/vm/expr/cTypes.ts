// The C types of debugger expressions: integers of 1, 2, 4 and 8 bytes
// (signed or not, under their kernel, stdint and plain C names), pointers to
// them, and void; C's integer promotions and usual arithmetic conversions;
// and values kept canonical for their type (a signed value as a negative
// bigint, an unsigned one in [0, 2^bits)). Big- and little-endian kernel
// types (`__be16`) are the plain integers C makes of them. Pure.

export interface IntType {
  kind: 'int';
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  name: string;
}

export interface VoidType {
  kind: 'void';
  name: 'void';
}

export interface PtrType {
  kind: 'ptr';
  to: CType;
}

export type CType = IntType | VoidType | PtrType;

const int = (name: string, size: IntType['size'], signed: boolean): IntType => ({ kind: 'int', size, signed, name });

export const U64 = int('u64', 8, false);
export const U32 = int('u32', 4, false);
export const S64 = int('s64', 8, true);
export const INT = int('int', 4, true);
export const UINT = int('unsigned int', 4, false);
export const VOID: VoidType = { kind: 'void', name: 'void' };

/** Every integer type name an expression may cast to, by words (`unsigned long` is two). */
const INT_TYPES: ReadonlyMap<string, IntType> = new Map(
  ([
    ['u8', 1, false], ['u16', 2, false], ['u32', 4, false], ['u64', 8, false],
    ['s8', 1, true], ['s16', 2, true], ['s32', 4, true], ['s64', 8, true],
    ['__u8', 1, false], ['__u16', 2, false], ['__u32', 4, false], ['__u64', 8, false],
    ['__s8', 1, true], ['__s16', 2, true], ['__s32', 4, true], ['__s64', 8, true],
    ['__be16', 2, false], ['__be32', 4, false], ['__be64', 8, false],
    ['__le16', 2, false], ['__le32', 4, false], ['__le64', 8, false],
    ['__sum16', 2, false], ['__wsum', 4, false],
    ['uint8_t', 1, false], ['uint16_t', 2, false], ['uint32_t', 4, false], ['uint64_t', 8, false],
    ['int8_t', 1, true], ['int16_t', 2, true], ['int32_t', 4, true], ['int64_t', 8, true],
    ['char', 1, true], ['signed char', 1, true], ['unsigned char', 1, false],
    ['short', 2, true], ['short int', 2, true], ['unsigned short', 2, false], ['unsigned short int', 2, false],
    ['int', 4, true], ['signed', 4, true], ['signed int', 4, true], ['unsigned', 4, false], ['unsigned int', 4, false],
    ['long', 8, true], ['long int', 8, true], ['unsigned long', 8, false], ['unsigned long int', 8, false],
    ['long long', 8, true], ['unsigned long long', 8, false], ['size_t', 8, false], ['ssize_t', 8, true],
    ['bool', 1, false], ['_Bool', 1, false],
  ] as const).map(([name, size, signed]) => [name, int(name, size, signed)]),
);

/** The type a cast names by its words (`['unsigned', 'char']`), or undefined. */
export function namedType(words: readonly string[]): CType | undefined {
  const name = words.join(' ');
  return name === 'void' ? VOID : INT_TYPES.get(name);
}

/** True when `word` can start a type name (so `(word …)` is a cast). */
export function startsTypeName(word: string): boolean {
  return word === 'void' || INT_TYPES.has(word) || [...INT_TYPES.keys()].some((n) => n.startsWith(`${word} `));
}

export function typeName(t: CType): string {
  if (t.kind !== 'ptr') return t.name;
  const inner = typeName(t.to);
  return inner.endsWith('*') ? `${inner}*` : `${inner} *`;
}

/** Bytes a load through a pointer to `t` reads (void: 1, as GNU C counts void * arithmetic). */
export function sizeOf(t: CType): number {
  return t.kind === 'int' ? t.size : t.kind === 'ptr' ? 8 : 1;
}

/** `value` as a value of `t`: wrapped to its width, negative for signed types with the top bit set. */
export function normalize(value: bigint, t: CType): bigint {
  if (t.kind === 'ptr') return BigInt.asUintN(64, value);
  if (t.kind === 'void') return 0n;
  const bits = t.size * 8;
  return t.signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
}

/** The integer promotions: anything narrower than int becomes int. */
export function promote(t: IntType): IntType {
  return t.size < 4 ? INT : t;
}

/** The usual arithmetic conversions of two integer operands. */
export function commonType(a: IntType, b: IntType): IntType {
  const x = promote(a);
  const y = promote(b);
  if (x.signed === y.signed) return x.size >= y.size ? x : y;
  const [u, s] = x.signed ? [y, x] : [x, y];
  return u.size >= s.size ? u : s;
}
