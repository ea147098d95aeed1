// Instruction -> source line, from BTF line_info: every slot of a program maps
// to the last line_info record at or before it (the kernel's find_linfo), and
// `sourceAnnotations` says where a disassembly prints `; <line> @ file.c:N`,
// with the kernel verifier log's rule for repeated lines. Records are checked
// with the kernel's check_btf_line rules and messages. Pure.

import type { Diagnostic, WithDiagnostics } from '../diagnostics';
import type { Insn } from '../isa/insn';
import type { BtfLineInfo } from './btfExt';

export interface SourceLocation {
  /** The file name as recorded (often a path; the kernel log prints only its last component). */
  fileName: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column (0 when unknown). */
  column: number;
  /** The source line's text as recorded. */
  lineText: string;
}

/** A line_info record placed in a program: `insnIdx` counts slots from the program's first instruction. */
export interface LineRecord extends SourceLocation {
  insnIdx: number;
}

export interface LineTable {
  insnCount: number;
  /** The usable records, in instruction order. */
  records: readonly LineRecord[];
  /** For each slot, the index in `records` of the record covering it, or -1 before the first. */
  recordOfSlot: Int32Array;
}

export interface LineTableOptions {
  /** The program's instructions, to check that no record points at the second half of an lddw. */
  insns?: readonly Insn[];
  /** First slot of each function (func#0 = 0 included): each must start with a record, as the kernel requires. */
  subprogStarts?: readonly number[];
}

/**
 * The records of code-section line_info whose instructions lie in
 * `[firstInsn, firstInsn + count)`, moved to start at slot `at` of a program:
 * how a loader places a program's own lines (at 0) and those of each
 * subprogram it appends (at the subprogram's new start).
 */
export function sliceLineInfo(lineInfo: readonly BtfLineInfo[], firstInsn: number, count: number, at = 0): LineRecord[] {
  const out: LineRecord[] = [];
  for (const r of lineInfo) {
    if (r.insnIdx < firstInsn || r.insnIdx >= firstInsn + count) continue;
    out.push({ insnIdx: r.insnIdx - firstInsn + at, fileName: r.fileName, line: r.line, column: r.column, lineText: r.lineText });
  }
  return out;
}

function kernelChecks(records: readonly LineRecord[], insnCount: number, opts: LineTableOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (insnIdx: number, code: string, message: string): void => {
    diagnostics.push({ severity: 'error', code, message, insnIdx });
  };
  const starts = [...(opts.subprogStarts ?? [])].sort((a, b) => a - b);
  let s = 0;
  let prev = 0;
  records.forEach((r, i) => {
    if ((i > 0 && r.insnIdx <= prev) || r.insnIdx >= insnCount) {
      error(r.insnIdx, 'line-info/bad-insn-off', `Invalid line_info[${i}].insn_off:${r.insnIdx} (prev_offset:${prev} prog->len:${insnCount})`);
    } else if (opts.insns && opts.insns[r.insnIdx]?.code === 0) {
      error(r.insnIdx, 'line-info/bad-insn', `Invalid insn code at line_info[${i}].insn_off`);
    }
    while (s < starts.length && starts[s] < r.insnIdx) {
      error(starts[s], 'line-info/missing-func', `missing bpf_line_info for func#${s}`);
      s++;
    }
    if (s < starts.length && starts[s] === r.insnIdx) s++;
    prev = r.insnIdx;
  });
  if (s < starts.length) error(starts[s], 'line-info/missing-func', `missing bpf_line_info for ${starts.length - s} funcs starting from func#${s}`);
  return diagnostics;
}

/**
 * The line table of a program of `insnCount` slots from its records
 * (`insnIdx` relative to the program, as `sliceLineInfo` gives them).
 * Records the kernel would reject are reported with its messages; the table
 * still maps every slot it can, taking records in instruction order.
 */
export function buildLineTable(records: readonly LineRecord[], insnCount: number, opts: LineTableOptions = {}): WithDiagnostics<LineTable> {
  const diagnostics = kernelChecks(records, insnCount, opts);
  if (insnCount > 0 && records.length === 0 && opts.subprogStarts === undefined) {
    diagnostics.push({ severity: 'warning', code: 'line-info/none', message: 'no line_info for this program: instructions cannot be mapped to source lines' });
  }
  const usable = records
    .filter((r) => Number.isInteger(r.insnIdx) && r.insnIdx >= 0 && r.insnIdx < insnCount)
    .map((r, order) => ({ r, order }))
    .sort((a, b) => a.r.insnIdx - b.r.insnIdx || a.order - b.order)
    .map(({ r }) => r);
  const recordOfSlot = new Int32Array(Math.max(0, insnCount)).fill(-1);
  let k = -1;
  for (let slot = 0; slot < insnCount; slot++) {
    while (k + 1 < usable.length && usable[k + 1].insnIdx <= slot) k++;
    recordOfSlot[slot] = k;
  }
  return { value: { insnCount, records: usable, recordOfSlot }, diagnostics };
}

/** The source location of slot `insnIdx`, or undefined when no record covers it. */
export function locationAt(table: LineTable, insnIdx: number): SourceLocation | undefined {
  const k = insnIdx >= 0 && insnIdx < table.insnCount ? table.recordOfSlot[insnIdx] : -1;
  return k >= 0 ? table.records[k] : undefined;
}

/** The last path component of a file name, as the kernel prints it. */
export function baseName(fileName: string): string {
  return fileName.slice(fileName.lastIndexOf('/') + 1);
}

/** `; <source line> @ file.c:LINE` exactly as the kernel verifier log prints it (line text left-trimmed, file name without directories). */
export function verifierSourceLine(loc: SourceLocation): string {
  return `; ${loc.lineText.replace(/^[ \t\n\v\f\r]+/, '')} @ ${baseName(loc.fileName)}:${loc.line}`;
}

/**
 * Where a straight-line listing of the program prints a source line, and
 * what: before the first slot of each record, except when the line repeats
 * the file and line number of the one printed last (the kernel log's rule:
 * records that differ only in column are not printed twice).
 */
export function sourceAnnotations(table: LineTable): Map<number, string> {
  const out = new Map<number, string>();
  let shown = -1;
  for (let slot = 0; slot < table.insnCount; slot++) {
    const k = table.recordOfSlot[slot];
    if (k < 0 || k === shown) continue;
    const r = table.records[k];
    const last = shown >= 0 ? table.records[shown] : undefined;
    if (last && last.fileName === r.fileName && last.line === r.line) continue;
    out.set(slot, verifierSourceLine(r));
    shown = k;
  }
  return out;
}
