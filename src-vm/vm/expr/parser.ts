// Parses a debugger expression into a tree: C's operators with C's
// precedence (`?:`, `||`, `&&`, `|`, `^`, `&`, equality, relations, shifts,
// `+ -`, `* / %`, then the unary operators, casts and loads, then `[]` and
// calls), registers (`r0`..`r10`, `w0`..`w10`, `%r1` as the conformance
// dialect writes them), integer and character literals, names of globals and
// maps, and integer casts such as `(u32)` or `(__be16 *)`. Never throws: a
// problem is a sentence that starts with its column. Pure.

import type { BinaryOp, Expr, UnaryOp } from './ast';
import { BUILTINS } from './builtins';
import { INT, namedType, startsTypeName, U64, UINT, S64, type CType } from './cTypes';
import { lex, type Token } from './lexer';

export type ParseResult = { expr: Expr } | { error: string };

/** Binary operators by precedence level, loosest first. */
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];
const UNARY: readonly string[] = ['-', '+', '~', '!'];
const REGISTER = /^([rw])(\d+)$/;
const MAX_REGISTER = 10;
const TWO_31 = 1n << 31n;
const TWO_32 = 1n << 32n;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/** Thrown inside the parser only, and turned into an error result at its edge. */
class ParseError {
  constructor(readonly message: string) {}
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`;
}

/** The type C gives an integer literal: int, unsigned int, long or unsigned long, whichever holds it first. */
function literalType(t: Token, value: bigint): CType {
  if (t.long) return t.unsigned || value >= TWO_63 ? U64 : S64;
  if (t.unsigned) return value < TWO_32 ? UINT : U64;
  if (value < TWO_31) return INT;
  if (t.unsignedOk && value < TWO_32) return UINT;
  return value < TWO_63 ? S64 : U64;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Expr {
    const expr = this.conditional();
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.error(rest, `${describe(rest)} cannot follow a complete expression; an operator is missing before it`);
    return expr;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.at++;
    return t;
  }

  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }

  private error(t: Token, message: string): ParseError {
    return new ParseError(`column ${t.col}: ${message}`);
  }

  private expect(text: string, opener?: Token): void {
    const t = this.next();
    if (t.kind === 'op' && t.text === text) return;
    const closes = opener ? ` to close the '${opener.text}' at column ${opener.col}` : '';
    throw this.error(t, `expected '${text}'${closes}, found ${describe(t)}`);
  }

  private conditional(): Expr {
    const test = this.binary(0);
    if (!this.isOp('?')) return test;
    const question = this.next();
    const then = this.conditional();
    this.expect(':', question);
    return { kind: 'conditional', col: test.col, test, then, otherwise: this.conditional() };
  }

  private binary(level: number): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = LEVELS[level].find((o) => t.kind === 'op' && t.text === o);
      if (!op) return left;
      this.next();
      if (this.peek().kind === 'end') throw this.error(this.peek(), `expected an expression after '${op}'`);
      left = { kind: 'binary', col: left.col, op, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && UNARY.includes(t.text)) {
      this.next();
      return { kind: 'unary', col: t.col, op: t.text as UnaryOp, operand: this.operand(t) };
    }
    if (this.isOp('*')) {
      this.next();
      return { kind: 'deref', col: t.col, operand: this.operand(t) };
    }
    if (this.isOp('&')) throw this.error(t, "'&' (address of) is not supported: registers and map values have no address to take");
    if (this.isOp('(') && this.peek(1).kind === 'ident' && this.isTypeStart(this.peek(1).text)) {
      this.next();
      const type = this.typeName(t);
      return { kind: 'cast', col: t.col, type, operand: this.operand(t) };
    }
    return this.postfix();
  }

  /** The operand of a prefix operator `op`. */
  private operand(op: Token): Expr {
    if (this.peek().kind === 'end') throw this.error(this.peek(), `expected an expression after '${op.text}'`);
    return this.unary();
  }

  private isTypeStart(word: string): boolean {
    return startsTypeName(word) || word === 'struct' || word === 'union' || word === 'enum';
  }

  /** After `(`: type words, `*`s, then `)`. */
  private typeName(open: Token): CType {
    const first = this.peek();
    if (['struct', 'union', 'enum'].includes(first.text)) {
      throw this.error(first, `casts to ${first.text} types are not supported; cast to an integer type such as (u32 *) and add the field's offset`);
    }
    const words: string[] = [];
    while (this.peek().kind === 'ident' && startsTypeName([...words, this.peek().text].join(' '))) words.push(this.next().text);
    let type = namedType(words);
    if (!type) throw this.error(first, `'${words.join(' ')}' is not a complete type name (such as u8, __u32, __be16, unsigned int)`);
    while (this.isOp('*')) {
      this.next();
      type = { kind: 'ptr', to: type };
    }
    if (type.kind === 'void') throw this.error(first, "a cast to void has no value; cast to a pointer, as in (void *)");
    const close = this.peek();
    if (close.kind === 'ident') throw this.error(close, `'${[...words, close.text].join(' ')}' is not a type name (such as u8, __u32, __be16, unsigned int)`);
    this.expect(')', open);
    return type;
  }

  private postfix(): Expr {
    let expr = this.primary();
    while (this.isOp('[')) {
      const open = this.next();
      const index = this.conditional();
      this.expect(']', open);
      expr = { kind: 'index', col: expr.col, target: expr, index };
    }
    return expr;
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'number') {
      const value = t.value!;
      if (value >= TWO_64) throw this.error(t, `${t.text} does not fit in 64 bits`);
      return { kind: 'number', col: t.col, value, type: literalType(t, value) };
    }
    if (t.kind === 'ident') return this.identifier(t);
    if (t.kind === 'op' && t.text === '(') {
      if (this.isOp(')')) throw this.error(this.peek(), "expected an expression between '(' and ')'");
      const inner = this.conditional();
      this.expect(')', t);
      return inner;
    }
    if (t.kind === 'op' && t.text === '%' && this.peek().kind === 'ident' && this.peek().col === t.col + 1 && REGISTER.test(this.peek().text)) {
      return this.register(this.next(), t.col);
    }
    if (t.kind === 'end') throw this.error(t, 'expected an expression, found the end of the expression');
    throw this.error(t, `expected a register, number or name, found ${describe(t)}`);
  }

  private identifier(t: Token): Expr {
    if (REGISTER.test(t.text)) return this.register(t, t.col);
    if (this.isOp('(')) return this.call(t);
    return { kind: 'name', col: t.col, name: t.text };
  }

  private register(t: Token, col: number): Expr {
    const m = REGISTER.exec(t.text)!;
    const reg = Number(m[2]);
    if (reg > MAX_REGISTER || (m[2].length > 1 && m[2][0] === '0')) {
      throw this.error(t, `there is no register ${t.text} (registers are r0..r10, and w0..w10 for their low 32 bits)`);
    }
    return { kind: 'register', col, reg, wide: m[1] === 'r' };
  }

  private call(t: Token): Expr {
    if (!BUILTINS.has(t.text)) {
      throw this.error(t, `'${t.text}' is not a function expressions can call (they can call ${[...BUILTINS.keys()].slice(0, 4).join(', ')} and the other byte-order conversions)`);
    }
    const open = this.next();
    if (this.isOp(')')) throw this.error(this.peek(), `${t.text} takes one argument`);
    const arg = this.conditional();
    if (this.isOp(',')) throw this.error(this.peek(), `${t.text} takes one argument`);
    this.expect(')', open);
    return { kind: 'call', col: t.col, name: t.text, args: [arg] };
  }
}

/** The tree of `text`, or a sentence saying what is wrong and at which (1-based) column. */
export function parseExpression(text: string): ParseResult {
  const lexed = lex(text);
  if ('error' in lexed) return lexed;
  if (lexed.tokens.length === 1) return { error: 'column 1: the expression is empty' };
  try {
    return { expr: new Parser(lexed.tokens).parseAll() };
  } catch (e) {
    if (e instanceof ParseError) return { error: e.message };
    throw e;
  }
}
