// Test support: a minimal abstract interpreter over the scalar domain
// (src-vm/verifier), just enough to follow the programs of
// test/support/scalarPrograms.ts the way the kernel does: register kinds
// (not initialised, scalar, ctx / packet / packet-end / frame pointers),
// linked-scalar ids (`rX = rY`, `rX += K`) synchronised after branches over
// live registers only, the {-1, 0} fork before `and`/`or`, and register
// liveness. It is not the verifier (no memory checks, stack, helpers, pruning).

import {
  boundsSync, checkInvariants, isConst, markUnknown, Scalar, scalarClone, scalarConst, scalarFromImm,
} from '../../src-vm/verifier/bounds';
import { coerceToSize, coerceToSizeSx, zext32To64 } from '../../src-vm/verifier/boundsCoerce';
import { type Cond, isBranchTaken, refineBranch } from '../../src-vm/verifier/branches';
import {
  type AluOp, forkMinusOneOrZero, scalarAddNoSync, scalarAlu, scalarByteSwap, scalarMov, scalarMovImm, scalarMovSx,
  scalarNeg,
} from '../../src-vm/verifier/scalarAlu';
import { formatInvariantViolation } from '../../src-vm/verifier/scalarPrint';
import { fls64 } from '../../src-vm/verifier/word64';
import { lddwImm64, type Insn } from '../../src-vm/isa/insn';

export type Reg =
  | { t: 'none' }
  /** id: linked-scalar id; delta: `rX = rY +/- K` (BPF_ADD_CONST), by a 32-bit op when link32. */
  | { t: 'scalar'; s: Scalar; id: number; delta?: number; link32?: boolean }
  | { t: 'ptr'; what: 'ctx' | 'pkt' | 'pkt_end' | 'fp' };

export class MiniState {
  constructor(public regs: Reg[], public pc: number) {}
  clone(): MiniState {
    return new MiniState(this.regs.map(cloneReg), this.pc);
  }
}

export function cloneReg(r: Reg): Reg {
  return r.t === 'scalar' ? { t: 'scalar', s: scalarClone(r.s), id: r.id, delta: r.delta, link32: r.link32 } : { ...r };
}

export function initialState(): MiniState {
  const regs: Reg[] = Array.from({ length: 11 }, () => ({ t: 'none' }) as Reg);
  regs[1] = { t: 'ptr', what: 'ctx' };
  regs[10] = { t: 'ptr', what: 'fp' };
  return new MiniState(regs, 0);
}

export interface Env {
  /** The kernel's env->id_gen. */
  idGen: number;
  /** Registers live before each instruction (bit i: ri). */
  live: number[];
}

export interface Pushed { from: number; to: number; state: MiniState; category: string }

export interface StepResult {
  /** Next instruction on the path the kernel continues; undefined after exit. */
  next: number | undefined;
  pushed: Pushed[];
  category: string;
  /** The kernel's message if bounds went inconsistent (the program is then rejected). */
  violation?: string;
}

const ALU_OPS: Record<number, AluOp> = {
  0x00: 'add', 0x10: 'sub', 0x20: 'mul', 0x30: 'div', 0x40: 'or', 0x50: 'and', 0x60: 'lsh', 0x70: 'rsh',
  0x90: 'mod', 0xa0: 'xor', 0xc0: 'arsh',
};

const CONDS: Record<number, Cond> = {
  0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset', 0x50: 'jne', 0x60: 'jsgt', 0x70: 'jsge',
  0xa0: 'jlt', 0xb0: 'jle', 0xc0: 'jslt', 0xd0: 'jsle',
};

/** Executes insns[st.pc] on st (which becomes the state the kernel continues with). */
export function step(env: Env, insns: readonly Insn[], st: MiniState): StepResult {
  const i = insns[st.pc];
  const cls = i.code & 7;
  if (cls === 0x04 || cls === 0x07) return stepAlu(env, i, st);
  if (i.code === 0x18) {
    st.regs[i.dst] = scalarReg(scalarConst(lddwImm64(insns, st.pc)));
    return { next: st.pc + 2, pushed: [], category: 'lddw' };
  }
  if (cls === 0x01) return stepLoad(i, st);
  if (i.code === 0x85) {
    st.regs[0] = scalarReg(unknown());
    for (let r = 1; r <= 5; r++) st.regs[r] = { t: 'none' };
    return { next: st.pc + 1, pushed: [], category: 'call' };
  }
  if (i.code === 0x95) return { next: undefined, pushed: [], category: 'exit' };
  if (cls === 0x05 || cls === 0x06) return stepBranch(env, i, st);
  throw new Error(`scalarExec: unexpected opcode 0x${i.code.toString(16)} at ${st.pc}`);
}

function unlink(r: Extract<Reg, { t: 'scalar' }>): void {
  r.id = 0; r.delta = undefined; r.link32 = undefined;
}

function scalarReg(s: Scalar): Reg {
  return { t: 'scalar', s, id: 0 };
}

function unknown(): Scalar {
  const s = new Scalar();
  markUnknown(s);
  return s;
}

function stepLoad(i: Insn, st: MiniState): StepResult {
  const base = st.regs[i.src];
  const size = ({ 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 } as Record<number, number>)[i.code & 0x18];
  const signed = (i.code & 0xe0) === 0x80;
  if (base.t === 'ptr' && base.what === 'ctx') {
    st.regs[i.dst] = { t: 'ptr', what: i.off === 0 ? 'pkt' : 'pkt_end' };
    return { next: st.pc + 1, pushed: [], category: 'ldx ctx' };
  }
  const s = unknown();
  if (size < 8) {
    if (signed) coerceToSizeSx(s, size); else coerceToSize(s, size);
  }
  st.regs[i.dst] = scalarReg(s);
  return { next: st.pc + 1, pushed: [], category: `${signed ? 'ldsx' : 'ldx'} ${size * 8}` };
}

function stepAlu(env: Env, i: Insn, st: MiniState): StepResult {
  const alu32 = (i.code & 7) === 0x04;
  const width = alu32 ? 'alu32' : 'alu64';
  const op = i.code & 0xf0;
  const useX = (i.code & 0x08) !== 0;
  const dst = st.regs[i.dst];
  let category: string;
  if (op === 0xb0) category = movAlu(env, i, st, alu32);
  else if (op === 0x80 && dst.t === 'scalar') {
    scalarNeg(dst.s, alu32);
    unlink(dst);
    category = `${width} neg`;
  } else if (op === 0xd0 && dst.t === 'scalar') {
    const kind = alu32 ? (useX ? 'be' : 'le') : 'bswap';
    if (kind !== 'le' || i.imm !== 64) unlink(dst); // a changed value leaves its links
    scalarByteSwap(dst.s, kind, i.imm as 16 | 32 | 64);
    category = `${kind}${i.imm}`;
  } else if (dst.t === 'ptr') {
    category = 'ptr alu'; // r4 += 16 on the packet pointer
  } else {
    const r = binaryAlu(i, st, alu32);
    category = `${width} ${r.name} ${useX ? 'X' : 'K'}`;
    if (r.fork) return { next: st.pc + 1, pushed: [r.fork], category, violation: aluViolation(st, i) };
  }
  return { next: st.pc + 1, pushed: [], category, violation: aluViolation(st, i) };
}

function aluViolation(st: MiniState, i: Insn): string | undefined {
  const r = st.regs[i.dst];
  if (r.t !== 'scalar') return undefined;
  const v = checkInvariants(r.s);
  return v && formatInvariantViolation('alu', v, r.s);
}

function binaryAlu(i: Insn, st: MiniState, alu32: boolean): { name: string; fork?: Pushed } {
  const useX = (i.code & 0x08) !== 0;
  const dst = st.regs[i.dst] as Extract<Reg, { t: 'scalar' }>;
  const srcReg = useX ? st.regs[i.src] : undefined;
  const src = srcReg ? scalarClone((srcReg as Extract<Reg, { t: 'scalar' }>).s) : scalarFromImm(i.imm);
  let op = ALU_OPS[i.code & 0xf0];
  if (i.off === 1 && (op === 'div' || op === 'mod')) op = op === 'div' ? 'sdiv' : 'smod';
  let fork: Pushed | undefined;
  if (op === 'and' || op === 'or') {
    const other = forkMinusOneOrZero(dst.s, src);
    if (other) {
      const copy = st.clone();
      (copy.regs[i.dst] as Extract<Reg, { t: 'scalar' }>).s = other;
      fork = { from: st.pc, to: st.pc, state: copy, category: `fork before ${op}` };
    }
  }
  const dstUmaxHi = dst.s.umaxHi;
  scalarAlu(dst.s, src, op, alu32);
  // Linked scalars: `rX += K` / `rX -= K` keeps the link with a known delta.
  if ((op === 'add' || op === 'sub') && dst.id !== 0 && isConst(src, alu32)) {
    const v = alu32 ? src.varOff.vLo | 0 : Number(BigInt.asIntN(64, (BigInt(src.varOff.vHi) << 32n) | BigInt(src.varOff.vLo)));
    const fits = alu32 ? dstUmaxHi === 0 : v >= -0x80000000 && v <= 0x7fffffff;
    if (!fits || dst.delta !== undefined || (op === 'sub' && v === -0x80000000)) unlink(dst);
    else { dst.delta = op === 'sub' ? -v : v; dst.link32 = alu32; }
  } else {
    unlink(dst);
  }
  return { name: op, fork };
}

/** assign_scalar_id_before_mov: the source gets an id (unless constant) so both become linked. */
function linkSource(env: Env, src: Extract<Reg, { t: 'scalar' }>): void {
  if (src.delta !== undefined) unlink(src);
  if (src.id === 0 && !isConst(src.s, false)) src.id = ++env.idGen;
}

function movAlu(env: Env, i: Insn, st: MiniState, alu32: boolean): string {
  const width = alu32 ? 'alu32' : 'alu64';
  if ((i.code & 0x08) === 0) {
    const s = new Scalar();
    scalarMovImm(s, i.imm, alu32);
    st.regs[i.dst] = scalarReg(s);
    return `${width} mov K`;
  }
  const src = st.regs[i.src];
  if (src.t !== 'scalar') {
    st.regs[i.dst] = alu32 ? scalarReg(unknown()) : { ...src };
    return `${width} mov X`;
  }
  const s = new Scalar();
  if (i.off === 0) {
    const keepLink = !alu32 || fls64(src.s.umaxHi, src.s.umaxLo) <= 32;
    if (keepLink) linkSource(env, src);
    scalarMov(s, src.s, alu32);
    st.regs[i.dst] = keepLink ? { t: 'scalar', s, id: src.id, delta: src.delta, link32: src.link32 } : scalarReg(s);
    return `${width} mov X`;
  }
  const noSext = (src.s.umaxHi === 0 && src.s.umaxLo < 2 ** (i.off - 1));
  if (noSext) linkSource(env, src);
  scalarMovSx(s, src.s, i.off as 8 | 16 | 32, alu32);
  st.regs[i.dst] = noSext ? { t: 'scalar', s, id: src.id, delta: src.delta, link32: src.link32 } : scalarReg(s);
  return `${width} movsx${i.off}`;
}

function stepBranch(env: Env, i: Insn, st: MiniState): StepResult {
  const is32 = (i.code & 7) === 0x06;
  const cond = CONDS[i.code & 0xf0];
  const useX = (i.code & 0x08) !== 0;
  const category = `${is32 ? 'jmp32' : 'jmp'} ${cond} ${useX ? 'X' : 'K'}`;
  const target = st.pc + 1 + i.off;
  const dst = st.regs[i.dst];
  const src: Reg = useX ? st.regs[i.src] : scalarReg(scalarFromImm(i.imm));
  if (dst.t !== 'scalar' || src.t !== 'scalar') {
    const other = st.clone();
    other.pc = target;
    return { next: st.pc + 1, pushed: [{ from: st.pc, to: target, state: other, category: 'ptr branch' }], category: 'ptr branch' };
  }
  const pred = isBranchTaken(dst.s, src.s, cond, is32);
  if (pred !== -1) return { next: pred === 1 ? target : st.pc + 1, pushed: [], category };
  const linked = collectLinked(st, env.live[st.pc], useX ? src : undefined, dst);
  const other = st.clone();
  other.pc = target;
  const oDst = other.regs[i.dst] as Extract<Reg, { t: 'scalar' }>;
  const oSrc = useX ? (other.regs[i.src] as Extract<Reg, { t: 'scalar' }>).s : scalarFromImm(i.imm);
  const fSrc = useX ? src.s : scalarFromImm(i.imm);
  const bad = refineBranch(oDst.s, oSrc, dst.s, fSrc, cond, is32);
  const pushed = [{ from: st.pc, to: target, state: other, category: `${category} (jump)` }];
  if (bad) {
    const reg = { true_reg1: oDst.s, true_reg2: oSrc, false_reg1: dst.s, false_reg2: fSrc }[bad.where];
    return { next: undefined, pushed: [], category, violation: formatInvariantViolation(bad.where, bad.violation, reg) };
  }
  if (useX && src.id) { syncLinked(st, i.src, linked); syncLinked(other, i.src, linked); }
  if (dst.id) { syncLinked(st, i.dst, linked); syncLinked(other, i.dst, linked); }
  return { next: st.pc + 1, pushed, category: `${category} (fall-through)` };
}

const LINKED_REGS_MAX = 6;

/** collect_linked_regs for src then dst: live scalar registers sharing the id (at most 6). */
function collectLinked(st: MiniState, live: number, src: Reg | undefined, dst: Reg): number[] {
  const out: number[] = [];
  for (const r of [src, dst]) {
    if (!r || r.t !== 'scalar' || !r.id) continue;
    const id = r.id;
    for (let j = 0; j < 10; j++) {
      const reg = st.regs[j];
      if (!(live & (1 << j)) || reg.t !== 'scalar' || reg.id !== id) continue;
      if (out.length < LINKED_REGS_MAX) out.push(j);
      else unlink(reg);
    }
  }
  return out;
}

/** sync_linked_regs: every linked register takes the known register's value (plus its delta). */
function syncLinked(st: MiniState, knownRegno: number, linked: number[]): void {
  const known = st.regs[knownRegno];
  if (known.t !== 'scalar') return;
  for (const j of linked) {
    const reg = st.regs[j];
    if (reg.t !== 'scalar' || j === knownRegno || reg.id !== known.id) continue;
    const regWidth = reg.delta === undefined ? 0 : reg.link32 ? 32 : 64;
    const knownWidth = known.delta === undefined ? 0 : known.link32 ? 32 : 64;
    if (regWidth !== 0 && knownWidth !== 0 && regWidth !== knownWidth) continue; // mixed 32/64-bit links
    if ((regWidth === 0 && knownWidth === 0) || (reg.delta ?? 0) === (known.delta ?? 0)) {
      st.regs[j] = { t: 'scalar', s: scalarClone(known.s), id: known.id, delta: known.delta, link32: known.link32 };
      continue;
    }
    const s = scalarClone(known.s);
    scalarAddNoSync(s, scalarConst(BigInt((reg.delta ?? 0) - (known.delta ?? 0))));
    if (regWidth === 32 || knownWidth === 32) zext32To64(s);
    boundsSync(s);
    st.regs[j] = { t: 'scalar', s, id: reg.id, delta: reg.delta, link32: reg.link32 };
  }
}

// ---- liveness (compute_live_registers), to pick the linked registers the kernel syncs

function useDef(i: Insn): { use: number; def: number; succ: number[] } {
  const cls = i.code & 7, op = i.code & 0xf0, x = (i.code & 0x08) !== 0;
  const d = 1 << i.dst, s = 1 << i.src;
  if (cls === 0x04 || cls === 0x07) {
    if (op === 0xb0) return { use: x ? s : 0, def: d, succ: [1] };
    if (op === 0x80 || op === 0xd0) return { use: d, def: d, succ: [1] };
    return { use: d | (x ? s : 0), def: d, succ: [1] };
  }
  if (i.code === 0x18) return { use: 0, def: d, succ: [2] };
  if (cls === 0x01) return { use: s, def: d, succ: [1] };
  if (i.code === 0x85) return { use: 0, def: 0x3f, succ: [1] };
  if (i.code === 0x95) return { use: 1, def: 0, succ: [] };
  if (op === 0x00) return { use: 0, def: 0, succ: [1 + i.off] };
  return { use: d | (x ? s : 0), def: 0, succ: [1, 1 + i.off] };
}

/** Registers r0..r9 live before each instruction (bit i set: ri is read later before written). */
export function computeLiveness(insns: readonly Insn[]): number[] {
  const live = new Array<number>(insns.length).fill(0);
  const info = insns.map(useDef);
  for (let changed = true; changed;) {
    changed = false;
    for (let pc = insns.length - 1; pc >= 0; pc--) {
      if (pc > 0 && insns[pc - 1].code === 0x18) continue; // second lddw slot
      const { use, def, succ } = info[pc];
      let after = 0;
      for (const k of succ) after |= live[pc + k] ?? 0;
      const before = (use | (after & ~def)) & 0x3ff;
      if (before !== live[pc]) { live[pc] = before; changed = true; }
    }
  }
  return live;
}
