// Conditional jumps between two scalars, as Linux 6.18 treats them: whether
// the outcome is already decided (is_scalar_branch_taken), and what each
// outcome teaches about both operands (regs_refine_cond_op + reg_set_min_max),
// for every JMP and JMP32 condition including JSET. For `if rX <op> imm` the
// caller passes a constant scalar as the second operand; when both operands
// are the same register the caller passes the same object twice and gets the
// kernel's aliasing behaviour. Pure; imports bounds.ts, tnum.ts, word64.ts.

import { boundsSync, checkInvariants, type InvariantViolation, isConst, markUnbounded, Scalar } from './bounds';
import { Tnum, tnumAnd, tnumConst, tnumCopy, tnumIntersect, tnumIsConst, tnumOr, tnumOverlap, tnumSubreg, tnumWithSubreg } from './tnum';
import { addU64, out64, sle, slt, subU64, ule, ult, U32_MAX } from './word64';

export type Cond = 'jeq' | 'jne' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle' | 'jset';

/** A condition and the negation of JSET, which has no opcode of its own. */
type RefineCond = Cond | 'jnset';

/** The condition that holds on the fall-through path (rev_opcode). */
const NEGATED: Record<RefineCond, RefineCond> = {
  jeq: 'jne', jne: 'jeq', jset: 'jnset', jnset: 'jset', jge: 'jlt', jgt: 'jle', jle: 'jgt', jlt: 'jge',
  jsge: 'jslt', jsgt: 'jsle', jsle: 'jsgt', jslt: 'jsge',
};

/** `a op b` as `b op' a` (flip_opcode). */
export const SWAPPED: Record<Cond, Cond> = {
  jeq: 'jeq', jne: 'jne', jset: 'jset', jge: 'jle', jgt: 'jlt', jle: 'jge', jlt: 'jgt',
  jsge: 'jsle', jsgt: 'jslt', jsle: 'jsge', jslt: 'jsgt',
};

/** A register's bounds seen at one width: unsigned and signed (hi, lo) pairs. */
interface View { uminHi: number; uminLo: number; umaxHi: number; umaxLo: number;
  sminHi: number; sminLo: number; smaxHi: number; smaxLo: number }

const view1: View = { uminHi: 0, uminLo: 0, umaxHi: 0, umaxLo: 0, sminHi: 0, sminLo: 0, smaxHi: 0, smaxLo: 0 };
const view2: View = { ...view1 };

function viewOf(v: View, s: Scalar, is32: boolean): View {
  if (is32) {
    v.uminHi = 0; v.uminLo = s.u32Min; v.umaxHi = 0; v.umaxLo = s.u32Max;
    v.sminHi = s.s32Min < 0 ? U32_MAX : 0; v.sminLo = s.s32Min >>> 0;
    v.smaxHi = s.s32Max < 0 ? U32_MAX : 0; v.smaxLo = s.s32Max >>> 0;
  } else {
    v.uminHi = s.uminHi; v.uminLo = s.uminLo; v.umaxHi = s.umaxHi; v.umaxLo = s.umaxLo;
    v.sminHi = s.sminHi; v.sminLo = s.sminLo; v.smaxHi = s.smaxHi; v.smaxLo = s.smaxLo;
  }
  return v;
}

const t1 = new Tnum();
const t2 = new Tnum();

/** 1: the jump is always taken, 0: never, -1: it depends (is_scalar_branch_taken). */
export function isBranchTaken(a: Scalar, b: Scalar, cond: Cond, is32: boolean): 1 | 0 | -1 {
  if (is32) { tnumSubreg(t1, a.varOff); tnumSubreg(t2, b.varOff); }
  else { tnumCopy(t1, a.varOff); tnumCopy(t2, b.varOff); }
  const x = viewOf(view1, a, is32), y = viewOf(view2, b, is32);
  switch (cond) {
    case 'jeq': return equalityTaken(a, b, x, y, is32, 1);
    case 'jne': return equalityTaken(a, b, x, y, is32, 0);
    case 'jset': return jsetTaken(a, b, is32);
    case 'jgt': return ult(y.umaxHi, y.umaxLo, x.uminHi, x.uminLo) ? 1 : ule(x.umaxHi, x.umaxLo, y.uminHi, y.uminLo) ? 0 : -1;
    case 'jsgt': return slt(y.smaxHi, y.smaxLo, x.sminHi, x.sminLo) ? 1 : sle(x.smaxHi, x.smaxLo, y.sminHi, y.sminLo) ? 0 : -1;
    case 'jlt': return ult(x.umaxHi, x.umaxLo, y.uminHi, y.uminLo) ? 1 : ule(y.umaxHi, y.umaxLo, x.uminHi, x.uminLo) ? 0 : -1;
    case 'jslt': return slt(x.smaxHi, x.smaxLo, y.sminHi, y.sminLo) ? 1 : sle(y.smaxHi, y.smaxLo, x.sminHi, x.sminLo) ? 0 : -1;
    case 'jge': return ule(y.umaxHi, y.umaxLo, x.uminHi, x.uminLo) ? 1 : ult(x.umaxHi, x.umaxLo, y.uminHi, y.uminLo) ? 0 : -1;
    case 'jsge': return sle(y.smaxHi, y.smaxLo, x.sminHi, x.sminLo) ? 1 : slt(x.smaxHi, x.smaxLo, y.sminHi, y.sminLo) ? 0 : -1;
    case 'jle': return ule(x.umaxHi, x.umaxLo, y.uminHi, y.uminLo) ? 1 : ult(y.umaxHi, y.umaxLo, x.uminHi, x.uminLo) ? 0 : -1;
    case 'jsle': return sle(x.smaxHi, x.smaxLo, y.sminHi, y.sminLo) ? 1 : slt(y.smaxHi, y.smaxLo, x.sminHi, x.sminLo) ? 0 : -1;
  }
}

/** JEQ (ifEqual = 1) and JNE (ifEqual = 0): decided when the two value sets cannot meet. */
function equalityTaken(a: Scalar, b: Scalar, x: View, y: View, is32: boolean, ifEqual: 1 | 0): 1 | 0 | -1 {
  const ifDifferent = ifEqual === 1 ? 0 : 1;
  if (tnumIsConst(t1) && tnumIsConst(t2)) return t1.vHi === t2.vHi && t1.vLo === t2.vLo ? ifEqual : ifDifferent;
  if (!tnumOverlap(t1, t2)) return ifDifferent;
  if (ult(y.umaxHi, y.umaxLo, x.uminHi, x.uminLo) || ult(x.umaxHi, x.umaxLo, y.uminHi, y.uminLo)) return ifDifferent;
  if (slt(y.smaxHi, y.smaxLo, x.sminHi, x.sminLo) || slt(x.smaxHi, x.smaxLo, y.sminHi, y.sminLo)) return ifDifferent;
  if (!is32) {
    if (a.u32Min > b.u32Max || a.u32Max < b.u32Min) return ifDifferent;
    if (a.s32Min > b.s32Max || a.s32Max < b.s32Min) return ifDifferent;
  }
  return -1;
}

function jsetTaken(a: Scalar, b: Scalar, is32: boolean): 1 | 0 | -1 {
  let x = t1, y = t2;
  if (!isConst(b, is32)) { x = t2; y = t1; }
  if (!isConst(b, is32) && !isConst(a, is32)) return -1;
  // x: the tested register, y: the constant bit mask
  if (((~x.mHi & x.vHi & y.vHi) | (~x.mLo & x.vLo & y.vLo)) !== 0) return 1;
  if ((((x.mHi | x.vHi) & y.vHi) | ((x.mLo | x.vLo) & y.vLo)) === 0) return 0;
  return -1;
}

/**
 * Refines both operands for both outcomes of `if (a cond b) goto` (reg_set_min_max):
 * trueA/trueB are the jump path's copies, falseA/falseB the fall-through path's.
 * Returns the first register whose bounds became inconsistent, as the kernel names it.
 */
export function refineBranch(
  trueA: Scalar, trueB: Scalar, falseA: Scalar, falseB: Scalar, cond: Cond, is32: boolean,
): { where: 'true_reg1' | 'true_reg2' | 'false_reg1' | 'false_reg2'; violation: InvariantViolation } | undefined {
  refine(falseA, falseB, NEGATED[cond], is32);
  boundsSync(falseA);
  boundsSync(falseB);
  refine(trueA, trueB, cond, is32);
  boundsSync(trueA);
  boundsSync(trueB);
  const checks = [['true_reg1', trueA], ['true_reg2', trueB], ['false_reg1', falseA], ['false_reg2', falseB]] as const;
  for (const [where, reg] of checks) {
    const violation = checkInvariants(reg);
    if (violation) return { where, violation };
  }
  return undefined;
}

const refineTmp = new Tnum();

/** What `r1 cond r2` being true says about r1 and r2 (regs_refine_cond_op). */
function refine(r1: Scalar, r2: Scalar, cond: RefineCond, is32: boolean): void {
  if (cond === 'jge' || cond === 'jgt' || cond === 'jsge' || cond === 'jsgt') {
    cond = SWAPPED[cond];
    const t = r1; r1 = r2; r2 = t;
  }
  switch (cond) {
    case 'jeq': refineEqual(r1, r2, is32); break;
    case 'jne': case 'jset': case 'jnset': {
      if (!isConst(r2, is32)) { const t = r1; r1 = r2; r2 = t; }
      if (!isConst(r2, is32)) break;
      if (cond === 'jne') refineNotEqual(r1, r2, is32);
      else if (cond === 'jset') refineBitSet(r1, r2, is32);
      else refineBitsClear(r1, r2, is32);
      break;
    }
    case 'jle': case 'jlt': refineBelow(r1, r2, is32, cond === 'jlt'); break;
    case 'jsle': case 'jslt': refineSignedBelow(r1, r2, is32, cond === 'jslt'); break;
    default: break;
  }
}

function refineEqual(r1: Scalar, r2: Scalar, is32: boolean): void {
  if (is32) {
    r1.u32Min = Math.max(r1.u32Min, r2.u32Min); r1.u32Max = Math.min(r1.u32Max, r2.u32Max);
    r1.s32Min = Math.max(r1.s32Min, r2.s32Min); r1.s32Max = Math.min(r1.s32Max, r2.s32Max);
    r2.u32Min = r1.u32Min; r2.u32Max = r1.u32Max; r2.s32Min = r1.s32Min; r2.s32Max = r1.s32Max;
    tnumIntersect(refineTmp, tnumSubreg(t1, r1.varOff), tnumSubreg(t2, r2.varOff));
    tnumWithSubreg(r1.varOff, r1.varOff, refineTmp);
    tnumWithSubreg(r2.varOff, r2.varOff, refineTmp);
    return;
  }
  if (ult(r1.uminHi, r1.uminLo, r2.uminHi, r2.uminLo)) { r1.uminHi = r2.uminHi; r1.uminLo = r2.uminLo; }
  if (ult(r2.umaxHi, r2.umaxLo, r1.umaxHi, r1.umaxLo)) { r1.umaxHi = r2.umaxHi; r1.umaxLo = r2.umaxLo; }
  if (slt(r1.sminHi, r1.sminLo, r2.sminHi, r2.sminLo)) { r1.sminHi = r2.sminHi; r1.sminLo = r2.sminLo; }
  if (slt(r2.smaxHi, r2.smaxLo, r1.smaxHi, r1.smaxLo)) { r1.smaxHi = r2.smaxHi; r1.smaxLo = r2.smaxLo; }
  r2.uminHi = r1.uminHi; r2.uminLo = r1.uminLo; r2.umaxHi = r1.umaxHi; r2.umaxLo = r1.umaxLo;
  r2.sminHi = r1.sminHi; r2.sminLo = r1.sminLo; r2.smaxHi = r1.smaxHi; r2.smaxLo = r1.smaxLo;
  tnumIntersect(r1.varOff, r1.varOff, r2.varOff);
  tnumCopy(r2.varOff, r1.varOff);
}

/** r1 != constant r2: a bound equal to the constant moves inwards by one. */
function refineNotEqual(r1: Scalar, r2: Scalar, is32: boolean): void {
  const vHi = is32 ? 0 : r2.varOff.vHi, vLo = r2.varOff.vLo;
  if (is32) {
    if (r1.u32Min === vLo) r1.u32Min = (r1.u32Min + 1) >>> 0;
    if (r1.u32Max === vLo) r1.u32Max = (r1.u32Max - 1) >>> 0;
    if (r1.s32Min === (vLo | 0)) r1.s32Min = (r1.s32Min + 1) | 0;
    if (r1.s32Max === (vLo | 0)) r1.s32Max = (r1.s32Max - 1) | 0;
    return;
  }
  if (r1.uminHi === vHi && r1.uminLo === vLo) { addU64(r1.uminHi, r1.uminLo, 0, 1); r1.uminHi = out64.hi; r1.uminLo = out64.lo; }
  if (r1.umaxHi === vHi && r1.umaxLo === vLo) { subU64(r1.umaxHi, r1.umaxLo, 0, 1); r1.umaxHi = out64.hi; r1.umaxLo = out64.lo; }
  if (r1.sminHi === vHi && r1.sminLo === vLo) { addU64(r1.sminHi, r1.sminLo, 0, 1); r1.sminHi = out64.hi; r1.sminLo = out64.lo; }
  if (r1.smaxHi === vHi && r1.smaxLo === vLo) { subU64(r1.smaxHi, r1.smaxLo, 0, 1); r1.smaxHi = out64.hi; r1.smaxLo = out64.lo; }
}

/** r1 & constant r2 != 0: learns the bit only when the constant has a single bit. */
function refineBitSet(r1: Scalar, r2: Scalar, is32: boolean): void {
  const vHi = is32 ? 0 : r2.varOff.vHi, vLo = r2.varOff.vLo;
  const bits = popcount(vHi) + popcount(vLo);
  if (bits !== 1) return;
  tnumConst(refineTmp, vHi, vLo);
  if (is32) tnumWithSubreg(r1.varOff, r1.varOff, tnumOr(refineTmp, tnumSubreg(t1, r1.varOff), refineTmp));
  else tnumOr(r1.varOff, r1.varOff, refineTmp);
}

/** r1 & constant r2 == 0: those bits are known zero; the ranges are forgotten first. */
function refineBitsClear(r1: Scalar, r2: Scalar, is32: boolean): void {
  const vHi = is32 ? 0 : r2.varOff.vHi, vLo = r2.varOff.vLo;
  markUnbounded(r1);
  tnumConst(refineTmp, ~vHi >>> 0, ~vLo >>> 0);
  if (is32) tnumWithSubreg(r1.varOff, r1.varOff, tnumAnd(refineTmp, tnumSubreg(t1, r1.varOff), refineTmp));
  else tnumAnd(r1.varOff, r1.varOff, refineTmp);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** r1 <= r2 (or r1 < r2 when strict), unsigned. Wraps like the kernel's u64/u32 arithmetic. */
function refineBelow(r1: Scalar, r2: Scalar, is32: boolean, strict: boolean): void {
  const d = strict ? 1 : 0;
  if (is32) {
    r1.u32Max = Math.min(r1.u32Max, (r2.u32Max - d) >>> 0);
    r2.u32Min = Math.max((r1.u32Min + d) >>> 0, r2.u32Min);
    return;
  }
  subU64(r2.umaxHi, r2.umaxLo, 0, d);
  if (ult(out64.hi, out64.lo, r1.umaxHi, r1.umaxLo)) { r1.umaxHi = out64.hi; r1.umaxLo = out64.lo; }
  addU64(r1.uminHi, r1.uminLo, 0, d);
  if (ult(r2.uminHi, r2.uminLo, out64.hi, out64.lo)) { r2.uminHi = out64.hi; r2.uminLo = out64.lo; }
}

/** r1 <= r2 (or r1 < r2 when strict), signed. */
function refineSignedBelow(r1: Scalar, r2: Scalar, is32: boolean, strict: boolean): void {
  const d = strict ? 1 : 0;
  if (is32) {
    r1.s32Max = Math.min(r1.s32Max, (r2.s32Max - d) | 0);
    r2.s32Min = Math.max((r1.s32Min + d) | 0, r2.s32Min);
    return;
  }
  subU64(r2.smaxHi, r2.smaxLo, 0, d);
  if (slt(out64.hi, out64.lo, r1.smaxHi, r1.smaxLo)) { r1.smaxHi = out64.hi; r1.smaxLo = out64.lo; }
  addU64(r1.sminHi, r1.sminLo, 0, d);
  if (slt(r2.sminHi, r2.sminLo, out64.hi, out64.lo)) { r2.sminHi = out64.hi; r2.sminLo = out64.lo; }
}
