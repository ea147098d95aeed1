// Symbol tables (SHT_SYMTAB, SHT_DYNSYM): every entry with its name from the
// linked string table, type, binding, visibility and section, resolving
// SHN_XINDEX through SHT_SYMTAB_SHNDX. Bad entry sizes, string tables, name
// offsets and section indices are reported per table and per symbol. Pure.

import type { ByteView } from './byteView';
import { SHN, SHT, STT, SYM_SIZE, shtName } from './elfConstants';
import { ElfReport, hex } from './elfReport';
import { sectionLabel } from './elfSections';
import type { ElfSection, ElfSymbol, ElfSymbolTable } from './elfTypes';
import { readCString } from './strtab';

interface TableContext {
  v: ByteView;
  sections: readonly ElfSection[];
  table: ElfSection;
  strings: Uint8Array | undefined;
  /** The SHT_SYMTAB_SHNDX entries for this table, if it has one. */
  xindex: ElfSection | undefined;
  report: ElfReport;
}

/** The string table a symbol table links to, or undefined (reported) if it is unusable. */
function linkedStrings(v: ByteView, sections: readonly ElfSection[], table: ElfSection, report: ElfReport): Uint8Array | undefined {
  const strtab = sections[table.link];
  let why: string | undefined;
  if (!strtab || table.link === 0) why = `sh_link ${table.link} is not a section index (the file has ${sections.length} sections)`;
  else if (strtab.type !== SHT.STRTAB) why = `sh_link points to section ${sectionLabel(strtab)} of type ${shtName(strtab.type)}, not STRTAB`;
  else if (!strtab.hasBytes) why = `its string table, section ${sectionLabel(strtab)}, has no bytes inside the file`;
  if (why) {
    report.error('elf/bad-symtab-link', `symbol table ${sectionLabel(table)}: ${why}; symbols are unnamed`);
    return undefined;
  }
  return v.bytes.subarray(strtab!.offset, strtab!.offset + strtab!.size);
}

function resolveSectionIndex(ctx: TableContext, index: number, raw: number): number | undefined {
  if (raw !== SHN.XINDEX) return raw;
  const x = ctx.xindex;
  if (x && x.hasBytes && (index + 1) * 4 <= x.size) return ctx.v.u32(x.offset + index * 4);
  return undefined;
}

function checkSectionIndex(ctx: TableContext, sym: ElfSymbol, raw: number): void {
  const where = `symbol ${sym.index}${sym.name ? ` (${sym.name})` : ''} in ${sectionLabel(ctx.table)}`;
  const group = `symbol-shndx-${ctx.table.index}`;
  const what = `symbols in ${sectionLabel(ctx.table)} with a bad section index`;
  if (raw === SHN.XINDEX && sym.sectionIndex === SHN.XINDEX) {
    ctx.report.entry('error', 'elf/bad-symbol-section', `${where}: st_shndx is SHN_XINDEX but no SYMTAB_SHNDX entry holds its section`, group, what);
  } else if (isDefinedIn(sym.sectionIndex) && sym.sectionIndex >= ctx.sections.length) {
    ctx.report.entry('error', 'elf/bad-symbol-section',
      `${where}: section index ${sym.sectionIndex} is out of range (the file has ${ctx.sections.length} sections)`, group, what);
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
  ctx.report.entry('warning', 'elf/symbol-out-of-section',
    `symbol ${sym.index} (${sym.name}) in ${sectionLabel(ctx.table)}: value ${hex(sym.value)} + size ${hex(sym.size)} ` +
    `extends past the end of section ${sectionLabel(s)} (size ${hex(s.size)})`,
    `symbol-extent-${ctx.table.index}`, `symbols in ${sectionLabel(ctx.table)} extending past their section`);
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
    const name = readCString(ctx.strings, sym.nameOffset);
    if (name.ok) sym.name = name.value;
    else ctx.report.entry('error', 'elf/bad-symbol-name', `symbol ${index} in ${sectionLabel(table)}: ${name.reason} of section ${table.link}`,
      `symbol-name-${table.index}`, `symbols in ${sectionLabel(table)} with a bad name`);
  }
  if (sym.type === STT.SECTION && sym.name === '' && section) sym.name = section.name;
  checkSectionIndex(ctx, sym, raw);
  checkExtent(ctx, sym);
  return sym;
}

function readTable(v: ByteView, sections: readonly ElfSection[], table: ElfSection, report: ElfReport): ElfSymbolTable | undefined {
  if (!table.hasBytes) return undefined; // already reported as out of range
  if (table.entsize !== SYM_SIZE) {
    report.error('elf/bad-entsize', `symbol table ${sectionLabel(table)} has sh_entsize ${table.entsize}, expected ${SYM_SIZE}: not read`);
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
  const xindex = sections.find((s) => s.type === SHT.SYMTAB_SHNDX && s.link === table.index);
  const ctx: TableContext = { v, sections, table, strings: linkedStrings(v, sections, table, report), xindex, report };
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) symbols.push(readSymbol(ctx, i));
  return { sectionIndex: table.index, name: table.name, stringTableIndex: table.link, firstGlobal: table.info, symbols };
}

/** Every SHT_SYMTAB and SHT_DYNSYM section's symbols, in section order. */
export function readSymbolTables(v: ByteView, sections: readonly ElfSection[], report: ElfReport): ElfSymbolTable[] {
  const tables: ElfSymbolTable[] = [];
  for (const s of sections) {
    if (s.type !== SHT.SYMTAB && s.type !== SHT.DYNSYM) continue;
    const table = readTable(v, sections, s, report);
    if (table) tables.push(table);
  }
  return tables;
}
