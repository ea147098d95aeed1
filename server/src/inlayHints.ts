// Inlay hints with the register changes each line makes (setting
// ebpf.inlayHints.registerChanges): for every instruction the registers and
// stack slots whose verifier state after it differs from the state before it
// (first path), as the kernel prints them; in C the changes of all the
// instructions of a line, the last write winning. Pure; LSP types only.

import type { InlayHint } from 'vscode-languageserver';
import type { ProgramResult, VerifyJobResult } from './verifyJob';

/** `1: R1=ctx() R2=scalar(umax=255,var_off=(0x0; 0xff))` -> name -> value (spaces inside parentheses kept). */
export function stateEntries(printed: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  let token = '';
  const flush = (): void => {
    const eq = token.indexOf('=');
    if (eq > 0 && !/^\d+:$/.test(token)) entries.set(token.slice(0, eq), token.slice(eq + 1));
    token = '';
  };
  for (const c of printed.replace(/^\s*\d+:\s*/, '')) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (c === ' ' && depth === 0) flush();
    else token += c;
  }
  flush();
  return entries;
}

/** The entries of the after-state that are new or different from the first before-state. */
export function registerChanges(before: string | undefined, after: string | undefined): [string, string][] {
  if (after === undefined) return [];
  const prior = stateEntries(before ?? '');
  return [...stateEntries(after)].filter(([name, value]) => prior.get(name) !== value);
}

function programHints(p: ProgramResult, lines: readonly string[], perLine: Map<number, Map<string, string>>): void {
  for (const insn of p.insns) {
    if (!insn.span) continue;
    const changes = registerChanges(insn.before[0], insn.after);
    if (changes.length === 0) continue;
    const line = insn.span.endLine;
    if (line >= lines.length) continue;
    const merged = perLine.get(line) ?? new Map<string, string>();
    for (const [name, value] of changes) {
      merged.delete(name);
      merged.set(name, value);
    }
    perLine.set(line, merged);
  }
}

/** Hints at the end of each line within `range` (0-based lines, inclusive). */
export function registerChangeHints(result: VerifyJobResult, text: string, range: { start: number; end: number }): InlayHint[] {
  const lines = text.split(/\r?\n/);
  const perLine = new Map<number, Map<string, string>>();
  for (const p of result.programs) programHints(p, lines, perLine);
  return [...perLine].filter(([line]) => line >= range.start && line <= range.end).sort(([a], [b]) => a - b)
    .map(([line, changes]) => ({
      position: { line, character: lines[line].length },
      label: [...changes].map(([name, value]) => `${name}=${value}`).join(' '),
      paddingLeft: true,
    }));
}
