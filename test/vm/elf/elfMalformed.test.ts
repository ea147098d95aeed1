// The ELF reader on hostile input: a table of corruptions of a real clang
// object, each with the diagnostic it must produce, and a seeded fuzz run of
// 10,000 random mutations and truncations that must never throw nor return
// more entries than the bytes can hold.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Severity } from '../../../src-vm/diagnostics';
import { findSection, readElf, type ElfFile, type ElfSection } from '../../../src-vm/elf/elf';
import { SHDR_SIZE, SHN, SHT, SYM_SIZE, REL_SIZE } from '../../../src-vm/elf/elfConstants';
import { DIAGNOSTICS_PER_CODE } from '../../../src-vm/elf/elfReport';
import { FIXTURES } from './elfTools';

const BASE = new Uint8Array(readFileSync(join(FIXTURES, 'maps_globals.bpf.o')));
const BASE_ELF = readElf(BASE).value;

/** Little-endian field writers on a copy of the file. */
class Patch {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(source: Uint8Array, readonly elf: ElfFile) {
    this.bytes = source.slice();
    this.view = new DataView(this.bytes.buffer);
  }
  u8(at: number, v: number): this { this.view.setUint8(at, v); return this; }
  u16(at: number, v: number): this { this.view.setUint16(at, v, true); return this; }
  u32(at: number, v: number): this { this.view.setUint32(at, v, true); return this; }
  u64(at: number, v: bigint): this { this.view.setBigUint64(at, v, true); return this; }
  section(name: string): ElfSection { return findSection(this.elf, name)!; }
  /** File offset of section header `index`'s field at `field` (0 name, 4 type, 24 offset, 32 size, 40 link, 44 info, 56 entsize). */
  shdr(name: string, field: number): number { return this.elf.header!.shoff + this.section(name).index * SHDR_SIZE + field; }
  /** File offset of .symtab entry `index`'s field at `field` (0 name, 6 shndx, 8 value, 16 size). */
  sym(index: number, field: number): number { return this.section('.symtab').offset + index * SYM_SIZE + field; }
  symIndex(name: string): number { return this.elf.symbols.findIndex((s) => s.name === name); }
  /** File offset of relocation `n` of `.relxdp` at `field` (0 offset, 8 type, 12 symbol). */
  rel(n: number, field: number): number { return this.section('.relxdp').offset + n * REL_SIZE + field; }
}

interface Corruption {
  name: string;
  make: (p: Patch) => Uint8Array;
  /** Substrings of diagnostics that must appear, with their severity. */
  expect: [Severity, string][];
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const fileSize = hex(BASE.length);
const shoff = BASE_ELF.header!.shoff;
const textIndex = findSection(BASE_ELF, '.text')!.index;
const xdpIndex = findSection(BASE_ELF, 'xdp')!.index;
const symtabIndex = findSection(BASE_ELF, '.symtab')!.index;
const symCount = BASE_ELF.symbols.length;

const CORRUPTIONS: Corruption[] = [
  { name: 'empty file', make: () => new Uint8Array(0), expect: [['error', 'not an ELF file: the file is empty']] },
  { name: 'a PE file', make: () => new Uint8Array([0x4d, 0x5a, 0x90, 0, 3]), expect: [['error', 'not an ELF file: the file starts with 4d 5a 90 00']] },
  { name: 'cut inside the identification', make: () => BASE.slice(0, 5), expect: [['error', 'truncated inside the ELF identification']] },
  { name: 'cut inside the header', make: () => BASE.slice(0, 40), expect: [['error', 'file is 40 bytes (0x28), shorter than the 64-byte ELF64 header']] },
  { name: 'ELFCLASS32', make: (p) => p.u8(4, 1).bytes, expect: [['error', 'EI_CLASS (byte 4) is ELFCLASS32']] },
  { name: 'unknown byte order', make: (p) => p.u8(5, 3).bytes, expect: [['error', 'EI_DATA (byte 5) is 3']] },
  { name: 'x86-64 machine', make: (p) => p.u16(18, 62).bytes, expect: [['error', 'e_machine is 62 (EM_X86_64), not 247 (EM_BPF)']] },
  { name: 'executable type', make: (p) => p.u16(16, 2).bytes, expect: [['warning', 'e_type is 2 (ET_EXEC), not 1 (ET_REL)']] },
  { name: 'bad e_version', make: (p) => p.u32(20, 9).bytes, expect: [['warning', 'e_version is 9, expected 1']] },
  { name: 'bad e_shentsize', make: (p) => p.u16(58, 32).bytes, expect: [['error', 'e_shentsize is 32, expected 64']] },
  { name: 'e_shoff past the end', make: (p) => p.u64(40, 0x100000n).bytes, expect: [['error', `e_shoff is 0x100000, past the end of the file (size ${fileSize})`]] },
  { name: 'e_shnum too big', make: (p) => p.u16(60, 0xffff).bytes, expect: [['error', `with 65535 entries (0x3fffc0 bytes) runs past the end of the file (size ${fileSize})`]] },
  { name: 'truncated by one byte', make: () => BASE.slice(0, BASE.length - 1), expect: [['error', `only ${BASE_ELF.sections.length - 1} headers can be read`]] },
  {
    name: 'extended numbering with a huge count in section 0', make: (p) => p.u16(60, 0).u64(shoff + 32, 0xffffffffffffn).bytes,
    expect: [['error', 'with 281474976710655 entries']],
  },
  {
    name: 'section past the end', make: (p) => p.u64(p.shdr('.text', 24), 0x12000n).bytes,
    expect: [['error', `section header ${textIndex} (.text) points past the end of the file: offset 0x12000 + size ${hex(findSection(BASE_ELF, '.text')!.size)} > file size ${fileSize}`]],
  },
  {
    name: 'section with a 2^64-1 size', make: (p) => p.u64(p.shdr('xdp', 32), 0xffffffffffffffffn).bytes,
    expect: [['error', `section header ${xdpIndex} (xdp) points past the end of the file`]],
  },
  {
    name: 'two sections overlapping', make: (p) => p.u64(p.shdr('xdp', 24), BigInt(p.section('.text').offset + 8)).bytes,
    expect: [['error', `section ${xdpIndex} (xdp) [`], ['error', `overlaps section ${textIndex} (.text)`]],
  },
  { name: 'a section over the ELF header', make: (p) => p.u64(p.shdr('.text', 24), 16n).bytes, expect: [['error', 'overlaps the ELF header [0x0, 0x40)']] },
  {
    name: 'a section over the section header table', make: (p) => p.u64(p.shdr('license', 24), BigInt(shoff)).bytes,
    expect: [['error', `the section header table [${hex(shoff)}, ${fileSize}) overlaps section ${findSection(BASE_ELF, 'license')!.index} (license)`]],
  },
  {
    name: 'section name offset outside .strtab', make: (p) => p.u32(p.shdr('.text', 0), 0x99999).bytes,
    expect: [['error', `section header ${textIndex}: name offset 0x99999 is outside the string table`]],
  },
  { name: 'e_shstrndx out of range', make: (p) => p.u16(62, 200).bytes, expect: [['error', `e_shstrndx is 200, but the file has only ${BASE_ELF.sections.length} section headers`]] },
  { name: 'e_shstrndx at a code section', make: (p) => p.u16(62, textIndex).bytes, expect: [['error', `(section ${textIndex}) has type PROGBITS, not STRTAB`]] },
  {
    name: 'string table without its final NUL', make: (p) => p.u8(p.section('.strtab').offset + p.section('.strtab').size - 1, 0x78).bytes,
    expect: [['error', 'runs to the end of the string table without a NUL']],
  },
  { name: 'symbol table entry size 16', make: (p) => p.u64(p.shdr('.symtab', 56), 16n).bytes, expect: [['error', `symbol table ${symtabIndex} (.symtab) has sh_entsize 16, expected 24: not read`]] },
  {
    name: 'symbol table size not a multiple of 24', make: (p) => p.u64(p.shdr('.symtab', 32), BigInt(p.section('.symtab').size - 1)).bytes,
    expect: [['warning', 'not a multiple of 24: the last 23 bytes are ignored']],
  },
  { name: 'symbol table linked to section 0', make: (p) => p.u32(p.shdr('.symtab', 40), 0).bytes, expect: [['error', 'sh_link 0 is not a section index']] },
  {
    name: 'symbol table linked to code', make: (p) => p.u32(p.shdr('.symtab', 40), textIndex).bytes,
    expect: [['error', `sh_link points to section ${textIndex} (.text) of type PROGBITS, not STRTAB; symbols are unnamed`]],
  },
  {
    name: 'symbol table sh_info past its symbols', make: (p) => p.u32(p.shdr('.symtab', 44), 5000).bytes,
    expect: [['warning', `sh_info (first global symbol) is 5000, past its ${symCount} symbols`]],
  },
  {
    name: 'symbol name offset outside .strtab', make: (p) => p.u32(p.sym(p.symIndex('counts'), 0), 0x7777777).bytes,
    expect: [['error', `(.symtab): name offset 0x7777777 is outside the string table`]],
  },
  {
    name: 'symbol section index out of range', make: (p) => p.u16(p.sym(p.symIndex('counts'), 6), 0x7000).bytes,
    expect: [['error', `(counts) in section ${symtabIndex} (.symtab): section index 28672 is out of range`]],
  },
  {
    name: 'SHN_XINDEX without SYMTAB_SHNDX', make: (p) => p.u16(p.sym(p.symIndex('counts'), 6), SHN.XINDEX).bytes,
    expect: [['error', 'st_shndx is SHN_XINDEX but no SYMTAB_SHNDX entry holds its section']],
  },
  {
    name: 'symbol past the end of its section', make: (p) => p.u64(p.sym(p.symIndex('count_packets'), 8), 0x10000n).bytes,
    expect: [['warning', `(count_packets) in section ${symtabIndex} (.symtab): value 0x10000 + size ${hex(findSection(BASE_ELF, 'xdp')!.size)} extends past the end of section ${xdpIndex} (xdp)`]],
  },
  {
    name: 'every symbol name broken', make: (p) => { for (let i = 1; i < symCount; i++) p.u32(p.sym(i, 0), 0xfffff0 + i); return p.bytes; },
    expect: [['error', `${symCount - 1 - DIAGNOSTICS_PER_CODE} more symbols with a bad name not listed individually`]],
  },
  { name: 'REL entry size 24', make: (p) => p.u64(p.shdr('.relxdp', 56), 24n).bytes, expect: [['error', '(.relxdp) has sh_entsize 24, expected 16: not read']] },
  {
    name: 'relocation symbol index out of range', make: (p) => p.u32(p.rel(0, 12), 99999).bytes,
    expect: [['error', `relocation 0 in section ${xdpIndex + 1} (.relxdp): symbol index 99999 is past the ${symCount} symbols of .symtab`]],
  },
  {
    name: 'relocation past its section', make: (p) => p.u64(p.rel(1, 0), 0x5000n).bytes,
    expect: [['error', `relocation 1 in section ${xdpIndex + 1} (.relxdp): offset 0x5000 + 16 bytes (R_BPF_64_64) is past the end of section ${xdpIndex} (xdp)`]],
  },
  {
    name: 'relocation off an instruction boundary', make: (p) => p.u64(p.rel(0, 0), 0x29n).bytes,
    expect: [['error', `offset 0x29 in code section ${xdpIndex} (xdp) is not on an 8-byte instruction boundary`]],
  },
  { name: 'unknown relocation type', make: (p) => p.u32(p.rel(0, 8), 77).bytes, expect: [['warning', `relocation 0 in section ${xdpIndex + 1} (.relxdp): unknown BPF relocation type 77`]] },
  { name: 'relocations for section 0', make: (p) => p.u32(p.shdr('.relxdp', 44), 0).bytes, expect: [['error', '(.relxdp): sh_info 0 does not name a section to patch']] },
  {
    name: 'relocations linked to a string table', make: (p) => p.u32(p.shdr('.relxdp', 40), p.section('.strtab').index).bytes,
    expect: [['error', '(.relxdp): sh_link is section 1 (.strtab) of type STRTAB, not a readable symbol table']],
  },
  {
    name: 'several problems are all reported', make: (p) => p.u16(18, 3).u64(p.shdr('.text', 24), 0x12000n).u32(p.rel(0, 12), 99999).bytes,
    expect: [['error', 'e_machine is 3 (EM_386)'], ['error', '(.text) points past the end of the file'], ['error', 'symbol index 99999']],
  },
];

describe('readElf: malformed input table', () => {
  for (const c of CORRUPTIONS) {
    test(c.name, () => {
      const { value, diagnostics } = readElf(c.make(new Patch(BASE, BASE_ELF)));
      assert.ok(value);
      for (const [severity, text] of c.expect) {
        const hit = diagnostics.find((d) => d.message.includes(text));
        assert.ok(hit, `no diagnostic containing "${text}"; got:\n${diagnostics.map((d) => `  ${d.severity}: ${d.message}`).join('\n')}`);
        assert.equal(hit.severity, severity, hit.message);
      }
    });
  }

  test('extended numbering (e_shnum = 0, e_shstrndx = SHN_XINDEX) reads the same file', () => {
    const p = new Patch(BASE, BASE_ELF);
    p.u16(60, 0).u16(62, SHN.XINDEX).u64(shoff + 32, BigInt(BASE_ELF.sections.length)).u32(shoff + 40, BASE_ELF.header!.shstrndx);
    const { value, diagnostics } = readElf(p.bytes);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value.sections.slice(1).map((s) => s.name), BASE_ELF.sections.slice(1).map((s) => s.name));
    assert.equal(value.symbols.length, symCount);
  });

  test('the intact file has no diagnostics', () => {
    assert.deepEqual(readElf(BASE).diagnostics, []);
  });
});

/** mulberry32: a small seeded PRNG, so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff];

/** One random corruption: truncation, random bytes anywhere, or extreme values in the header tables. */
function mutate(rand: () => number, base: Uint8Array): Uint8Array {
  const pick = (n: number): number => Math.floor(rand() * n);
  const kind = pick(4);
  if (kind === 0) return base.slice(0, pick(base.length));
  const bytes = base.slice();
  const tables = [shoff, findSection(BASE_ELF, '.symtab')!.offset, findSection(BASE_ELF, '.relxdp')!.offset, 0];
  const count = 1 + pick(8);
  for (let i = 0; i < count; i++) {
    const region = tables[pick(tables.length)];
    const at = kind === 1 ? pick(bytes.length) : Math.min(bytes.length - 1, region + pick(kind === 2 ? 64 * 4 : 256));
    const width = kind === 3 ? 1 + pick(8) : 1;
    const value = kind === 1 ? pick(256) : EXTREMES[pick(EXTREMES.length)];
    for (let b = 0; b < width && at + b < bytes.length; b++) bytes[at + b] = value;
  }
  return bytes;
}

function checkBounded(bytes: Uint8Array, elf: ElfFile): void {
  assert.ok(elf.sections.length * SHDR_SIZE <= bytes.length, 'more section headers than the file holds');
  for (const t of elf.symbolTables) assert.ok(t.symbols.length * SYM_SIZE <= bytes.length, 'more symbols than the file holds');
  for (const r of elf.relocSections) assert.ok(r.relocs.length * REL_SIZE <= bytes.length, 'more relocations than the file holds');
  for (const s of elf.sections) {
    if (s.hasBytes) assert.ok(s.offset + s.size <= bytes.length && s.type !== SHT.NOBITS);
  }
}

describe('readElf: fuzzing', () => {
  test('10,000 random mutations and truncations of a clang object never throw', () => {
    const rand = prng(0xe1f);
    const codes = new Set<string>();
    for (let n = 0; n < 10_000; n++) {
      const bytes = mutate(rand, BASE);
      let result;
      try {
        result = readElf(bytes);
      } catch (e) {
        assert.fail(`mutation ${n} threw: ${(e as Error).stack}`);
      }
      checkBounded(bytes, result.value);
      assert.ok(result.diagnostics.length < 400, `mutation ${n}: ${result.diagnostics.length} diagnostics`);
      for (const d of result.diagnostics) {
        assert.ok(d.message.length > 0 && d.code.startsWith('elf/'), JSON.stringify(d));
        codes.add(d.code);
      }
    }
    // The mutations reach deep into the file, not only the identification.
    for (const code of ['elf/bad-magic', 'elf/section-out-of-range', 'elf/bad-symbol-name', 'elf/bad-reloc-symbol']) {
      assert.ok(codes.has(code), `no mutation produced ${code}; got ${[...codes].join(', ')}`);
    }
  });
});
