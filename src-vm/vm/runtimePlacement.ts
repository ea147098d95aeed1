// Where the debugger's breakpoints land: a line breakpoint on the first
// instruction of its line (or the next line with code), a function breakpoint
// on the entry of the function or label it names, an instruction breakpoint
// on the slot its address names. Each is added to the BreakpointTable with
// its condition, hit condition and log message; one that cannot be placed, or
// whose options do not parse, comes back unverified with the reason. Pure.

import type { Insn } from '../isa/insn';
import { functionEntries, isSecondHalf, slotAddress, slotOfAddress } from './runtimeCode';
import type { BreakpointKind, BreakpointOptions, BreakpointTable } from './runtimeBreakpoints';
import type { DebugTarget } from './runtimeTarget';
import type { RuntimeBreakpoint } from './runtimeTypes';

export interface LineBreakpointRequest extends BreakpointOptions {
  /** 0-based. */
  line: number;
}

export interface FunctionBreakpointRequest extends BreakpointOptions {
  name: string;
}

export interface InstructionBreakpointRequest extends BreakpointOptions {
  /** An instruction address as frames and the disassembly give it (`0x18`). */
  instructionReference: string;
  /** Bytes from that address. */
  offset?: number;
}

/** A function or instruction breakpoint as placed. */
export interface PlacedBreakpoint {
  id: number;
  verified: boolean;
  slot?: number;
  /** 0-based source line of the slot, and its file when not the program's own. */
  line?: number;
  file?: string;
  /** The instruction address, for instruction breakpoints. */
  instructionReference?: string;
  /** Why it is not verified. */
  message?: string;
}

/** Adds a breakpoint at `slot` labelled `label`; the id, or the id and why its options were refused. */
function add(table: BreakpointTable, kind: BreakpointKind, slot: number, label: string, options: BreakpointOptions, code?: readonly Insn[]): { id: number; error?: string } {
  const { condition, hitCondition, logMessage } = options;
  return table.add(kind, slot, label, { condition, hitCondition, logMessage }, code);
}

export function placeLine(table: BreakpointTable, target: DebugTarget | undefined, req: LineBreakpointRequest): RuntimeBreakpoint {
  const requestedLine = req.line;
  const unverified = (id: number, message: string): RuntimeBreakpoint => ({ id, requestedLine, line: requestedLine, verified: false, message });
  if (!target) return unverified(table.newId(), 'no program is loaded');
  const at = target.lines.place(requestedLine);
  if (!at) return unverified(table.newId(), `no instruction on line ${requestedLine + 1} or below it`);
  if ('refused' in at) return unverified(table.newId(), at.refused);
  const added = add(table, 'line', at.slot, `line ${at.line + 1}`, req, at.code);
  if (added.error) return { ...unverified(added.id, added.error), line: at.line };
  return { id: added.id, requestedLine, line: at.line, verified: true, slot: at.slot };
}

function located(target: DebugTarget, slot: number): Pick<PlacedBreakpoint, 'line' | 'file'> {
  const line = target.lines.lineOf(slot);
  return line === undefined ? {} : { line, file: target.lines.fileOf?.(slot) };
}

export function placeFunction(table: BreakpointTable, target: DebugTarget | undefined, req: FunctionBreakpointRequest): PlacedBreakpoint {
  if (!target) return { id: table.newId(), verified: false, message: 'no program is loaded' };
  const entries = functionEntries(target);
  const name = req.name.trim();
  const slot = entries.get(name);
  if (slot === undefined) {
    const known = [...entries.keys()].slice(0, 12).join(', ') || 'none';
    return { id: table.newId(), verified: false, message: `no function or label '${name}' in the program (it has: ${known})` };
  }
  const added = add(table, 'function', slot, `function ${name}`, req);
  if (added.error) return { id: added.id, verified: false, message: added.error };
  return { id: added.id, verified: true, slot, ...located(target, slot) };
}

export function placeInstruction(table: BreakpointTable, target: DebugTarget | undefined, req: InstructionBreakpointRequest): PlacedBreakpoint {
  const reference = req.instructionReference;
  const unverified = (message: string): PlacedBreakpoint => ({ id: table.newId(), verified: false, instructionReference: reference, message });
  if (!target) return unverified('no program is loaded');
  const slot = slotOfAddress(reference, req.offset ?? 0);
  if (typeof slot !== 'number') return unverified(slot.error);
  const slots = target.vm.insns.length;
  if (slot >= slots) return unverified(`instruction ${slot} is past the end of the program (${slots} slots)`);
  if (isSecondHalf(target, slot)) return unverified(`slot ${slot} is the second half of an lddw; no instruction starts there`);
  const added = add(table, 'instruction', slot, `instruction ${slot}`, req);
  if (added.error) return { id: added.id, verified: false, instructionReference: reference, message: added.error };
  return { id: added.id, verified: true, slot, instructionReference: slotAddress(slot), ...located(target, slot) };
}
