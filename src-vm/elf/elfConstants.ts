// ELF64 constants the eBPF reader and writer share: identification bytes,
// structure sizes, section/symbol type tables with their printable names, and
// the BPF relocation types with the width each one patches. Pure data;
// imports nothing.

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ET_REL = 1;
export const EM_BPF = 247;

/** Fixed sizes of the ELF64 structures. */
export const EHDR_SIZE = 64;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const REL_SIZE = 16;
export const RELA_SIZE = 24;

/** Section types (sh_type). */
export const SHT = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7,
  NOBITS: 8, REL: 9, DYNSYM: 11, SYMTAB_SHNDX: 18, LLVM_ADDRSIG: 0x6fff4c03,
} as const;

export const SHT_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(SHT).map(([name, value]) => [value, name]),
);

/** Section flags (sh_flags). */
export const SHF = {
  WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4, MERGE: 0x10, STRINGS: 0x20, INFO_LINK: 0x40,
  EXCLUDE: 0x80000000,
} as const;

/** Special section indices (st_shndx, e_shstrndx). */
export const SHN = { UNDEF: 0, LORESERVE: 0xff00, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;

/** Symbol types (low 4 bits of st_info). */
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, COMMON: 5, TLS: 6 } as const;
/** Symbol bindings (high 4 bits of st_info). */
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
/** Symbol visibility (low 2 bits of st_other). */
export const STV = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 } as const;

export const STT_NAMES: Readonly<Record<number, string>> = invert(STT);
export const STB_NAMES: Readonly<Record<number, string>> = invert(STB);
export const STV_NAMES: Readonly<Record<number, string>> = invert(STV);

/** BPF relocation types (ELF64_R_TYPE), as LLVM defines them. */
export const R_BPF = { NONE: 0, R64_64: 1, ABS64: 2, ABS32: 3, NODYLD32: 4, R64_32: 10 } as const;

export interface RelocTypeInfo {
  name: string;
  /** Bytes at r_offset the relocation patches (an `lddw` is 16, a `call` slot 8). */
  width: number;
}

export const R_BPF_INFO: Readonly<Record<number, RelocTypeInfo>> = {
  [R_BPF.NONE]: { name: 'R_BPF_NONE', width: 0 },
  [R_BPF.R64_64]: { name: 'R_BPF_64_64', width: 16 },
  [R_BPF.ABS64]: { name: 'R_BPF_64_ABS64', width: 8 },
  [R_BPF.ABS32]: { name: 'R_BPF_64_ABS32', width: 4 },
  [R_BPF.NODYLD32]: { name: 'R_BPF_64_NODYLD32', width: 4 },
  [R_BPF.R64_32]: { name: 'R_BPF_64_32', width: 8 },
};

function invert(table: Readonly<Record<string, number>>): Record<number, string> {
  return Object.fromEntries(Object.entries(table).map(([name, value]) => [value, name]));
}

export function shtName(type: number): string {
  return SHT_NAMES[type] ?? `0x${type.toString(16)}`;
}

export function relocTypeName(type: number): string {
  return R_BPF_INFO[type]?.name ?? `R_BPF_${type}`;
}
