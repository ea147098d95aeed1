// The syntax tree of a debugger expression, as the parser builds it and the
// evaluator walks it. Every node keeps the 1-based column it starts at, so an
// error found while evaluating names where it is. Types only.

import type { CType } from './cTypes';

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^'
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type UnaryOp = '-' | '+' | '~' | '!';

export type Expr =
  | { kind: 'number'; col: number; value: bigint; type: CType }
  /** `r0`..`r10` (64 bits) or `w0`..`w10` (the low 32 bits). */
  | { kind: 'register'; col: number; reg: number; wide: boolean }
  /** A global variable, map or enum constant, resolved when evaluated. */
  | { kind: 'name'; col: number; name: string }
  | { kind: 'unary'; col: number; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; col: number; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'conditional'; col: number; test: Expr; then: Expr; otherwise: Expr }
  | { kind: 'cast'; col: number; type: CType; operand: Expr }
  /** `*p`: a load through a pointer. */
  | { kind: 'deref'; col: number; operand: Expr }
  /** `map[key]` or `global_array[i]`. */
  | { kind: 'index'; col: number; target: Expr; index: Expr }
  /** A built-in function such as `ntohs(x)`. */
  | { kind: 'call'; col: number; name: string; args: Expr[] };
