// The program's code as the debugger presents it: each instruction slot has
// an address (`0x<slot * 8>`, the byte offset of the slot, used alike for
// frames' instruction pointers, the Disassembly view and instruction
// breakpoints), its encoded bytes, its text from the one disassembler, the
// function or label that starts there and its source line; and function
// names (func_info symbols, assembly labels) resolve to their entry slot for
// function breakpoints. Pure.

import { encodeInsns, INSN_SIZE, isLddw } from '../isa/insn';
import { formatBytes } from './runtimeInspect';
import type { DebugTarget } from './runtimeTarget';

/** The address of slots outside the program (VS Code's Disassembly view skips it). */
export const OUTSIDE_ADDRESS = '-1';

export interface CodeSlot {
  slot: number;
  /** `0x<slot * 8>`, or OUTSIDE_ADDRESS. */
  address: string;
  /** The slot's 8 bytes in hex (empty outside the program). */
  bytes: string;
  text: string;
  /** The function or label that starts at this slot. */
  symbol?: string;
  /** 0-based source line and column, and the file when it is not the program's own. */
  line?: number;
  column?: number;
  file?: string;
  /** Outside the program: nothing is there. */
  outside?: boolean;
}

export function slotAddress(slot: number): string {
  return `0x${(slot * INSN_SIZE).toString(16)}`;
}

/** The slot an address (`0x…` or decimal) plus a byte `offset` names, or why it names none. */
export function slotOfAddress(reference: string, offset = 0): number | { error: string } {
  let address: bigint;
  try {
    address = BigInt(reference) + BigInt(offset);
  } catch {
    return { error: `'${reference}' is not an instruction address (they look like 0x18)` };
  }
  if (address < 0n) return { error: `-0x${(-address).toString(16)} is before the program's first instruction (0x0)` };
  if (address % BigInt(INSN_SIZE) !== 0n) return { error: `0x${address.toString(16)} is not the address of an instruction (those are multiples of 8)` };
  return Number(address / BigInt(INSN_SIZE));
}

/** Whether `slot` holds the second half of an `lddw` (no instruction starts there). */
export function isSecondHalf(target: DebugTarget, slot: number): boolean {
  const insns = target.vm.insns;
  let i = 0;
  while (i < slot) i += isLddw(insns[i]) ? 2 : 1;
  return i !== slot;
}

function symbolAt(target: DebugTarget, slot: number): string | undefined {
  return target.functionAt(slot) ?? target.lines.labelAt(slot);
}

/** `count` slots from `first` (which may be negative or past the end: those slots are `outside`). */
export function codeSlots(target: DebugTarget, first: number, count: number): CodeSlot[] {
  const insns = target.vm.insns;
  const out: CodeSlot[] = [];
  let secondHalf = first > 0 && first < insns.length && isSecondHalf(target, first);
  for (let slot = first; slot < first + count; slot++) {
    const address = slotAddress(slot);
    if (slot < 0 || slot >= insns.length) {
      out.push({ slot, address: OUTSIDE_ADDRESS, bytes: '', text: '<outside the program>', outside: true });
      continue;
    }
    const bytes = formatBytes(encodeInsns([insns[slot]]));
    const line = target.lines.lineOf(slot);
    const located = line === undefined ? {} : { line, column: target.lines.columnOf(slot), file: target.lines.fileOf?.(slot) };
    const text = secondHalf ? '(second slot of the lddw above)' : target.instructionText(slot);
    out.push({ slot, address, bytes, text, symbol: secondHalf ? undefined : symbolAt(target, slot), ...located });
    secondHalf = !secondHalf && isLddw(insns[slot]);
  }
  return out;
}

/** Every function or label name and the slot it starts at (the first of a name wins). */
export function functionEntries(target: DebugTarget): Map<string, number> {
  const out = new Map<string, number>();
  const n = target.vm.insns.length;
  for (let slot = 0; slot < n; slot++) {
    for (const name of [target.functionAt(slot), target.lines.labelAt(slot)]) {
      if (name !== undefined && !out.has(name)) out.set(name, slot);
    }
  }
  return out;
}
