// ELF64 reader for eBPF objects: `readElf(bytes)` returns the header, section
// headers, symbol tables and relocation sections plus every problem found.
// Hostile input never throws and never allocates more than the file's size
// suggests: each offset, size and count is checked against the bytes first.
// Pure; the base the libbpf-style loader (BTF, maps, CO-RE) builds on.

import type { Diagnostic } from '../diagnostics';
import { ByteView } from './byteView';
import { SHT } from './elfConstants';
import { readHeader } from './elfHeader';
import { readRelocSections } from './elfRelocs';
import { ElfReport, ReadBudget } from './elfReport';
import { readSections } from './elfSections';
import { readSymbolTables } from './elfSymbols';
import type { ElfFile, ElfSection } from './elfTypes';
import { NameReader, readCString } from './strtab';

export type {
  ElfFile, ElfHeader, ElfReloc, ElfRelocSection, ElfSection, ElfSymbol, ElfSymbolTable,
} from './elfTypes';
export { sectionLabel } from './elfSections';

/** Reads an ELF64 object; the value is as complete as the damage allows. */
export function readElf(bytes: Uint8Array): { value: ElfFile; diagnostics: Diagnostic[] } {
  const report = new ElfReport();
  const elf: ElfFile = { bytes, header: undefined, sections: [], symbols: [], symbolTables: [], relocSections: [] };
  const header = readHeader(bytes, report);
  if (header) {
    const v = new ByteView(bytes, header.littleEndian);
    elf.header = header;
    const budget = new ReadBudget(bytes.length);
    const names = new NameReader(budget);
    elf.sections = readSections(v, header, report, names);
    elf.symbolTables = readSymbolTables(v, elf.sections, report, names, budget);
    const symtab = elf.symbolTables.find((t) => elf.sections[t.sectionIndex]?.type === SHT.SYMTAB);
    elf.symbols = symtab?.symbols ?? [];
    elf.relocSections = readRelocSections(v, elf.sections, elf.symbolTables, report, budget);
  }
  return { value: elf, diagnostics: report.finish() };
}

function resolve(elf: ElfFile, section: ElfSection | number | string): ElfSection | undefined {
  if (typeof section === 'number') return elf.sections[section];
  if (typeof section === 'string') return findSection(elf, section);
  return section;
}

/**
 * The bytes of a section, as a view into `elf.bytes` (do not modify it).
 * Empty when the section has none in the file: NULL, NOBITS (`.bss`: its
 * length is `section.size`, all zero) or a header pointing outside the file.
 */
export function sectionBytes(elf: ElfFile, section: ElfSection | number | string): Uint8Array {
  const s = resolve(elf, section);
  if (!s || !s.hasBytes) return new Uint8Array(0);
  return elf.bytes.subarray(s.offset, s.offset + s.size);
}

/** The first section called `name`. */
export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The NUL-terminated string at `offset` in a string-table section; undefined if out of bounds. */
export function stringAt(elf: ElfFile, section: ElfSection | number | string, offset: number): string | undefined {
  const s = resolve(elf, section);
  if (!s || s.type !== SHT.STRTAB) return undefined;
  const read = readCString(sectionBytes(elf, s), offset);
  return read.ok ? read.value : undefined;
}
