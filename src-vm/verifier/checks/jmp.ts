// Conditional jumps (check_cond_jmp_op): operand checks, outcomes already
// decided (scalars through branches.ts, non-null pointers against 0), and
// what each outcome teaches — scalar bounds with linked scalars kept in step,
// NULL checks of *_or_null pointers (every register with the same id), and
// packet pointers against pkt_end (find_good_pkt_pointers / mark_pkt_end).
// Returns the pc the current path continues at; the other outcome is forked.

import type { Insn } from '../../isa/insn';
import { boundsSync, isConst, markKnown, scalarClone, scalarConst, scalarFromImm } from '../bounds';
import { zext32To64 } from '../boundsCoerce';
import { type Cond, isBranchTaken, refineBranch } from '../branches';
import type { VerifyEnv } from '../env';
import { reject, type VerifierError } from '../errors';
import { clearLink, constOffset, hasConstOffset, isPointer, RegState, unknownScalar } from '../regState';
import { scalarAddNoSync } from '../scalarAlu';
import { formatInvariantViolation } from '../scalarPrint';
import { stateClone, type VerifierState } from '../state';
import { checkRead } from './regCheck';
import { notNullType } from './sockHelpers';
import { mayPointToSpinLock } from './spinLock';

const CONDS: Readonly<Record<number, Cond>> = {
  0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset', 0x50: 'jne', 0x60: 'jsgt', 0x70: 'jsge',
  0xa0: 'jlt', 0xb0: 'jle', 0xc0: 'jslt', 0xd0: 'jsle',
};

const MAX_PACKET_OFF = 0xffff;
const AT_PKT_END = -1;
const BEYOND_PKT_END = -2;

export type JumpResult = { error: VerifierError } | { next: number };

export function checkCondJump(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): JumpResult {
  const useX = (i.code & 0x08) !== 0;
  const is32 = (i.code & 7) === 0x06;
  const err = checkRead(st, pc, i.dst) ?? (useX ? checkRead(st, pc, i.src) : undefined);
  if (err) return { error: err };
  const cond = CONDS[i.code & 0xf0];
  const target = pc + 1 + i.off;
  const regs = st.cur.regs;
  const dst = regs[i.dst];
  const src = useX ? regs[i.src] : immReg(i.imm);
  const taken = branchTaken(dst, src, cond, is32);
  if (taken !== -1) return { next: taken === 1 ? target : pc + 1 };
  const other = stateClone(st);
  other.pc = target;
  const bad = refineScalars(st, other, pc, i, cond, is32, useX);
  if (bad) return { error: bad };
  refinePointers(st, other, i, cond, is32, useX);
  env.forks.push(other);
  return { next: pc + 1 };
}

function immReg(imm: number): RegState {
  const r = unknownScalar();
  r.s = scalarFromImm(imm);
  return r;
}

function isZeroScalar(r: RegState): boolean {
  return r.type === 'scalar' && isConst(r.s, false) && r.s.varOff.vHi === 0 && r.s.varOff.vLo === 0;
}

/** reg_not_null: pointer types known never to be NULL (ctx and stack pointers are not among them). */
const NOT_NULL = new Set(['map_value', 'map_key', 'mem', 'sock', 'sock_common', 'tcp_sock']);

/** is_branch_taken: 1 jump, 0 fall through, -1 unknown. */
function branchTaken(dst: RegState, src: RegState, cond: Cond, is32: boolean): 1 | 0 | -1 {
  if (dst.type === 'scalar' && src.type === 'scalar') return isBranchTaken(dst.s, src.s, cond, is32);
  if (!is32 && isPktAny(dst) && isPktAny(src)) return pktBranchTaken(dst, src, cond);
  const [ptr, other] = isPointer(dst) ? [dst, src] : [src, dst];
  if (!is32 && NOT_NULL.has(ptr.type) && !ptr.maybeNull && isZeroScalar(other)) {
    if (cond === 'jeq') return 0;
    if (cond === 'jne') return 1;
  }
  return -1;
}

function isPktAny(r: RegState): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end';
}

/** is_pkt_ptr_branch_taken: a pointer known to be at or beyond pkt_end decides later comparisons with it. */
function pktBranchTaken(dst: RegState, src: RegState, cond: Cond): 1 | 0 | -1 {
  let pkt: RegState, c = cond;
  if (src.type === 'pkt_end') pkt = dst;
  else if (dst.type === 'pkt_end') { pkt = src; c = ({ jgt: 'jlt', jlt: 'jgt', jge: 'jle', jle: 'jge' } as Partial<Record<Cond, Cond>>)[cond] ?? cond; }
  else return -1;
  if (pkt.range >= 0) return -1;
  if ((c === 'jle' || c === 'jgt') && pkt.range === BEYOND_PKT_END) return c === 'jgt' ? 1 : 0;
  if (c === 'jlt' || c === 'jge') return c === 'jge' ? 1 : 0;
  return -1;
}

function refineScalars(
  fall: VerifierState, jump: VerifierState, pc: number, i: Insn, cond: Cond, is32: boolean, useX: boolean,
): VerifierError | undefined {
  const fDst = fall.cur.regs[i.dst], jDst = jump.cur.regs[i.dst];
  const fSrc = useX ? fall.cur.regs[i.src] : immReg(i.imm);
  const jSrc = useX ? jump.cur.regs[i.src] : immReg(i.imm);
  if (fDst.type !== 'scalar' || fSrc.type !== 'scalar') return undefined;
  const same = useX && i.src === i.dst;
  const bad = refineBranch(jDst.s, same ? jDst.s : jSrc.s, fDst.s, same ? fDst.s : fSrc.s, cond, is32);
  if (bad) {
    const reg = { true_reg1: jDst.s, true_reg2: jSrc.s, false_reg1: fDst.s, false_reg2: fSrc.s }[bad.where];
    return reject(pc, 'invariant', formatInvariantViolation(bad.where, bad.violation, reg));
  }
  for (const st of [fall, jump]) {
    if (useX && st.cur.regs[i.src].id) syncLinked(st, i.src);
    if (st.cur.regs[i.dst].id) syncLinked(st, i.dst);
  }
  return undefined;
}

/** sync_linked_regs: every scalar sharing the id takes the known register's value (plus its delta). */
function syncLinked(st: VerifierState, knownRegno: number): void {
  const regs = st.cur.regs;
  const known = regs[knownRegno];
  for (let j = 0; j < 10; j++) {
    const reg = regs[j];
    if (j === knownRegno || reg.type !== 'scalar' || reg.id !== known.id) continue;
    const regWidth = reg.linkDelta === undefined ? 0 : reg.link32 ? 32 : 64;
    const knownWidth = known.linkDelta === undefined ? 0 : known.link32 ? 32 : 64;
    if (regWidth !== 0 && knownWidth !== 0 && regWidth !== knownWidth) continue;
    const delta = (reg.linkDelta ?? 0) - (known.linkDelta ?? 0);
    const s = scalarClone(known.s);
    if (delta !== 0) {
      scalarAddNoSync(s, scalarConst(BigInt(delta)));
      if (regWidth === 32 || knownWidth === 32) zext32To64(s);
      boundsSync(s);
    }
    reg.s = s;
  }
}

function refinePointers(fall: VerifierState, jump: VerifierState, i: Insn, cond: Cond, is32: boolean, useX: boolean): void {
  const dst = fall.cur.regs[i.dst];
  const src = useX ? fall.cur.regs[i.src] : undefined;
  if (src && !is32) inferNotNullWhereEqual(cond === 'jeq' ? jump : cond === 'jne' ? fall : undefined, i, dst, src);
  if (!is32 && (cond === 'jeq' || cond === 'jne') && dst.maybeNull && (!src || isZeroScalar(src))) {
    if (!useX && i.imm !== 0) return;
    const id = dst.id; // read first: marking the fall-through state rewrites `dst` in place
    markPtrOrNull(fall, id, cond === 'jne');
    markPtrOrNull(jump, id, cond === 'jeq');
    return;
  }
  if (src && !is32) matchPktPointers(fall, jump, i, cond, dst, src);
}

/** Two pointers, exactly one maybe NULL: on the path where they are equal it is not NULL either (mark_ptr_not_null_reg). */
function inferNotNullWhereEqual(eq: VerifierState | undefined, i: Insn, dst: RegState, src: RegState): void {
  if (!eq || !isPointer(dst) || !isPointer(src) || dst.maybeNull === src.maybeNull) return;
  const r = eq.cur.regs[src.maybeNull ? i.src : i.dst];
  r.type = notNullType(r);
  r.maybeNull = false;
}

/** mark_ptr_or_null_regs: after a NULL check, every copy of the pointer is either 0 or non-null. */
function markPtrOrNull(st: VerifierState, id: number, isNull: boolean): void {
  const fix = (r: RegState): void => {
    if (!r.maybeNull || r.id !== id) return;
    if (isNull) {
      const z = unknownScalar();
      markKnown(z.s, 0, 0);
      Object.assign(r, z);
      clearLink(r);
    } else {
      r.type = notNullType(r);
      r.maybeNull = false;
      if (!mayPointToSpinLock(r)) r.id = 0; // the kernel keeps it for pointers to a map value holding a bpf_spin_lock
    }
  };
  for (const f of st.frames) {
    f.regs.forEach(fix);
    f.stack.spills.forEach((r) => r && fix(r));
  }
  if (isNull) st.refs = st.refs.filter((r) => r.id !== id); // a NULL record holds no reference
}

/** reg_is_init_pkt_pointer: a packet pointer still at the packet's start. */
function isInitPkt(r: RegState): boolean {
  return r.type === 'pkt' && r.off === 0 && hasConstOffset(r) && constOffset(r) === 0;
}

/** try_match_pkt_pointers for `pkt <op> pkt_end` and `pkt_meta <op> pkt` in either order. */
function matchPktPointers(fall: VerifierState, jump: VerifierState, i: Insn, cond: Cond, dst: RegState, src: RegState): void {
  const pktVsEnd = (dst.type === 'pkt' && src.type === 'pkt_end') || (dst.type === 'pkt_meta' && isInitPkt(src));
  const endVsPkt = (dst.type === 'pkt_end' && src.type === 'pkt') || (isInitPkt(dst) && src.type === 'pkt_meta');
  if (!pktVsEnd && !endVsPkt) return;
  const ptrReg = pktVsEnd ? i.dst : i.src;
  const ptr = pktVsEnd ? dst : src;
  // [good branch, range open?, pkt_end branch, end open?] per condition, for `pkt <op> end`.
  const c = endVsPkt ? ({ jgt: 'jlt', jlt: 'jgt', jge: 'jle', jle: 'jge' } as Record<string, Cond>)[cond] : cond;
  const plan: Partial<Record<Cond, [VerifierState, boolean, VerifierState, boolean]>> = {
    jgt: [fall, false, jump, true], jlt: [jump, true, fall, false],
    jge: [fall, true, jump, false], jle: [jump, false, fall, true],
  };
  const p = c && plan[c];
  if (!p) return;
  const [good, open, endSide, endOpen] = p;
  findGoodPktPointers(good, ptr, open);
  // mark_pkt_end: only a packet pointer learns it is at or past the end ("PTR_TO_PACKET_META is not supported yet").
  const onEnd = endSide.cur.regs[ptrReg];
  if (onEnd.type === 'pkt') onEnd.range = endOpen ? BEYOND_PKT_END : AT_PKT_END;
}

function findGoodPktPointers(st: VerifierState, ptr: RegState, rangeOpen: boolean): void {
  if (ptr.off < 0 || (ptr.off === 0 && rangeOpen)) return;
  const umax = ptr.s.umaxHi * 2 ** 32 + ptr.s.umaxLo;
  if (umax > MAX_PACKET_OFF || umax + ptr.off > MAX_PACKET_OFF) return;
  const newRange = ptr.off + (rangeOpen ? 1 : 0);
  const fix = (r: RegState): void => {
    if (r.type === ptr.type && r.id === ptr.id && r.range >= 0) r.range = Math.max(r.range, newRange);
  };
  for (const f of st.frames) {
    f.regs.forEach(fix);
    f.stack.spills.forEach((r) => r && fix(r));
  }
}
