// Subprogram linking, libbpf's bpf_object__reloc_code: for one entry program,
// every `.text` function it calls (relocated calls, unrelocated calls within
// .text, and ld_imm64 of a function address for callbacks) is appended after
// it, depth first in the order the calls are met, and each call's imm is set
// to reach the appended copy. Iterative, so deep call chains cannot overflow
// the stack; bounded by the kernel's instruction limit. Pure.

import { ElfReport, hex } from './elfReport';
import { INSN_SIZE, LDDW_CODE, type Insn } from '../isa/insn';
import { PSEUDO_CALL, PSEUDO_LD, SRC } from '../isa/opcodes';
import type { SubprogramPlacement } from './loadedObject';
import { unitAt, type ProgramUnit } from './programUnits';
import { CALL_CODE, type RelocDesc } from './relocations';

/** The kernel's limit on a program's instruction count (BPF_COMPLEXITY_LIMIT_INSNS). */
export const MAX_PROGRAM_INSNS = 1_000_000;

/** One function copied into a linked program, and where its copy starts. */
export interface Placed {
  unit: ProgramUnit;
  start: number;
}

export interface LinkedCode {
  insns: Insn[];
  /** The relocations of every placed function, moved to final slots, sorted by slot. */
  relocs: RelocDesc[];
  /** The entry program first (at 0), then each appended subprogram. */
  placed: Placed[];
}

/** libbpf's insn_is_subprog_call: `call` with src = BPF_PSEUDO_CALL and every other field zero. */
function isSubprogCall(i: Insn): boolean {
  return i.code === (CALL_CODE | SRC.K) && i.src === PSEUDO_CALL.LOCAL && i.dst === 0 && i.off === 0;
}

function isPseudoFunc(i: Insn): boolean {
  return i.code === LDDW_CODE && i.src === PSEUDO_LD.FUNC;
}

function findReloc(relocs: readonly RelocDesc[], insnIdx: number): RelocDesc | undefined {
  let lo = 0;
  let hi = relocs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = relocs[mid].insnIdx;
    if (at === insnIdx) return relocs[mid];
    if (at < insnIdx) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

interface Linker {
  units: readonly ProgramUnit[];
  textIndex: number;
  report: ElfReport;
  main: ProgramUnit;
  out: LinkedCode;
  starts: Map<ProgramUnit, number>;
  /** Slots this linker may still append (the kernel limit, or what is left of the object's budget). */
  budget: number;
  stopped: boolean;
}

function append(l: Linker, sub: ProgramUnit): boolean {
  if (sub.insnCount > l.budget) {
    if (!l.stopped) {
      l.report.error('loader/program-too-large',
        `program '${l.main.name}': appending subprogram '${sub.name}' would pass ${MAX_PROGRAM_INSNS} instructions (the kernel's limit) or the loader's budget for this object; linking stopped`);
    }
    l.stopped = true;
    return false;
  }
  const start = l.out.insns.length;
  l.starts.set(sub, start);
  l.budget -= sub.insnCount;
  for (const i of sub.insns) l.out.insns.push({ ...i });
  for (const r of sub.relocs) l.out.relocs.push({ ...r, insnIdx: r.insnIdx + start });
  l.out.placed.push({ unit: sub, start });
  return true;
}

/** The .text slot a call or function-address load names, or an error message. */
function targetSlot(unit: ProgramUnit, idx: number, insn: Insn, relo: RelocDesc | undefined): number | string {
  if (relo && relo.kind !== 'call' && relo.kind !== 'subprogAddr') {
    return `unexpected ${relo.kind} relocation on a call or function-address instruction`;
  }
  if (relo?.kind === 'call') return relo.symOffset / INSN_SIZE + insn.imm + 1;
  if (relo?.kind === 'subprogAddr') return (relo.symOffset + insn.imm) / INSN_SIZE;
  if (isPseudoFunc(insn)) return 'missing subprogram address relocation for a BPF_PSEUDO_FUNC ld_imm64';
  // A call without relocation stays within its own section: imm is relative to its original slot.
  return unit.insnOffset + idx + insn.imm + 1;
}

/** Processes one placed function's calls; returns a newly appended subprogram to descend into, if any. */
function step(l: Linker, frame: { unit: ProgramUnit; base: number; idx: number }): ProgramUnit | undefined {
  const { unit, base } = frame;
  for (; frame.idx < unit.insnCount; frame.idx++) {
    const idx = frame.idx;
    const insn = l.out.insns[base + idx];
    if ((!isSubprogCall(insn) && !isPseudoFunc(insn)) || unit.refused.has(idx)) continue;
    const relo = findReloc(unit.relocs, idx);
    if (relo?.kind === 'externCall') continue; // a kfunc call, handled with the data relocations
    const where = `program '${l.main.name}': ${unit === l.main ? '' : `subprogram '${unit.name}' `}insn ${idx} (section '${unit.sectionName}', offset ${hex((unit.insnOffset + idx) * INSN_SIZE)})`;
    const slot = targetSlot(unit, idx, insn, relo);
    if (typeof slot === 'string') {
      l.report.error('loader/bad-call', `${where}: ${slot}`);
      continue;
    }
    const sub = l.textIndex === 0 ? undefined : unitAt(l.units, l.textIndex, slot);
    if (!sub) {
      l.report.error('loader/call-target-missing', `${where}: the call targets .text slot ${slot}, where no function is (subprograms must be .text functions)`);
      continue;
    }
    if (slot !== sub.insnOffset) {
      l.report.warning('loader/call-into-function',
        `${where}: the call targets .text slot ${slot}, inside '${sub.name}' (which starts at ${sub.insnOffset}); libbpf links it to the start of '${sub.name}'`);
    }
    const known = l.starts.get(sub);
    if (known === undefined && !append(l, sub)) continue;
    insn.imm = l.starts.get(sub)! - (base + idx) - 1;
    if (known === undefined) {
      frame.idx++;
      return sub;
    }
  }
  return undefined;
}

/**
 * Links `main` with the subprograms it reaches. `budget` caps the slots this
 * program may have (at most MAX_PROGRAM_INSNS); `extra` are functions to
 * append afterwards if not already there (libbpf's exception callback).
 */
export function linkProgram(main: ProgramUnit, units: readonly ProgramUnit[], textIndex: number, report: ElfReport,
  budget: number, extra: readonly ProgramUnit[] = []): LinkedCode {
  const out: LinkedCode = { insns: main.insns.map((i) => ({ ...i })), relocs: main.relocs.map((r) => ({ ...r })), placed: [{ unit: main, start: 0 }] };
  const l: Linker = {
    units, textIndex, report, main, out, starts: new Map([[main, 0]]),
    budget: Math.min(budget, MAX_PROGRAM_INSNS) - main.insnCount, stopped: false,
  };
  const walk = (root: ProgramUnit, base: number) => {
    const stack = [{ unit: root, base, idx: 0 }];
    while (stack.length > 0) {
      const sub = step(l, stack[stack.length - 1]);
      if (sub) stack.push({ unit: sub, base: l.starts.get(sub)!, idx: 0 });
      else stack.pop();
    }
  };
  walk(main, 0);
  for (const sub of extra) {
    if (l.starts.has(sub) || !append(l, sub)) continue;
    walk(sub, l.starts.get(sub)!);
  }
  out.relocs.sort((a, b) => a.insnIdx - b.insnIdx);
  return out;
}

/** Where each placed subprogram starts, for LoadedProgram.subprograms. */
export function placements(code: LinkedCode): SubprogramPlacement[] {
  return code.placed.slice(1).map((p) => ({ name: p.unit.name, startSlot: p.start, insnCount: p.unit.insnCount }));
}
