// eBPF C documents: which C files the server takes on (globs from settings,
// or the content: bpf_helpers.h, SEC(…)), and clang's messages as LSP
// diagnostics (headers' messages gathered on the #include line that pulled
// them in; a crash or a missing clang as one actionable message). Pure;
// imports LSP types, never vscode.

import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import { STDIN_NAME, type ClangMessage, type BufferCompile } from '../../src-vm/cli/clang';

export const CLANG_SOURCE = 'clang';
export const TOOLCHAIN_SOURCE = 'eBPF Workbench';

export { globToRegExp, isBpfC } from './ebpfDocuments';

const SEVERITY: Readonly<Record<ClangMessage['severity'], DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information, remark: DiagnosticSeverity.Hint,
};

function lineRange(line0: number, col0 = 0, endCol0?: number) {
  return { start: { line: line0, character: col0 }, end: { line: line0, character: endCol0 ?? col0 } };
}

function ownDiagnostic(m: ClangMessage): LspDiagnostic {
  const endLine = m.endLine ?? m.line;
  const endCol = m.endColumn ?? m.column;
  return {
    range: { start: { line: m.line - 1, character: m.column - 1 }, end: { line: endLine - 1, character: Math.max(endCol - 1, m.column - 1) } },
    severity: SEVERITY[m.severity],
    source: CLANG_SOURCE,
    ...(m.flag ? { code: m.flag } : {}),
    message: m.message,
  };
}

function relatedOf(m: ClangMessage, uri: string): DiagnosticRelatedInformation {
  const target = m.file === STDIN_NAME ? uri : pathToFileURL(m.file).href;
  return { location: { uri: target, range: lineRange(m.line - 1, m.column - 1) }, message: `${m.severity}: ${m.message}` };
}

/** One diagnostic per #include line whose header had errors or warnings; each message a related location. */
function headerDiagnostics(messages: readonly ClangMessage[], uri: string): LspDiagnostic[] {
  const byInclude = new Map<number, ClangMessage[]>();
  for (const m of messages) {
    if (m.severity === 'note' || m.severity === 'remark') continue;
    const line = m.includedFrom ?? 1;
    byInclude.set(line, [...(byInclude.get(line) ?? []), m]);
  }
  return [...byInclude].map(([line, ms]) => {
    const worst = ms.some((m) => m.severity === 'error') ? 'error' : 'warning';
    const first = ms.find((m) => m.severity === worst)!;
    const more = ms.length > 1 ? ` (and ${ms.length - 1} more)` : '';
    return {
      range: lineRange(line - 1, 0, 0),
      severity: SEVERITY[worst],
      source: CLANG_SOURCE,
      code: 'clang/in-header',
      message: `in ${first.file}:${first.line}:${first.column}: ${first.message}${more}`,
      relatedInformation: ms.map((m) => relatedOf(m, uri)),
    };
  });
}

/** clang's messages for the buffer of `uri`: its own at their ranges (notes attached to the message before them), headers' gathered. */
export function clangDiagnostics(messages: readonly ClangMessage[], uri: string): LspDiagnostic[] {
  const own: LspDiagnostic[] = [];
  const foreign: ClangMessage[] = [];
  let last: LspDiagnostic | undefined;
  for (const m of messages) {
    if (m.severity === 'note' && last) {
      (last.relatedInformation ??= []).push(relatedOf(m, uri));
      continue;
    }
    if (m.file === STDIN_NAME) {
      last = ownDiagnostic(m);
      own.push(last);
    } else {
      foreign.push(m);
      last = undefined;
    }
  }
  return [...own, ...headerDiagnostics(foreign, uri)];
}

/** A diagnostic for a compile that produced no object and no message we could place: a crash or an unrunnable clang. */
export function compileFailure(result: BufferCompile, clang: string, placedErrors: number): LspDiagnostic | undefined {
  const crashed = result.signal !== null || /PLEASE submit a bug report|clang frontend command failed/.test(result.stderr);
  if (!crashed && result.status !== null && (result.status === 0 || placedErrors > 0)) return undefined;
  const firstLine = result.stderr.split('\n').find((l) => l.trim().length > 0) ?? '';
  const how = result.signal ? `was killed by ${result.signal}` : result.status === null ? 'could not be run'
    : crashed ? `crashed (exit ${result.status})` : `failed (exit ${result.status})`;
  return {
    range: lineRange(0), severity: DiagnosticSeverity.Error, source: TOOLCHAIN_SOURCE, code: 'clang/crashed',
    message: `${clang} ${how} while compiling this file${firstLine ? `: ${firstLine.trim()}` : ''}. The verifier did not run; see the server log for clang's output.`,
  };
}

/** The one message shown when no usable clang exists. */
export function clangMissing(message: string): LspDiagnostic {
  return { range: lineRange(0), severity: DiagnosticSeverity.Error, source: TOOLCHAIN_SOURCE, code: 'clang/missing', message: `Cannot compile eBPF C: ${message}` };
}
