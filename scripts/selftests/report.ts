// The selftests run's figures: per file and in total, how many programs, what
// the kernel and we said, verdict agreement and first-error-line agreement
// on the rejects both agree on, and the disagreements grouped by category.
// Pure: records in, table text and a JSON-ready summary out.

import type { ProgramRecord } from './compare';

export interface Tally {
  programs: number;
  kernelAccepted: number;
  kernelRejected: number;
  kernelEperm: number;
  kernelOther: number;
  oursAccepted: number;
  oursRejected: number;
  oursUnsupported: number;
  oursInternal: number;
  oursTimeout: number;
  /** Programs where both gave a verdict, and those that agree. */
  verdictCompared: number;
  verdictAgree: number;
  bothRejected: number;
  lineAgree: number;
  /** Tests with __success/__failure the kernel gave a verdict on, and those where it says what the annotation says. */
  annotated: number;
  kernelMatchesAnnotation: number;
}

function emptyTally(): Tally {
  return { programs: 0, kernelAccepted: 0, kernelRejected: 0, kernelEperm: 0, kernelOther: 0, oursAccepted: 0, oursRejected: 0,
    oursUnsupported: 0, oursInternal: 0, oursTimeout: 0, verdictCompared: 0, verdictAgree: 0, bothRejected: 0, lineAgree: 0, annotated: 0, kernelMatchesAnnotation: 0 };
}

const KERNEL_FIELD = { accept: 'kernelAccepted', reject: 'kernelRejected', eperm: 'kernelEperm', error: 'kernelOther' } as const;
const OURS_FIELD = { accept: 'oursAccepted', reject: 'oursRejected', unsupported: 'oursUnsupported', internal: 'oursInternal', timeout: 'oursTimeout' } as const;

function add(t: Tally, r: ProgramRecord): void {
  t.programs++;
  t[KERNEL_FIELD[r.kernel.kind]]++;
  t[OURS_FIELD[r.ours.kind]]++;
  if (r.verdictAgrees !== undefined) { t.verdictCompared++; if (r.verdictAgrees) t.verdictAgree++; }
  if (r.lineAgrees !== undefined) { t.bothRejected++; if (r.lineAgrees) t.lineAgree++; }
  if (r.expect && (r.kernel.kind === 'accept' || r.kernel.kind === 'reject')) {
    t.annotated++;
    if ((r.expect === 'success') === (r.kernel.kind === 'accept')) t.kernelMatchesAnnotation++;
  }
}

export function tally(records: readonly ProgramRecord[]): Tally {
  const t = emptyTally();
  for (const r of records) add(t, r);
  return t;
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`;
}

const COLUMNS = ['file', 'progs', 'k:acc', 'k:rej', 'k:eperm', 'o:acc', 'o:rej', 'o:unsup', 'o:err', 'verdict', 'first-line'];

function row(name: string, t: Tally): string[] {
  return [name, t.programs, t.kernelAccepted, t.kernelRejected, t.kernelEperm, t.oursAccepted, t.oursRejected, t.oursUnsupported,
    t.oursInternal + t.oursTimeout, `${t.verdictAgree}/${t.verdictCompared} ${pct(t.verdictAgree, t.verdictCompared)}`,
    `${t.lineAgree}/${t.bothRejected} ${pct(t.lineAgree, t.bothRejected)}`].map(String);
}

/** The per-file table with a total row, columns padded. */
export function formatTable(perFile: ReadonlyMap<string, Tally>, total: Tally): string {
  const rows = [COLUMNS, ...[...perFile].map(([f, t]) => row(f, t)), row('TOTAL', total)];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** Disagreements by category, largest first, each with the programs (file/name) under it. */
export function byCategory(records: readonly ProgramRecord[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const r of records) {
    if (!r.category) continue;
    const list = groups.get(r.category) ?? [];
    list.push(`${r.file}/${r.name}`);
    groups.set(r.category, list);
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}
