// Read-only views of a stopped Vm for the debugger: registers per call frame
// (the caller's r6..r10 come from the saved copy in its call frame), the
// 512-byte stack of a frame in rows of 8, memory reads for a memory view, and
// register expressions (`r3`, `w3`, `%r3`). Never changes the Vm. Pure.

import { FRAME_POINTER, REG_COUNT } from '../isa/opcodes';
import { STACK_SIZE, type Vm } from './interpreter';
import { offsetIn, regionAddress } from './memory';
import type { MemoryRead, RegisterView, StackRow } from './runtimeTypes';

/** Registers a caller frame still knows after its call: r6..r9 are callee-saved, r10 its frame pointer. */
const CALLEE_SAVED_FIRST = 6;

/** `0x2a (42)`; values with the top bit set also read as negative (`0xff…ff (-1)`). */
export function formatValue(value: bigint, bits = 64): string {
  const signed = BigInt.asIntN(bits, value);
  return `0x${value.toString(16)} (${signed.toString()})`;
}

/** The region a value points into (up to one byte past its end, as r10 does), if any. */
function pointee(vm: Vm, value: bigint): { region: string; offset: number } | undefined {
  if (value >> 32n === 0n) return undefined;
  const region = vm.memory.regionOf(value);
  if (!region) return undefined;
  const offset = offsetIn(value);
  return offset >= 0 && offset <= region.size ? { region: region.name, offset } : undefined;
}

export function registerView(vm: Vm, name: string, value: bigint): RegisterView {
  const pointsTo = pointee(vm, value);
  if (pointsTo) {
    const text = `0x${value.toString(16)} (${pointsTo.region} + ${pointsTo.offset})`;
    return { name, value, text, type: `pointer to ${pointsTo.region}`, pointsTo };
  }
  return { name, value, text: formatValue(value), type: 'u64' };
}

/** Value of register `r` as frame `depth` sees it, or undefined when that frame no longer knows it. */
export function registerAt(vm: Vm, depth: number, r: number): bigint | undefined {
  if (depth === vm.frames.length) return vm.getReg(r);
  const frame = vm.frames[depth];
  if (frame === undefined || r < CALLEE_SAVED_FIRST) return undefined;
  const i = (r - CALLEE_SAVED_FIRST) * 2;
  return (BigInt(frame.saved[i + 1]) << 32n) | BigInt(frame.saved[i]);
}

/** r0..r10 of the innermost frame; r6..r10 of a caller frame (r0..r5 do not survive a call). */
export function registersAt(vm: Vm, depth: number): RegisterView[] {
  const out: RegisterView[] = [];
  for (let r = 0; r < REG_COUNT; r++) {
    const value = registerAt(vm, depth, r);
    if (value !== undefined) out.push(registerView(vm, `r${r}`, value));
  }
  return out;
}

/** The stack of frame `depth`, top row (fp-8) first, each row in address order. */
export function stackRowsAt(vm: Vm, depth: number): StackRow[] {
  const stack = vm.stacks[depth];
  if (stack === undefined) return [];
  const rows: StackRow[] = [];
  for (let offset = -8; offset >= -STACK_SIZE; offset -= 8) {
    const start = STACK_SIZE + offset;
    rows.push({ offset, address: regionAddress(stack, start), bytes: stack.bytes.slice(start, start + 8) });
  }
  return rows;
}

export function formatBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Up to `count` bytes from `address`: the part inside the region it falls in. */
export function readMemory(vm: Vm, address: bigint, count: number): MemoryRead {
  const region = vm.memory.regionOf(address);
  const offset = offsetIn(address);
  if (!region || offset < 0 || offset >= region.size || count <= 0) {
    return { address, bytes: new Uint8Array(), unreadable: Math.max(0, count) };
  }
  const n = Math.min(count, region.size - offset);
  return { address, bytes: region.bytes.slice(offset, offset + n), unreadable: count - n };
}

const REGISTER_EXPR = /^%?([rw])(\d{1,2})$/;

/**
 * Evaluates a register name in frame `depth`: `r3` (64 bits), `w3` (its low
 * 32 bits), with an optional `%` as the conformance dialect writes it.
 */
export function evaluateRegister(vm: Vm, depth: number, expression: string): RegisterView | { error: string } {
  const m = REGISTER_EXPR.exec(expression.trim());
  const r = m ? Number(m[2]) : -1;
  if (!m || r > FRAME_POINTER) return { error: `cannot evaluate '${expression.trim()}': only registers r0..r10 and w0..w10 can be evaluated` };
  const value = registerAt(vm, depth, r);
  if (value === undefined) return { error: `r${r} is not preserved across the call this frame is waiting on (only r6..r10 are)` };
  const name = `${m[1]}${r}`;
  if (m[1] === 'r') return registerView(vm, name, value);
  const low = value & 0xffffffffn;
  return { name, value: low, text: formatValue(low, 32), type: 'u32' };
}
