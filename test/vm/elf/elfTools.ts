// Test helper for the ELF tests: finds llvm-readelf-19, clang-19 and bpftool,
// and reduces both llvm-readelf's JSON output and our reader's ElfFile to one
// comparable summary (sections, .symtab symbols, relocations).

import { dirname, join } from 'node:path';
import { findTool, runTool } from '../../support/tools';
import { fileURLToPath } from 'node:url';
import type { ElfFile } from '../../../src-vm/elf/elf';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'elf');

export const READELF = findTool('llvm-readelf-19', 'llvm-readelf');
export const CLANG = findTool('clang-19');
export const BPFTOOL = findTool('bpftool');
export const run = runTool;

export interface SectionSummary {
  index: number; name: string; type: number; flags: number; offset: number; size: number;
  link: number; info: number; align: number; entsize: number;
}
export interface SymbolSummary {
  name: string; value: number; size: number; binding: number; type: number; visibility: number; shndx: number;
}
export interface RelocSummary {
  sectionIndex: number;
  entries: { offset: number; type: number; symbolIndex: number; symbolName: string }[];
}
export interface ElfSummary {
  sections: SectionSummary[];
  symbols: SymbolSummary[];
  relocs: RelocSummary[];
}

interface Named { Name: string; Value: number }
interface JsonSection {
  Index: number; Name: Named; Type: Named; Flags: { Value: number }; Offset: number; Size: number;
  Link: number; Info: number; AddressAlignment: number; EntrySize: number;
}
interface JsonSymbol {
  Name: Named; Value: number; Size: number; Binding: Named; Type: Named; Other: { Value: number }; Section: Named;
}
interface JsonReloc { Offset: number; Type: Named; Symbol: Named }
interface JsonFile {
  Sections: { Section: JsonSection }[];
  Symbols?: { Symbol: JsonSymbol }[];
  Relocations?: { SectionIndex: number; Relocs: { Relocation: JsonReloc }[] }[];
}

/** `llvm-readelf --elf-output-style=JSON -S -s -r file` as a summary. */
export function readelfSummary(readelf: string, file: string): ElfSummary {
  const r = run(readelf, ['--elf-output-style=JSON', '-S', '-s', '-r', file]);
  if (r.status !== 0) throw new Error(`llvm-readelf failed on ${file}: ${r.stderr}`);
  const [json] = JSON.parse(r.stdout) as JsonFile[];
  return {
    sections: json.Sections.map(({ Section: s }) => ({
      index: s.Index, name: s.Name.Name, type: s.Type.Value, flags: s.Flags.Value, offset: s.Offset, size: s.Size,
      link: s.Link, info: s.Info, align: s.AddressAlignment, entsize: s.EntrySize,
    })),
    symbols: (json.Symbols ?? []).map(({ Symbol: s }) => ({
      name: s.Name.Name, value: s.Value, size: s.Size, binding: s.Binding.Value, type: s.Type.Value,
      visibility: s.Other.Value & 3, shndx: s.Section.Value,
    })),
    relocs: (json.Relocations ?? []).map((rs) => ({
      sectionIndex: rs.SectionIndex,
      entries: rs.Relocs.map(({ Relocation: x }) => ({ offset: x.Offset, type: x.Type.Value, symbolIndex: x.Symbol.Value, symbolName: x.Symbol.Name })),
    })),
  };
}

/** Our reader's view of the same things. */
export function readerSummary(elf: ElfFile): ElfSummary {
  return {
    sections: elf.sections.map((s) => ({
      index: s.index, name: s.name, type: s.type, flags: s.flags, offset: s.offset, size: s.size,
      link: s.link, info: s.info, align: s.addralign, entsize: s.entsize,
    })),
    symbols: elf.symbols.map((s) => ({
      name: s.name, value: s.value, size: s.size, binding: s.binding, type: s.type, visibility: s.visibility, shndx: s.sectionIndex,
    })),
    relocs: elf.relocSections.map((rs) => ({
      sectionIndex: rs.sectionIndex,
      entries: rs.relocs.map((x) => ({ offset: x.offset, type: x.type, symbolIndex: x.symbolIndex, symbolName: x.symbol?.name ?? '' })),
    })),
  };
}
