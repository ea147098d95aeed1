// The assembled object: what the assemblers produce and the ELF writer
// consumes — sections of instructions or data, symbols, relocations, and a
// source span for every instruction slot. Plain data; imports only types.

import type { Span } from '../diagnostics';
import type { Insn } from '../isa/insn';

export interface AsmSection {
  /** ELF section name: `xdp`, `tc`, `.text`, `license`, `.maps`, `.rodata`… */
  name: string;
  /** Code sections hold instructions; data sections hold bytes. */
  kind: 'code' | 'data';
  /** Code: one entry per 8-byte slot (an `lddw` is two). Empty for data. */
  insns: Insn[];
  /** Code: the span of the source line of each slot (the second `lddw` slot repeats the first). */
  spans: (Span | undefined)[];
  /** Data: the section's bytes. Empty for code. */
  bytes: Uint8Array;
}

export interface AsmSymbol {
  name: string;
  /** Section name the symbol is in; undefined for an external (undefined) symbol. */
  section?: string;
  /** Slot index in a code section, byte offset in a data section. */
  offset: number;
  global: boolean;
  kind: 'func' | 'object' | 'notype';
  /** Size in bytes when known (`.size`). */
  size?: number;
}

/** A reference from an instruction to a symbol, to be resolved by the loader (libbpf rules). */
export interface AsmReloc {
  section: string;
  /** Slot index of the `lddw` or `call` that refers to the symbol. */
  insnIdx: number;
  symbol: string;
  /** `lddw` of a map or global variable (R_BPF_64_64) or a call to a function (R_BPF_64_32). */
  kind: 'lddw' | 'call';
}

export interface AsmObject {
  sections: AsmSection[];
  symbols: AsmSymbol[];
  relocs: AsmReloc[];
}
