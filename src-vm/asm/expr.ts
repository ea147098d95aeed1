// Assembler expressions: integers, symbols, unary and binary + and -, and
// parentheses — enough for `gvar+4 ll`, `(r1 - 8)`, `.long .Ltmp5-.Lfunc_begin0`
// and `.size f, .Lfunc_end0-f`. An expression is kept as a constant plus a
// signed list of symbols and evaluated once every label is placed. Pure.

import { AsmError, isRegName, type TokenCursor } from './tokenCursor';

export interface SymbolTerm {
  name: string;
  sign: 1 | -1;
  col: number;
  endCol: number;
}

export interface Expr {
  constant: bigint;
  symbols: SymbolTerm[];
  col: number;
  endCol: number;
  /** Source text, for messages. */
  text: string;
}

function negate(e: Expr): Expr {
  return { ...e, constant: -e.constant, symbols: e.symbols.map((s) => ({ ...s, sign: (s.sign === 1 ? -1 : 1) as 1 | -1 })) };
}

function term(cur: TokenCursor): Expr {
  const t = cur.peek();
  if (!t) throw cur.errorHere('expected a number or a symbol');
  const base = { col: t.col, endCol: t.endCol, text: t.text };
  if (t.kind === 'number') {
    cur.next();
    return { ...base, constant: t.value, symbols: [] };
  }
  if (t.kind === 'ident') {
    cur.next();
    return { ...base, constant: 0n, symbols: [{ name: t.text, sign: 1, col: t.col, endCol: t.endCol }] };
  }
  if (cur.eatPunct('(')) {
    const inner = parseExpr(cur);
    const close = cur.expectPunct(')');
    return { ...inner, col: t.col, endCol: close.endCol, text: `(${inner.text})` };
  }
  if (cur.eatPunct('-')) {
    const inner = term(cur);
    return { ...negate(inner), col: t.col, text: `-${inner.text}` };
  }
  if (cur.eatPunct('+')) {
    const inner = term(cur);
    return { ...inner, col: t.col, text: `+${inner.text}` };
  }
  if (cur.eatPunct('~')) {
    const inner = term(cur);
    if (inner.symbols.length) throw new AsmError(`cannot complement a symbol: ~${inner.text}`, t.col, inner.endCol);
    return { ...inner, constant: ~inner.constant, col: t.col, text: `~${inner.text}` };
  }
  throw cur.errorHere(`expected a number or a symbol, found '${t.text}'`);
}

/** term (('+' | '-') term)* */
export function parseExpr(cur: TokenCursor): Expr {
  let e = term(cur);
  while (cur.isPunct('+') || cur.isPunct('-')) {
    const op = cur.next().text;
    const rhs = term(cur);
    const r = op === '-' ? negate(rhs) : rhs;
    e = {
      constant: e.constant + r.constant,
      symbols: [...e.symbols, ...r.symbols],
      col: e.col, endCol: rhs.endCol, text: `${e.text}${op}${rhs.text}`,
    };
  }
  return e;
}

/** Where a defined symbol is: its section and byte offset in it. */
export interface SymbolPlace {
  section: string;
  byteOffset: number;
}

/** An evaluated expression: a constant, or a constant relative to one symbol (a relocation). */
export type ExprValue =
  | { kind: 'const'; value: bigint }
  | { kind: 'symbol'; name: string; addend: bigint; term: SymbolTerm };

/**
 * Cancels `a - b` pairs of symbols defined in the same section; what remains
 * must be nothing (a constant) or one symbol with a plus sign.
 */
export function evalExpr(e: Expr, place: (name: string) => SymbolPlace | undefined): ExprValue {
  let constant = e.constant;
  const open: SymbolTerm[] = [];
  for (const s of e.symbols) {
    const p = place(s.name);
    const partner = p && open.findIndex((o) => o.sign !== s.sign && place(o.name)?.section === p.section);
    if (p && partner !== undefined && partner >= 0) {
      const o = open.splice(partner, 1)[0];
      constant += BigInt(s.sign * p.byteOffset) + BigInt(o.sign * place(o.name)!.byteOffset);
    } else {
      open.push(s);
    }
  }
  if (open.length === 0) return { kind: 'const', value: constant };
  if (open.length === 1 && open[0].sign === 1) return { kind: 'symbol', name: open[0].name, addend: constant, term: open[0] };
  throw new AsmError(`expression ${e.text} is neither a constant nor a symbol plus a constant`, e.col, e.endCol, 'asm/expression');
}

/** The constant value of an expression that must not mention symbols. */
export function constExpr(e: Expr, what: string): bigint {
  if (e.symbols.length === 0) return e.constant;
  const s = e.symbols[0];
  const thing = isRegName(s.name) ? 'register' : 'symbol';
  throw new AsmError(`${what} must be a number, not the ${thing} ${s.name}`, s.col, s.endCol, 'asm/expression');
}
