// The functions debugger expressions may call: the byte-order conversions C
// programs use (`ntohs`, `bpf_htonl`…), so a condition can compare a
// network-order field with the number as people write it. Each takes one
// integer and returns one. Pure.

import { U32, type IntType } from './cTypes';

const U16: IntType = { kind: 'int', size: 2, signed: false, name: 'u16' };
const U64: IntType = { kind: 'int', size: 8, signed: false, name: 'u64' };

function swap(value: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

export interface Builtin {
  /** The width the argument is cut to and the result has. */
  type: IntType;
  apply(value: bigint): bigint;
}

const byteSwap = (type: IntType): Builtin => ({ type, apply: (v) => swap(v, type.size) });

/** On a little-endian machine, host/network conversions swap bytes both ways. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map([
  ...['ntohs', 'htons', 'bpf_ntohs', 'bpf_htons', 'be16toh', 'htobe16', '__builtin_bswap16'].map((n) => [n, byteSwap(U16)] as const),
  ...['ntohl', 'htonl', 'bpf_ntohl', 'bpf_htonl', 'be32toh', 'htobe32', '__builtin_bswap32'].map((n) => [n, byteSwap(U32)] as const),
  ...['be64toh', 'htobe64', 'bpf_be64_to_cpu', 'bpf_cpu_to_be64', '__builtin_bswap64'].map((n) => [n, byteSwap(U64)] as const),
]);
