// Which scalars a loop may not forget: a static stand-in for the kernel's
// precision marks, used when a may_goto or callback iteration widens the
// scalars it calls imprecise (widen_imprecise_scalars). A register (or an
// fp-relative stack slot of the same frame) is "demanded" before an
// instruction when its value may flow, through moves, ALU, spills and fills,
// into a use the kernel marks precise: a conditional jump's operands, a
// scalar added to or subtracted from a register (pointer arithmetic), a
// helper's size argument or bpf_loop's count, a returned R0. A superset of
// the kernel's marks along any one path: it widens less, never more. A
// demanded value loaded through any other pointer than r10 (a callback's
// context, a caller's stack) makes every spilled slot demanded: the kernel
// follows such stack accesses, we do not know where they point.
// Pure: instructions and successor lists in, per-instruction sets out.

import type { Insn } from '../isa/insn';
import { helperProtoById } from './helperProtos.generated';

/** Registers (bit i: ri) and fp slots (bit spi: fp-8*(spi+1)) demanded before an instruction. */
export interface Demand {
  regs: number;
  slots: bigint;
}

const CALLER_SAVED = 0x3f; // r0-r5
const BPF_LOOP = 181;
const SIZE_ARGS = new Set(['ARG_CONST_SIZE', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_CONST_ALLOC_SIZE_OR_ZERO']);

const bit = (r: number): number => 1 << r;
const has = (d: Demand, r: number): boolean => (d.regs & bit(r)) !== 0;

/** The fp slot an `r10 + off` access of `size` bytes touches, if it lies inside one slot. */
function fpSlot(off: number, size: number): number | undefined {
  if (off >= 0 || off < -512) return undefined;
  const spi = Math.floor((-off - 1) / 8);
  return Math.floor((-(off + size - 1) - 1) / 8) === spi ? spi : undefined;
}

const SIZE_BYTES: Readonly<Record<number, number>> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };

/** Registers a helper call reads in a way the kernel marks precise. */
function helperDemands(id: number): number {
  if (id === BPF_LOOP) return bit(1);
  const row = helperProtoById(id);
  if (!row || !row.known) return 0;
  let regs = 0;
  row.argTypes.forEach((t, k) => { if (SIZE_ARGS.has(t.split(' | ')[0])) regs |= bit(k + 1); });
  return regs;
}

/** Demand before `i` given the demand after it (`out`, the union over successors; `callee` for calls). */
function transfer(i: Insn, out: Demand, callee: Demand | undefined): Demand {
  const cls = i.code & 7;
  const d: Demand = { regs: out.regs, slots: out.slots };
  const useX = (i.code & 0x08) !== 0;
  if (cls === 0x04 || cls === 0x07) {
    const op = i.code & 0xf0;
    const dstDemanded = has(d, i.dst);
    if (op === 0xb0) d.regs &= ~bit(i.dst);
    if (dstDemanded && useX) d.regs |= bit(i.src);
    if ((op === 0x00 || op === 0x10) && useX) d.regs |= bit(i.src); // pointer += / -= scalar
    return d;
  }
  if (cls === 0x01) {
    const slot = i.src === 10 ? fpSlot(i.off, SIZE_BYTES[i.code & 0x18]) : undefined;
    if (has(d, i.dst) && slot !== undefined) d.slots |= 1n << BigInt(slot);
    d.regs &= ~bit(i.dst);
    return d;
  }
  if (cls === 0x02 || cls === 0x03) {
    const slot = i.dst === 10 ? fpSlot(i.off, SIZE_BYTES[i.code & 0x18]) : undefined;
    if (slot === undefined || (i.code & 0xe0) !== 0x60) return d;
    const demanded = (d.slots >> BigInt(slot)) & 1n;
    d.slots &= ~(1n << BigInt(slot));
    if (demanded && cls === 0x03) d.regs |= bit(i.src);
    return d;
  }
  if (cls === 0x00) {
    d.regs &= ~bit(i.code === 0x18 ? i.dst : 0);
    if (i.code !== 0x18) d.regs &= ~CALLER_SAVED;
    return d;
  }
  return jumpTransfer(i, d, callee, useX);
}

function jumpTransfer(i: Insn, d: Demand, callee: Demand | undefined, useX: boolean): Demand {
  const op = i.code & 0xf0;
  if (op === 0x90) return { regs: bit(0), slots: 0n };
  if (op === 0x80) {
    d.regs &= ~CALLER_SAVED;
    if (i.src === 1 && callee) d.regs |= callee.regs & 0x3e;
    if (i.src === 0) d.regs |= helperDemands(i.imm);
    return d;
  }
  if (op === 0x00 || op === 0xe0) return d;
  d.regs |= bit(i.dst) | (useX ? bit(i.src) : 0);
  return d;
}

export interface DemandTable {
  /** Demand before each instruction. */
  at: Demand[];
  /** Some demanded value is loaded through a pointer other than r10. */
  indirectLoads: boolean;
}

/** Demand before every instruction: a backward fixpoint over the control-flow successors. */
export function computeDemand(insns: readonly Insn[], successors: readonly (readonly number[])[]): DemandTable {
  const demand: Demand[] = insns.map(() => ({ regs: 0, slots: 0n }));
  let indirectLoads = false;
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = insns.length - 1; pc >= 0; pc--) {
      const i = insns[pc];
      const succ = successors[pc] ?? [];
      const isLocalCall = i.code === 0x85 && i.src === 1;
      const out: Demand = { regs: 0, slots: 0n };
      const afterward = isLocalCall || i.code === 0x18 ? succ.slice(0, 1) : succ; // not into a callee's frame
      for (const s of afterward) { out.regs |= demand[s].regs; out.slots |= demand[s].slots; }
      if ((i.code & 7) === 0x01 && i.src !== 10 && has(out, i.dst)) indirectLoads = true;
      const next = transfer(i, out, isLocalCall && succ[1] !== undefined ? demand[succ[1]] : undefined);
      if (next.regs !== demand[pc].regs || next.slots !== demand[pc].slots) {
        demand[pc] = next;
        changed = true;
      }
    }
  }
  return { at: demand, indirectLoads };
}
