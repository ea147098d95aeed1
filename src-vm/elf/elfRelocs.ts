// Relocation sections (SHT_REL, SHT_RELA): each entry's offset, symbol and
// type, checked against the section it patches (in range, on an instruction
// boundary in code) and the symbol table it names. Pure.

import type { ByteView } from './byteView';
import { REL_SIZE, RELA_SIZE, R_BPF_INFO, SHF, SHT, shtName } from './elfConstants';
import { ElfReport, ReadBudget, hex } from './elfReport';
import { sectionLabel } from './elfSections';
import type { ElfReloc, ElfRelocSection, ElfSection, ElfSymbolTable } from './elfTypes';

interface RelocContext {
  v: ByteView;
  section: ElfSection;
  target: ElfSection | undefined;
  symtab: ElfSymbolTable | undefined;
  report: ElfReport;
}

function targetOf(sections: readonly ElfSection[], s: ElfSection, report: ElfReport): ElfSection | undefined {
  const target = s.info === 0 ? undefined : sections[s.info];
  if (!target || target.type === SHT.NULL) {
    report.error('elf/bad-reloc-target',
      `relocation section ${sectionLabel(s)}: sh_info ${s.info} does not name a section to patch (the file has ${sections.length} sections)`);
    return undefined;
  }
  return target;
}

function symtabOf(sections: readonly ElfSection[], tables: ReadonlyMap<number, ElfSymbolTable>, s: ElfSection, report: ElfReport): ElfSymbolTable | undefined {
  const table = tables.get(s.link);
  if (!table) {
    const linked = sections[s.link];
    const what = linked ? `section ${sectionLabel(linked)} of type ${shtName(linked.type)}` : `${s.link}, not a section index`;
    report.error('elf/bad-reloc-symtab', `relocation section ${sectionLabel(s)}: sh_link is ${what}, not a readable symbol table`);
  }
  return table;
}

function checkReloc(ctx: RelocContext, n: number, r: ElfReloc): void {
  const { section, target, symtab, report } = ctx;
  const where = `relocation ${n} in section ${sectionLabel(section)}`;
  if (symtab && r.symbolIndex >= symtab.symbols.length) {
    report.error('elf/bad-reloc-symbol',
      `${where}: symbol index ${r.symbolIndex} is past the ${symtab.symbols.length} symbols of ${symtab.name || `section ${symtab.sectionIndex}`}`);
  }
  const info = R_BPF_INFO[r.type];
  if (!info) report.warning('elf/unknown-reloc-type', `${where}: unknown BPF relocation type ${r.type}`);
  if (!target || target.type === SHT.NOBITS) return;
  const width = info?.width ?? 1;
  if (r.offset + width > target.size) {
    report.error('elf/reloc-out-of-range',
      `${where}: offset ${hex(r.offset)} + ${width} bytes (${info?.name ?? `type ${r.type}`}) is past the end of section ${sectionLabel(target)} (size ${hex(target.size)})`);
  } else if ((target.flags & SHF.EXECINSTR) !== 0 && r.offset % 8 !== 0) {
    report.error('elf/reloc-misaligned',
      `${where}: offset ${hex(r.offset)} in code section ${sectionLabel(target)} is not on an 8-byte instruction boundary`);
  }
}

function readEntry(ctx: RelocContext, n: number, rela: boolean): ElfReloc {
  const { v, section } = ctx;
  const at = section.offset + n * (rela ? RELA_SIZE : REL_SIZE);
  // r_info = (symbol << 32) | type, stored as one 64-bit word in the file's byte order.
  const first = v.u32(at + 8);
  const second = v.u32(at + 12);
  const [type, symbolIndex] = v.littleEndian ? [first, second] : [second, first];
  const r: ElfReloc = { offset: v.u64(at), symbolIndex, type };
  if (rela) r.addend = Number(v.i64(at + 16));
  const symbol = ctx.symtab?.symbols[symbolIndex];
  if (symbol) r.symbol = symbol;
  checkReloc(ctx, n, r);
  return r;
}

function readSection(v: ByteView, sections: readonly ElfSection[], tables: ReadonlyMap<number, ElfSymbolTable>, s: ElfSection, report: ElfReport, budget: ReadBudget): ElfRelocSection | undefined {
  if (!s.hasBytes) return undefined; // already reported as out of range
  const rela = s.type === SHT.RELA;
  const entsize = rela ? RELA_SIZE : REL_SIZE;
  if (s.entsize !== entsize) {
    report.error('elf/bad-entsize', `relocation section ${sectionLabel(s)} has sh_entsize ${s.entsize}, expected ${entsize}: not read`);
    return undefined;
  }
  if (!budget.takeTable(s.size)) {
    report.error('elf/tables-overlap', `relocation section ${sectionLabel(s)} not read: the symbol and relocation tables add up to more than the file, so they overlap`);
    return undefined;
  }
  if (s.size % entsize !== 0) {
    report.warning('elf/bad-table-size',
      `relocation section ${sectionLabel(s)} has size ${hex(s.size)}, not a multiple of ${entsize}: the last ${s.size % entsize} bytes are ignored`);
  }
  const ctx: RelocContext = { v, section: s, target: targetOf(sections, s, report), symtab: symtabOf(sections, tables, s, report), report };
  const relocs: ElfReloc[] = [];
  const count = Math.floor(s.size / entsize);
  for (let n = 0; n < count; n++) relocs.push(readEntry(ctx, n, rela));
  return { sectionIndex: s.index, name: s.name, kind: rela ? 'rela' : 'rel', targetIndex: s.info, symbolTableIndex: s.link, relocs };
}

/** Every SHT_REL and SHT_RELA section, in section order. */
export function readRelocSections(v: ByteView, sections: readonly ElfSection[], tables: readonly ElfSymbolTable[], report: ElfReport, budget: ReadBudget): ElfRelocSection[] {
  const bySection = new Map(tables.map((t) => [t.sectionIndex, t]));
  const out: ElfRelocSection[] = [];
  for (const s of sections) {
    if (s.type !== SHT.REL && s.type !== SHT.RELA) continue;
    const read = readSection(v, sections, bySection, s, report, budget);
    if (read) out.push(read);
  }
  return out;
}
