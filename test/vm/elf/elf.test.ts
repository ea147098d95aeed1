// The ELF reader on clang-built objects: the committed fixtures (little- and
// big-endian, with BTF and DWARF) and, when clang-19 is present, the same C
// sources compiled now — each compared with llvm-readelf-19's own listing.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { findSection, readElf, sectionBytes, stringAt } from '../../../src-vm/elf/elf';
import { EM_BPF, R_BPF, SHN, SHT, STB, STT } from '../../../src-vm/elf/elfConstants';
import { decodeInsns } from '../../../src-vm/isa/insn';
import { CLANG, FIXTURES, READELF, readelfSummary, readerSummary, run } from './elfTools';

const OBJECTS = readdirSync(FIXTURES).filter((f) => f.endsWith('.o')).sort();
const SOURCES = readdirSync(FIXTURES).filter((f) => f.endsWith('.bpf.c')).sort();

function load(file: string) {
  return readElf(new Uint8Array(readFileSync(file)));
}

describe('readElf on committed clang objects', () => {
  test('the fixtures exist', () => {
    assert.deepEqual(OBJECTS, ['maps_globals.bpf.o', 'maps_globals.bpfeb.o', 'multi_prog.bpf.o']);
  });

  for (const name of OBJECTS) {
    test(`${name}: no diagnostics, and the same sections, symbols and relocations as llvm-readelf`, (t) => {
      const { value, diagnostics } = load(join(FIXTURES, name));
      assert.deepEqual(diagnostics, []);
      assert.equal(value.header?.machine, EM_BPF);
      if (!READELF) return t.skip('llvm-readelf-19 not found (install llvm-19)');
      assert.deepEqual(readerSummary(value), readelfSummary(READELF, join(FIXTURES, name)));
    });
  }

  test('maps_globals.bpf.o: programs, subprograms, globals and their relocations', () => {
    const elf = load(join(FIXTURES, 'maps_globals.bpf.o')).value;
    const sym = (name: string) => elf.symbols.find((s) => s.name === name);
    assert.equal(sym('count_packets')?.type, STT.FUNC);
    assert.equal(sym('count_packets')?.binding, STB.GLOBAL);
    assert.equal(sym('count_packets')?.sectionName, 'xdp');
    assert.equal(sym('scaled')?.binding, STB.LOCAL);
    assert.equal(sym('scaled')?.sectionName, '.text');
    assert.equal(sym('global_mix')?.binding, STB.GLOBAL);
    assert.equal(sym('counts')?.sectionName, '.maps');
    assert.equal(sym('packets_seen')?.sectionName, '.bss');
    assert.equal(findSection(elf, '.bss')?.type, SHT.NOBITS);
    assert.equal(sectionBytes(elf, '.bss').length, 0);
    assert.equal(new TextDecoder().decode(sectionBytes(elf, 'license')), 'GPL\0');
    const xdp = findSection(elf, 'xdp')!;
    const rel = elf.relocSections.find((r) => r.targetIndex === xdp.index)!;
    assert.equal(rel.name, '.relxdp');
    assert.equal(rel.kind, 'rel');
    const insns = decodeInsns(sectionBytes(elf, xdp));
    for (const r of rel.relocs) {
      const i = insns[r.offset / 8];
      if (r.type === R_BPF.R64_64) assert.equal(i.code, 0x18, 'a 64_64 relocation patches an lddw');
      else assert.equal(r.type === R_BPF.R64_32 && i.code, 0x85, 'a 64_32 relocation patches a call');
    }
    // clang relocates a static variable and a static function against their section symbols.
    assert.deepEqual(rel.relocs.map((r) => [r.offset, r.type, r.symbol?.name]), [
      [0x28, R_BPF.R64_64, 'counts'], [0x60, R_BPF.R64_64, 'packets_seen'], [0x88, R_BPF.R64_64, '.bss'], [0xb8, R_BPF.R64_32, '.text'],
    ]);
  });

  test('the big-endian build reads to the same names and layout as the little-endian one', () => {
    const le = load(join(FIXTURES, 'maps_globals.bpf.o')).value;
    const be = load(join(FIXTURES, 'maps_globals.bpfeb.o')).value;
    assert.equal(le.header?.littleEndian, true);
    assert.equal(be.header?.littleEndian, false);
    assert.deepEqual(be.sections.map((s) => [s.name, s.type, s.size]), le.sections.map((s) => [s.name, s.type, s.size]));
    assert.deepEqual(be.symbols.map((s) => [s.name, s.type, s.binding, s.sectionIndex, s.size]),
      le.symbols.map((s) => [s.name, s.type, s.binding, s.sectionIndex, s.size]));
    assert.deepEqual(be.relocSections.map((r) => r.relocs.map((x) => [x.offset, x.type, x.symbol?.name])),
      le.relocSections.map((r) => r.relocs.map((x) => [x.offset, x.type, x.symbol?.name])));
  });

  test('multi_prog.bpf.o: two programs in one section, a slash in a section name, string tables', () => {
    const elf = load(join(FIXTURES, 'multi_prog.bpf.o')).value;
    const tc = findSection(elf, 'tc')!;
    const progs = elf.symbols.filter((s) => s.sectionIndex === tc.index && s.type === STT.FUNC).map((s) => [s.name, s.value]);
    assert.deepEqual(progs.map(([n]) => n).sort(), ['tc_first', 'tc_second']);
    assert.ok(findSection(elf, 'kprobe/do_sys_open'));
    assert.ok(elf.relocSections.some((r) => r.name === '.relkprobe/do_sys_open'));
    const symtab = elf.symbolTables[0];
    const strtab = elf.sections[symtab.stringTableIndex];
    const license = elf.symbols.find((s) => s.name === 'LICENSE')!;
    assert.equal(stringAt(elf, strtab, license.nameOffset), 'LICENSE');
    assert.equal(stringAt(elf, strtab, strtab.size + 10), undefined);
    assert.ok(elf.symbols.some((s) => s.sectionIndex === SHN.ABS && s.type === STT.FILE));
  });
});

describe('readElf on objects compiled now', () => {
  for (const src of SOURCES) {
    test(`${src} built by clang-19 -O2 -g reads like llvm-readelf lists it`, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
      if (!READELF) return t.skip('llvm-readelf-19 not found (install llvm-19)');
      const dir = mkdtempSync(join(tmpdir(), 'elf-test-'));
      try {
        const out = join(dir, src.replace(/\.c$/, '.o'));
        const built = run(CLANG, ['-target', 'bpf', '-O2', '-g', '-c', join(FIXTURES, src), '-o', out]);
        assert.equal(built.status, 0, built.stderr);
        const { value, diagnostics } = load(out);
        assert.deepEqual(diagnostics, []);
        assert.deepEqual(readerSummary(value), readelfSummary(READELF, out));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
