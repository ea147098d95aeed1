// The kernel's log text for a scalar register, exactly as Linux 6.18 prints
// it (print_reg_state / print_scalar_ranges / tnum_strn in kernel/bpf/log.c):
// `R1=42`, `R1=scalar(id=2+5,smin=umin=3,smax=umax=4083,var_off=(0x3; 0xff0))`,
// `P` before precise scalars, decimals for small numbers and hex otherwise.
// Also the text of a bounds invariant violation. Pure; imports bounds.ts, tnum.ts.

import { type InvariantViolation, Scalar, scalarToBig } from './bounds';
import { Tnum, tnumIsConst, tnumIsUnknown } from './tnum';
import { toBigSigned, toBigUnsigned } from './word64';

const U64 = (1n << 64n) - 1n;

/** How the kernel writes an unsigned number: decimal up to U16_MAX, else 0x-hex. */
export function formatUnum(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  return u <= 0xffffn ? u.toString() : hex(u);
}

/** How the kernel writes a signed number: decimal within S16, else the 64-bit pattern in 0x-hex. */
export function formatSnum(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  return s >= -0x8000n && s <= 0x7fffn ? s.toString() : hex(BigInt.asUintN(64, s));
}

/** The kernel's `%#llx`: 0x-prefixed even for zero. */
function hex(u: bigint): string {
  return `0x${u.toString(16)}`;
}

/** tnum_strn: a constant as a number, otherwise `(value; mask)`. */
export function formatTnum(t: Tnum): string {
  const value = toBigUnsigned(t.vHi, t.vLo);
  if (tnumIsConst(t)) return formatUnum(value);
  return `(${hex(value)}; ${hex(toBigUnsigned(t.mHi, t.mLo))})`;
}

interface MinMax { name: string; val: bigint; omit: boolean }

/** print_scalar_ranges: non-default bounds, equal ones grouped as `smin=umin=...=value`. */
export function formatScalarRanges(s: Scalar): string[] {
  const b = scalarToBig(s);
  const s32 = (v: number): bigint => (v >= -0x8000 && v <= 0x7fff ? BigInt.asUintN(64, BigInt(v)) : BigInt(v >>> 0));
  const list: MinMax[] = [
    { name: 'smin', val: BigInt.asUintN(64, b.smin), omit: b.smin === -(1n << 63n) },
    { name: 'smax', val: BigInt.asUintN(64, b.smax), omit: b.smax === (1n << 63n) - 1n },
    { name: 'umin', val: b.umin, omit: b.umin === 0n },
    { name: 'umax', val: b.umax, omit: b.umax === U64 },
    { name: 'smin32', val: s32(b.s32Min), omit: b.s32Min === -0x80000000 },
    { name: 'smax32', val: s32(b.s32Max), omit: b.s32Max === 0x7fffffff },
    { name: 'umin32', val: BigInt(b.u32Min), omit: b.u32Min === 0 },
    { name: 'umax32', val: BigInt(b.u32Max), omit: b.u32Max === 0xffffffff },
  ];
  const isNeg = (m: MinMax): boolean => m.name[0] === 's' && BigInt.asIntN(64, m.val) < 0n;
  const out: string[] = [];
  list.forEach((m1, i) => {
    if (m1.omit) return;
    let text = `${m1.name}=`;
    for (let j = i + 2; j < list.length; j += 2) {
      const m2 = list[j];
      if (m2.omit || m2.val !== m1.val || isNeg(m2) !== isNeg(m1)) continue;
      m2.omit = true;
      text += `${m2.name}=`;
    }
    out.push(text + (m1.name[0] === 's' ? formatSnum(m1.val) : formatUnum(m1.val)));
  });
  return out;
}

/** What the log shows about a scalar besides its value: linked-scalar id and offset, precision. */
export interface ScalarMarks {
  /** Linked-scalar id (0: none). */
  id?: number;
  /** Constant delta to the linked scalar (`rX += K` after `rX = rY`), printed as `id=N+K`. */
  linkedDelta?: number;
  precise?: boolean;
}

/** The value part of `R1=...` for a scalar (print_reg_state). */
export function formatScalar(s: Scalar, marks: ScalarMarks = {}): string {
  const p = marks.precise ? 'P' : '';
  if (tnumIsConst(s.varOff)) return p + formatSnum(toBigSigned(s.varOff.vHi, s.varOff.vLo));
  const parts: string[] = [];
  if (marks.id) {
    const delta = marks.linkedDelta;
    parts.push(`id=${marks.id}${delta === undefined ? '' : delta >= 0 ? `+${delta}` : `${delta}`}`);
  }
  parts.push(...formatScalarRanges(s));
  if (!tnumIsUnknown(s.varOff)) parts.push(`var_off=${formatTnum(s.varOff)}`);
  return `${p}scalar(${parts.join(',')})`;
}

/** ` R1=...` as one item of a printed register state. */
export function formatScalarReg(regno: number, s: Scalar, marks: ScalarMarks = {}): string {
  return `R${regno}=${formatScalar(s, marks)}`;
}

/** The kernel's message when bounds go inconsistent (reg_bounds_sanity_check via verifier_bug). */
export function formatInvariantViolation(where: string, kind: InvariantViolation, s: Scalar): string {
  const b = scalarToBig(s);
  const u = (v: bigint): string => hex(BigInt.asUintN(64, v));
  const w = (v: number): string => hex(BigInt(v >>> 0));
  return `verifier bug: REG INVARIANTS VIOLATION (${where}): ${kind} ` +
    `u64=[${u(b.umin)}, ${u(b.umax)}] s64=[${u(b.smin)}, ${u(b.smax)}] ` +
    `u32=[${w(b.u32Min)}, ${w(b.u32Max)}] s32=[${w(b.s32Min)}, ${w(b.s32Max)}] ` +
    `var_off=(${u(b.value)}, ${u(b.mask)})`;
}
