// Core diagnostics (src-vm/diagnostics.ts: 0-based spans, or only a slot
// index) -> LSP diagnostics. Positions are taken from the spans unchanged;
// a diagnostic that names only an instruction slot is placed through the
// caller's slot -> span lookup. Pure; imports LSP types, never vscode or fs.

import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import { type Diagnostic, type Severity, type Span } from '../../src-vm/index';

/** The `source` of every diagnostic that comes from assembling a document. */
export const ASM_SOURCE = 'eBPF assembler';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Where a diagnostic that only names slot `insnIdx` belongs in the text, if known. */
export type SlotLocator = (insnIdx: number) => Span | undefined;

/** The top of the document: where a diagnostic with no position at all is shown. */
const DOCUMENT_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function spanToRange(span: Span): Range {
  const start = { line: span.line, character: span.col };
  const endsBefore = span.endLine < span.line || (span.endLine === span.line && span.endCol < span.col);
  const end = endsBefore ? start : { line: span.endLine, character: span.endCol };
  return { start, end: { ...end } };
}

function rangeOf(d: Diagnostic, locate?: SlotLocator): Range {
  if (d.span) return spanToRange(d.span);
  const slotSpan = d.insnIdx !== undefined ? locate?.(d.insnIdx) : undefined;
  return slotSpan ? spanToRange(slotSpan) : DOCUMENT_START;
}

export function toLspDiagnostic(d: Diagnostic, locate?: SlotLocator, source = ASM_SOURCE): LspDiagnostic {
  return {
    range: rangeOf(d, locate),
    severity: SEVERITY[d.severity],
    code: d.code,
    source,
    message: d.message,
  };
}

export function toLspDiagnostics(ds: readonly Diagnostic[], locate?: SlotLocator, source = ASM_SOURCE): LspDiagnostic[] {
  return ds.map((d) => toLspDiagnostic(d, locate, source));
}
