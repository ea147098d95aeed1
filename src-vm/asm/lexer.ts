// Lexer of the LLVM/kernel assembly dialect: splits one source line into
// tokens with 0-based columns, dropping comments (`#`, `//`, `;`, and `/* */`,
// which blankBlockComments clears first when it spans lines). Signed operators (`s<`, `s>>=`, `s/=`…) are single tokens, so
// the parser never has to glue an `s` to what follows. Pure; imports nothing.

export type TokenKind = 'ident' | 'number' | 'string' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: with the quotes). */
  text: string;
  /** Numbers: the value; strings: unused. */
  value: bigint;
  /** Strings: the decoded bytes. */
  bytes?: Uint8Array;
  col: number;
  endCol: number;
}

export interface LexedLine {
  tokens: Token[];
  /** Problems found while lexing (unterminated string, stray character…). */
  errors: { message: string; col: number; endCol: number }[];
}

/** Longest first, so `s>>=` wins over `s>` and `<<=` over `<=`. */
const PUNCTS = [
  's>>=', 's<=', 's>=', 's/=', 's%=', '<<=', '>>=',
  's<', 's>', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=',
  '+', '-', '*', '/', '%', '|', '&', '^', '=', '<', '>', '(', ')', '[', ']', ',', ':', '@', '#', '!', '~',
];

const IDENT_START = /[A-Za-z_.$]/;
const IDENT_CHAR = /[A-Za-z0-9_.$]/;

function isSignedOperatorAt(text: string, i: number): boolean {
  // `s` is an operator prefix only when it stands alone before the operator: `r1 s>>= 3`, not `cls>1`.
  return text[i] === 's' && (i === 0 || !IDENT_CHAR.test(text[i - 1])) && /^s(>>=|<=|>=|\/=|%=|<|>)/.test(text.slice(i));
}

function parseNumber(text: string): bigint | undefined {
  const t = text.toLowerCase();
  if (/^0x[0-9a-f]+$/.test(t)) return BigInt(t);
  if (/^0b[01]+$/.test(t)) return BigInt(t);
  if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1)); // leading zero: octal, as LLVM reads it
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, '"': 34, "'": 39, b: 8, f: 12, v: 11, a: 7 };

/** Reads a double-quoted string at `start`; returns its bytes and end, or an error. */
function readString(text: string, start: number): { bytes: Uint8Array; end: number } | { error: string; end: number } {
  const out: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== '\\') {
      for (const b of new TextEncoder().encode(text[i])) out.push(b);
      i++;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    const hex = /^x[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1));
    if (octal) { out.push(parseInt(octal[0], 8) & 0xff); i += 1 + octal[0].length; continue; }
    if (hex) { out.push(parseInt(hex[0].slice(1), 16)); i += 1 + hex[0].length; continue; }
    const esc = ESCAPES[text[i + 1]];
    if (esc === undefined) return { error: `unknown escape \\${text[i + 1] ?? ''} in string`, end: i + 2 };
    out.push(esc);
    i += 2;
  }
  if (i >= text.length) return { error: 'unterminated string', end: text.length };
  return { bytes: new Uint8Array(out), end: i + 1 };
}

function commentStarts(text: string, i: number): boolean {
  const c = text[i];
  if (c === ';') return true;
  if (c === '/' && text[i + 1] === '/') return true;
  // `#` opens a comment, except in a verifier-log call `bpf_map_lookup_elem#1`.
  return c === '#' && !(i > 0 && IDENT_CHAR.test(text[i - 1]) && /^-?[0-9]/.test(text.slice(i + 1, i + 3)));
}

function token(kind: TokenKind, text: string, col: number, value = 0n): Token {
  return { kind, text, value, col, endCol: col + text.length };
}

/** Tokens of one line (without its newline). */
export function lexLine(text: string): LexedLine {
  const tokens: Token[] = [];
  const errors: LexedLine['errors'] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (commentStarts(text, i)) break;
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) break; // a block comment runs to the end of the line
      i = close + 2;
      continue;
    }
    if (c === '"') {
      const s = readString(text, i);
      if ('error' in s) errors.push({ message: s.error, col: i, endCol: s.end });
      else tokens.push({ ...token('string', text.slice(i, s.end), i), bytes: s.bytes });
      i = s.end;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9A-Za-z_]+/.exec(text.slice(i))!;
      const value = parseNumber(m[0]);
      if (value === undefined) errors.push({ message: `invalid number ${m[0]}`, col: i, endCol: i + m[0].length });
      else tokens.push(token('number', m[0], i, value));
      i += m[0].length;
      continue;
    }
    if (isSignedOperatorAt(text, i)) {
      const op = PUNCTS.find((p) => p.startsWith('s') && text.startsWith(p, i))!;
      tokens.push(token('punct', op, i));
      i += op.length;
      continue;
    }
    if (IDENT_START.test(c)) {
      const m = /^[A-Za-z0-9_.$]+/.exec(text.slice(i))!;
      tokens.push(token('ident', m[0], i));
      i += m[0].length;
      continue;
    }
    const p = PUNCTS.find((q) => !q.startsWith('s') && text.startsWith(q, i));
    if (p) {
      tokens.push(token('punct', p, i));
      i += p.length;
      continue;
    }
    errors.push({ message: `unexpected character '${c}'`, col: i, endCol: i + 1 });
    i++;
  }
  return { tokens, errors };
}

/** Splits source text into lines, accepting \n, \r\n and \r endings. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Blanks out `/* … *\/` comments that span lines (newlines stay, so lines and
 * columns do not move). Strings and line comments are skipped over, so a
 * `/*` inside them opens nothing.
 */
export function blankBlockComments(text: string): string {
  if (!text.includes('/*')) return text;
  const out = text.split('');
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const close = text.slice(i + 1).search(/(?<!\\)"|\n/);
      i = close < 0 ? text.length : i + 2 + close;
    } else if (commentStarts(text, i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      for (let j = i; j < end; j++) if (out[j] !== '\n' && out[j] !== '\r') out[j] = ' ';
      i = end;
    } else {
      i++;
    }
  }
  return out.join('');
}
