// The runtime's source map for programs compiled from C: BTF line info says
// which C line (and file) each instruction slot belongs to; a breakpoint on a
// C line lands on the first instruction whose record has that line, or, when
// the line has none, on the nearest line that has (below first, else above).
// Lines are 0-based here, as the runtime counts them. Pure.

import { buildLineTable, locationAt, type LineRecord, type LineTable } from '../elf/lineTable';
import type { LinePlacement } from './runtimeLines';
import type { DebugLines } from './runtimeTarget';

export class CSourceLines implements DebugLines {
  private readonly table: LineTable;
  /** 0-based lines of `file` that have instructions, ascending, and the first slot of each. */
  private readonly lines: number[];
  private readonly firstSlot = new Map<number, number>();

  /** The source breakpoints are set in: the file of the program's first record. */
  private readonly file: string | undefined;

  /** `resolve` turns a recorded file name into the path the editor knows. */
  constructor(records: readonly LineRecord[], insnCount: number, private readonly resolve: (fileName: string) => string = (f) => f) {
    const file = records[0]?.fileName;
    this.file = file;
    this.table = buildLineTable(records, insnCount).value;
    for (const r of this.table.records) {
      if (r.fileName !== file || r.line <= 0) continue;
      const line = r.line - 1;
      const known = this.firstSlot.get(line);
      if (known === undefined || r.insnIdx < known) this.firstSlot.set(line, r.insnIdx);
    }
    this.lines = [...this.firstSlot.keys()].sort((a, b) => a - b);
  }

  lineOf(slot: number): number | undefined {
    const loc = locationAt(this.table, slot);
    return loc && loc.line > 0 ? loc.line - 1 : undefined;
  }

  columnOf(slot: number): number | undefined {
    const loc = locationAt(this.table, slot);
    return loc ? Math.max(0, loc.column - 1) : undefined;
  }

  /** The path of the program's own source file, when the object has line info. */
  get sourcePath(): string | undefined {
    return this.file === undefined ? undefined : this.resolve(this.file);
  }

  /** The path of the file the slot's line belongs to (a header for inlined helpers). */
  fileOf(slot: number): string | undefined {
    const name = locationAt(this.table, slot)?.fileName;
    return name === undefined ? undefined : this.resolve(name);
  }

  /** Whether some instruction of the program's own file is on `line` (0-based). */
  hasLine(line: number): boolean {
    return this.firstSlot.has(line);
  }

  place(line: number): LinePlacement {
    if (this.lines.length === 0) return undefined;
    const below = this.lines.find((l) => l >= line);
    const placed = below ?? this.lines[this.lines.length - 1];
    return { slot: this.firstSlot.get(placed)!, line: placed };
  }

  labelAt(): string | undefined {
    return undefined;
  }
}
