// The `ebpf/programs` answer: each program's verdict from a document's last
// verification (name, section, outcome, instruction and state counts, the
// rejection's message and line) and how many errors and warnings the server
// published for it last, which the client's status bar shows. Pure: plain
// data in, plain data out; the counts (and the version they are of) are
// recorded by server.ts as it publishes.

import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { DocResults } from './documentAnalyzer';
import type { ProgramsResult, ProgramVerdict } from './protocol';
import type { ProgramResult } from './verifyJob';

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
}

export interface Published extends DiagnosticCounts {
  version: number;
}

export function countDiagnostics(diagnostics: readonly LspDiagnostic[]): DiagnosticCounts {
  let errors = 0, warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors++;
    else if (d.severity === DiagnosticSeverity.Warning) warnings++;
  }
  return { errors, warnings };
}

/** What the server published last per document, counted. */
export class PublishedCounts {
  private readonly counts = new Map<string, Published>();

  record(uri: string, version: number, diagnostics: readonly LspDiagnostic[]): void {
    this.counts.set(uri, { version, ...countDiagnostics(diagnostics) });
  }

  of(uri: string): Published | undefined {
    return this.counts.get(uri);
  }

  forget(uri: string): void {
    this.counts.delete(uri);
  }
}

export function programVerdict(p: ProgramResult): ProgramVerdict {
  const v: ProgramVerdict = {
    name: p.name, section: p.section, type: p.type, outcome: p.outcome,
    insnCount: p.insnCount, processedInsns: p.processedInsns, totalStates: p.totalStates, line: p.startLine,
  };
  if (p.outcome === 'reject') {
    v.message = p.error?.message ?? 'rejected';
    if (p.error?.span) v.errorLine = p.error.span.line;
  } else if (p.outcome === 'unsupported') {
    v.message = p.reason ?? `program type ${p.type ?? '(none)'} is not modelled`;
  }
  return v;
}

export function programVerdicts(uri: string, results: DocResults | undefined, published: Published | undefined): ProgramsResult {
  return {
    uri,
    kind: results?.kind ?? 'none',
    version: results?.version,
    verifiedVersion: results?.verifiedVersion,
    publishedVersion: published?.version,
    programs: results?.verify?.programs.map(programVerdict) ?? [],
    errors: published?.errors ?? 0,
    warnings: published?.warnings ?? 0,
  };
}
