// Register liveness (the kernel's compute_live_registers): which of r0-r9 may
// be read, on some path, before being written, at each instruction. Pruning
// ignores dead registers, which is sound: their values cannot matter. Calls
// are treated conservatively (a bpf-to-bpf call keeps every register live; a
// helper reads r1-r5). Pure; uses the CFG successors from cfg.ts.

import type { Insn } from '../isa/insn';

const ALL_REGS = 0x3ff;
const ARG_REGS = 0x3e;
const CALLER_SAVED = 0x3f;

interface UseDef { use: number; def: number }

function useDef(i: Insn): UseDef {
  const cls = i.code & 7, op = i.code & 0xf0, x = (i.code & 0x08) !== 0;
  const d = 1 << i.dst, s = 1 << i.src;
  if (cls === 0x04 || cls === 0x07) {
    if (op === 0xb0) return { use: x ? s : 0, def: d };
    if (op === 0x80 || op === 0xd0) return { use: d, def: d };
    return { use: d | (x ? s : 0), def: d };
  }
  if (i.code === 0x18) return { use: 0, def: d };
  if (cls === 0x00) return { use: 1 << 6 | ((i.code & 0xe0) === 0x40 ? s : 0), def: CALLER_SAVED }; // LD_ABS / LD_IND
  if (cls === 0x01) return { use: s, def: d };
  if (cls === 0x02) return { use: d, def: 0 };
  if (cls === 0x03) return { use: d | s | 1, def: 0 }; // stores and atomics (cmpxchg reads r0)
  if (i.code === 0x85) return i.src === 1 ? { use: ALL_REGS, def: 0 } : { use: ARG_REGS, def: CALLER_SAVED };
  if (i.code === 0x95) return { use: 1, def: 0 };
  if (op === 0x00 || op === 0xe0) return { use: 0, def: 0 };
  return { use: d | (x ? s : 0), def: 0 };
}

/** Bit mask of registers live before each instruction slot. */
export function computeLiveRegs(insns: readonly Insn[], successors: readonly (readonly number[])[]): Uint16Array {
  const live = new Uint16Array(insns.length);
  const info = insns.map(useDef);
  for (let changed = true; changed;) {
    changed = false;
    for (let pc = insns.length - 1; pc >= 0; pc--) {
      if (pc > 0 && insns[pc - 1].code === 0x18) continue; // second slot of an lddw
      let after = 0;
      for (const next of successors[pc] ?? []) after |= live[next] ?? 0;
      const { use, def } = info[pc];
      const before = (use | (after & ~def)) & ALL_REGS;
      if (before !== live[pc]) { live[pc] = before; changed = true; }
    }
  }
  return live;
}
