// Parser of one bpf_conformance test vector (`.data` file): its `-- asm`,
// `-- raw`, `-- mem`, `-- result` and `-- error` sections, read the way the
// upstream runner reads them (`#` comments, `--` anywhere on a line starts a
// section, keyword found by substring). Pure: the caller reads the file as
// latin-1 and passes the text. Imports only the ISA core and diagnostics.

import type { Diagnostic, Span, WithDiagnostics } from '../diagnostics';
import { decodeInsns, type Insn } from '../isa/insn';

export interface Vector {
  /**
   * The assembly, as the file's own text with every line outside `-- asm`
   * blanked: assembler spans are then positions in the `.data` file.
   * Undefined when the file has no `-- asm` section.
   */
  asm?: string;
  /** 0-based line of the first line after `-- asm`; -1 without one. */
  asmLine: number;
  /** The `-- raw` slots; when present they win over `-- asm`. */
  raw?: Insn[];
  /** Input memory: r1 points at a copy, r2 holds its length. Undefined without `-- mem`. */
  mem?: Uint8Array;
  /** Expected final r0, unsigned 64-bit. */
  result?: bigint;
  /** Expected error text (last line of `-- error`); '' when the section is empty. */
  error?: string;
}

type Section = 'ignore' | 'asm' | 'raw' | 'result' | 'mem' | 'error';

/** Directive keywords in the order upstream tests them (substring match on the whole line). */
const DIRECTIVES: readonly [string, Section][] = [
  ['asm', 'asm'], ['result', 'result'], ['mem', 'mem'], ['raw', 'raw'],
  ['no register offset', 'ignore'], [' c', 'ignore'], ['error', 'error'],
];

interface Located {
  text: string;
  line: number;
  col: number;
}

interface Collected {
  asmLines: (string | undefined)[];
  asmLine: number;
  raw: Located[][];
  mem: Located[];
  result?: Located;
  error?: Located;
  hasError: boolean;
  diagnostics: Diagnostic[];
}

function spanAt(at: Located): Span {
  return { line: at.line, col: at.col, endLine: at.line, endCol: at.col + at.text.length };
}

function problem(at: Located, code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, span: spanAt(at) };
}

function words(text: string, line: number): Located[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], line, col: m.index ?? 0 }));
}

function directiveOf(line: string): Section | undefined {
  return DIRECTIVES.find(([keyword]) => line.includes(keyword))?.[1];
}

/** Sorts each line of the file into its section, as the upstream parser does. */
function collect(lines: readonly string[]): Collected {
  const c: Collected = { asmLines: [], asmLine: -1, raw: [], mem: [], hasError: false, diagnostics: [] };
  let section: Section = 'ignore';
  lines.forEach((full, n) => {
    const line = full.replace(/\r$/, '');
    const code = line.split('#', 1)[0];
    if (code.includes('--')) {
      const next = directiveOf(code);
      if (next === undefined) c.diagnostics.push(problem({ text: code.trim(), line: n, col: code.indexOf('--') },
        'vector/unknown-directive', `Unknown directive: ${code.trim()}`));
      section = next ?? 'ignore';
      if (section === 'asm' && c.asmLine < 0) c.asmLine = n + 1;
      if (section === 'error') c.hasError = true;
      return;
    }
    if (section === 'asm') c.asmLines[n] = line;
    const content = code.trimEnd();
    if (content.trim() === '') return;
    const at = { text: content.trim(), line: n, col: content.length - content.trimStart().length };
    if (section === 'result') c.result = at;
    else if (section === 'error') c.error = at;
    else if (section === 'mem') c.mem.push(...words(content, n));
    else if (section === 'raw') c.raw.push(words(content, n));
  });
  return c;
}

/** `0x…` is hex, anything else unsigned decimal; the value must fit 64 bits. */
function parseU64(at: Located, what: string, diagnostics: Diagnostic[]): bigint | undefined {
  const text = at.text;
  const valid = /^0x[0-9a-fA-F]+$/.test(text) || /^\d+$/.test(text);
  const value = valid ? BigInt(text) : undefined;
  if (value === undefined || value >= 1n << 64n) {
    diagnostics.push(problem(at, `vector/invalid-${what}`,
      `Invalid ${what} value: ${text} (expected an unsigned 64-bit number, 0x… for hex)`));
    return undefined;
  }
  return value;
}

function parseMem(tokens: readonly Located[], diagnostics: Diagnostic[]): Uint8Array {
  const bytes = new Uint8Array(tokens.length);
  tokens.forEach((tok, n) => {
    if (/^(0x)?[0-9a-fA-F]{1,2}$/.test(tok.text)) bytes[n] = parseInt(tok.text, 16);
    else diagnostics.push(problem(tok, 'vector/invalid-mem', `Invalid memory byte: ${tok.text} (expected two hex digits)`));
  });
  return bytes;
}

/** One slot from its 64-bit little-endian word (`0x5566778800000018` = `lddw` opcode 0x18 …). */
function slotFromWord(word: bigint): Insn {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, word, true);
  return decodeInsns(bytes)[0];
}

const HEX_BYTE = /^[0-9a-fA-F]{2}$/;

/**
 * `-- raw` lines are either 64-bit words (`0x0000000000000095`) or, in the
 * `negative/unused-*` files, one slot as 8 hex bytes (`95 00 00 00 00 00 00 00`).
 */
function parseRaw(lines: readonly Located[][], diagnostics: Diagnostic[]): Insn[] {
  const out: Insn[] = [];
  for (const tokens of lines) {
    if (tokens.length === 8 && tokens.every((t) => HEX_BYTE.test(t.text))) {
      out.push(decodeInsns(Uint8Array.from(tokens, (t) => parseInt(t.text, 16)))[0]);
      continue;
    }
    for (const tok of tokens) {
      const word = parseU64(tok, 'raw', diagnostics);
      if (word !== undefined) out.push(slotFromWord(word));
    }
  }
  return out;
}

/** Parses a `.data` vector; every malformed section value is a diagnostic, the rest is still returned. */
export function parseVectorFile(text: string): WithDiagnostics<Vector> {
  const lines = text.split('\n');
  const c = collect(lines);
  const diagnostics = c.diagnostics;
  const vector: Vector = { asmLine: c.asmLine };
  if (c.asmLine >= 0) vector.asm = lines.map((_, n) => c.asmLines[n] ?? '').join('\n');
  if (c.raw.length > 0) vector.raw = parseRaw(c.raw, diagnostics);
  if (c.mem.length > 0) vector.mem = parseMem(c.mem, diagnostics);
  if (c.result) vector.result = parseU64(c.result, 'result', diagnostics);
  if (c.hasError) vector.error = c.error?.text ?? '';
  if (vector.result === undefined && vector.error === undefined && !diagnostics.some((d) => d.code === 'vector/invalid-result')) {
    diagnostics.push({ severity: 'warning', code: 'vector/no-expectation', message: 'No result or error in test file' });
  }
  if (vector.asm === undefined && vector.raw === undefined) {
    diagnostics.push({ severity: 'warning', code: 'vector/no-program', message: 'Test file has no asm or raw section' });
  }
  return { value: vector, diagnostics };
}
