// The first pass of loading an object, as libbpf's bpf_object__elf_collect does
// it: what each ELF section is to a BPF loader (code, global data, map
// definitions, BTF, license, version, relocations of code or of `.maps`), and
// the object-wide facts that hang on it (license string, kernel version).
// Pure; reads only the ElfFile the ELF reader returns.

import { sectionBytes, sectionLabel, type ElfFile, type ElfSection } from './elf';
import { SHF, SHT } from './elfConstants';
import { ElfReport, hex } from './elfReport';

export type DataKind = 'data' | 'rodata' | 'bss';

export interface ObjectSections {
  /** Index of `.text` when it holds code (0 when there is none: then nothing is a subprogram). */
  textIndex: number;
  /** Executable sections with bytes, in section order. */
  code: ElfSection[];
  /** Global-data sections that become internal array maps, in section order. */
  data: { section: ElfSection; kind: DataKind }[];
  /** The BTF-defined map section `.maps`, and the legacy `maps` section libbpf 1.x refuses. */
  btfMaps?: ElfSection;
  legacyMaps?: ElfSection;
  btf?: ElfSection;
  btfExt?: ElfSection;
  /** Relocation sections libbpf applies: against code, or against `.maps` (map-in-map and prog-array slots). */
  codeRelocs: number[];
  mapsRelocs: number[];
  license?: string;
  kernelVersion?: number;
}

const DWARF_PREFIX = '.debug_';

/** libbpf's ignore_elf_section: string tables, addrsig, an empty .text, DWARF and the relocations of DWARF/BTF. */
function ignored(s: ElfSection): boolean {
  if (s.type === SHT.STRTAB || s.type === SHT.LLVM_ADDRSIG) return true;
  if (s.type === SHT.PROGBITS && s.size === 0 && s.name === '.text') return true;
  if (s.name.startsWith(DWARF_PREFIX)) return true;
  if (s.name.startsWith('.rel')) {
    const target = s.name.slice('.rel'.length);
    return target.startsWith(DWARF_PREFIX) || target === '.BTF' || target === '.BTF.ext';
  }
  return false;
}

function isDataName(name: string, base: string): boolean {
  return name === base || name.startsWith(base + '.');
}

const STRUCT_OPS_SECTIONS = ['.struct_ops', '.struct_ops.link', '?.struct_ops', '?.struct_ops.link'];

function readLicense(elf: ElfFile, s: ElfSection, report: ElfReport): string | undefined {
  if (!s.hasBytes) {
    report.error('loader/bad-license', `section ${sectionLabel(s)}: the license section has no bytes in the file`);
    return undefined;
  }
  const bytes = sectionBytes(elf, s);
  const end = bytes.indexOf(0);
  // libbpf copies at most 511 bytes (its license buffer is 512 with the NUL).
  const text = bytes.subarray(0, Math.min(end < 0 ? bytes.length : end, 511));
  return new TextDecoder('latin1').decode(text);
}

function readVersion(elf: ElfFile, s: ElfSection, report: ElfReport): number | undefined {
  if (!s.hasBytes || s.size !== 4) {
    report.error('loader/bad-version',
      `section ${sectionLabel(s)}: the kernel version section must hold one 4-byte number, it has ${s.hasBytes ? `${s.size} bytes` : 'no bytes'}`);
    return undefined;
  }
  const b = sectionBytes(elf, s);
  const little = elf.header?.littleEndian ?? true;
  const view = new DataView(b.buffer, b.byteOffset, 4);
  return view.getUint32(0, little);
}

function classifyProgbits(out: ObjectSections, s: ElfSection, report: ElfReport): void {
  if (!s.hasBytes || s.size === 0) return;
  if ((s.flags & SHF.EXECINSTR) !== 0) {
    if (s.name === '.text') out.textIndex = s.index;
    out.code.push(s);
  } else if (isDataName(s.name, '.data')) {
    out.data.push({ section: s, kind: 'data' });
  } else if (isDataName(s.name, '.rodata')) {
    out.data.push({ section: s, kind: 'rodata' });
  } else if (STRUCT_OPS_SECTIONS.includes(s.name)) {
    report.warning('loader/struct-ops-unsupported',
      `section ${sectionLabel(s)}: struct_ops maps are not described by this loader; their programs are still loaded`);
  } else if (s.name === '.addr_space.1') {
    report.warning('loader/arena-unsupported', `section ${sectionLabel(s)}: __arena globals are not described by this loader`);
  }
}

function classifyRel(out: ObjectSections, elf: ElfFile, s: ElfSection, report: ElfReport): void {
  const target = elf.sections[s.info];
  if (s.entsize !== 16 || !target) {
    report.error('loader/bad-reloc-section',
      `relocation section ${sectionLabel(s)}: sh_entsize ${s.entsize} (expected 16) or target section ${s.info} is invalid; libbpf refuses the object`);
    return;
  }
  if (target.index === out.btfMaps?.index) out.mapsRelocs.push(s.index);
  else if ((target.flags & SHF.EXECINSTR) !== 0) out.codeRelocs.push(s.index);
}

function classifyOne(out: ObjectSections, elf: ElfFile, s: ElfSection, report: ElfReport): void {
  if (s.name === 'license') out.license = readLicense(elf, s, report);
  else if (s.name === 'version') out.kernelVersion = readVersion(elf, s, report);
  else if (s.name === 'maps') out.legacyMaps = s;
  else if (s.name === '.maps') out.btfMaps = s;
  else if (s.name === '.BTF' || s.name === '.BTF.ext') {
    if (s.type !== SHT.PROGBITS) {
      report.error('loader/bad-btf-section', `section ${sectionLabel(s)} has type ${s.type}, not PROGBITS: libbpf refuses the object`);
    } else if (s.name === '.BTF') out.btf = s;
    else out.btfExt = s;
  } else if (s.type === SHT.PROGBITS) classifyProgbits(out, s, report);
  else if (s.type === SHT.NOBITS && isDataName(s.name, '.bss') && s.size > 0) out.data.push({ section: s, kind: 'bss' });
}

/** Classifies every section of the object; problems libbpf would refuse the object for are errors. */
export function classifySections(elf: ElfFile, report: ElfReport): ObjectSections {
  const out: ObjectSections = { textIndex: 0, code: [], data: [], codeRelocs: [], mapsRelocs: [] };
  const symtabs = elf.sections.filter((s) => s.type === SHT.SYMTAB);
  if (symtabs.length === 0) {
    report.error('loader/no-symbols', 'the object has no symbol table (stripped?): libbpf cannot find its programs or maps');
  } else if (symtabs.length > 1) {
    report.error('loader/many-symbol-tables',
      `the object has ${symtabs.length} symbol tables (sections ${symtabs.map((s) => sectionLabel(s)).join(', ')}); libbpf accepts only one`);
  }
  const rels: ElfSection[] = [];
  for (const s of elf.sections) {
    if (s.index === 0 || ignored(s)) continue;
    if (s.type === SHT.REL) rels.push(s);
    else classifyOne(out, elf, s, report);
  }
  // Relocation sections are sorted out once `.maps` is known, wherever it sits.
  for (const s of rels) classifyRel(out, elf, s, report);
  if (out.legacyMaps) {
    report.error('loader/legacy-maps',
      `section ${sectionLabel(out.legacyMaps)}: legacy map definitions in 'maps' section are not supported by libbpf v1.0+ (use BTF-defined maps in SEC(".maps")); described here as libbpf 0.x read them`);
  }
  for (const s of elf.sections) {
    if (s.type === SHT.RELA && s.index !== 0 && !ignored(s) && (elf.sections[s.info]?.flags ?? 0) & SHF.EXECINSTR) {
      report.warning('loader/rela-ignored', `relocation section ${sectionLabel(s)} is RELA at ${hex(s.offset)}: libbpf applies only REL sections and skips it`);
    }
  }
  return out;
}
