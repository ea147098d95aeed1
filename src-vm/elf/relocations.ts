// Relocations of code, as libbpf records and applies them
// (bpf_program__record_reloc, bpf_object__relocate_data): each REL entry in a
// code section becomes a call, a subprogram address, a map reference, a
// global-data reference or an extern reference of the function containing
// it; after linking, map and data references are rewritten in libbpf's
// fd-less form (src = MAP_IDX / MAP_IDX_VALUE, imm = map index). Pure.

import { sectionLabel, type ElfFile, type ElfSymbol } from './elf';
import { R_BPF, SHN, STB, STT, relocTypeName } from './elfConstants';
import { ElfReport, hex } from './elfReport';
import { CLS, JMP, PSEUDO_CALL, PSEUDO_LD } from '../isa/opcodes';
import { INSN_SIZE, LDDW_CODE, type Insn } from '../isa/insn';
import type { ExternDef, ExternRef, MapDef, MapRef } from './loadedObject';
import type { ObjectSections } from './objectSections';
import { unitAt, type ProgramUnit } from './programUnits';

/** What one relocation means to the linker; `insnIdx` is relative to the unit holding it. */
export type RelocDesc =
  | { kind: 'call'; insnIdx: number; symOffset: number }
  | { kind: 'subprogAddr'; insnIdx: number; symOffset: number }
  | { kind: 'map'; insnIdx: number; mapIndex: number }
  | { kind: 'data'; insnIdx: number; mapIndex: number; symOffset: number }
  | { kind: 'externLd64'; insnIdx: number; externIndex: number }
  | { kind: 'externCall'; insnIdx: number; externIndex: number };

export const CALL_CODE = CLS.JMP | JMP.CALL;

export interface RelocInputs {
  elf: ElfFile;
  sections: ObjectSections;
  units: ProgramUnit[];
  maps: readonly MapDef[];
  externs: readonly ExternDef[];
  report: ElfReport;
}

/** Indexes built once, so each relocation is found in constant time. */
interface Targets {
  /** `.maps` / `maps` definitions by `section:offset`. */
  mapAt: Map<string, number>;
  /** Global-data maps by section index. */
  dataMap: Map<number, number>;
  externBySymbol: Map<number, number>;
}

function targets(inputs: RelocInputs): Targets {
  const t: Targets = { mapAt: new Map(), dataMap: new Map(), externBySymbol: new Map() };
  inputs.maps.forEach((m, i) => {
    if (m.kind === 'btf' || m.kind === 'legacy') {
      const key = `${m.sectionIndex}:${m.sectionOffset}`;
      if (!t.mapAt.has(key)) t.mapAt.set(key, i);
    } else if (m.kind !== 'kconfig' && !t.dataMap.has(m.sectionIndex)) t.dataMap.set(m.sectionIndex, i);
  });
  inputs.externs.forEach((e, i) => { if (!t.externBySymbol.has(e.symbolIndex)) t.externBySymbol.set(e.symbolIndex, i); });
  return t;
}

/** libbpf's sym_is_extern: undefined, global or weak, no type. */
export function isExternSymbol(sym: ElfSymbol): boolean {
  return sym.sectionIndex === SHN.UNDEF && (sym.binding === STB.GLOBAL || sym.binding === STB.WEAK) && sym.type === STT.NOTYPE;
}

/** libbpf's sym_is_subprog: in .text, and a section symbol or a global/weak function. */
function isSubprogSymbol(sym: ElfSymbol, textIndex: number): boolean {
  if (textIndex === 0 || sym.sectionIndex !== textIndex) return false;
  if (sym.binding === STB.LOCAL && sym.type === STT.SECTION) return true;
  return (sym.binding === STB.GLOBAL || sym.binding === STB.WEAK) && sym.type === STT.FUNC;
}

interface Site {
  inputs: RelocInputs;
  targets: Targets;
  unit: ProgramUnit;
  insnIdx: number;
  insn: Insn;
  sym: ElfSymbol;
  symbolIndex: number;
  /** "program 'p' insn 3 (section 7 (xdp) offset 0x18)" */
  where: string;
}

function symbolName(elf: ElfFile, sym: ElfSymbol): string {
  if (sym.type === STT.SECTION && sym.nameOffset === 0) return elf.sections[sym.sectionIndex]?.name ?? '<?>';
  return sym.name || '<?>';
}

function externDesc(site: Site): RelocDesc | string {
  const externIndex = site.targets.externBySymbol.get(site.symbolIndex);
  if (externIndex === undefined) return `extern relocation against '${site.sym.name}' (symbol ${site.symbolIndex}) has no extern description (no BTF for it)`;
  const kind = site.insn.code === CALL_CODE ? 'externCall' : 'externLd64';
  return { kind, insnIdx: site.insnIdx, externIndex };
}

function callDesc(site: Site): RelocDesc | string {
  const { sym, insn, inputs } = site;
  if (insn.src !== PSEUDO_CALL.LOCAL) return `relocated call has src_reg ${insn.src}, not BPF_PSEUDO_CALL (1): incorrect bpf_call opcode`;
  const textIndex = inputs.sections.textIndex;
  if (sym.sectionIndex === 0 || sym.sectionIndex !== textIndex) {
    const sec = inputs.elf.sections[sym.sectionIndex]?.name ?? `#${sym.sectionIndex}`;
    return `bad call relocation against '${symbolName(inputs.elf, sym)}' in section '${sec}': subprograms must be in .text`;
  }
  if (sym.value % INSN_SIZE !== 0) return `bad call relocation against '${sym.name}' at offset ${sym.value}`;
  return { kind: 'call', insnIdx: site.insnIdx, symOffset: sym.value };
}

function mapDesc(site: Site, kind: 'map' | 'data'): RelocDesc | string {
  const { sym, inputs } = site;
  const sec = inputs.elf.sections[sym.sectionIndex]?.name ?? `#${sym.sectionIndex}`;
  if (kind === 'map') {
    const mapIndex = site.targets.mapAt.get(`${sym.sectionIndex}:${sym.value}`);
    if (mapIndex === undefined) return `map relocation against '${symbolName(inputs.elf, sym)}' finds no map in section '${sec}' at offset ${sym.value}`;
    return { kind: 'map', insnIdx: site.insnIdx, mapIndex };
  }
  const mapIndex = site.targets.dataMap.get(sym.sectionIndex);
  if (mapIndex === undefined) return `data relocation finds no map for section '${sec}'`;
  return { kind: 'data', insnIdx: site.insnIdx, mapIndex, symOffset: sym.value };
}

/** libbpf's bpf_program__record_reloc: what one relocation means, or why libbpf refuses it. */
function describe(site: Site): RelocDesc | string {
  const { insn, sym, inputs } = site;
  const isCall = insn.code === CALL_CODE;
  if (!isCall && insn.code !== LDDW_CODE) {
    return `invalid relocation against '${symbolName(inputs.elf, sym)}' for an instruction with code ${hex(insn.code)} (only calls and ld_imm64 are relocated)`;
  }
  if (isExternSymbol(sym)) return externDesc(site);
  if (isCall) return callDesc(site);
  if (sym.sectionIndex === SHN.UNDEF || sym.sectionIndex >= SHN.LORESERVE) {
    return `invalid relocation against '${symbolName(inputs.elf, sym)}' in special section ${hex(sym.sectionIndex)}; forgot to initialize global var?..`;
  }
  if (isSubprogSymbol(sym, inputs.sections.textIndex)) {
    if (sym.value % INSN_SIZE !== 0 || insn.imm % INSN_SIZE !== 0) {
      return `bad subprogram address relocation against '${symbolName(inputs.elf, sym)}' at offset ${sym.value}+${insn.imm}`;
    }
    return { kind: 'subprogAddr', insnIdx: site.insnIdx, symOffset: sym.value };
  }
  const { btfMaps, legacyMaps } = inputs.sections;
  if (site.targets.dataMap.has(sym.sectionIndex)) return mapDesc(site, 'data');
  if (sym.sectionIndex === btfMaps?.index || sym.sectionIndex === legacyMaps?.index) return mapDesc(site, 'map');
  const sec = inputs.elf.sections[sym.sectionIndex]?.name ?? `#${sym.sectionIndex}`;
  return `bad map relocation against '${symbolName(inputs.elf, sym)}' in section '${sec}' (not .maps, nor a global-data section)`;
}

/** A warning when the relocation type is not the one clang emits for the instruction (libbpf ignores the type). */
function checkType(site: Site, type: number, report: ElfReport): void {
  const expected = site.insn.code === CALL_CODE ? R_BPF.R64_32 : R_BPF.R64_64;
  if (site.insn.code !== CALL_CODE && site.insn.code !== LDDW_CODE) return;
  if (type !== expected) {
    report.warning('loader/unexpected-reloc-type',
      `${site.where}: relocation type ${relocTypeName(type)} on ${site.insn.code === CALL_CODE ? 'a call' : 'an ld_imm64'} (expected ${relocTypeName(expected)}); libbpf relocates by the symbol alone`);
  }
}

/**
 * Attaches every code relocation to the function containing it
 * (bpf_object__collect_prog_relos). Relocations libbpf refuses are errors
 * naming the section and offset; they are left out.
 */
export function collectCodeRelocs(inputs: RelocInputs): void {
  const { elf, sections, report } = inputs;
  const known = targets(inputs);
  const bySection = new Map(elf.relocSections.map((r) => [r.sectionIndex, r]));
  for (const relIndex of sections.codeRelocs) {
    const rs = bySection.get(relIndex);
    const target = elf.sections[rs?.targetIndex ?? -1];
    if (!rs || !target) continue;
    rs.relocs.forEach((r, n) => {
      const at = `relocation ${n} in section ${sectionLabel(elf.sections[relIndex])}, offset ${hex(r.offset)} of section ${sectionLabel(target)}`;
      const sym = r.symbol;
      if (!sym) return report.error('loader/bad-reloc-symbol', `${at}: symbol #${r.symbolIndex} not found`);
      if (r.offset % INSN_SIZE !== 0 || r.offset >= target.size) return report.error('loader/bad-reloc-offset', `${at}: invalid offset`);
      const slot = r.offset / INSN_SIZE;
      const unit = unitAt(inputs.units, target.index, slot);
      if (!unit) return; // libbpf: no program here, probably an overridden weak function
      const insnIdx = slot - unit.insnOffset;
      const where = `${unit.isSubprogram ? 'subprogram' : 'program'} '${unit.name}' insn ${insnIdx} (section ${sectionLabel(target)}, offset ${hex(r.offset)})`;
      const site: Site = { inputs, targets: known, unit, insnIdx, insn: unit.insns[insnIdx], sym, symbolIndex: r.symbolIndex, where };
      checkType(site, r.type, report);
      const desc = describe(site);
      if (typeof desc === 'string') {
        unit.refused.add(insnIdx);
        return report.error('loader/bad-reloc', `${where}: ${desc}`);
      }
      unit.relocs.push(desc);
    });
  }
  for (const u of inputs.units) u.relocs.sort((a, b) => a.insnIdx - b.insnIdx || kindOrder(a) - kindOrder(b));
}

const KIND_ORDER: Readonly<Record<RelocDesc['kind'], number>> = {
  map: 0, data: 1, externLd64: 2, externCall: 3, subprogAddr: 4, call: 5,
};
function kindOrder(r: RelocDesc): number {
  return KIND_ORDER[r.kind];
}

/** Marks ld_imm64 instructions loading a subprogram's address as BPF_PSEUDO_FUNC, as libbpf does before linking. */
export function markPseudoFuncs(units: readonly ProgramUnit[]): void {
  for (const u of units) {
    for (const r of u.relocs) if (r.kind === 'subprogAddr') u.insns[r.insnIdx].src = PSEUDO_LD.FUNC;
  }
}

export interface DataRefs {
  mapRefs: MapRef[];
  externRefs: ExternRef[];
}

/** The kconfig map's index, for `.kconfig` extern loads. */
function kconfigMapIndex(maps: readonly MapDef[]): number {
  return maps.findIndex((m) => m.kind === 'kconfig');
}

/**
 * libbpf's bpf_object__relocate_data on linked instructions (relocs with
 * final slots): rewrites map and data loads in the fd-less form and records
 * which map or extern each instruction names.
 */
export function applyDataRelocs(insns: Insn[], relocs: readonly RelocDesc[], maps: readonly MapDef[], externs: readonly ExternDef[]): DataRefs {
  const out: DataRefs = { mapRefs: [], externRefs: [] };
  for (const r of relocs) {
    const first = insns[r.insnIdx];
    const second = insns[r.insnIdx + 1];
    if (r.kind === 'map') {
      first.src = PSEUDO_LD.MAP_IDX;
      first.imm = r.mapIndex;
      out.mapRefs.push({ insnIdx: r.insnIdx, kind: 'map', mapIndex: r.mapIndex });
    } else if (r.kind === 'data' && second) {
      second.imm = (first.imm + r.symOffset) | 0;
      out.mapRefs.push({ insnIdx: r.insnIdx, kind: 'value', mapIndex: r.mapIndex, offset: second.imm });
      first.src = PSEUDO_LD.MAP_IDX_VALUE;
      first.imm = r.mapIndex;
    } else if (r.kind === 'externLd64' || r.kind === 'externCall') {
      applyExtern(insns, r, maps, externs, out);
    }
  }
  return out;
}

function applyExtern(insns: Insn[], r: Extract<RelocDesc, { kind: 'externLd64' | 'externCall' }>, maps: readonly MapDef[], externs: readonly ExternDef[], out: DataRefs): void {
  const ext = externs[r.externIndex];
  const first = insns[r.insnIdx];
  if (r.kind === 'externCall') {
    // A kfunc call: marked as one, its BTF id left for a resolver (imm 0 until then).
    first.src = PSEUDO_CALL.KFUNC;
    first.imm = 0;
    first.off = 0;
    out.externRefs.push({ insnIdx: r.insnIdx, externIndex: r.externIndex, kind: 'call' });
    return;
  }
  const kconfig = kconfigMapIndex(maps);
  if (ext?.kind === 'kconfig' && ext.kconfig && kconfig >= 0 && insns[r.insnIdx + 1]) {
    first.src = PSEUDO_LD.MAP_IDX_VALUE;
    first.imm = kconfig;
    insns[r.insnIdx + 1].imm = ext.kconfig.offset;
    out.mapRefs.push({ insnIdx: r.insnIdx, kind: 'value', mapIndex: kconfig, offset: ext.kconfig.offset });
    return;
  }
  out.externRefs.push({ insnIdx: r.insnIdx, externIndex: r.externIndex, kind: 'ld64' });
}
