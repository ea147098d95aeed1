// Tokens of debugger expressions: integer literals (decimal, hex, octal,
// binary, with C's u/l suffixes, and character literals such as 'a' or
// '\n'), identifiers, and C's operators and punctuation. Each token carries
// its 1-based column; a character that starts no token is an error naming it
// and its column. Pure.

export type TokenKind = 'number' | 'ident' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (for numbers and chars: the literal; `end` has ''). */
  text: string;
  /** 1-based column of the first character. */
  col: number;
  /** Numbers: the value (may exceed 64 bits; the parser says so). */
  value?: bigint;
  /** Numbers: written in hex, octal or binary, or with a `u` suffix (C lets those be unsigned). */
  unsignedOk?: boolean;
  /** Numbers: an explicit `u` suffix. */
  unsigned?: boolean;
  /** Numbers: an `l` or `ll` suffix (at least 64 bits here). */
  long?: boolean;
}

/** Longest first, so `<<` wins over `<`. */
const OPERATORS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')', '[', ']', '?', ':', ','];

const NUMBER = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?(?![\w.])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };

export type LexResult = { tokens: Token[] } | { error: string };

function numberValue(digits: string): bigint {
  if (/^0[bB]/.test(digits)) return BigInt(digits.toLowerCase());
  if (/^0[0-7]+$/.test(digits)) return BigInt(`0o${digits.slice(1)}`);
  return BigInt(digits);
}

/** A character literal at the start of `rest`: its value and length, or an error sentence. */
function charLiteral(rest: string): { value: bigint; length: number } | string {
  const m = /^'(\\x[0-9a-fA-F]{1,2}|\\[0-7]{1,3}|\\.|[^'\\])'/.exec(rest);
  if (!m) return 'a character literal is one character between quotes, such as \'a\' or \'\\n\'';
  const body = m[1];
  if (body.length === 1) return { value: BigInt(body.charCodeAt(0)), length: m[0].length };
  if (body[1] === 'x') return { value: BigInt(`0x${body.slice(2)}`), length: m[0].length };
  if (/^\\[0-7]/.test(body)) return { value: BigInt(`0o${body.slice(1)}`) & 0xffn, length: m[0].length };
  const escaped = ESCAPES[body[1]];
  return escaped === undefined ? `unknown escape '${body}' in a character literal` : { value: BigInt(escaped), length: m[0].length };
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const col = i + 1;
    const space = /^\s+/.exec(rest);
    if (space) { i += space[0].length; continue; }
    const num = NUMBER.exec(rest);
    if (num) {
      const suffix = num[2] ?? '';
      const unsigned = /u/i.test(suffix);
      tokens.push({ kind: 'number', text: num[0], col, value: numberValue(num[1]), unsigned, long: /l/i.test(suffix), unsignedOk: unsigned || !/^[1-9]|^0$/.test(num[1]) });
      i += num[0].length;
      continue;
    }
    if (/^[0-9]/.test(rest)) return { error: `column ${col}: '${/^[\w.]+/.exec(rest)![0]}' is not a number (write decimal 42, hex 0x2a, octal 052 or binary 0b101010)` };
    const ident = IDENT.exec(rest);
    if (ident) { tokens.push({ kind: 'ident', text: ident[0], col }); i += ident[0].length; continue; }
    if (rest[0] === "'") {
      const c = charLiteral(rest);
      if (typeof c === 'string') return { error: `column ${col}: ${c}` };
      tokens.push({ kind: 'number', text: rest.slice(0, c.length), col, value: c.value });
      i += c.length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) return { error: `column ${col}: '${rest[0]}' cannot appear in an expression` };
    tokens.push({ kind: 'op', text: op, col });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', col: text.length + 1 });
  return { tokens };
}
