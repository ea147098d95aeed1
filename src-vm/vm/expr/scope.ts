// What a debugger expression can see, as interfaces its evaluator reads:
// the stopped frame's registers and memory (ExprScope), and the program's
// named things (ExprSymbols): global variables of .data/.rodata/.bss, maps
// by name, and enum constants. The runtime builds them over a Vm and, for an
// object, over its BTF and maps. Types only.

import type { IntType } from './cTypes';

/** How a global variable's bytes read as a value. */
export type GlobalShape =
  | { kind: 'int'; type: IntType }
  /** An array; `element` is set when its elements are integers (then `global[i]` reads one). */
  | { kind: 'array'; element?: IntType; count: number }
  | { kind: 'bytes' };

export interface ExprGlobal {
  name: string;
  /** Its C type (`__u64`, `char[16]`, `struct config`). */
  typeName: string;
  /** The section it lives in (`.data`, `.bss`, `.rodata`). */
  section: string;
  shape: GlobalShape;
  /** Its bytes now, or a sentence saying why they cannot be read. */
  bytes(): Uint8Array | string;
}

export interface ExprMap {
  name: string;
  /** The kernel's type name (`array`, `hash`, `percpu_array`…). */
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** The value stored under `key` (CPU 0's copy for per-CPU maps), undefined when there is none, or why the lookup fails. */
  lookup(key: Uint8Array): Uint8Array | undefined | string;
  /** Elements it holds now. */
  count(): number;
}

export interface ExprSymbols {
  global(name: string): ExprGlobal | undefined;
  map(name: string): ExprMap | undefined;
  /** An enum constant of the program's types (`XDP_PASS`). */
  constant(name: string): { value: bigint; type: IntType } | undefined;
}

export interface ExprScope {
  /** Register `reg` as the frame sees it, or a sentence saying why it cannot. */
  register(reg: number): bigint | string;
  /** `size` bytes at `address` as a little-endian unsigned integer, or a sentence saying why they cannot be read. */
  load(address: bigint, size: number): bigint | string;
  symbols?: ExprSymbols;
}
