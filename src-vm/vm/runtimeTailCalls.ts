// Following a Linux run across tail calls: which loaded program the Vm is
// executing now (the launched one, or the one a bpf_tail_call switched to),
// and the source map, disassembly and function names of that program, so
// frames, stepping and the Disassembly view show the tail-called program's
// own C lines. Breakpoints are placed in the launched program. Pure.

import { formatInsn } from '../asm/disassembler';
import type { LoadedProgram } from '../elf/loadedObject';
import type { Vm } from './interpreter';
import { CSourceLines } from './runtimeCLines';
import type { LinePlacement } from './runtimeLines';
import type { DebugLines } from './runtimeTarget';

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
  entry: LoadedProgram, vm: Vm, running: (insns: Vm['insns']) => string | undefined,
  programs: () => readonly LoadedProgram[], resolve?: (fileName: string) => string,
): RunningProgram {
  const sourceMaps = new Map<LoadedProgram, CSourceLines>();
  const linesOf = (p: LoadedProgram): CSourceLines => {
    let lines = sourceMaps.get(p);
    if (!lines) sourceMaps.set(p, (lines = new CSourceLines(p.lineInfo, p.insns.length, resolve)));
    return lines;
  };
  const current = (): LoadedProgram => {
    if (vm.insns === entry.insns) return entry;
    const name = running(vm.insns);
    return programs().find((p) => p.name === name) ?? entry;
  };
  const entryLines = linesOf(entry);
  /** A line with instructions of another program of the file (and none of the launched one) is that program's, not the launched one's. */
  const placeInEntry = (line: number): LinePlacement => {
    const at = entryLines.place(line);
    if (at && !('refused' in at) && at.line === line) return at;
    const owner = programs().find((p) => p.name !== entry.name && sameFile(linesOf(p), entryLines) && linesOf(p).hasLine(line));
    if (owner) return { refused: `line ${line + 1} is in program ${owner.name}, not in ${entry.name}, the one being debugged (launch with "programName": "${owner.name}" to stop there)` };
    return at;
  };
  const lines = {
    sourcePath: entryLines.sourcePath,
    lineOf: (slot: number): number | undefined => linesOf(current()).lineOf(slot),
    columnOf: (slot: number): number | undefined => linesOf(current()).columnOf(slot),
    fileOf: (slot: number): string | undefined => linesOf(current()).fileOf(slot),
    place: (line: number): LinePlacement => placeInEntry(line),
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
