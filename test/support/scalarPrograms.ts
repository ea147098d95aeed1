// Test support: seeded random XDP programs for the scalar-domain differential
// suite. Each program makes scalars the verifier cannot see through (packet
// bytes after a bounds check, bpf_get_prandom_u32 results combined into 64-bit
// unknowns, constants), then runs random ALU instructions (both widths, K and
// X forms, every scalar op including movsx, neg and byte swaps) and random
// forward conditional jumps (JMP and JMP32, every condition, K and X), and
// ends in `r0 = 0; exit`. Every program is one the kernel must accept.

import { insn, lddwSlots, type Insn } from '../../src-vm/isa/insn';

/** Small fast seeded generator (mulberry32). */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.next() % n; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.next() / 2 ** 32 < p; }
}

/** One generated instruction (1 slot, or 2 for lddw); a jump says how many items it skips. */
interface Item { slots: Insn[]; skip?: number }

const ALU64 = 0x07, ALU32 = 0x04, JMP64 = 0x05, JMP32 = 0x06, X = 0x08;
const OP = { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70,
  neg: 0x80, mod: 0x90, xor: 0xa0, mov: 0xb0, arsh: 0xc0, end: 0xd0 } as const;
const COND = { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40, jne: 0x50, jsgt: 0x60, jsge: 0x70,
  jlt: 0xa0, jle: 0xb0, jslt: 0xc0, jsle: 0xd0 } as const;

/** Immediates that exercise edges of the 32- and 64-bit domains. */
const EDGE_IMMS = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 0xfff, 0xffff, 0x10000,
  0x7fffffff, -0x80000000, -1, -2, -8, -100, -128, -0x8000, 0x12345678, -0x12345678, 0x40000000, -0x40000000];

const EDGE_IMM64 = [0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffff00000000n,
  0x8000000000000000n, 0xff00ff00ff00ff00n, 0x123456789abcdefn, -1n, 0x80000000n, 0xfffffffffn];

function imm(rng: Rng): number {
  return rng.chance(0.7) ? rng.pick(EDGE_IMMS) : (rng.next() | 0) >> rng.int(32);
}

const SCALAR_REGS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** A random ALU instruction on scalar registers. */
function aluItem(rng: Rng): Item {
  const dst = rng.pick(SCALAR_REGS);
  const cls = rng.chance(0.5) ? ALU64 : ALU32;
  const width = cls === ALU64 ? 64 : 32;
  const kind = rng.pick(['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'lsh', 'rsh', 'arsh',
    'xor', 'mov', 'movsx', 'neg', 'end', 'and', 'or', 'add', 'lsh', 'rsh', 'arsh'] as const);
  const useX = rng.chance(0.4);
  const src = rng.pick(SCALAR_REGS);
  switch (kind) {
    case 'neg':
      return { slots: [insn(cls | OP.neg, dst)] };
    case 'end': {
      const w = rng.pick([16, 32, 64]);
      const code = rng.pick([ALU32 | OP.end, ALU32 | OP.end | X, ALU64 | OP.end]);
      return { slots: [insn(code, dst, 0, 0, w)] };
    }
    case 'movsx': {
      const off = cls === ALU64 ? rng.pick([8, 16, 32]) : rng.pick([8, 16]);
      return { slots: [insn(cls | OP.mov | X, dst, src, off)] };
    }
    case 'lsh': case 'rsh': case 'arsh':
      if (useX) return { slots: [insn(cls | OP[kind] | X, dst, src)] };
      return { slots: [insn(cls | OP[kind], dst, 0, 0, rng.chance(0.3) ? rng.pick([0, 1, width - 1, 32 % width]) : rng.int(width))] };
    case 'div': case 'mod': case 'sdiv': case 'smod': {
      const op = kind === 'div' || kind === 'sdiv' ? OP.div : OP.mod;
      const off = kind === 'sdiv' || kind === 'smod' ? 1 : 0;
      if (useX) return { slots: [insn(cls | op | X, dst, src, off)] };
      const k = imm(rng);
      return { slots: [insn(cls | op, dst, 0, off, k === 0 ? 3 : k)] };
    }
    case 'mov':
      if (!useX && cls === ALU64 && rng.chance(0.2)) return { slots: lddwSlots(dst, rng.pick(EDGE_IMM64)) };
      return useX ? { slots: [insn(cls | OP.mov | X, dst, src)] } : { slots: [insn(cls | OP.mov, dst, 0, 0, imm(rng))] };
    default:
      return useX ? { slots: [insn(cls | OP[kind] | X, dst, src)] } : { slots: [insn(cls | OP[kind], dst, 0, 0, imm(rng))] };
  }
}

/** Compiler idioms that reach special cases: the {-1, 0} fork, `<<32 s>>32`, a bound then a mask. */
function idiomItems(rng: Rng): Item[] {
  const r = rng.pick(SCALAR_REGS);
  switch (rng.int(3)) {
    case 0: { // sign mask, then and/or with a constant: the kernel forks on {-1, 0}
      const wide = rng.chance(0.5);
      const shift = wide ? insn(ALU64 | OP.arsh, r, 0, 0, 63) : insn(ALU32 | OP.arsh, r, 0, 0, 31);
      const op = rng.chance(0.5) ? OP.and : OP.or;
      return [{ slots: [shift] }, { slots: [insn((rng.chance(0.5) ? ALU64 : ALU32) | op, r, 0, 0, imm(rng))] }];
    }
    case 1: // sign extension of the low half
      return [{ slots: [insn(ALU64 | OP.lsh, r, 0, 0, 32)] }, { slots: [insn(ALU64 | OP.arsh, r, 0, 0, 32)] }];
    default: // a bound from a comparison, then arithmetic on it
      return [
        { slots: [insn((rng.chance(0.5) ? JMP64 : JMP32) | rng.pick([COND.jgt, COND.jsgt, COND.jge, COND.jsge]), r, 0, 0, imm(rng))], skip: 1000 },
        { slots: [insn(ALU64 | rng.pick([OP.add, OP.mul, OP.lsh, OP.sub]), r, 0, 0, rng.int(8))] },
      ];
  }
}

/** A random forward conditional jump skipping 1..4 items (or to the end). */
function branchItem(rng: Rng): Item {
  const cls = rng.chance(0.5) ? JMP64 : JMP32;
  const cond = COND[rng.pick(Object.keys(COND) as (keyof typeof COND)[])];
  const dst = rng.pick(SCALAR_REGS);
  const skip = rng.chance(0.15) ? 1000 : 1 + rng.int(4);
  if (rng.chance(0.4)) return { slots: [insn(cls | cond | X, dst, rng.pick(SCALAR_REGS))], skip };
  return { slots: [insn(cls | cond, dst, 0, 0, imm(rng))], skip };
}

/** Loads packet bytes into r6..r9 after the bounds check `if r4 > r3 goto end`. */
function packetPrologue(rng: Rng, loaded: Set<number>): Item[] {
  const items: Item[] = [
    { slots: [insn(0x61, 2, 1, 0)] },            // r2 = *(u32 *)(r1 + 0): data
    { slots: [insn(0x61, 3, 1, 4)] },            // r3 = *(u32 *)(r1 + 4): data_end
    { slots: [insn(0xbf, 4, 2)] },               // r4 = r2
    { slots: [insn(0x07, 4, 0, 0, 16)] },        // r4 += 16
    { slots: [insn(0x2d, 4, 3)], skip: 1000 },   // if r4 > r3 goto end
  ];
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const dst = 6 + rng.int(4);
    const [code, size] = rng.pick([[0x71, 1], [0x69, 2], [0x61, 4], [0x79, 8], [0x91, 1], [0x89, 2], [0x81, 4]] as const);
    items.push({ slots: [insn(code, dst, 2, rng.int(16 - size + 1))] });
    loaded.add(dst);
  }
  return items;
}

/** Unknown 32- and 64-bit values from bpf_get_prandom_u32, parked in r6..r9. */
function randomPrologue(rng: Rng, loaded: Set<number>): Item[] {
  const items: Item[] = [];
  const calls = 1 + rng.int(3);
  for (let i = 0; i < calls; i++) {
    items.push({ slots: [insn(0x85, 0, 0, 0, 7)] });
    const free = [6, 7, 8, 9].filter((r) => !loaded.has(r));
    const dst = free.length > 0 ? rng.pick(free) : 6 + rng.int(4);
    if (loaded.has(dst) && rng.chance(0.6)) {
      items.push({ slots: [insn(0x67, 0, 0, 0, 32)] }, { slots: [insn(0x4f, dst, 0)] }); // r0 <<= 32; dst |= r0
    } else {
      items.push({ slots: [insn(0xbf, dst, 0)] });
      loaded.add(dst);
    }
  }
  return items;
}

/** r1..r5 (clobbered by the calls) and any unset r6..r9 get values from the others or constants. */
function initRest(rng: Rng, loaded: Set<number>): Item[] {
  const items: Item[] = [];
  for (const r of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    if (loaded.has(r)) continue;
    const from = rng.pick([0, ...loaded]);
    const choice = rng.int(5);
    if (choice === 0) items.push({ slots: [insn(0xb7, r, 0, 0, imm(rng))] });
    else if (choice === 1) items.push({ slots: lddwSlots(r, rng.pick(EDGE_IMM64)) });
    else if (choice === 2) items.push({ slots: [insn(0xbc, r, from)] });
    else items.push({ slots: [insn(0xbf, r, from)] }, { slots: [insn(0x57, r, 0, 0, rng.pick([0xff, 0xffff, 0xff0, 7, 0x7fffffff, -16]))] });
    loaded.add(r);
  }
  return items;
}

/** Lays items out in slots, resolving each jump's skip count to an offset (to `end` when past it). */
function layout(items: Item[]): Insn[] {
  const starts: number[] = [];
  let slot = 0;
  for (const it of items) { starts.push(slot); slot += it.slots.length; }
  const end = slot;
  const out: Insn[] = [];
  items.forEach((it, i) => {
    if (it.skip === undefined) { out.push(...it.slots); return; }
    const targetItem = i + 1 + it.skip;
    const target = targetItem < items.length ? starts[targetItem] : end;
    out.push({ ...it.slots[0], off: target - (starts[i] + 1) });
  });
  out.push(insn(0xb7, 0, 0, 0, 0), insn(0x95));
  return out;
}

/** One program: about `bodyLength` random instructions after the prologue, at most `maxBranches` jumps. */
export function generateProgram(rng: Rng, bodyLength = 30, maxBranches = 6): Insn[] {
  const loaded = new Set<number>();
  const items: Item[] = [];
  if (rng.chance(0.7)) items.push(...packetPrologue(rng, loaded));
  items.push(...randomPrologue(rng, loaded));
  items.push(...initRest(rng, loaded));
  let branches = 0;
  for (let i = 0; i < bodyLength; i++) {
    if (branches < maxBranches && rng.chance(0.22)) { items.push(branchItem(rng)); branches++; }
    else if (branches < maxBranches && rng.chance(0.08)) { items.push(...idiomItems(rng)); branches++; }
    else items.push(aluItem(rng));
  }
  return layout(items);
}
