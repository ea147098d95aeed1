// Verification results -> LSP diagnostics: each rejected program's error at
// its instruction's position (assembly span or C line/column from BTF line
// info), the kernel's message first, its detail lines and the program name
// (when the file holds several) after it, a stable code, the causes as
// relatedInformation; programs we cannot verify as one information line.
// Pure; imports LSP types, never vscode.

import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import type { Span } from '../../src-vm/index';
import { isDisagreement } from './programRun';
import { spanToRange, toLspDiagnostics } from './toDiagnostics';
import type { ProgramResult, VerifyJobResult } from './verifyJob';

export const VERIFIER_SOURCE = 'eBPF verifier';
export const INTERPRETER_SOURCE = 'eBPF interpreter';

/** A zero-width C position grows to the end of its statement (or line), so the squiggle is visible. */
export type RangeWidener = (span: Span) => Range;

function programLine(p: ProgramResult): Range {
  const line = p.startLine ?? 0;
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

function programDiagnostic(p: ProgramResult, uri: string, several: boolean, widen: RangeWidener): LspDiagnostic | undefined {
  const suffix = several ? [`in program ${p.name} (${p.section})`] : [];
  if (p.outcome === 'unsupported' && p.type === undefined) {
    const message = `${p.name}: not verified: section ${p.section} names no program type; use a libbpf section name (.section xdp, .section tc, …) or set ebpf.asm.programType`;
    return { range: programLine(p), severity: DiagnosticSeverity.Information, source: VERIFIER_SOURCE, code: 'verifier/no-type', message };
  }
  if (p.outcome === 'unsupported') {
    return { range: programLine(p), severity: DiagnosticSeverity.Information, source: VERIFIER_SOURCE, code: 'verifier/not-modelled', message: `${p.name}: not verified: ${p.reason ?? ''}` };
  }
  if (!p.error) return undefined;
  const related = p.causes.map((c) => ({ location: { uri, range: widen(c.span) }, message: c.message }));
  return {
    range: p.error.span ? widen(p.error.span) : programLine(p),
    severity: DiagnosticSeverity.Error,
    source: VERIFIER_SOURCE,
    code: p.error.code,
    message: [p.error.message, ...p.error.detail, ...suffix].join('\n'),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}

/** An accepted program that faults in the interpreter: the verifier or the interpreter is wrong; at the faulting instruction. */
function runDiagnostic(p: ProgramResult, several: boolean, widen: RangeWidener): LspDiagnostic | undefined {
  if (!p.run?.fault || !isDisagreement(p.run)) return undefined;
  const span = p.insns[p.run.fault.pc]?.span;
  const suffix = several ? `\nin program ${p.name} (${p.section})` : '';
  return {
    range: span ? widen(span) : programLine(p),
    severity: DiagnosticSeverity.Error,
    source: INTERPRETER_SOURCE,
    code: p.run.fault.code,
    message: `the verifier accepts this program, but the interpreter faults here on the default packet: ${p.run.fault.message} (insn ${p.run.fault.pc}); one of the two is wrong${suffix}`,
  };
}

/** Every program's verdict that needs the user's attention, then the loader's and targets' own diagnostics. */
export function verifierDiagnostics(result: VerifyJobResult, uri: string, widen: RangeWidener = spanToRange): LspDiagnostic[] {
  const several = result.programs.length > 1;
  const own = result.programs.flatMap((p) => [programDiagnostic(p, uri, several, widen), runDiagnostic(p, several, widen)].filter((d): d is LspDiagnostic => d !== undefined));
  return [...own, ...toLspDiagnostics(result.diagnostics, undefined, VERIFIER_SOURCE)];
}

/** For C: from the BTF column to the end of the statement on that line (`;`), or the line's end. */
export function statementWidener(text: string): RangeWidener {
  const lines = text.split(/\r?\n/);
  return (span) => {
    if (span.endLine !== span.line || span.endCol !== span.col) return spanToRange(span);
    const line = lines[span.line] ?? '';
    const semicolon = line.indexOf(';', span.col);
    const end = semicolon >= 0 ? semicolon : line.trimEnd().length;
    return { start: { line: span.line, character: span.col }, end: { line: span.line, character: Math.max(end, span.col) } };
  };
}
