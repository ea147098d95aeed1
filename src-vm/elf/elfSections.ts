// The section header table: reading every header that lies inside the file,
// extended numbering (e_shnum / e_shstrndx overflowing into section 0),
// section names from the name string table, and the bounds of each section's
// bytes — outside the file, or overlapping the header, the table or another
// section. Pure.

import type { ByteView } from './byteView';
import { EHDR_SIZE, SHDR_SIZE, SHN, SHT, shtName } from './elfConstants';
import { ElfReport, hex } from './elfReport';
import type { ElfHeader, ElfSection } from './elfTypes';
import type { NameReader } from './strtab';

/** "7 (.text)" — how messages name a section. */
export function sectionLabel(s: ElfSection | undefined, index?: number): string {
  if (!s) return `${index ?? '?'}`;
  return s.name ? `${s.index} (${s.name})` : `${s.index}`;
}

function readOne(v: ByteView, at: number, index: number): ElfSection {
  const type = v.u32(at + 4);
  const offset = v.u64(at + 24);
  const size = v.u64(at + 32);
  return {
    index, name: '', nameOffset: v.u32(at), type, flags: v.u64(at + 8), addr: v.u64(at + 16),
    offset, size, link: v.u32(at + 40), info: v.u32(at + 44), addralign: v.u64(at + 48), entsize: v.u64(at + 56),
    hasBytes: type !== SHT.NULL && type !== SHT.NOBITS && v.fits(offset, size),
  };
}

/** Resolves e_shnum and e_shstrndx through section 0 when they overflow (ELF extended numbering). */
function resolveCounts(v: ByteView, h: ElfHeader): { shnum: number; shstrndx: number } {
  const zero = v.fits(h.shoff, SHDR_SIZE) ? readOne(v, h.shoff, 0) : undefined;
  const shnum = h.shnum === 0 && zero ? zero.size : h.shnum;
  const shstrndx = h.shstrndx === SHN.XINDEX && zero ? zero.link : h.shstrndx;
  return { shnum, shstrndx };
}

function readTable(v: ByteView, h: ElfHeader, shnum: number, report: ElfReport): ElfSection[] {
  const tableSize = shnum * SHDR_SIZE;
  let count = shnum;
  if (!v.fits(h.shoff, tableSize)) {
    count = h.shoff <= v.size ? Math.floor((v.size - h.shoff) / SHDR_SIZE) : 0;
    report.error('elf/section-table-out-of-range',
      `the section header table at offset ${hex(h.shoff)} with ${shnum} entries (${hex(tableSize)} bytes) ` +
      `runs past the end of the file (size ${hex(v.size)}); only ${count} headers can be read`);
  }
  const sections: ElfSection[] = [];
  for (let i = 0; i < count; i++) sections.push(readOne(v, h.shoff + i * SHDR_SIZE, i));
  return sections;
}

function nameSections(v: ByteView, sections: ElfSection[], shstrndx: number, report: ElfReport, names: NameReader): void {
  if (sections.length === 0) return;
  if (shstrndx === SHN.UNDEF) {
    report.warning('elf/no-section-names', 'e_shstrndx is 0: the file has no section-name string table, sections are unnamed');
    return;
  }
  const strtab = sections[shstrndx];
  if (!strtab) {
    report.error('elf/bad-shstrndx',
      `e_shstrndx is ${shstrndx}, but the file has only ${sections.length} section headers: sections are unnamed`);
    return;
  }
  if (strtab.type !== SHT.STRTAB || !strtab.hasBytes) {
    const why = strtab.type !== SHT.STRTAB ? `has type ${shtName(strtab.type)}, not STRTAB` : 'has no bytes inside the file';
    report.error('elf/bad-shstrndx', `the section-name string table (section ${shstrndx}) ${why}: sections are unnamed`);
    return;
  }
  const table = v.bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  for (const s of sections) {
    if (s.index === 0 && s.nameOffset === 0) continue;
    const name = names.read(shstrndx, table, s.nameOffset);
    if (name.ok) s.name = name.value;
    else report.error('elf/bad-section-name', `section header ${s.index}: ${name.reason} of section ${shstrndx}`);
  }
}

function checkBounds(v: ByteView, sections: readonly ElfSection[], report: ElfReport): void {
  for (const s of sections) {
    if (s.type === SHT.NULL || s.type === SHT.NOBITS || s.hasBytes) continue;
    report.error('elf/section-out-of-range',
      `section header ${sectionLabel(s)} points past the end of the file: ` +
      `offset ${hex(s.offset)} + size ${hex(s.size)} > file size ${hex(v.size)}`);
  }
}

interface Extent {
  start: number;
  end: number;
  label: string;
}

/** Sections whose bytes overlap each other, the ELF header or the section header table. */
function checkOverlaps(sections: readonly ElfSection[], h: ElfHeader, report: ElfReport): void {
  const extents: Extent[] = [
    { start: 0, end: EHDR_SIZE, label: 'the ELF header' },
    { start: h.shoff, end: h.shoff + sections.length * SHDR_SIZE, label: 'the section header table' },
  ];
  for (const s of sections) {
    if (s.hasBytes && s.size > 0) {
      extents.push({ start: s.offset, end: s.offset + s.size, label: `section ${sectionLabel(s)}` });
    }
  }
  extents.sort((a, b) => a.start - b.start || a.end - b.end);
  let widest = extents[0];
  for (const e of extents.slice(1)) {
    if (e.start < widest.end && e.end > e.start) {
      report.error('elf/section-overlap',
        `${e.label} [${hex(e.start)}, ${hex(e.end)}) overlaps ${widest.label} [${hex(widest.start)}, ${hex(widest.end)})`);
    }
    if (e.end > widest.end) widest = e;
  }
}

/** Reads the section header table, fills `header.shnum`/`shstrndx` and names the sections. */
export function readSections(v: ByteView, header: ElfHeader, report: ElfReport, names: NameReader): ElfSection[] {
  if (header.shentsize !== SHDR_SIZE && (header.shnum !== 0 || header.shoff !== 0)) return [];
  if (header.shoff === 0) {
    if (header.shnum !== 0) report.error('elf/bad-shoff', `e_shnum is ${header.shnum} but e_shoff is 0`);
    else report.warning('elf/no-sections', 'the file has no section headers');
    return [];
  }
  if (!v.fits(header.shoff, SHDR_SIZE)) {
    report.error('elf/section-table-out-of-range',
      `e_shoff is ${hex(header.shoff)}, past the end of the file (size ${hex(v.size)}): no section header can be read`);
    return [];
  }
  const { shnum, shstrndx } = resolveCounts(v, header);
  header.shnum = shnum;
  header.shstrndx = shstrndx;
  const sections = readTable(v, header, shnum, report);
  nameSections(v, sections, shstrndx, report, names);
  checkBounds(v, sections, report);
  checkOverlaps(sections, header, report);
  return sections;
}
