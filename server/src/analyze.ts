// Document text -> assembler result for the language server: the assembled
// object, every diagnostic with a position, and a line -> instruction index
// for hovers; cached per document version. Never throws: a crash in the core
// becomes one "internal error" diagnostic and a log line. Must not import
// vscode or the LSP connection (server.ts wires this to documents).

import type { AsmDialectSetting } from './settings';
import { assembleSource, isLddw, type Diagnostic, type Span, type Dialect, type AsmObject, type AsmSection } from '../../src-vm/index';

/** One instruction of the assembled object: its section and first slot. */
export interface SlotRef {
  section: AsmSection;
  slot: number;
  /** 2 for an `lddw`, 1 otherwise. */
  slots: 1 | 2;
  span: Span;
}

export interface AsmAnalysis {
  dialect: Dialect;
  object: AsmObject;
  /** Every problem found, assembler first; positions are 0-based spans of the document. */
  diagnostics: Diagnostic[];
  /** Instructions by the 0-based line their source starts on. */
  insnsByLine: ReadonlyMap<number, readonly SlotRef[]>;
}

/** What the cache needs of a document (vscode-languageserver-textdocument's TextDocument fits). */
export interface VersionedText {
  uri: string;
  version: number;
  getText(): string;
}

export type LogFn = (message: string) => void;

/** The core entry the analysis runs; a parameter so tests can make it fail. */
export type AssembleFn = typeof assembleSource;

const EMPTY_OBJECT: AsmObject = { sections: [], symbols: [], relocs: [] };

/** Every instruction (not `lddw` tails) of every code section, by source line. */
function indexInsnsByLine(object: AsmObject): Map<number, SlotRef[]> {
  const byLine = new Map<number, SlotRef[]>();
  for (const section of object.sections) {
    if (section.kind !== 'code') continue;
    for (let slot = 0; slot < section.insns.length; slot++) {
      const slots = isLddw(section.insns[slot]) ? 2 : 1;
      const span = section.spans[slot];
      if (span) {
        const refs = byLine.get(span.line) ?? [];
        refs.push({ section, slot, slots, span });
        byLine.set(span.line, refs);
      }
      slot += slots - 1;
    }
  }
  return byLine;
}

/** Logs a crash (with its stack) and returns the one diagnostic the user sees for it. */
export function internalErrorDiagnostic(err: unknown, during: string, log: LogFn): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error && err.stack ? `\n${err.stack}` : '';
  log(`internal error while ${during}: ${message}${stack}`);
  return { severity: 'error', code: 'server/internal-error', message: `internal error: ${message}` };
}

function internalError(err: unknown, log: LogFn): AsmAnalysis {
  const diagnostic = internalErrorDiagnostic(err, 'assembling', log);
  return { dialect: 'llvm', object: EMPTY_OBJECT, diagnostics: [diagnostic], insnsByLine: new Map() };
}

/** Assembles `text` in the chosen dialect (`auto`: LLVM unless only the conformance dialect reads it). */
export function analyzeAsm(text: string, dialect: AsmDialectSetting, log: LogFn, assembleFn: AssembleFn = assembleSource): AsmAnalysis {
  try {
    const { value, diagnostics } = assembleFn(text, dialect === 'auto' ? undefined : dialect);
    return { dialect: value.dialect, object: value.object, diagnostics, insnsByLine: indexInsnsByLine(value.object) };
  } catch (err) {
    return internalError(err, log);
  }
}

/** The instruction whose source starts on `line`, or the one before it on a multi-line span. */
export function insnAtLine(analysis: AsmAnalysis, line: number): SlotRef | undefined {
  const onLine = analysis.insnsByLine.get(line);
  if (onLine && onLine.length > 0) return onLine[0];
  for (const refs of analysis.insnsByLine.values()) {
    const covering = refs.find((r) => r.span.line <= line && line <= r.span.endLine);
    if (covering) return covering;
  }
  return undefined;
}

/** Slot -> span when the object has exactly one code section (so a bare slot index is unambiguous). */
export function soleSectionLocator(analysis: AsmAnalysis): ((insnIdx: number) => Span | undefined) | undefined {
  const code = analysis.object.sections.filter((s) => s.kind === 'code');
  if (code.length !== 1) return undefined;
  return (insnIdx) => code[0].spans[insnIdx];
}

interface CacheEntry {
  version: number;
  dialect: AsmDialectSetting;
  analysis: AsmAnalysis;
}

/** One analysis per open document, reused until the document's version or the dialect changes. */
export class AnalysisCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly log: LogFn, private readonly assembleFn: AssembleFn = assembleSource) {}

  analysisOf(doc: VersionedText, dialect: AsmDialectSetting): AsmAnalysis {
    const cached = this.entries.get(doc.uri);
    if (cached && cached.version === doc.version && cached.dialect === dialect) return cached.analysis;
    const analysis = analyzeAsm(doc.getText(), dialect, this.log, this.assembleFn);
    this.entries.set(doc.uri, { version: doc.version, dialect, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
