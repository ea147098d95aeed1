// Diagnostics shared by every stage of the core (decoder, assemblers, loader):
// plain data with 0-based positions, so the language server can use them as-is
// and the CLI prints them 1-based. Imports nothing.

export type Severity = 'error' | 'warning' | 'info';

/** A range in a text document; lines and columns are 0-based, end exclusive. */
export interface Span {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** Stable machine-readable code, e.g. `asm/unknown-register`, `isa/reserved-field`. */
  code: string;
  /** Where in the source text, for diagnostics that come from text. */
  span?: Span;
  /** Which instruction slot, for diagnostics about instructions. */
  insnIdx?: number;
}

/** What every stage that can partly fail returns: its best value and what went wrong. */
export interface WithDiagnostics<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function spanOnLine(line: number, col: number, endCol: number): Span {
  return { line, col, endLine: line, endCol };
}

/** `file:line:col: error: message` — 1-based, as compilers print. */
export function formatDiagnostic(d: Diagnostic, file = '<input>'): string {
  const where = d.span
    ? `${file}:${d.span.line + 1}:${d.span.col + 1}`
    : d.insnIdx !== undefined
      ? `${file}: insn ${d.insnIdx}`
      : file;
  return `${where}: ${d.severity}: ${d.message}`;
}
