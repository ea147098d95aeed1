// The runtime's source map for assembly programs: which line each instruction
// slot came from, where a breakpoint asked for on a line really lands (the
// first slot of that line, or of the next line with an instruction), and which
// label names a function entry. Built from assembler spans. Pure.

import type { Span } from '../diagnostics';
import type { Insn } from '../isa/insn';

/** Where a breakpoint on a line lands. */
/**
 * Where a breakpoint on a line lands: a slot (of `code`, another program a
 * tail call may run, when set; else of the launched one), nowhere (no
 * instruction at or below it), or refused with a reason.
 */
export type LinePlacement = { slot: number; line: number; code?: readonly Insn[] } | { refused: string } | undefined;

/** A label definition at the start of a line: `name:` (LLVM) or `name:` (conformance). */
const LABEL_LINE = /^\s*([A-Za-z_.$][\w.$]*)\s*:/;

export class SourceLines {
  /** Lines with at least one instruction, ascending, and the first slot of each. */
  private readonly lines: number[] = [];
  private readonly firstSlot = new Map<number, number>();
  private readonly textLines: string[];

  constructor(private readonly spans: readonly (Span | undefined)[], text: string) {
    this.textLines = text.split(/\r?\n/);
    spans.forEach((span, slot) => {
      if (span === undefined || this.firstSlot.has(span.line)) return;
      this.firstSlot.set(span.line, slot);
    });
    this.lines = [...this.firstSlot.keys()].sort((a, b) => a - b);
  }

  /** 0-based line of a slot, when known. */
  lineOf(slot: number): number | undefined {
    return this.spans[slot]?.line;
  }

  columnOf(slot: number): number | undefined {
    return this.spans[slot]?.col;
  }

  /** The first slot on `line`, or on the next line below it that has an instruction. */
  place(line: number): LinePlacement {
    let lo = 0;
    let hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid] < line) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.lines.length) return undefined;
    const placed = this.lines[lo];
    return { slot: this.firstSlot.get(placed)!, line: placed };
  }

  /**
   * The label defined just above the instruction at `slot` (no other
   * instruction in between), e.g. `sub` for a `call sub` target.
   */
  labelAt(slot: number): string | undefined {
    const line = this.lineOf(slot);
    if (line === undefined) return undefined;
    const own = LABEL_LINE.exec(this.textLines[line] ?? '');
    if (own) return own[1];
    for (let l = line - 1; l >= 0 && !this.firstSlot.has(l); l--) {
      const m = LABEL_LINE.exec(this.textLines[l] ?? '');
      if (m) return m[1];
    }
    return undefined;
  }
}
