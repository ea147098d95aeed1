// The plain-data model of an ELF64 object as the reader returns it: header,
// section headers with their names, symbol tables and relocation sections.
// Offsets and sizes are numbers (exact below 2^53, which covers every value
// that passes a bounds check). Types only; imports nothing.

export interface ElfHeader {
  littleEndian: boolean;
  /** EI_OSABI. */
  osAbi: number;
  /** e_type: 1 = ET_REL, the only kind an eBPF object should be. */
  type: number;
  /** e_machine: 247 = EM_BPF. */
  machine: number;
  version: number;
  entry: number;
  flags: number;
  /** File offset of the section header table. */
  shoff: number;
  /** e_shentsize: must be 64 for the section headers to be read. */
  shentsize: number;
  /** Number of section headers, after extended numbering (section 0's sh_size). */
  shnum: number;
  /** Index of the section-name string table, after extended numbering (section 0's sh_link). */
  shstrndx: number;
}

export interface ElfSection {
  index: number;
  /** Resolved from the section-name string table; '' when it cannot be. */
  name: string;
  nameOffset: number;
  /** sh_type (SHT.*). */
  type: number;
  /** sh_flags (SHF.*). */
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** The section has bytes and they lie inside the file: false for NULL, NOBITS and broken headers. */
  hasBytes: boolean;
}

export interface ElfSymbol {
  /** Index in its symbol table (0 is the null symbol). */
  index: number;
  /** Resolved name; a section symbol without a name takes its section's name, as readelf shows it. */
  name: string;
  nameOffset: number;
  value: number;
  size: number;
  /** STT.* (low 4 bits of st_info). */
  type: number;
  /** STB.* (high 4 bits of st_info). */
  binding: number;
  /** STV.* (low 2 bits of st_other). */
  visibility: number;
  /** st_shndx, resolved through SHT_SYMTAB_SHNDX when it is SHN_XINDEX. SHN.UNDEF/ABS/COMMON stay as they are. */
  sectionIndex: number;
  /** The defining section's name; undefined for undefined, absolute and common symbols and bad indices. */
  sectionName?: string;
}

export interface ElfSymbolTable {
  /** Section index of the SHT_SYMTAB / SHT_DYNSYM section. */
  sectionIndex: number;
  name: string;
  /** sh_link: the string table holding the names. */
  stringTableIndex: number;
  /** sh_info: index of the first non-local symbol. */
  firstGlobal: number;
  symbols: ElfSymbol[];
}

export interface ElfReloc {
  /** Byte offset in the target section. */
  offset: number;
  symbolIndex: number;
  /** ELF64_R_TYPE: R_BPF.* for eBPF objects. */
  type: number;
  /** Explicit addend (RELA sections only; REL keeps it in the patched bytes). */
  addend?: number;
  /** The symbol, when `symbolIndex` is inside the linked symbol table. */
  symbol?: ElfSymbol;
}

export interface ElfRelocSection {
  sectionIndex: number;
  name: string;
  kind: 'rel' | 'rela';
  /** sh_info: the section the relocations patch. */
  targetIndex: number;
  /** sh_link: the symbol table they refer to. */
  symbolTableIndex: number;
  relocs: ElfReloc[];
}

export interface ElfFile {
  /** The file's bytes, as given (section bytes are views into them). */
  bytes: Uint8Array;
  /** Undefined when the identification or header is unreadable. */
  header: ElfHeader | undefined;
  sections: ElfSection[];
  /** The first SHT_SYMTAB's symbols (index 0 is the null symbol); [] if there is none. */
  symbols: ElfSymbol[];
  symbolTables: ElfSymbolTable[];
  relocSections: ElfRelocSection[];
}
