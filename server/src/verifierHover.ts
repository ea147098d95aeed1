// Hovers that read the verifier's results: the state before and after an
// assembly instruction or a C line, printed as the kernel prints it; in C, a
// helper's prototype and the program types that may call it, and a map's
// type, key/value sizes and entries. Pure: results + text in, markdown out.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { helperByName, helperProtoById, type HelperInfo } from '../../src-vm/index';
import { helperMarkdown, wordAt } from './hover';
import type { InsnState, MapInfo, ProgramResult, VerifyJobResult } from './verifyJob';

/** Paths shown per instruction before "and N more". */
const SHOWN_PATHS = 3;

const block = (text: string): string => '```\n' + text + '\n```';

/** The state lines of one instruction: every path's state before it (a few), and what it changed. */
export function stateMarkdown(state: InsnState | undefined, idx: number): string {
  if (!state || state.before.length === 0) return `**verifier:** instruction ${idx} was not reached (dead code, or after the error)`;
  const paths = state.before.slice(0, SHOWN_PATHS).map((s) => `${idx}: ${s}`);
  const more = state.before.length > SHOWN_PATHS ? `\n… and ${state.before.length - SHOWN_PATHS} more path(s)` : '';
  const parts = [`**verifier state before** (${state.before.length} path${state.before.length > 1 ? 's' : ''})`, block(paths.join('\n') + more)];
  if (state.after) parts.push('**after**', block(`; ${state.after}`));
  return parts.join('\n\n');
}

/** The hover section for slot `slot` of the program verified from `section`. */
export function asmStateMarkdown(result: VerifyJobResult | undefined, section: string, slot: number): string | undefined {
  const program = result?.programs.find((p) => p.section === section && p.outcome !== 'unsupported');
  if (!program) return undefined;
  return stateMarkdown(program.insns[slot], slot);
}

function lineMarkdown(program: ProgramResult, line: number, several: boolean): string | undefined {
  const onLine = program.insns.map((s, i) => ({ s, i })).filter(({ s }) => s.span?.line === line);
  if (onLine.length === 0) return undefined;
  const first = onLine[0];
  const reached = onLine.filter(({ s }) => s.before.length > 0);
  const title = several ? `**${program.name}** — ` : '';
  if (reached.length === 0) return `${title}**verifier:** not reached (dead code, or after the error)`;
  const before = first.s.before.length > 0 ? first.s.before : reached[0].s.before;
  const after = reached.map(({ s, i }) => `${i}: ${s.text ?? ''}${s.after ? `  ; ${s.after}` : ''}`);
  return [
    `${title}**verifier state before** (${before.length} path${before.length > 1 ? 's' : ''})`,
    block(before.slice(0, SHOWN_PATHS).map((b) => `${reached[0].i}: ${b}`).join('\n')),
    `**instructions of this line, and what each changed**`,
    block(after.join('\n')),
  ].join('\n\n');
}

function helperWithTypes(h: HelperInfo): string {
  const row = helperProtoById(h.id);
  const types = row && row.allowedProgTypes.length > 0 ? `\n\n**program types that may call it:** ${row.allowedProgTypes.join(', ')}` : '';
  const gpl = row && row.known && row.gplOnly ? '\n\n**GPL-only**: needs a GPL-compatible license' : '';
  return helperMarkdown(h) + gpl + types;
}

function mapMarkdown(m: MapInfo): string {
  return `**map** \`${m.name}\` — type \`${m.type}\`, key ${m.keySize} bytes, value ${m.valueSize} bytes, max_entries ${m.maxEntries}`;
}

/** In C: a helper or map name under the cursor, else the verifier's states for the line. */
export function cHover(result: VerifyJobResult | undefined, text: string, position: Position): Hover | undefined {
  const lineText = text.split(/\r?\n/)[position.line] ?? '';
  const w = wordAt(lineText, position.character);
  const range = w && { start: { line: position.line, character: w.start }, end: { line: position.line, character: w.end } };
  const helper = w && w.word.startsWith('bpf_') ? helperByName(w.word) : undefined;
  if (helper && range) return { contents: { kind: MarkupKind.Markdown, value: helperWithTypes(helper) }, range };
  const map = w && result?.maps.find((m) => m.name === w.word);
  if (map && range) return { contents: { kind: MarkupKind.Markdown, value: mapMarkdown(map) }, range };
  if (!result) return undefined;
  const several = result.programs.length > 1;
  const parts = result.programs.flatMap((p) => lineMarkdown(p, position.line, several) ?? []);
  if (parts.length === 0) return undefined;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
}

/** A helper name in an assembly line: with the program types that may call it. */
export function helperHoverText(h: HelperInfo): string {
  return helperWithTypes(h);
}
