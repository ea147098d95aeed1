// Quick fixes for a rejected eBPF C program, built from the verifier's error
// and its placed causes plus the C text: a NULL check after the statement
// that assigned a map lookup's result, a bounds check against data_end before
// a constant-offset packet access. A fix is offered only when the text around
// the place reads as expected (an assignment statement, data/data_end
// variables in the program's own function); otherwise none. Pure; LSP types only.

import type { Position, TextEdit } from 'vscode-languageserver';
import { cSymbols } from './programFeatures';
import { defaultReturnC } from './fixReturns';
import type { ProgramResult } from './verifyJob';

export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

/** The source split once: lines and the offset where each starts. */
class CText {
  readonly lines: string[];
  private readonly starts: number[] = [];

  constructor(readonly text: string) {
    this.lines = text.split('\n');
    let at = 0;
    for (const l of this.lines) {
      this.starts.push(at);
      at += l.length + 1;
    }
  }

  offsetOf(line: number, character = 0): number {
    return (this.starts[line] ?? this.text.length) + character;
  }

  positionOf(offset: number): Position {
    let line = this.starts.length - 1;
    while (line > 0 && this.starts[line] > offset) line--;
    return { line, character: offset - this.starts[line] };
  }

  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lines[line] ?? '')![0];
  }
}

/** Offset just past the `;` ending the statement that starts at `from` (outside parentheses), or -1. */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ';' && depth === 0) return i + 1;
    else if ((c === '{' || c === '}') && depth === 0) return -1;
  }
  return -1;
}

/** Offset of the `}` closing the brace opened at `open`, skipping comments and string/char literals; -1 if none. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The lines strictly inside the body of the program's own function `name` (its SEC-annotated definition). */
function programBody(doc: CText, name: string): { first: number; last: number } | undefined {
  const sym = cSymbols(doc.text).find((s) => s.name === name);
  if (!sym) return undefined;
  const afterName = doc.offsetOf(sym.selectionRange.end.line, sym.selectionRange.end.character);
  const open = doc.text.indexOf('{', afterName);
  const close = open < 0 ? -1 : closingBrace(doc.text, open);
  if (close < 0) return undefined;
  return { first: doc.positionOf(open).line, last: doc.positionOf(close).line };
}

const inside = (body: { first: number; last: number }, line: number): boolean => line > body.first && line < body.last;

/** `__u64 *v = bpf_map_lookup_elem(...)` / `v = lookup(...)`: the assigned variable, when the statement is an assignment from a call. */
const ASSIGNED_FROM_CALL = /^\s*(?:[A-Za-z_][\w \t]*?[\s*]+)?\**\s*([A-Za-z_]\w*)\s*=(?!=)[^;]*\(/;

function nullCheckFix(doc: CText, p: ProgramResult): QuickFix | undefined {
  if (!p.error || !/^R\d+ invalid mem access '\w+_or_null'/.test(p.error.message)) return undefined;
  const place = p.causes.find((c) => c.role === 'missing-check');
  const body = programBody(doc, p.name);
  if (!place || !body || !inside(body, place.span.line)) return undefined;
  const start = doc.offsetOf(place.span.line);
  const end = statementEnd(doc.text, start);
  const variable = end < 0 ? undefined : ASSIGNED_FROM_CALL.exec(doc.text.slice(start, end))?.[1];
  if (!variable || end < 0) return undefined;
  const ret = defaultReturnC(p.type, doc.text);
  const at = doc.positionOf(end);
  const check = `if (!${variable}) return ${ret};`;
  return {
    title: `Add a NULL check: ${check}`,
    edits: [{ range: { start: at, end: at }, newText: `\n${doc.indentOf(place.span.line)}${check}` }],
  };
}

/** A variable of the function assigned from `<ctx>->field` before `beforeLine`, with the declaration it needs (`void *` for data_end). */
function ctxFieldVariable(doc: CText, body: { first: number; last: number }, beforeLine: number, field: 'data' | 'data_end'): string | undefined {
  const pattern = field === 'data_end'
    ? /\bvoid\s*\*\s*([A-Za-z_]\w*)\s*=\s*[^;=]*?\b\w+\s*->\s*data_end\s*;/
    : /([A-Za-z_]\w*)\s*=\s*[^;=]*?\b\w+\s*->\s*data\s*;/;
  for (let line = body.first; line < beforeLine; line++) {
    const m = pattern.exec(doc.lines[line]);
    if (m) return m[1];
  }
  return undefined;
}

/** Whether a new statement can start at `line`: the previous code line ends a statement or opens a block. */
function statementStartsAt(doc: CText, line: number): boolean {
  const here = doc.lines[line].trim();
  if (here === '' || /^(else\b|case\b|default\b|\}|\{|#)/.test(here)) return false;
  for (let l = line - 1; l >= 0; l--) {
    const prev = doc.lines[l].replace(/\/\/.*$/, '').trim();
    if (prev === '' || prev.startsWith('/*') || prev.startsWith('*')) continue;
    return /[;{}]$/.test(prev);
  }
  return false;
}

function packetBoundsFix(doc: CText, p: ProgramResult): QuickFix | undefined {
  const m = p.error && /^invalid access to packet, off=(\d+) size=(\d+), R\d+\(id=0,/.exec(p.error.message);
  const span = p.error?.span;
  const body = programBody(doc, p.name);
  if (!m || !span || !body || !inside(body, span.line) || !statementStartsAt(doc, span.line)) return undefined;
  const data = ctxFieldVariable(doc, body, span.line, 'data');
  const dataEnd = ctxFieldVariable(doc, body, span.line, 'data_end');
  if (!data || !dataEnd) return undefined;
  const end = Number(m[1]) + Number(m[2]);
  const check = `if ((void *)${data} + ${end} > ${dataEnd}) return ${defaultReturnC(p.type, doc.text)};`;
  const at = { line: span.line, character: 0 };
  return {
    title: `Add a packet bounds check: ${check}`,
    edits: [{ range: { start: at, end: at }, newText: `${doc.indentOf(span.line)}${check}\n` }],
  };
}

/** The quick fixes for one rejected program of a C document (none when it was accepted or no fix is certain). */
export function cQuickFixes(text: string, p: ProgramResult): QuickFix[] {
  const doc = new CText(text);
  return [nullCheckFix(doc, p), packetBoundsFix(doc, p)].filter((f): f is QuickFix => f !== undefined);
}
