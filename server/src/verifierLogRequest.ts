// Answers `ebpf/verifierLog`: finds the document's last verification and the
// chosen program, verifies that program again with its log on the worker pool
// (the quick verdict keeps no log, and a million-line log must not block the
// server's message loop), keeps the log's tail when it is very long, and links
// it to the source (verifierLogLinks.ts). Programs too big for a full log get
// the level-1 log (the failing or last path), as the hovers' detailed run does.

import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocResults } from './documentAnalyzer';
import { pathOf } from './documentAnalyzer';
import type { VerifierLogParams, VerifierLogResult, VerifierLogLevel } from './protocol';
import { linkVerifierLog } from './verifierLogLinks';
import type { VerifierPool } from './verifierPool';
import { DETAILED_RUN_LIMIT } from './verifyJob';

/** Lines kept of a longer log (its end, where the verdict is). */
export const MAX_LOG_LINES = 200_000;

export interface LogRequestDeps {
  pool: VerifierPool;
  results: (uri: string) => DocResults | undefined;
  /** The document's current text, when it is open. */
  text: (uri: string) => string | undefined;
}

/** The pool key of a document's log job: apart from its verification, which it must neither cancel nor wait on. */
const logKey = (uri: string): string => `${uri}\u0000log`;

/** A header named by base name in the log: found among the line info's full paths, else beside the document. */
function fileResolver(files: readonly string[], docPath: string): (name: string) => string | undefined {
  return (name) => {
    const full = files.find((f) => basename(f) === name) ?? name;
    const path = isAbsolute(full) ? full : resolve(dirname(docPath), full);
    return existsSync(path) ? pathToFileURL(path).href : undefined;
  };
}

export async function verifierLogRequest(deps: LogRequestDeps, params: VerifierLogParams): Promise<VerifierLogResult> {
  const { uri } = params;
  const text = deps.text(uri);
  const results = deps.results(uri);
  if (text === undefined || !results) return { error: `${uri} is not open in the eBPF language server` };
  const job = results.verifiedJob;
  const verified = results.verify;
  if (!job || !verified || results.verifiedVersion === undefined) return { error: 'the document has not been verified yet (it may not compile)' };
  const program = verified.programs.find((p) => p.name === params.program);
  if (!program) return { error: `no program ${params.program} in the last verification (programs: ${verified.programs.map((p) => p.name).join(', ') || 'none'})` };
  const level: VerifierLogLevel = (params.level ?? 2) === 2 && program.processedInsns <= DETAILED_RUN_LIMIT ? 2 : 1;
  const outcome = await deps.pool.run(logKey(uri), { ...job, log: { program: program.name, level } });
  if (outcome.kind === 'cancelled') return { error: 'the log run was cancelled' };
  if (outcome.kind === 'failed') return { error: `the verifier failed: ${outcome.error}` };
  const log = outcome.result.log;
  if (!log || log.kind === 'missing') return { error: `program ${program.name} is no longer in the document` };
  if (log.kind === 'unsupported') return { error: `${program.name} is not verified: ${log.reason}` };
  const droppedLines = Math.max(0, log.lines.length - MAX_LOG_LINES);
  const docPath = pathOf(uri);
  const linked = linkVerifierLog(log.lines.slice(droppedLines), {
    docUri: uri,
    docName: basename(docPath),
    mainFile: job.kind === 'object' ? job.mainFile : undefined,
    docLines: text.split(/\r?\n/),
    spanOf: (i) => program.insns[i]?.span,
    fileUri: fileResolver(log.files, docPath),
  });
  return { uri, program: program.name, version: results.verifiedVersion, level, droppedLines, ...linked };
}
