// What EbpfRuntime debugs, whatever it came from: a Vm, a way to run it (an
// assembly program runs the Vm alone; a Linux program runs it through
// LinuxMachine so its helpers reach the run), the source map for breakpoints
// and frames, and the words the end of a run adds (the return value's name).
// Types only; no vscode, no fs.

import type { ExprSymbols } from './expr/scope';
import type { Insn } from '../isa/insn';
import type { OpaqueTest } from './history/objectSnapshot';
import type { LinuxView } from './inspect/linuxView';
import type { StopReason, Vm } from './interpreter';
import type { LinePlacement } from './runtimeLines';
import type { LoadedProgramInfo } from './runtimeTypes';

/** Slots to 0-based source lines and back. */
export interface DebugLines {
  lineOf(slot: number): number | undefined;
  columnOf(slot: number): number | undefined;
  /** Where a breakpoint asked for on `line` lands. */
  place(line: number): LinePlacement;
  /** The line of `slot` in the program `code` (the launched one or a tail call's), whichever runs now. */
  lineIn?(code: readonly Insn[], slot: number): number | undefined;
  /** The file of the slot's line, when it is not the target's own (an inlined header function). */
  fileOf?(slot: number): string | undefined;
  /** The name of the function starting at `slot`, when the source names it. */
  labelAt(slot: number): string | undefined;
}

export interface DebugTarget {
  readonly vm: Vm;
  readonly lines: DebugLines;
  /** Name of the main frame: the section or program. */
  readonly name: string;
  /** The source file breakpoints and frames refer to, when it is not the launched file (C of an object). */
  readonly sourcePath?: string;
  /** One sentence for the debug console when the run starts. */
  readonly summary: string;
  readonly info?: LoadedProgramInfo;
  /** Executes up to `maxSteps` instructions; stops early at a breakpoint (unless `breaks` is false), the exit or a fault. */
  run(maxSteps: number, breaks?: boolean): StopReason;
  /** The objects holding all mutable run state (the step history snapshots them). */
  stateRoots(): object[];
  /** Objects the step history keeps by reference: code, helper tables, immutable data. */
  readonly opaque: OpaqueTest;
  /** The instruction at `slot`, disassembled. */
  instructionText(slot: number): string;
  /** The function symbol at entry `slot`, when there is one. */
  functionAt(slot: number): string | undefined;
  /** The name of a return value (`XDP_PASS`), when the program type names it. */
  returnName?(r0: bigint): string | undefined;
  /** Lines the program printed (trace_printk, ring buffer) since the last call. */
  takeOutput?(): string[];
  /** Global variables, maps and enum constants that debugger expressions can name (an object's). */
  readonly symbols?: ExprSymbols;
  /** Linux programs: the object, context and maps the Variables pane shows (read-only views). */
  readonly linux?: LinuxView;
}
