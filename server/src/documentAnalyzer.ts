// What happens to a document between an edit and its squiggles: assembly is
// assembled here (fast) and, when it assembles, verified on the worker pool;
// eBPF C is compiled by clang from the unsaved buffer (cancelled by the next
// edit) and the object verified on the pool. Keeps each document's latest
// results for hovers, CodeLens and symbols. A document's newer version always
// wins: stale compiles and runs are cancelled and never published.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { compileCBuffer, parseClangMessages, probeClang, STDIN_NAME } from '../../src-vm/cli/clang';
import { hasErrors } from '../../src-vm/index';
import { AnalysisCache, internalErrorDiagnostic, soleSectionLocator, type AsmAnalysis, type VersionedText } from './analyze';
import { clangDiagnostics, clangMissing, compileFailure, isBpfC } from './cDocument';
import { nodeDebouncer } from './debounce';
import type { ServerSettings } from './settings';
import { toLspDiagnostics } from './toDiagnostics';
import { statementWidener, verifierDiagnostics } from './verifierDiagnostics';
import type { VerifierPool } from './verifierPool';
import type { VerifyJob, VerifyJobResult } from './verifyJob';

export interface AnalyzedDoc extends VersionedText {
  languageId: string;
}

export type DocKind = 'asm' | 'c' | 'none';

export interface DocResults {
  version: number;
  kind: DocKind;
  /** The last verification that finished for this document (possibly of an older version). */
  verify?: VerifyJobResult;
  verifiedVersion?: number;
  /** What `verify` was made from, so one program can be verified again with its log (the log view). */
  verifiedJob?: VerifyJob;
}

export interface AnalyzerDeps {
  pool: VerifierPool;
  publish: (uri: string, version: number, diagnostics: LspDiagnostic[]) => void;
  log: (message: string) => void;
  settings: () => ServerSettings;
}

export const ASM_LANGUAGE_ID = 'ebpf-asm';
const ASM_EXTENSIONS = /\.(bpf\.s|ebpf|bpfasm)$/;

/** The file system path of a document (an untitled or remote one: a made-up name under the working directory). */
export function pathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return join(process.cwd(), uri.replace(/^[a-z]+:/, '').replace(/[^\w.-]/g, '_'));
}

export class DocumentAnalyzer {
  readonly cache: AnalysisCache;
  private readonly results = new Map<string, DocResults>();
  private readonly started = new Map<string, number>();
  private readonly compiles = new Map<string, AbortController>();
  private readonly debouncer = nodeDebouncer();

  constructor(private readonly deps: AnalyzerDeps) {
    this.cache = new AnalysisCache(deps.log);
  }

  kindOf(doc: AnalyzedDoc): DocKind {
    if (doc.languageId === ASM_LANGUAGE_ID || ASM_EXTENSIONS.test(doc.uri)) return 'asm';
    if (doc.languageId === 'c' && isBpfC(pathOf(doc.uri), doc.getText(), this.deps.settings().c.files)) return 'c';
    return 'none';
  }

  resultsOf(uri: string): DocResults | undefined {
    return this.results.get(uri);
  }

  asmAnalysis(doc: AnalyzedDoc): AsmAnalysis {
    return this.cache.analysisOf(doc, this.deps.settings().asm.dialect);
  }

  /** An edit: analyse after the document's quiet period. */
  changed(doc: AnalyzedDoc, getDoc: () => AnalyzedDoc | undefined): void {
    if (this.started.get(doc.uri) === doc.version) return;
    const kind = this.kindOf(doc);
    if (kind === 'none') return;
    this.cancelCompile(doc.uri);
    this.deps.pool.cancel(doc.uri);
    const s = this.deps.settings();
    this.debouncer.schedule(doc.uri, kind === 'asm' ? s.asm.debounceMs : s.c.debounceMs, () => {
      const current = getDoc();
      if (current) this.analyzeNow(current);
    });
  }

  /** Open, save or new settings: analyse now, unless this version is already under way or done. */
  analyzeNow(doc: AnalyzedDoc, force = false): void {
    if (!force && this.started.get(doc.uri) === doc.version) return;
    this.debouncer.cancel(doc.uri);
    const kind = this.kindOf(doc);
    this.started.set(doc.uri, doc.version);
    const prior = this.results.get(doc.uri);
    this.results.set(doc.uri, { ...prior, version: doc.version, kind });
    if (kind === 'asm') this.analyzeAsm(doc);
    else if (kind === 'c') void this.analyzeC(doc).catch((err: unknown) => this.publishCrash(doc, err, 'compiling'));
    else if (prior && prior.kind !== 'none') this.deps.publish(doc.uri, doc.version, []);
  }

  closed(uri: string): void {
    this.debouncer.cancel(uri);
    this.cancelCompile(uri);
    this.deps.pool.cancel(uri);
    this.cache.forget(uri);
    this.results.delete(uri);
    this.started.delete(uri);
  }

  dispose(): void {
    this.debouncer.cancelAll();
    for (const uri of [...this.compiles.keys()]) this.cancelCompile(uri);
  }

  private cancelCompile(uri: string): void {
    this.compiles.get(uri)?.abort();
    this.compiles.delete(uri);
  }

  private isCurrent(doc: AnalyzedDoc): boolean {
    return this.started.get(doc.uri) === doc.version;
  }

  private publishCrash(doc: AnalyzedDoc, err: unknown, during: string): void {
    if (!this.isCurrent(doc)) return;
    this.deps.publish(doc.uri, doc.version, toLspDiagnostics([internalErrorDiagnostic(err, `${during} ${doc.uri}`, this.deps.log)]));
  }

  private analyzeAsm(doc: AnalyzedDoc): void {
    const settings = this.deps.settings();
    const analysis = this.asmAnalysis(doc);
    const asmDiags = toLspDiagnostics(analysis.diagnostics, soleSectionLocator(analysis));
    if (hasErrors(analysis.diagnostics) || !settings.verifier.enabled || !analysis.object.sections.some((s) => s.kind === 'code' && s.insns.length > 0)) {
      this.deps.publish(doc.uri, doc.version, asmDiags);
      return;
    }
    const job: VerifyJob = { kind: 'asm', text: doc.getText(), dialect: analysis.dialect, programType: settings.asm.programType };
    this.verify(doc, job, (result) => [...asmDiags, ...verifierDiagnostics(result, doc.uri)], asmDiags);
  }

  private verify(doc: AnalyzedDoc, job: VerifyJob, toDiags: (r: VerifyJobResult) => LspDiagnostic[], before: LspDiagnostic[]): void {
    void this.deps.pool.run(doc.uri, job).then((outcome) => {
      if (!this.isCurrent(doc) || outcome.kind === 'cancelled') return;
      if (outcome.kind === 'failed') {
        this.deps.publish(doc.uri, doc.version, [...before, ...toLspDiagnostics([internalErrorDiagnostic(new Error(outcome.error), `verifying ${doc.uri}`, this.deps.log)])]);
        return;
      }
      const entry = this.results.get(doc.uri);
      if (entry) Object.assign(entry, { verify: outcome.result, verifiedVersion: doc.version, verifiedJob: job });
      this.deps.publish(doc.uri, doc.version, toDiags(outcome.result));
    });
  }

  private async analyzeC(doc: AnalyzedDoc): Promise<void> {
    const settings = this.deps.settings();
    const clang = probeClang(settings.c.clangPath || undefined);
    if ('error' in clang) {
      this.deps.publish(doc.uri, doc.version, [clangMissing(clang.error)]);
      return;
    }
    this.cancelCompile(doc.uri);
    const abort = new AbortController();
    this.compiles.set(doc.uri, abort);
    const text = doc.getText();
    const compiled = await compileCBuffer(clang.path, pathOf(doc.uri), text, settings.c, abort.signal);
    if (this.compiles.get(doc.uri) === abort) this.compiles.delete(doc.uri);
    if (compiled.aborted || !this.isCurrent(doc)) return;
    const messages = parseClangMessages(compiled.stderr);
    const clangDiags = clangDiagnostics(messages, doc.uri);
    const failure = compileFailure(compiled, clang.path, messages.filter((m) => m.severity === 'error').length);
    if (failure) this.deps.log(`clang on ${doc.uri} (status ${compiled.status}, signal ${compiled.signal}):\n${compiled.stderr}`);
    const diags = failure ? [...clangDiags, failure] : clangDiags;
    if (!compiled.bytes || !settings.verifier.enabled) {
      this.deps.publish(doc.uri, doc.version, diags);
      return;
    }
    const name = pathOf(doc.uri).replace(/^.*\//, '').replace(/\.(bpf\.)?c$/, '');
    const job: VerifyJob = { kind: 'object', bytes: compiled.bytes, objectName: name, mainFile: STDIN_NAME };
    const widen = statementWidener(text);
    this.verify(doc, job, (result) => [...diags, ...verifierDiagnostics(result, doc.uri, widen)], diags);
  }
}
