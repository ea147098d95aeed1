// Parsers for memory instructions in the LLVM and kernel-log syntax: loads
// (`r1 = *(u8 *)(r2 + 20)`, sign-extending `*(s16 *)`), legacy packet loads
// (`r0 = *(u16 *)skb[12]`), stores (`*(u32 *)(r10 - 4) = r1` / `= 5`) and
// atomics (`lock … += r2`, `atomic_fetch_add(…)`, `xchg_64(…)`, `cmpxchg_64(…)`
// and the kernel's `atomic64_fetch_add(…)` spellings). Pure.

import { ALU, ATOMIC, CLS, MODE } from '../isa/opcodes';
import { insn } from '../isa/insn';
import { constExpr, parseExpr } from './expr';
import { imm32, parseAccessType, parseMemOperand, parseRegOffset, type AccessType, type MemOperand, type ParsedInsn } from './operands';
import { AsmError, type Reg, type TokenCursor } from './tokenCursor';

const LOCK_OPS: Record<string, number> = { '+=': ALU.ADD, '|=': ALU.OR, '&=': ALU.AND, '^=': ALU.XOR };
const FETCH_OPS: Record<string, number> = { add: ATOMIC.ADD, or: ATOMIC.OR, and: ATOMIC.AND, xor: ATOMIC.XOR };

function unsignedOnly(type: AccessType, cur: TokenCursor, what: string): void {
  if (type.signed) throw new AsmError(`${what} takes an unsigned access type (u8, u16, u32, u64)`, cur.lastEnd - 1, cur.lastEnd);
}

/** `*(T *)(REG ± off) = REG | imm`, the cursor on `*`. */
export function parseStore(cur: TokenCursor): ParsedInsn {
  cur.expectPunct('*');
  const type = parseAccessType(cur);
  unsignedOnly(type, cur, 'a store');
  const mem = parseMemOperand(cur);
  cur.expectPunct('=');
  if (cur.isReg()) {
    const src = cur.expectReg();
    return { slots: [insn(CLS.STX | MODE.MEM | type.sizeBits, mem.reg.num, src.num, mem.off, 0)] };
  }
  const e = parseExpr(cur);
  const imm = imm32(constExpr(e, 'a stored value'), e);
  return { slots: [insn(CLS.ST | MODE.MEM | type.sizeBits, mem.reg.num, 0, mem.off, imm)] };
}

/** `skb[imm]`, `skb[REG]` or `skb[REG + imm]` after `*(T *)`; the result is always r0. */
function parsePacketLoad(cur: TokenCursor, dst: Reg, type: AccessType): ParsedInsn {
  cur.expectIdent('skb');
  cur.expectPunct('[');
  if (dst.num !== 0) throw new AsmError(`legacy packet loads always write r0, not ${dst.tok.text}`, dst.tok.col, dst.tok.endCol);
  if (type.bytes === 8) throw new AsmError('legacy packet loads read u8, u16 or u32', cur.lastEnd - 1, cur.lastEnd);
  if (cur.isReg()) {
    const src = cur.expectReg();
    let imm = 0;
    if (cur.isPunct('+') || cur.isPunct('-')) {
      const e = parseExpr(cur);
      imm = imm32(constExpr(e, 'a packet offset'), e);
    }
    cur.expectPunct(']');
    return { slots: [insn(CLS.LD | MODE.IND | type.sizeBits, 0, src.num, 0, imm)] };
  }
  const e = parseExpr(cur);
  const imm = imm32(constExpr(e, 'a packet offset'), e);
  cur.expectPunct(']');
  return { slots: [insn(CLS.LD | MODE.ABS | type.sizeBits, 0, 0, 0, imm)] };
}

/** `REG = *(T *)(REG ± off)` or a packet load, the cursor on `*`. */
export function parseLoad(cur: TokenCursor, dst: Reg): ParsedInsn {
  cur.expectPunct('*');
  const type = parseAccessType(cur);
  if (cur.isIdent('skb')) {
    if (type.signed) throw new AsmError('legacy packet loads take u8, u16 or u32', cur.lastEnd - 1, cur.lastEnd);
    return parsePacketLoad(cur, dst, type);
  }
  const mem = parseMemOperand(cur);
  const mode = type.signed ? MODE.MEMSX : MODE.MEM;
  return { slots: [insn(CLS.LDX | mode | type.sizeBits, dst.num, mem.reg.num, mem.off, 0)] };
}

function atomicSize(type: AccessType, cur: TokenCursor): void {
  if (type.signed || type.bytes < 4) throw new AsmError('atomic operations take (u32 *) or (u64 *)', cur.lastEnd - 1, cur.lastEnd);
}

function checkValueReg(value: Reg, bytes: number): void {
  if (bytes === 8 && value.is32) {
    throw new AsmError(`a 64-bit atomic operation needs an r register, not ${value.tok.text}`, value.tok.col, value.tok.endCol, 'asm/register-width');
  }
}

function atomicInsn(bytes: number, mem: MemOperand, value: Reg, op: number): ParsedInsn {
  checkValueReg(value, bytes);
  const sizeBits = bytes === 8 ? 0x18 : 0x00;
  return { slots: [insn(CLS.STX | MODE.ATOMIC | sizeBits, mem.reg.num, value.num, mem.off, op)] };
}

/** `lock *(T *)(REG ± off) OP= REG`, the cursor on `lock`. */
export function parseLock(cur: TokenCursor): ParsedInsn {
  cur.expectIdent('lock');
  cur.expectPunct('*');
  const type = parseAccessType(cur);
  atomicSize(type, cur);
  const mem = parseMemOperand(cur);
  const opTok = cur.next();
  const op = LOCK_OPS[opTok.text];
  if (op === undefined) throw new AsmError(`expected +=, |=, &= or ^= after lock, found '${opTok.text}'`, opTok.col, opTok.endCol);
  return atomicInsn(type.bytes, mem, cur.expectReg('the value register'), op);
}

/** `(T *)(REG ± off)` of the kernel and `atomic_fetch_*` spellings, or `REG ± off` of LLVM's xchg/cmpxchg. */
function atomicAddress(cur: TokenCursor, llvmBytes: number | undefined): { bytes: number; mem: MemOperand } {
  if (llvmBytes !== undefined) return { bytes: llvmBytes, mem: parseRegOffset(cur) };
  const type = parseAccessType(cur);
  atomicSize(type, cur);
  return { bytes: type.bytes, mem: parseMemOperand(cur) };
}

function sameReg(a: Reg, b: Reg, what: string): void {
  if (a.num !== b.num) {
    throw new AsmError(`${what}: the result register ${a.tok.text} must be the value register ${b.tok.text}`, b.tok.col, b.tok.endCol);
  }
}

interface AtomicName {
  op: 'fetch' | 'xchg' | 'cmpxchg';
  fetchOp?: number;
  /** LLVM's xchg_64/cmpxchg32_32 name the size and take `REG + off` without a type. */
  llvmBytes?: number;
  /** The kernel's `atomic64_` names say 64 bits. */
  is64Name: boolean;
}

function atomicName(name: string): AtomicName | undefined {
  const fetch = /^atomic(64)?_fetch_(add|or|and|xor)$/.exec(name);
  if (fetch) return { op: 'fetch', fetchOp: FETCH_OPS[fetch[2]] | ATOMIC.FETCH, is64Name: fetch[1] === '64' };
  const llvm = /^(xchg|cmpxchg)(_64|32_32)$/.exec(name);
  if (llvm) return { op: llvm[1] as 'xchg' | 'cmpxchg', llvmBytes: llvm[2] === '_64' ? 8 : 4, is64Name: false };
  const kernel = /^atomic(64)?_(xchg|cmpxchg)$/.exec(name);
  if (kernel) return { op: kernel[2] as 'xchg' | 'cmpxchg', is64Name: kernel[1] === '64' };
  return undefined;
}

/** Whether the cursor is on an atomic function such as `atomic_fetch_add(`. */
export function isAtomicCall(cur: TokenCursor): boolean {
  const t = cur.peek();
  return t?.kind === 'ident' && atomicName(t.text) !== undefined && cur.isPunct('(', 1);
}

/** `DST = atomic_fetch_add((u64 *)(r1 + 0), DST)`, `xchg_64(r1 + 0, DST)`, `cmpxchg_64(r1 + 0, r0, SRC)`… */
export function parseAtomicCall(cur: TokenCursor, dst: Reg): ParsedInsn {
  const nameTok = cur.next();
  const a = atomicName(nameTok.text)!;
  cur.expectPunct('(');
  const { bytes, mem } = atomicAddress(cur, a.llvmBytes);
  if (a.is64Name && bytes !== 8) throw new AsmError(`${nameTok.text} is a 64-bit operation but the access type is u32`, nameTok.col, nameTok.endCol);
  cur.expectPunct(',');
  if (a.op === 'cmpxchg') {
    const expected = cur.expectReg('r0');
    if (dst.num !== 0 || expected.num !== 0) {
      const bad = dst.num !== 0 ? dst : expected;
      throw new AsmError(`${nameTok.text} compares with and returns r0, not ${bad.tok.text}`, bad.tok.col, bad.tok.endCol);
    }
    cur.expectPunct(',');
  }
  const value = cur.expectReg('the value register');
  cur.expectPunct(')');
  if (a.op !== 'cmpxchg') sameReg(dst, value, nameTok.text);
  const op = a.op === 'fetch' ? a.fetchOp! : a.op === 'xchg' ? ATOMIC.XCHG : ATOMIC.CMPXCHG;
  return atomicInsn(bytes, mem, value, op);
}
