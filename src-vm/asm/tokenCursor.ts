// A cursor over the tokens of one statement, with the small expectations the
// instruction and directive parsers share (registers, punctuation, names).
// A failed expectation throws `AsmError`, which the assembler catches per
// statement and turns into a diagnostic; nothing escapes `assemble`. Pure.

import type { Token } from './lexer';
import { REG_COUNT } from '../isa/opcodes';

/** A problem at a column range of the current line; caught per statement. */
export class AsmError extends Error {
  constructor(message: string, readonly col: number, readonly endCol: number, readonly code = 'asm/syntax') {
    super(message);
  }
}

export interface Reg {
  /** 0..10 */
  num: number;
  /** `w` registers name the low 32 bits. */
  is32: boolean;
  tok: Token;
}

export function isRegName(text: string): boolean {
  return /^[rw][0-9]+$/.test(text);
}

export class TokenCursor {
  pos = 0;
  constructor(readonly tokens: readonly Token[], readonly lineEnd: number) {}

  peek(k = 0): Token | undefined {
    return this.tokens[this.pos + k];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.pos];
    if (!t) throw new AsmError('unexpected end of line', this.lineEnd, this.lineEnd);
    this.pos++;
    return t;
  }

  /** Column just after the last consumed token (or where the next one starts). */
  get lastEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].endCol : (this.tokens[0]?.col ?? 0);
  }

  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.kind === 'punct' && t.text === p;
  }

  isIdent(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t?.kind === 'ident' && t.text === text;
  }

  eatPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  eatIdent(text: string): boolean {
    if (!this.isIdent(text)) return false;
    this.pos++;
    return true;
  }

  /** An error pointing at the next token, or at the end of the line. */
  errorHere(message: string, code?: string): AsmError {
    const t = this.peek();
    return t ? new AsmError(message, t.col, t.endCol, code) : new AsmError(message, this.lineEnd, this.lineEnd, code);
  }

  expectPunct(p: string, what = `'${p}'`): Token {
    if (!this.isPunct(p)) throw this.errorHere(`expected ${what}${this.foundText()}`);
    return this.next();
  }

  expectIdent(text: string): Token {
    if (!this.isIdent(text)) throw this.errorHere(`expected '${text}'${this.foundText()}`);
    return this.next();
  }

  expectName(what: string): Token {
    const t = this.peek();
    if (t?.kind !== 'ident') throw this.errorHere(`expected ${what}${this.foundText()}`);
    return this.next();
  }

  /** A register `r0`..`r10` or `w0`..`w10`. */
  expectReg(what = 'a register'): Reg {
    const t = this.peek();
    if (t?.kind !== 'ident' || !isRegName(t.text)) throw this.errorHere(`expected ${what}${this.foundText()}`);
    return this.reg();
  }

  isReg(k = 0): boolean {
    const t = this.peek(k);
    return t?.kind === 'ident' && isRegName(t.text);
  }

  private reg(): Reg {
    const t = this.next();
    const num = Number(t.text.slice(1));
    if (num >= REG_COUNT || t.text.length > 3 || (t.text.length === 3 && t.text[1] === '0')) {
      throw new AsmError(`unknown register ${t.text}`, t.col, t.endCol, 'asm/unknown-register');
    }
    return { num, is32: t.text[0] === 'w', tok: t };
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.errorHere(`unexpected '${this.peek()!.text}' after the end of the instruction`);
  }

  foundText(): string {
    const t = this.peek();
    return t ? `, found '${t.text}'` : ', found the end of the line';
  }
}
