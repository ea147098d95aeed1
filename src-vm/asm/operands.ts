// Operand readers and range checks shared by the instruction parsers: access
// types `*(u32 *)`, memory operands `(r1 + 8)`, 32- and 16-bit immediates,
// and the result of parsing one instruction (slots plus an unresolved
// reference to a label or symbol). Pure.

import { SIZE } from '../isa/opcodes';
import type { Insn } from '../isa/insn';
import { constExpr, parseExpr, type Expr } from './expr';
import { AsmError, type Reg, type TokenCursor } from './tokenCursor';

/** A label or symbol an instruction refers to, resolved once every label is placed. */
export type InsnRef =
  /** `goto LABEL`: the jump offset goes in `off` (16 bits) or, for `gotol`, in `imm`. */
  | { kind: 'jump'; field: 'off' | 'imm'; name: string; col: number; endCol: number }
  /** `call NAME`: a local function, a helper by name, or an external function. */
  | { kind: 'call'; name: string; col: number; endCol: number }
  /** `r1 = NAME ll`: address of a map or global variable, plus a constant. */
  | { kind: 'lddw'; name: string; addend: bigint; col: number; endCol: number };

export interface ParsedInsn {
  /** One slot, or two for `lddw`. */
  slots: Insn[];
  ref?: InsnRef;
  /** Columns of the jump or call target operand, to place range errors on it. */
  target?: { col: number; endCol: number };
}

export interface AccessType {
  /** SIZE.B/H/W/DW bits of the opcode. */
  sizeBits: number;
  bytes: 1 | 2 | 4 | 8;
  signed: boolean;
}

const ACCESS_TYPES: Record<string, AccessType> = {
  u8: { sizeBits: SIZE.B, bytes: 1, signed: false },
  u16: { sizeBits: SIZE.H, bytes: 2, signed: false },
  u32: { sizeBits: SIZE.W, bytes: 4, signed: false },
  u64: { sizeBits: SIZE.DW, bytes: 8, signed: false },
  s8: { sizeBits: SIZE.B, bytes: 1, signed: true },
  s16: { sizeBits: SIZE.H, bytes: 2, signed: true },
  s32: { sizeBits: SIZE.W, bytes: 4, signed: true },
};

/** Reads `(TYPE *)`, as in `*(u32 *)(r1 + 4)` or `atomic_fetch_add((u64 *)…`. */
export function parseAccessType(cur: TokenCursor): AccessType {
  cur.expectPunct('(');
  const t = cur.expectName('an access type (u8, u16, u32, u64, s8, s16, s32)');
  const type = ACCESS_TYPES[t.text];
  if (!type) throw new AsmError(`unknown access type ${t.text} (expected u8, u16, u32, u64, s8, s16 or s32)`, t.col, t.endCol);
  cur.expectPunct('*');
  cur.expectPunct(')');
  return type;
}

export interface MemOperand {
  reg: Reg;
  off: number;
}

/** `REG`, `REG + expr` or `REG - expr` (the caller eats any parentheses). */
export function parseRegOffset(cur: TokenCursor): MemOperand {
  const reg = cur.expectReg('a base register');
  if (!cur.isPunct('+') && !cur.isPunct('-')) return { reg, off: 0 };
  const e = parseExpr(cur);
  return { reg, off: off16(constExpr(e, 'an offset'), e) };
}

/** `(REG ± offset)` */
export function parseMemOperand(cur: TokenCursor): MemOperand {
  cur.expectPunct('(');
  const m = parseRegOffset(cur);
  cur.expectPunct(')');
  return m;
}

function shown(v: bigint, e: Expr): string {
  return /^[-+]?\s*0x/i.test(e.text) ? (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`) : v.toString();
}

/** A 32-bit immediate: signed, or unsigned up to 0xffffffff (stored as its two's complement). */
export function imm32(v: bigint, e: Expr): number {
  if (v < -(1n << 31n) || v > 0xffffffffn) {
    throw new AsmError(`immediate ${shown(v, e)} does not fit in 32 bits`, e.col, e.endCol, 'asm/immediate-range');
  }
  return Number(BigInt.asIntN(32, v));
}

/** A signed 16-bit offset. */
export function off16(v: bigint, e: Expr): number {
  if (v < -32768n || v > 32767n) {
    throw new AsmError(`offset ${shown(v, e)} does not fit in 16 bits (-32768..32767)`, e.col, e.endCol, 'asm/offset-range');
  }
  return Number(v);
}

/** A 64-bit immediate of `lddw`: signed or unsigned. */
export function imm64(v: bigint, e: Expr): bigint {
  if (v < -(1n << 63n) || v > (1n << 64n) - 1n) {
    throw new AsmError(`immediate ${shown(v, e)} does not fit in 64 bits`, e.col, e.endCol, 'asm/immediate-range');
  }
  return BigInt.asUintN(64, v);
}

/** Both registers of a two-register operation must be r or both w. */
export function sameWidth(a: Reg, b: Reg, what: string): void {
  if (a.is32 !== b.is32) {
    throw new AsmError(`${what} mixes ${a.tok.text} and ${b.tok.text}: use r registers for 64 bits or w registers for 32 bits`,
      b.tok.col, b.tok.endCol, 'asm/register-width');
  }
}
