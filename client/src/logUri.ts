// How a verifier log document is named: `ebpf-log:/prog.bpf.c/xdp_prog.verifier.log?…`
// (the tab shows `xdp_prog.verifier.log`; the `.verifier.log` ending gives it
// the log's language and colours), the query holding the source document's URI,
// the program and the log level. Also how a link target becomes a URI fragment
// that opens its line (`#L24,2`). Pure: no vscode (verifierLogView.ts uses it).

import type { SourceTarget, VerifierLogLevel } from '../../server/src/protocol';

export const LOG_SCHEME = 'ebpf-log';
export const LOG_SUFFIX = '.verifier.log';

export interface LogRef {
  /** The C or assembly document the log is of. */
  source: string;
  program: string;
  level: VerifierLogLevel;
}

/** The path and query of a log document's URI. */
export function logUriParts(ref: LogRef): { path: string; query: string } {
  const base = ref.source.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/^.*\//, '') || 'document';
  const level = ref.level === 1 ? '.level1' : '';
  const query = new URLSearchParams({ source: ref.source, program: ref.program, level: String(ref.level) }).toString();
  return { path: `/${decodeURIComponent(base)}/${ref.program}${level}${LOG_SUFFIX}`, query };
}

/** The log a URI's query names; undefined for a query that is not one of ours. */
export function parseLogQuery(query: string): LogRef | undefined {
  const q = new URLSearchParams(query);
  const source = q.get('source');
  const program = q.get('program');
  if (!source || !program) return undefined;
  return { source, program, level: q.get('level') === '1' ? 1 : 2 };
}

/** The fragment VS Code reads as a position when it opens a link (1-based line and column). */
export function positionFragment(t: SourceTarget): string {
  return `L${t.line + 1},${t.character + 1}`;
}
