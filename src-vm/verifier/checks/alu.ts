// ALU and ALU64 instructions (check_alu_op, adjust_reg_min_max_vals): operand
// checks, scalar transfer through scalarAlu.ts with linked-scalar ids as Linux
// 6.18 keeps them, and the rules for arithmetic on pointers (which pointer
// types allow it, offset sanity, the kernel's messages). Privileged mode
// (CAP_BPF + CAP_PERFMON): pointer leaks and speculation sanitising are allowed.

import type { Insn } from '../../isa/insn';
import { boundsSync, checkInvariants, isConst, markUnbounded32, Scalar, scalarClone, scalarFromImm } from '../bounds';
import { newId, type VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { clearLink, isPktPointer, regClone, RegState, regTypeName, unknownScalar } from '../regState';
import {
  type AluOp, forkMinusOneOrZero, scalarAlu, scalarByteSwap, scalarMov, scalarMovImm, scalarMovSx, scalarNeg,
} from '../scalarAlu';
import { formatInvariantViolation } from '../scalarPrint';
import { stateClone, type VerifierState } from '../state';
import { tnumIsConst } from '../tnum';
import { fls64, toBigSigned } from '../word64';
import { checkRead, checkWrite } from './regCheck';

const ALU_OPS: Readonly<Record<number, AluOp>> = {
  0x00: 'add', 0x10: 'sub', 0x20: 'mul', 0x30: 'div', 0x40: 'or', 0x50: 'and', 0x60: 'lsh', 0x70: 'rsh',
  0x90: 'mod', 0xa0: 'xor', 0xc0: 'arsh',
};

/** bpf_alu_string: operator names in messages. */
const OP_NAME: Readonly<Record<number, string>> = {
  0x00: '+=', 0x10: '-=', 0x20: '*=', 0x30: '/=', 0x40: '|=', 0x50: '&=', 0x60: '<<=', 0x70: '>>=', 0x80: 'neg',
  0x90: '%=', 0xa0: '^=', 0xb0: '=', 0xc0: 's>>=', 0xd0: 'endian',
};

const BPF_MAX_VAR_OFF = 1 << 29;

/** Executes one ALU instruction on the current frame; rejects or leaves the new state in place. */
export function checkAlu(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): CheckResult {
  const op = i.code & 0xf0;
  const alu32 = (i.code & 7) === 0x04;
  const useX = (i.code & 0x08) !== 0;
  if (op === 0xb0) return checkMov(env, st, pc, i, alu32, useX);
  if (op === 0x80 || op === 0xd0) return checkUnary(st, pc, i, alu32, useX);
  const err = (useX ? checkRead(st, pc, i.src) : undefined) ?? checkRead(st, pc, i.dst);
  if (err) return err;
  if ((op === 0x30 || op === 0x90) && !useX && i.imm === 0) return reject(pc, 'div-zero', 'div by zero');
  if ((op === 0x60 || op === 0x70 || op === 0xc0) && !useX && (i.imm < 0 || i.imm >= (alu32 ? 32 : 64))) {
    return reject(pc, 'shift', `invalid shift ${i.imm}`);
  }
  const w = checkWrite(pc, i.dst);
  if (w) return w;
  const regs = st.cur.regs;
  const dst = regs[i.dst];
  const src = useX ? regs[i.src] : undefined;
  if (src && src.type !== 'scalar') {
    if (dst.type !== 'scalar') {
      if (op === 0x10) { regs[i.dst] = unknownScalar(); return undefined; }
      return reject(pc, 'ptr-arith', `R${i.dst} pointer ${OP_NAME[op]} pointer prohibited`);
    }
    return ptrArith(env, st, pc, i, src, dst, alu32);
  }
  if (dst.type !== 'scalar') return ptrArith(env, st, pc, i, dst, src ?? immReg(i.imm), alu32);
  return scalarBinary(env, st, pc, i, alu32, src);
}

function immReg(imm: number): RegState {
  const r = unknownScalar();
  r.s = scalarFromImm(imm);
  return r;
}

function checkUnary(st: VerifierState, pc: number, i: Insn, alu32: boolean, useX: boolean): CheckResult {
  const err = checkRead(st, pc, i.dst) ?? checkWrite(pc, i.dst);
  if (err) return err;
  const dst = st.cur.regs[i.dst];
  if (dst.type !== 'scalar') { // privileged: negating or byte-swapping a pointer leaves an unknown scalar
    st.cur.regs[i.dst] = unknownScalar();
    return undefined;
  }
  if ((i.code & 0xf0) === 0x80) {
    scalarNeg(dst.s, alu32);
    clearLink(dst);
  } else {
    const kind = alu32 ? (useX ? 'be' : 'le') : 'bswap';
    if (kind !== 'le' || i.imm !== 64) clearLink(dst);
    scalarByteSwap(dst.s, kind, i.imm as 16 | 32 | 64);
  }
  return violation(pc, dst);
}

function violation(pc: number, r: RegState): CheckResult {
  const v = checkInvariants(r.s);
  return v ? reject(pc, 'invariant', formatInvariantViolation('alu', v, r.s)) : undefined;
}

function checkMov(env: VerifyEnv, st: VerifierState, pc: number, i: Insn, alu32: boolean, useX: boolean): CheckResult {
  const err = (useX ? checkRead(st, pc, i.src) : undefined) ?? checkWrite(pc, i.dst);
  if (err) return err;
  const regs = st.cur.regs;
  if (!useX) {
    const r = unknownScalar();
    scalarMovImm(r.s, i.imm, alu32);
    regs[i.dst] = r;
    return undefined;
  }
  const src = regs[i.src];
  if (src.type !== 'scalar') {
    regs[i.dst] = alu32 || i.off !== 0 ? unknownScalar() : regClone(src);
    return undefined;
  }
  const out = unknownScalar();
  const keep = i.off === 0
    ? !alu32 || fls64(src.s.umaxHi, src.s.umaxLo) <= 32
    : src.s.umaxHi === 0 && src.s.umaxLo < 2 ** (i.off - 1);
  if (keep) linkSource(env, src);
  if (i.off === 0) scalarMov(out.s, src.s, alu32);
  else scalarMovSx(out.s, src.s, i.off as 8 | 16 | 32, alu32);
  if (keep) { out.id = src.id; out.linkDelta = src.linkDelta; out.link32 = src.link32; }
  regs[i.dst] = out;
  return undefined;
}

/** assign_scalar_id_before_mov: a non-constant source gets an id so both copies are linked. */
function linkSource(env: VerifyEnv, src: RegState): void {
  if (src.linkDelta !== undefined) clearLink(src);
  if (src.id === 0 && !isConst(src.s, false)) src.id = newId(env);
}

function scalarBinary(env: VerifyEnv, st: VerifierState, pc: number, i: Insn, alu32: boolean, srcReg?: RegState): CheckResult {
  const dst = st.cur.regs[i.dst];
  const src = srcReg ? srcReg.s : scalarFromImm(i.imm);
  let op = ALU_OPS[i.code & 0xf0];
  if (i.off === 1 && (op === 'div' || op === 'mod')) op = op === 'div' ? 'sdiv' : 'smod';
  if (op === 'and' || op === 'or') {
    const other = forkMinusOneOrZero(dst.s, srcReg === dst ? dst.s : src);
    if (other) {
      const copy = stateClone(st);
      copy.cur.regs[i.dst].s = other;
      copy.pc = pc;
      env.forks.push(copy);
    }
  }
  const dstUmaxHi = dst.s.umaxHi;
  scalarAlu(dst.s, srcReg === dst ? dst.s : src, op, alu32);
  // `rX += rX` is no `rX += K`: the source changed with the destination, so the link goes (6.18).
  if (srcReg === dst) clearLink(dst);
  else updateLink(dst, op, src, alu32, dstUmaxHi);
  return violation(pc, dst);
}

/** Linked scalars: `rX += K` / `rX -= K` keeps the link with a known delta; anything else unlinks. */
function updateLink(dst: RegState, op: AluOp, src: Scalar, alu32: boolean, dstUmaxHi: number): void {
  if ((op !== 'add' && op !== 'sub') || dst.id === 0 || !isConst(src, alu32)) { clearLink(dst); return; }
  const v = alu32 ? src.varOff.vLo | 0 : Number(toBigSigned(src.varOff.vHi, src.varOff.vLo));
  const fits = alu32 ? dstUmaxHi === 0 : v >= -0x80000000 && v <= 0x7fffffff;
  if (!fits || dst.linkDelta !== undefined || (op === 'sub' && v === -0x80000000)) clearLink(dst);
  else { dst.linkDelta = op === 'sub' ? -v : v; dst.link32 = alu32; }
}

/** Pointer types arithmetic is allowed on (adjust_ptr_min_max_vals). */
const ARITH_OK = new Set(['ctx', 'map_value', 'map_key', 'stack', 'pkt', 'pkt_meta', 'mem', 'tp_buffer']);

/** adjust_ptr_min_max_vals: `ptr op= scalar` or `scalar += ptr`; the result lands in dst. */
function ptrArith(
  env: VerifyEnv, st: VerifierState, pc: number, i: Insn, ptr: RegState, off: RegState, alu32: boolean,
): CheckResult {
  const op = i.code & 0xf0;
  const regs = st.cur.regs;
  const known = tnumIsConst(off.s.varOff);
  if (alu32) {
    if (op === 0x10) { regs[i.dst] = unknownScalar(); return undefined; }
    return reject(pc, 'ptr-arith', `R${i.dst} 32-bit pointer arithmetic prohibited`);
  }
  if (ptr.maybeNull) {
    return reject(pc, 'ptr-arith', `R${i.dst} pointer arithmetic on ${regTypeName(ptr)} prohibited, null-check it first`);
  }
  const mapPtrOk = ptr.type === 'map_ptr' && known && off.s.sminHi === 0 && off.s.sminLo === 0 && op === 0x00;
  if (!ARITH_OK.has(ptr.type) && !mapPtrOk) {
    return reject(pc, 'ptr-arith', `R${i.dst} pointer arithmetic on ${regTypeName(ptr)} prohibited`);
  }
  const sane = saneOffset(pc, off, ptr) ?? saneOffset(pc, ptr, ptr);
  if (sane) return sane;
  if (op === 0x50 || op === 0x40 || op === 0xa0) {
    return reject(pc, 'ptr-arith', `R${i.dst} bitwise operator ${OP_NAME[op]} on pointer prohibited`);
  }
  if (op !== 0x00 && op !== 0x10) {
    return reject(pc, 'ptr-arith', `R${i.dst} pointer arithmetic with ${OP_NAME[op]} operator prohibited`);
  }
  if (op === 0x10 && regs[i.dst] !== ptr) return reject(pc, 'ptr-arith', `R${i.dst} tried to subtract pointer from scalar`);
  if (op === 0x10 && ptr.type === 'stack') return reject(pc, 'ptr-arith', `R${i.dst} subtraction from stack pointer prohibited`);
  const out = movePointer(env, ptr, off, op === 0x10, known);
  regs[i.dst] = out;
  return saneOffset(pc, out, ptr);
}

function movePointer(env: VerifyEnv, ptr: RegState, off: RegState, sub: boolean, known: boolean): RegState {
  const out = regClone(ptr);
  markUnbounded32(out.s);
  boundsSync(out.s);
  const k = Number(toBigSigned(off.s.varOff.vHi, off.s.varOff.vLo));
  const fixed = sub ? ptr.off - k : ptr.off + k;
  if (known && fixed === (fixed | 0)) {
    out.off = fixed;
  } else {
    // The 64-bit bounds and var_off move as for scalars; the 32-bit ones are forgotten, then re-derived.
    const v = scalarClone(ptr.s);
    scalarAlu(v, off.s, sub ? 'sub' : 'add', false);
    markUnbounded32(v);
    boundsSync(v);
    out.s = v;
    if (isPktPointer(ptr)) { out.id = newId(env); if (!sub || off.s.sminHi >= 0x80000000) out.range = 0; }
  }
  return out;
}

/** check_reg_sane_offset. */
function saneOffset(pc: number, reg: RegState, ptr: RegState): CheckResult {
  const t = regTypeName(ptr);
  const smin = Number(toBigSigned(reg.s.sminHi, reg.s.sminLo));
  if (tnumIsConst(reg.s.varOff)) {
    const val = toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo);
    if (val >= BPF_MAX_VAR_OFF || val <= -BPF_MAX_VAR_OFF) {
      return reject(pc, 'ptr-arith', `math between ${t} pointer and ${val} is not allowed`);
    }
  }
  if (reg.off >= BPF_MAX_VAR_OFF || reg.off <= -BPF_MAX_VAR_OFF) {
    return reject(pc, 'ptr-arith', `${t} pointer offset ${reg.off} is not allowed`);
  }
  if (reg.s.sminHi === 0x80000000 && reg.s.sminLo === 0) {
    return reject(pc, 'ptr-arith', `math between ${t} pointer and register with unbounded min value is not allowed`);
  }
  if (smin >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
    return reject(pc, 'ptr-arith', `value ${toBigSigned(reg.s.sminHi, reg.s.sminLo)} makes ${t} pointer be out of bounds`);
  }
  return undefined;
}
