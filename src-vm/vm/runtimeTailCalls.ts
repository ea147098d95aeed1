// Following a Linux run across tail calls: which loaded program the Vm is
// executing now (the launched one, or the one a bpf_tail_call switched to),
// and the source map, disassembly and function names of that program, so
// frames, stepping and the Disassembly view show the tail-called program's
// own C lines. A breakpoint on a line of another program of the file is
// placed in that program, where it stops when a tail call runs it. Pure.

import { formatInsn } from '../asm/disassembler';
import type { LoadedProgram } from '../elf/loadedObject';
import type { Vm } from './interpreter';
import { CSourceLines } from './runtimeCLines';
import type { LinePlacement } from './runtimeLines';
import type { DebugLines } from './runtimeTarget';

/** A program as the machine runs it: its name and the very instructions a tail call switches to. */
export interface MachineProgram {
  readonly name: string;
  readonly insns: Vm['insns'];
}

export interface RunningProgram {
  /** The program the Vm is executing now. */
  current(): LoadedProgram;
  /** Its source map (placing breakpoints: the launched program's). */
  readonly lines: DebugLines & { readonly sourcePath: string | undefined };
  instructionText(slot: number): string;
  functionAt(slot: number): string | undefined;
}

/**
 * `entry` is the launched program; `programs` gives the object's programs by
 * name (asked only after a tail call), `running` the name of the program
 * whose instructions the Vm holds.
 */
const sameFile = (a: CSourceLines, b: CSourceLines): boolean => a.sourcePath !== undefined && a.sourcePath === b.sourcePath;

export function followTailCalls(
  entry: LoadedProgram, vm: Vm, machinePrograms: () => readonly MachineProgram[],
  programs: () => readonly LoadedProgram[], resolve?: (fileName: string) => string,
): RunningProgram {
  const running = (insns: Vm['insns']): string | undefined => machinePrograms().find((p) => p.insns === insns)?.name;
  const sourceMaps = new Map<LoadedProgram, CSourceLines>();
  const linesOf = (p: LoadedProgram): CSourceLines => {
    let lines = sourceMaps.get(p);
    if (!lines) sourceMaps.set(p, (lines = new CSourceLines(p.lineInfo, p.insns.length, resolve)));
    return lines;
  };
  /** The loaded program whose instructions `code` are (the machine runs them; the line info is the loaded program's). */
  const programOf = (code: Vm['insns']): LoadedProgram => {
    if (code === entry.insns) return entry;
    const name = running(code);
    return programs().find((p) => p.name === name) ?? entry;
  };
  const current = (): LoadedProgram => programOf(vm.insns);
  const entryLines = linesOf(entry);
  /** A line with instructions of another program of the file (and none of the launched one) is that program's, not the launched one's. */
  const placeInEntry = (line: number): LinePlacement => {
    const at = entryLines.place(line);
    if (at && !('refused' in at) && at.line === line) return at;
    const owner = programs().find((p) => p.name !== entry.name && sameFile(linesOf(p), entryLines) && linesOf(p).hasLine(line));
    const code = owner && machinePrograms().find((p) => p.name === owner.name)?.insns;
    if (!owner || !code) return at;
    // Another program of the file: its breakpoint stops there when a tail call runs it.
    const there = linesOf(owner).place(line);
    return there && !('refused' in there) ? { ...there, code } : at;
  };
  const lines = {
    sourcePath: entryLines.sourcePath,
    lineOf: (slot: number): number | undefined => linesOf(current()).lineOf(slot),
    columnOf: (slot: number): number | undefined => linesOf(current()).columnOf(slot),
    fileOf: (slot: number): string | undefined => linesOf(current()).fileOf(slot),
    place: (line: number): LinePlacement => placeInEntry(line),
    lineIn: (code: Vm['insns'], slot: number): number | undefined => linesOf(programOf(code)).lineOf(slot),
    labelAt: (): string | undefined => undefined,
  };
  return {
    current,
    lines,
    instructionText: (slot) => {
      const p = current();
      const symbols = p.funcInfo.map((f) => ({ name: f.name, offset: f.insnIdx }));
      return slot >= 0 && slot < p.insns.length ? formatInsn(p.insns, slot, { symbols }) : '<outside the program>';
    },
    functionAt: (slot) => {
      const p = current();
      return p.funcInfo.find((f) => f.insnIdx === slot)?.name ?? (slot === 0 ? p.name : undefined);
    },
  };
}
