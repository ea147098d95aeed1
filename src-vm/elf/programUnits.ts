// Functions in code sections, as libbpf's bpf_object__add_programs finds them:
// every STT_FUNC symbol in an executable section is one unit of code; those in
// `.text` are subprograms, the others entry programs (which must be global or
// weak). Units carry their own copy of the instructions and, later, the
// relocations that fall inside them. Pure.

import { sectionLabel, type ElfFile, type ElfSection } from './elf';
import { sectionBytes } from './elf';
import { STB, STT, STV } from './elfConstants';
import { ElfReport, hex } from './elfReport';
import type { Insn } from '../isa/insn';
import { INSN_SIZE, decodeInsns } from '../isa/insn';
import type { RelocDesc } from './relocations';

export interface ProgramUnit {
  name: string;
  sectionIndex: number;
  /** The section name as written, `?` included. */
  sectionName: string;
  /** First slot of the function in its section (libbpf's sec_insn_off). */
  insnOffset: number;
  insnCount: number;
  /** The function's instructions as the object has them. */
  insns: Insn[];
  /** Global or weak binding. */
  global: boolean;
  /** Global with hidden/internal visibility: libbpf marks its BTF FUNC static. */
  hidden: boolean;
  /** In `.text`: a subprogram, never loaded on its own. */
  isSubprogram: boolean;
  /** Symbol-table index of its FUNC symbol. */
  symbolIndex: number;
  /** Relocations inside the function, by slot relative to `insnOffset`, sorted. */
  relocs: RelocDesc[];
  /** Slots (relative) whose relocation libbpf refuses: already reported, left as they are. */
  refused: Set<number>;
}

function unitFor(elf: ElfFile, s: ElfSection, sectionInsns: Insn[], textIndex: number, symbolIndex: number): ProgramUnit {
  const sym = elf.symbols[symbolIndex];
  const insnOffset = sym.value / INSN_SIZE;
  const insnCount = sym.size / INSN_SIZE;
  const global = sym.binding !== STB.LOCAL;
  return {
    name: sym.name, sectionIndex: s.index, sectionName: s.name, insnOffset, insnCount,
    insns: sectionInsns.slice(insnOffset, insnOffset + insnCount),
    global, hidden: global && (sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL),
    isSubprogram: s.index === textIndex, symbolIndex, relocs: [], refused: new Set(),
  };
}

/** Checks libbpf makes before it accepts a function; false (and an error) when it would refuse the object. */
function acceptable(s: ElfSection, name: string, value: number, size: number, isText: boolean, binding: number, report: ElfReport): boolean {
  const where = `section ${sectionLabel(s)}: function '${name}' at offset ${hex(value)}`;
  if (value + size > s.size) {
    report.error('loader/function-out-of-section', `${where}: ${size} bytes cross the end of the section (size ${hex(s.size)})`);
    return false;
  }
  if (size === 0 || size % INSN_SIZE !== 0 || value % INSN_SIZE !== 0) {
    report.error('loader/corrupted-function',
      `${where}: size ${size} and offset must be non-zero multiples of ${INSN_SIZE} bytes (corrupted program)`);
    return false;
  }
  if (!isText && binding === STB.LOCAL) {
    report.error('loader/static-program',
      `${where}: program '${name}' is static and not supported: entry programs outside .text must be global (drop 'static')`);
    return false;
  }
  return true;
}

/**
 * Every function of every code section, sorted by section and offset as
 * libbpf sorts its programs. A code section without function symbols holds
 * no program for libbpf; that is a warning.
 */
export function collectUnits(elf: ElfFile, code: readonly ElfSection[], textIndex: number, report: ElfReport): ProgramUnit[] {
  const littleEndian = elf.header?.littleEndian ?? true;
  const bySection = new Map<number, number[]>();
  elf.symbols.forEach((sym, i) => {
    if (sym.type !== STT.FUNC) return;
    const list = bySection.get(sym.sectionIndex);
    if (list) list.push(i);
    else bySection.set(sym.sectionIndex, [i]);
  });
  const units: ProgramUnit[] = [];
  for (const s of code) {
    const symbols = bySection.get(s.index) ?? [];
    if (symbols.length === 0) {
      report.warning('loader/code-without-functions',
        `section ${sectionLabel(s)} holds ${Math.floor(s.size / INSN_SIZE)} instructions but no function symbol: libbpf finds no program in it`);
      continue;
    }
    const insns = decodeInsns(sectionBytes(elf, s), littleEndian);
    for (const i of symbols) {
      const sym = elf.symbols[i];
      if (!acceptable(s, sym.name, sym.value, sym.size, s.index === textIndex, sym.binding, report)) continue;
      units.push(unitFor(elf, s, insns, textIndex, i));
    }
  }
  units.sort((a, b) => a.sectionIndex - b.sectionIndex || a.insnOffset - b.insnOffset);
  return units;
}

/** libbpf's find_prog_by_sec_insn: the unit of `sectionIndex` whose slots contain `slot`, by binary search. */
export function unitAt(units: readonly ProgramUnit[], sectionIndex: number, slot: number): ProgramUnit | undefined {
  let lo = 0;
  let hi = units.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = lo + ((hi - lo + 1) >> 1);
    const u = units[mid];
    if (u.sectionIndex < sectionIndex || (u.sectionIndex === sectionIndex && u.insnOffset <= slot)) lo = mid;
    else hi = mid - 1;
  }
  const u = units[lo];
  return u.sectionIndex === sectionIndex && slot >= u.insnOffset && slot < u.insnOffset + u.insnCount ? u : undefined;
}
