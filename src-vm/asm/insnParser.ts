// Parser of one instruction in the LLVM dialect (what `clang -S -target bpf`
// and `llvm-objdump -d` print) and the kernel verifier-log dialect (`goto pc+2`,
// `call bpf_map_lookup_elem#1`, `(r1 +4)`), into slots plus an unresolved
// label/symbol reference. Memory and atomic forms live in insnMemory.ts. Pure.

import { ALU, CLS, JMP, PSEUDO_CALL, SRC } from '../isa/opcodes';
import { insn, lddwSlots, type Insn } from '../isa/insn';
import { helperByName } from '../isa/helpers.generated';
import { constExpr, parseExpr, type Expr } from './expr';
import { isAtomicCall, parseAtomicCall, parseLoad, parseLock, parseStore } from './insnMemory';
import { imm32, imm64, sameWidth, type InsnRef, type ParsedInsn } from './operands';
import { AsmError, type Reg, type TokenCursor } from './tokenCursor';

/** What the text around an instruction tells us, such as the opcode of a verifier-log line. */
export interface InsnContext {
  /** The line came from a verifier log with opcode (18): `r1 = 0x…` is an `lddw` even without `ll`. */
  lddwHint: boolean;
}

interface AluSpec { op: number; signed: boolean }

const ALU_ASSIGN: Record<string, AluSpec> = {
  '+=': { op: ALU.ADD, signed: false }, '-=': { op: ALU.SUB, signed: false }, '*=': { op: ALU.MUL, signed: false },
  '/=': { op: ALU.DIV, signed: false }, '|=': { op: ALU.OR, signed: false }, '&=': { op: ALU.AND, signed: false },
  '<<=': { op: ALU.LSH, signed: false }, '>>=': { op: ALU.RSH, signed: false }, '%=': { op: ALU.MOD, signed: false },
  '^=': { op: ALU.XOR, signed: false }, 's>>=': { op: ALU.ARSH, signed: false },
  's/=': { op: ALU.DIV, signed: true }, 's%=': { op: ALU.MOD, signed: true },
};

const JMP_CONDITIONS: Record<string, number> = {
  '==': JMP.JEQ, '>': JMP.JGT, '>=': JMP.JGE, '&': JMP.JSET, '!=': JMP.JNE, 's>': JMP.JSGT,
  's>=': JMP.JSGE, '<': JMP.JLT, '<=': JMP.JLE, 's<': JMP.JSLT, 's<=': JMP.JSLE,
};

/** Byte-swap mnemonics: opcode and width. */
const END_OPS: Record<string, { code: number; imm: number }> = {};
for (const w of [16, 32, 64]) {
  END_OPS[`le${w}`] = { code: CLS.ALU | ALU.END | SRC.K, imm: w };
  END_OPS[`be${w}`] = { code: CLS.ALU | ALU.END | SRC.X, imm: w };
  END_OPS[`bswap${w}`] = { code: CLS.ALU64 | ALU.END | SRC.K, imm: w };
}

const MOVSX_WIDTHS: Record<string, number> = { s8: 8, s16: 16, s32: 32 };

function aluClass(r: Reg): number {
  return r.is32 ? CLS.ALU : CLS.ALU64;
}

function one(i: Insn, extra: Partial<ParsedInsn> = {}): ParsedInsn {
  return { slots: [i], ...extra };
}

/** `+N`, `-N`, `N`, the kernel's `pc+N`, or a label; then an optional objdump `<sym+0x10>` note. */
function parseTarget(cur: TokenCursor, field: 'off' | 'imm'): { value: number; ref?: InsnRef; col: number; endCol: number } {
  const start = cur.peek();
  if (!start) throw cur.errorHere('expected a jump target such as +2, -1 or a label');
  if (cur.isReg()) throw cur.errorHere(`a jump target is an offset or a label, not the register ${start.text}`);
  let result: { value: number; ref?: InsnRef; col: number; endCol: number };
  if (start?.kind === 'ident' && !(start.text === 'pc' && (cur.isPunct('+', 1) || cur.isPunct('-', 1)))) {
    cur.next();
    result = { value: 0, ref: { kind: 'jump', field, name: start.text, col: start.col, endCol: start.endCol }, col: start.col, endCol: start.endCol };
  } else {
    cur.eatIdent('pc');
    const e = parseExpr(cur);
    result = { value: jumpOffset(constExpr(e, 'a jump offset'), e, field), col: start?.col ?? e.col, endCol: e.endCol };
  }
  if (cur.eatPunct('<')) while (!cur.atEnd() && !cur.eatPunct('>')) cur.next();
  return result;
}

function jumpOffset(v: bigint, e: Expr, field: 'off' | 'imm'): number {
  const limit = field === 'off' ? 1n << 15n : 1n << 31n;
  if (v >= -limit && v < limit) return Number(v);
  const shown = `${v >= 0n ? '+' : ''}${v}`;
  const hint = field === 'off' ? ' (use gotol for longer jumps)' : '';
  throw new AsmError(`jump offset ${shown} does not fit in ${field === 'off' ? 16 : 32} bits${hint}`, e.col, e.endCol, 'asm/offset-range');
}

function parseJump(cur: TokenCursor): ParsedInsn {
  const name = cur.next().text;
  const specs: Record<string, { code: number; field: 'off' | 'imm' }> = {
    goto: { code: CLS.JMP | JMP.JA, field: 'off' },
    gotol: { code: CLS.JMP32 | JMP.JA, field: 'imm' },
    may_goto: { code: CLS.JMP | JMP.JCOND, field: 'off' },
  };
  const { code, field } = specs[name];
  const t = parseTarget(cur, field);
  const i = field === 'off' ? insn(code, 0, 0, t.value, 0) : insn(code, 0, 0, 0, t.value);
  return one(i, { ref: t.ref, target: t });
}

function parseCond(cur: TokenCursor): ParsedInsn {
  cur.expectIdent('if');
  const dst = cur.expectReg();
  const opTok = cur.next();
  const op = JMP_CONDITIONS[opTok.text];
  if (op === undefined) throw new AsmError(`unknown comparison '${opTok.text}'`, opTok.col, opTok.endCol);
  const cls = dst.is32 ? CLS.JMP32 : CLS.JMP;
  let i: Insn;
  if (cur.isReg()) {
    const src = cur.expectReg();
    sameWidth(dst, src, 'a comparison');
    i = insn(cls | op | SRC.X, dst.num, src.num);
  } else {
    const e = parseExpr(cur);
    i = insn(cls | op | SRC.K, dst.num, 0, 0, imm32(constExpr(e, 'a comparison operand'), e));
  }
  cur.expectIdent('goto');
  const t = parseTarget(cur, 'off');
  i.off = t.value;
  return one(i, { ref: t.ref, target: t });
}

/**
 * `name#N` of a verifier log: a helper by name (checked against N), `unknown#N`
 * (the log's name for a helper id it does not know), or a kfunc with BTF id N.
 */
function parseLogCall(cur: TokenCursor, name: { text: string; col: number; endCol: number }): ParsedInsn {
  cur.expectPunct('#');
  const e = parseExpr(cur);
  const id = imm32(constExpr(e, 'a helper number'), e);
  if (name.text === 'unknown') return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.HELPER, 0, id));
  const helper = helperByName(name.text);
  if (!helper) return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.KFUNC, 0, id));
  if (helper.id !== id) throw new AsmError(`${name.text} is helper #${helper.id}, not #${id}`, e.col, e.endCol, 'asm/helper-id');
  return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.HELPER, 0, id));
}

function parseCall(cur: TokenCursor): ParsedInsn {
  cur.expectIdent('call');
  const t = cur.peek();
  if (!t) throw cur.errorHere('expected a helper number, a helper or function name, or pc+N');
  if (cur.isReg()) throw cur.errorHere(`call takes a helper or function, not a register: write callx ${t.text}`);
  if (t?.kind === 'ident' && !(t.text === 'pc' && (cur.isPunct('+', 1) || cur.isPunct('-', 1)))) {
    cur.next();
    const name = { text: t.text, col: t.col, endCol: t.endCol };
    while (cur.isPunct('-') && cur.peek(1)?.kind === 'ident') { // `kernel-function#12`
      cur.next();
      const part = cur.next();
      name.text += `-${part.text}`;
      name.endCol = part.endCol;
    }
    if (cur.isPunct('#')) return parseLogCall(cur, name);
    return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.LOCAL, 0, -1), { ref: { kind: 'call', name: name.text, col: name.col, endCol: name.endCol }, target: name });
  }
  if (cur.eatIdent('pc')) {
    const e = parseExpr(cur);
    const target = { col: t.col, endCol: e.endCol };
    return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.LOCAL, 0, imm32(constExpr(e, 'a call offset'), e)), { target });
  }
  const e = parseExpr(cur);
  return one(insn(CLS.JMP | JMP.CALL, 0, PSEUDO_CALL.HELPER, 0, imm32(constExpr(e, 'a helper number'), e)));
}

/** `ld_pseudo r1, SRC, IMM [, IMM_HI]`: an lddw with a pseudo source (map fd, map value…). */
function parseLdPseudo(cur: TokenCursor): ParsedInsn {
  cur.expectIdent('ld_pseudo');
  const dst = cur.expectReg();
  const nums: number[] = [];
  while (cur.eatPunct(',')) {
    const e = parseExpr(cur);
    nums.push(imm32(constExpr(e, 'an ld_pseudo operand'), e));
  }
  if (nums.length < 2 || nums.length > 3) throw cur.errorHere('ld_pseudo takes a register, a pseudo source and an immediate: ld_pseudo r1, 1, 5');
  const [lo, hi] = lddwSlots(dst.num, 0n, nums[0]);
  lo.imm = nums[1];
  hi.imm = nums[2] ?? 0;
  return { slots: [lo, hi] };
}

function parseAluOp(cur: TokenCursor, dst: Reg, spec: AluSpec): ParsedInsn {
  const off = spec.signed ? 1 : 0;
  if (cur.isReg()) {
    const src = cur.expectReg();
    sameWidth(dst, src, 'an ALU operation');
    return one(insn(aluClass(dst) | spec.op | SRC.X, dst.num, src.num, off, 0));
  }
  const e = parseExpr(cur);
  return one(insn(aluClass(dst) | spec.op | SRC.K, dst.num, 0, off, imm32(constExpr(e, 'an ALU operand'), e)));
}

function parseUnaryForms(cur: TokenCursor, dst: Reg): ParsedInsn | undefined {
  if (cur.isPunct('-') && cur.isReg(1)) { // r1 = -r1
    cur.next();
    const src = cur.expectReg();
    sameWidth(dst, src, 'a negation');
    if (src.num !== dst.num) throw new AsmError(`negation works in place: write ${dst.tok.text} = -${dst.tok.text}`, src.tok.col, src.tok.endCol);
    return one(insn(aluClass(dst) | ALU.NEG, dst.num));
  }
  const sx = MOVSX_WIDTHS[cur.peek(1)?.text ?? ''];
  if (cur.isPunct('(') && sx !== undefined && cur.isPunct(')', 2)) { // r1 = (s8)r2
    cur.pos += 3;
    const src = cur.expectReg();
    sameWidth(dst, src, 'a sign-extending move');
    if (dst.is32 && sx === 32) throw new AsmError('(s32) needs 64-bit registers: r1 = (s32)r2', src.tok.col, src.tok.endCol);
    return one(insn(aluClass(dst) | ALU.MOV | SRC.X, dst.num, src.num, sx));
  }
  const end = END_OPS[cur.peek()?.text ?? ''];
  if (end && cur.peek()?.kind === 'ident' && cur.isReg(1)) { // r1 = be16 r1
    const name = cur.next().text;
    const src = cur.expectReg();
    if (src.num !== dst.num) throw new AsmError(`byte swaps work in place: write ${dst.tok.text} = ${name} ${dst.tok.text}`, src.tok.col, src.tok.endCol);
    return one(insn(end.code, dst.num, 0, 0, end.imm));
  }
  return undefined;
}

function parseImmediateAssign(cur: TokenCursor, dst: Reg, ctx: InsnContext): ParsedInsn {
  const e = parseExpr(cur);
  const wide = cur.eatIdent('ll') || ctx.lddwHint;
  if (!wide) {
    if (e.symbols.length) {
      const s = e.symbols[0];
      throw new AsmError(`${s.name} is an address: load it with r${dst.num} = ${e.text} ll`, s.col, s.endCol, 'asm/needs-ll');
    }
    return one(insn(aluClass(dst) | ALU.MOV | SRC.K, dst.num, 0, 0, imm32(e.constant, e)));
  }
  if (dst.is32) throw new AsmError(`a 64-bit load needs an r register, not ${dst.tok.text}`, dst.tok.col, dst.tok.endCol, 'asm/register-width');
  if (e.symbols.length === 0) return { slots: lddwSlots(dst.num, imm64(e.constant, e)) };
  const sym = e.symbols[0];
  if (e.symbols.length > 1 || sym.sign < 0) throw new AsmError(`expected a symbol plus a constant, found ${e.text}`, e.col, e.endCol, 'asm/expression');
  const [lo, hi] = lddwSlots(dst.num, 0n);
  lo.imm = imm32(e.constant, e);
  return { slots: [lo, hi], ref: { kind: 'lddw', name: sym.name, addend: e.constant, col: sym.col, endCol: sym.endCol } };
}

function parseAssign(cur: TokenCursor, dst: Reg, ctx: InsnContext): ParsedInsn {
  if (cur.isPunct('*')) return parseLoad(cur, dst);
  const unary = parseUnaryForms(cur, dst);
  if (unary) return unary;
  if (isAtomicCall(cur)) return parseAtomicCall(cur, dst);
  if (cur.isReg()) {
    const src = cur.expectReg();
    // `r1 = w2` is how clang prints a zero-extending 32-bit move; it is `w1 = w2`.
    if (dst.is32 && !src.is32) sameWidth(dst, src, 'a move');
    const cls = dst.is32 || src.is32 ? CLS.ALU : CLS.ALU64;
    return one(insn(cls | ALU.MOV | SRC.X, dst.num, src.num));
  }
  return parseImmediateAssign(cur, dst, ctx);
}

function parseRegStatement(cur: TokenCursor, ctx: InsnContext): ParsedInsn {
  const dst = cur.expectReg();
  const opTok = cur.peek();
  if (opTok?.kind === 'punct' && opTok.text === '=') {
    cur.next();
    return parseAssign(cur, dst, ctx);
  }
  const spec = opTok?.kind === 'punct' ? ALU_ASSIGN[opTok.text] : undefined;
  if (!spec) throw cur.errorHere(`expected '=' or an operator such as '+=' after ${dst.tok.text}${cur.foundText()}`);
  cur.next();
  return parseAluOp(cur, dst, spec);
}

const KEYWORDS: Record<string, (cur: TokenCursor) => ParsedInsn> = {
  exit: (cur) => { cur.next(); return one(insn(CLS.JMP | JMP.EXIT)); },
  goto: parseJump, gotol: parseJump, may_goto: parseJump,
  call: parseCall,
  callx: (cur) => { cur.next(); return one(insn(CLS.JMP | JMP.CALL | SRC.X, cur.expectReg().num)); },
  if: parseCond,
  lock: parseLock,
  ld_pseudo: parseLdPseudo,
};

/** Parses one instruction from the cursor to the end of the statement. */
export function parseInsn(cur: TokenCursor, ctx: InsnContext): ParsedInsn {
  const first = cur.peek();
  let parsed: ParsedInsn;
  if (first?.kind === 'punct' && first.text === '*') parsed = parseStore(cur);
  else if (first?.kind === 'ident' && KEYWORDS[first.text]) parsed = KEYWORDS[first.text](cur);
  else if (cur.isReg()) parsed = parseRegStatement(cur, ctx);
  else throw cur.errorHere(`unknown instruction '${first?.text ?? ''}'`, 'asm/unknown-instruction');
  cur.expectEnd();
  return parsed;
}
