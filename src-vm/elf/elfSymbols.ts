// Symbol tables (SHT_SYMTAB, SHT_DYNSYM): every entry with its name from the
// linked string table, type, binding, visibility and section, resolving
// SHN_XINDEX through SHT_SYMTAB_SHNDX. Bad entry sizes, string tables, name
// offsets and section indices are reported per table and per symbol. Pure.

import type { ByteView } from './byteView';
import { SHN, SHT, STT, SYM_SIZE, shtName } from './elfConstants';
import { ElfReport, ReadBudget, hex } from './elfReport';
import { sectionLabel } from './elfSections';
import type { ElfSection, ElfSymbol, ElfSymbolTable } from './elfTypes';
import type { NameReader } from './strtab';

interface TableContext {
  v: ByteView;
  sections: readonly ElfSection[];
  table: ElfSection;
  strings: Uint8Array | undefined;
  names: NameReader;
  /** The SHT_SYMTAB_SHNDX entries for this table, if it has one. */
  xindex: ElfSection | undefined;
  report: ElfReport;
}

/** The string table a symbol table links to, or undefined (reported) if it is unusable. */
function linkedStrings(v: ByteView, sections: readonly ElfSection[], table: ElfSection, report: ElfReport): Uint8Array | undefined {
  const unusable = (why: string): undefined => {
    report.error('elf/bad-symtab-link', `symbol table ${sectionLabel(table)}: ${why}; symbols are unnamed`);
    return undefined;
  };
  const strtab = table.link === 0 ? undefined : sections[table.link];
  if (!strtab) return unusable(`sh_link ${table.link} is not a section index (the file has ${sections.length} sections)`);
  if (strtab.type !== SHT.STRTAB) return unusable(`sh_link points to section ${sectionLabel(strtab)} of type ${shtName(strtab.type)}, not STRTAB`);
  if (!strtab.hasBytes) return unusable(`its string table, section ${sectionLabel(strtab)}, has no bytes inside the file`);
  return v.bytes.subarray(strtab.offset, strtab.offset + strtab.size);
}

function resolveSectionIndex(ctx: TableContext, index: number, raw: number): number | undefined {
  if (raw !== SHN.XINDEX) return raw;
  const x = ctx.xindex;
  if (x && x.hasBytes && (index + 1) * 4 <= x.size) return ctx.v.u32(x.offset + index * 4);
  return undefined;
}

function checkSectionIndex(ctx: TableContext, sym: ElfSymbol, raw: number): void {
  const where = `symbol ${sym.index}${sym.name ? ` (${sym.name})` : ''} in section ${sectionLabel(ctx.table)}`;
  if (raw === SHN.XINDEX && sym.sectionIndex === SHN.XINDEX) {
    ctx.report.error('elf/bad-symbol-section', `${where}: st_shndx is SHN_XINDEX but no SYMTAB_SHNDX entry holds its section`);
  } else if (isDefinedIn(sym.sectionIndex) && sym.sectionIndex >= ctx.sections.length) {
    ctx.report.error('elf/bad-symbol-section',
      `${where}: section index ${sym.sectionIndex} is out of range (the file has ${ctx.sections.length} sections)`);
  }
}

/** True for an index naming a real section (not UNDEF, ABS, COMMON or another reserved value). */
function isDefinedIn(shndx: number): boolean {
  return shndx !== SHN.UNDEF && (shndx < SHN.LORESERVE || shndx > SHN.XINDEX);
}

function checkExtent(ctx: TableContext, sym: ElfSymbol): void {
  const s = ctx.sections[sym.sectionIndex];
  if (!s || !isDefinedIn(sym.sectionIndex) || sym.type === STT.SECTION || s.type === SHT.NULL) return;
  if (sym.value + sym.size <= s.size) return;
  ctx.report.warning('elf/symbol-out-of-section',
    `symbol ${sym.index} (${sym.name}) in section ${sectionLabel(ctx.table)}: value ${hex(sym.value)} + size ${hex(sym.size)} ` +
    `extends past the end of section ${sectionLabel(s)} (size ${hex(s.size)})`);
}

function readSymbol(ctx: TableContext, index: number): ElfSymbol {
  const { v, table } = ctx;
  const at = table.offset + index * SYM_SIZE;
  const info = v.u8(at + 4);
  const raw = v.u16(at + 6);
  const sym: ElfSymbol = {
    index, name: '', nameOffset: v.u32(at), value: v.u64(at + 8), size: v.u64(at + 16),
    type: info & 0xf, binding: info >> 4, visibility: v.u8(at + 5) & 0x3, sectionIndex: SHN.UNDEF,
  };
  sym.sectionIndex = resolveSectionIndex(ctx, index, raw) ?? SHN.XINDEX;
  const section = isDefinedIn(sym.sectionIndex) ? ctx.sections[sym.sectionIndex] : undefined;
  if (section) sym.sectionName = section.name;
  if (ctx.strings && sym.nameOffset !== 0) {
    const name = ctx.names.read(table.link, ctx.strings, sym.nameOffset);
    if (name.ok) sym.name = name.value;
    else ctx.report.error('elf/bad-symbol-name', `symbol ${index} in section ${sectionLabel(table)}: ${name.reason} of section ${table.link}`);
  }
  if (sym.type === STT.SECTION && sym.name === '' && section) sym.name = section.name;
  checkSectionIndex(ctx, sym, raw);
  checkExtent(ctx, sym);
  return sym;
}

interface ReadTools {
  report: ElfReport;
  names: NameReader;
  budget: ReadBudget;
  /** SHT_SYMTAB_SHNDX sections by the symbol table they extend (sh_link). */
  xindex: ReadonlyMap<number, ElfSection>;
}

function readTable(v: ByteView, sections: readonly ElfSection[], table: ElfSection, tools: ReadTools): ElfSymbolTable | undefined {
  const { report } = tools;
  if (!table.hasBytes) return undefined; // already reported as out of range
  if (table.entsize !== SYM_SIZE) {
    report.error('elf/bad-entsize', `symbol table ${sectionLabel(table)} has sh_entsize ${table.entsize}, expected ${SYM_SIZE}: not read`);
    return undefined;
  }
  if (!tools.budget.takeTable(table.size)) {
    report.error('elf/tables-overlap', `symbol table ${sectionLabel(table)} not read: the symbol and relocation tables add up to more than the file, so they overlap`);
    return undefined;
  }
  if (table.size % SYM_SIZE !== 0) {
    report.warning('elf/bad-table-size',
      `symbol table ${sectionLabel(table)} has size ${hex(table.size)}, not a multiple of ${SYM_SIZE}: the last ${table.size % SYM_SIZE} bytes are ignored`);
  }
  const count = Math.floor(table.size / SYM_SIZE);
  if (table.info > count) {
    report.warning('elf/bad-symtab-info', `symbol table ${sectionLabel(table)}: sh_info (first global symbol) is ${table.info}, past its ${count} symbols`);
  }
  const ctx: TableContext = {
    v, sections, table, strings: linkedStrings(v, sections, table, report), names: tools.names, xindex: tools.xindex.get(table.index), report,
  };
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) symbols.push(readSymbol(ctx, i));
  return { sectionIndex: table.index, name: table.name, stringTableIndex: table.link, firstGlobal: table.info, symbols };
}

/** Every SHT_SYMTAB and SHT_DYNSYM section's symbols, in section order. */
export function readSymbolTables(v: ByteView, sections: readonly ElfSection[], report: ElfReport, names: NameReader, budget: ReadBudget): ElfSymbolTable[] {
  const xindex = new Map<number, ElfSection>();
  for (const s of sections) if (s.type === SHT.SYMTAB_SHNDX && !xindex.has(s.link)) xindex.set(s.link, s);
  const tools: ReadTools = { report, names, budget, xindex };
  const tables: ElfSymbolTable[] = [];
  for (const s of sections) {
    if (s.type !== SHT.SYMTAB && s.type !== SHT.DYNSYM) continue;
    const table = readTable(v, sections, s, tools);
    if (table) tables.push(table);
  }
  return tables;
}
