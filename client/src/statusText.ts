// What the status bar says about the active eBPF document, from the server's
// `ebpf/programs` answer: `✓ xdp_prog: 214 insns`, `✓ 3 programs`,
// `✗ xdp_prog: 1 error`, `✗ 2 errors`, `○ kprobe_x: not verified`, with a
// spinner while a new verification runs, and a markdown tooltip with each
// program's verdict; and the verify command's message. Pure: no vscode
// (statusBar.ts and verifyCommand.ts show them).

import type { ProgramsResult, ProgramVerdict } from '../../server/src/protocol';

export type StatusKind = 'ok' | 'error' | 'unverified';

export interface StatusView {
  text: string;
  /** Markdown, one paragraph per line. */
  tooltip: string[];
  kind: StatusKind;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Escapes markdown so a verifier message shows as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** Whether the programs are of the document's latest version (not an older one while it is verified again or does not compile). */
export function isCurrent(r: ProgramsResult): boolean {
  return r.verifiedVersion !== undefined && r.verifiedVersion === r.version;
}

function summaryText(r: ProgramsResult): { text: string; kind: StatusKind } {
  const programs = r.programs;
  const rejected = isCurrent(r) ? programs.filter((p) => p.outcome === 'reject') : [];
  if (r.errors > 0) {
    const errors = plural(r.errors, 'error');
    return { text: rejected.length === 1 ? `✗ ${rejected[0].name}: ${errors}` : `✗ ${errors}`, kind: 'error' };
  }
  if (rejected.length > 0) return { text: rejected.length === 1 ? `✗ ${rejected[0].name}: rejected` : `✗ ${rejected.length} rejected`, kind: 'error' };
  if (programs.length === 0) return { text: r.verifiedVersion === undefined ? 'eBPF: not verified' : 'eBPF: no programs', kind: 'unverified' };
  const unverified = programs.filter((p) => p.outcome === 'unsupported');
  if (programs.length === 1) {
    const p = programs[0];
    return unverified.length ? { text: `○ ${p.name}: not verified`, kind: 'unverified' } : { text: `✓ ${p.name}: ${p.insnCount} insns`, kind: 'ok' };
  }
  const verified = programs.length - unverified.length;
  if (unverified.length === 0) return { text: `✓ ${programs.length} programs`, kind: 'ok' };
  return { text: `✓ ${plural(verified, 'program')} · ${unverified.length} not verified`, kind: verified > 0 ? 'ok' : 'unverified' };
}

/** One program's tooltip line. */
export function verdictLine(p: ProgramVerdict): string {
  const name = `\`${p.name}\` (${escapeMarkdown(p.section)})`;
  if (p.outcome === 'accept') {
    return `✓ ${name}: accepted · ${plural(p.insnCount, 'insn')} · ${plural(p.processedInsns, 'insn')} processed · ${plural(p.totalStates, 'state')}`;
  }
  if (p.outcome === 'reject') {
    const where = p.errorLine !== undefined ? ` at line ${p.errorLine + 1}` : '';
    return `✗ ${name}: rejected${where}: ${escapeMarkdown(p.message ?? '')}`;
  }
  return `○ ${name}: not verified: ${escapeMarkdown(p.message ?? '')}`;
}

/**
 * The status of a document, or undefined to hide the item (not an eBPF document).
 * `pending`: an edit or a verify command is being verified now.
 */
export function statusView(r: ProgramsResult | undefined, pending = false): StatusView | undefined {
  if (!r || r.kind === 'none') return undefined;
  const { text, kind } = summaryText(r);
  const tooltip = ['**eBPF verifier**', ...r.programs.map(verdictLine)];
  if (r.programs.length > 0 && !isCurrent(r)) tooltip.push('*(from an earlier version of the file)*');
  if (r.errors > 0 || r.warnings > 0) tooltip.push(`${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')} in the file`);
  if (r.programs.length > 0) tooltip.push('Click to show the verifier log');
  if (!pending) return { text, tooltip, kind };
  const first = r.programs.length === 0 && r.errors === 0;
  return { text: first ? '$(sync~spin) eBPF: verifying…' : `$(sync~spin) ${text}`, tooltip, kind };
}

/** The message: one program's verdict line, or a count; markdown marks removed (messages are plain text). */
export function verdictMessage(r: ProgramsResult, name: string): string {
  const plain = (s: string): string => s.replace(/\\(.)/g, '$1').replace(/`/g, '');
  if (r.programs.length === 1) return `${name}: ${plain(verdictLine(r.programs[0]).slice(2))}`;
  const rejected = r.programs.filter((p) => p.outcome === 'reject').length;
  const accepted = r.programs.filter((p) => p.outcome === 'accept').length;
  const parts = [`${accepted} accepted`, ...(rejected ? [`${rejected} rejected`] : []), ...(r.errors ? [`${r.errors} error(s) in the file`] : [])];
  return `${name}: ${r.programs.length} programs, ${parts.join(', ')}`;
}
