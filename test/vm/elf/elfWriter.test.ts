// The ELF writer: hand-built objects written with writeElf, then (a) read back
// with readElf, (b) listed by llvm-readelf-19, (c) loaded into the running
// kernel with `bpftool prog loadall`; plus the writer's layout rules (license,
// program symbols, sizes, .bss, externs, call encoding, determinism).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { AsmObject, AsmSection, AsmSymbol } from '../../../src-vm/asm/object';
import { findSection, readElf, sectionBytes, type ElfFile } from '../../../src-vm/elf/elf';
import { EM_BPF, ET_REL, R_BPF, SHF, SHN, SHT, STB, STT } from '../../../src-vm/elf/elfConstants';
import { sanitiseIdentifier } from '../../../src-vm/elf/elfSymbolPlan';
import { writeElf } from '../../../src-vm/elf/elfWriter';
import { decodeInsns, insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { BPFTOOL, READELF, readelfSummary, readerSummary, run } from './elfTools';

const MOV64_IMM = 0xb7, MOV64_REG = 0xbf, ADD64_IMM = 0x07, STXDW = 0x7b, LDXDW = 0x79, LDXW = 0x61, ADD64_REG = 0x0f, CALL = 0x85, EXIT = 0x95;

function code(name: string, insns: Insn[]): AsmSection {
  return { name, kind: 'code', insns, spans: insns.map(() => undefined), bytes: new Uint8Array(0) };
}

function data(name: string, bytes: number[]): AsmSection {
  return { name, kind: 'data', insns: [], spans: [], bytes: new Uint8Array(bytes) };
}

function sym(name: string, section: string | undefined, offset: number, kind: AsmSymbol['kind'], global: boolean, size?: number): AsmSymbol {
  const s: AsmSymbol = { name, section, offset, global, kind };
  if (size !== undefined) s.size = size;
  return s;
}

/** xdp: calls add_one in .text, returns XDP_PASS; socket: a stack store and load, no symbol of its own. */
const PROGRAMS: AsmObject = {
  sections: [
    code('xdp', [insn(MOV64_IMM, 1, 0, 0, 41), insn(CALL, 0, 0, 0, 0), insn(MOV64_IMM, 0, 0, 0, 2), insn(EXIT)]),
    code('socket', [insn(MOV64_IMM, 1, 0, 0, 7), insn(STXDW, 10, 1, -8), insn(LDXDW, 0, 10, -8), insn(EXIT)]),
    code('.text', [insn(MOV64_REG, 0, 1), insn(ADD64_IMM, 0, 0, 0, 1), insn(EXIT)]),
  ],
  symbols: [sym('xdp_pass', 'xdp', 0, 'func', true), sym('add_one', '.text', 0, 'func', false)],
  relocs: [{ section: 'xdp', insnIdx: 1, symbol: 'add_one', kind: 'call' }],
};

/** xdp reading a .rodata constant, a static .data counter and a .bss global through lddw relocations. */
const GLOBALS: AsmObject = {
  sections: [
    code('xdp', [
      ...lddwSlots(1, 0n), insn(LDXW, 0, 1), ...lddwSlots(2, 0n), insn(LDXW, 2, 2), insn(ADD64_REG, 0, 2),
      ...lddwSlots(3, 0n), insn(LDXW, 3, 3), insn(ADD64_REG, 0, 3), insn(0x57, 0, 0, 0, 3), insn(EXIT),
    ]),
    data('.rodata', [2, 0, 0, 0]), data('.data', [1, 0, 0, 0]), data('.bss', [0, 0, 0, 0]),
    data('license', [...new TextEncoder().encode('Dual MIT/GPL'), 0]),
  ],
  symbols: [
    sym('prog', 'xdp', 0, 'func', true), sym('scale', '.rodata', 0, 'object', true, 4),
    sym('hits', '.data', 0, 'object', false, 4), sym('seen', '.bss', 0, 'object', true, 4), sym('LICENSE', 'license', 0, 'object', true, 13),
  ],
  relocs: [
    { section: 'xdp', insnIdx: 0, symbol: 'scale', kind: 'lddw' },
    { section: 'xdp', insnIdx: 3, symbol: 'hits', kind: 'lddw' },
    { section: 'xdp', insnIdx: 7, symbol: 'seen', kind: 'lddw' },
  ],
};

function roundTrip(obj: AsmObject, opts?: { license?: string }): ElfFile {
  const { value, diagnostics } = readElf(writeElf(obj, opts));
  assert.deepEqual(diagnostics, []);
  return value;
}

function symbolRows(elf: ElfFile): [string, number, number, string | undefined, number, number][] {
  return elf.symbols.map((s) => [s.name, s.type, s.binding, s.sectionName, s.value, s.size]);
}

describe('writeElf -> readElf', () => {
  test('the program object: header, sections, symbols, relocation, call encoding', () => {
    const elf = roundTrip(PROGRAMS);
    assert.equal(elf.header?.machine, EM_BPF);
    assert.equal(elf.header?.type, ET_REL);
    assert.equal(elf.header?.littleEndian, true);
    const AX = SHF.ALLOC | SHF.EXECINSTR;
    assert.deepEqual(elf.sections.map((s) => [s.name, s.type, s.flags, s.addralign]), [
      ['', SHT.NULL, 0, 0], ['xdp', SHT.PROGBITS, AX, 8], ['.relxdp', SHT.REL, SHF.INFO_LINK, 8], ['socket', SHT.PROGBITS, AX, 8],
      ['.text', SHT.PROGBITS, AX, 8], ['license', SHT.PROGBITS, SHF.WRITE | SHF.ALLOC, 1],
      ['.symtab', SHT.SYMTAB, 0, 8], ['.strtab', SHT.STRTAB, 0, 1], ['.shstrtab', SHT.STRTAB, 0, 1],
    ]);
    assert.deepEqual(symbolRows(elf), [
      ['', STT.NOTYPE, STB.LOCAL, undefined, 0, 0],
      ['xdp', STT.SECTION, STB.LOCAL, 'xdp', 0, 0], ['socket', STT.SECTION, STB.LOCAL, 'socket', 0, 0],
      ['.text', STT.SECTION, STB.LOCAL, '.text', 0, 0], ['license', STT.SECTION, STB.LOCAL, 'license', 0, 0],
      ['add_one', STT.FUNC, STB.LOCAL, '.text', 0, 24],
      ['xdp_pass', STT.FUNC, STB.GLOBAL, 'xdp', 0, 32],
      ['socket', STT.FUNC, STB.GLOBAL, 'socket', 0, 32],
      ['_license', STT.OBJECT, STB.GLOBAL, 'license', 0, 4],
    ]);
    assert.equal(elf.symbolTables[0].firstGlobal, 6);
    const [rel] = elf.relocSections;
    assert.equal(rel.name, '.relxdp');
    assert.equal(rel.targetIndex, findSection(elf, 'xdp')!.index);
    assert.deepEqual(rel.relocs.map((r) => [r.offset, r.type, r.symbol?.name]), [[8, R_BPF.R64_32, 'add_one']]);
    const xdp = decodeInsns(sectionBytes(elf, 'xdp'));
    assert.deepEqual(xdp[1], insn(CALL, 0, 1, 0, -1), 'a relocated call is a pseudo call with imm -1');
    assert.deepEqual(decodeInsns(sectionBytes(elf, 'socket')), PROGRAMS.sections[1].insns);
    assert.equal(new TextDecoder().decode(sectionBytes(elf, 'license')), 'GPL\0');
  });

  test('the globals object: data section flags, .bss as NOBITS, lddw relocations, the object\'s own license', () => {
    const elf = roundTrip(GLOBALS, { license: 'ignored when the object has one' });
    const row = (name: string) => { const s = findSection(elf, name)!; return [s.type, s.flags, s.size]; };
    assert.deepEqual(row('.rodata'), [SHT.PROGBITS, SHF.ALLOC, 4]);
    assert.deepEqual(row('.data'), [SHT.PROGBITS, SHF.WRITE | SHF.ALLOC, 4]);
    assert.deepEqual(row('.bss'), [SHT.NOBITS, SHF.WRITE | SHF.ALLOC, 4]);
    assert.equal(new TextDecoder().decode(sectionBytes(elf, 'license')), 'Dual MIT/GPL\0');
    assert.ok(!elf.symbols.some((s) => s.name === '_license'), 'the object names its license already');
    assert.deepEqual(elf.relocSections[0].relocs.map((r) => [r.offset, r.type, r.symbol?.name, r.symbol?.sectionName]), [
      [0, R_BPF.R64_64, 'scale', '.rodata'], [24, R_BPF.R64_64, 'hits', '.data'], [56, R_BPF.R64_64, 'seen', '.bss'],
    ]);
    const hits = elf.symbols.find((s) => s.name === 'hits')!;
    assert.equal(hits.binding, STB.LOCAL);
    assert.ok(hits.index < elf.symbolTables[0].firstGlobal);
  });
});

describe('writeElf layout rules', () => {
  test('the license: GPL by default, opts.license otherwise, NUL-terminated, with a _license symbol', () => {
    const bare: AsmObject = { sections: [code('xdp', [insn(MOV64_IMM), insn(EXIT)])], symbols: [], relocs: [] };
    const license = (elf: ElfFile) => new TextDecoder().decode(sectionBytes(elf, 'license'));
    assert.equal(license(roundTrip(bare)), 'GPL\0');
    const bsd = roundTrip(bare, { license: 'Dual BSD/GPL' });
    assert.equal(license(bsd), 'Dual BSD/GPL\0');
    assert.deepEqual(symbolRows(bsd).find((r) => r[0] === '_license'), ['_license', STT.OBJECT, STB.GLOBAL, 'license', 0, 13]);
    const unnamed = roundTrip({ ...bare, sections: [...bare.sections, data('license', [0x4d, 0x49, 0x54, 0])] });
    assert.equal(license(unnamed), 'MIT\0');
    assert.equal(unnamed.symbols.find((s) => s.name === '_license')?.size, 4);
  });

  test('every program section gets a GLOBAL FUNC at slot 0: synthesised, promoted from a label, or made global', () => {
    const two = [insn(MOV64_IMM), insn(EXIT)];
    const elf = roundTrip({
      sections: [code('kprobe/do_sys_open', two), code('tc', two), code('tracepoint/a', two), code('xdp', [...two, ...two]), code('3d', two)],
      symbols: [
        sym('kprobe_do_sys_open', undefined, 0, 'notype', true), // a clash the synthesised name avoids
        sym('tc_entry', 'tc', 0, 'notype', false), sym('tp_main', 'tracepoint/a', 0, 'func', false),
        sym('xdp_one', 'xdp', 0, 'func', true), sym('xdp_two', 'xdp', 2, 'func', true),
      ],
      relocs: [],
    });
    const funcs = elf.symbols.filter((s) => s.type === STT.FUNC).map((s) => [s.name, s.binding, s.sectionName, s.value, s.size]);
    assert.deepEqual(funcs, [
      ['tc_entry', STB.GLOBAL, 'tc', 0, 16], ['tp_main', STB.GLOBAL, 'tracepoint/a', 0, 16],
      ['xdp_one', STB.GLOBAL, 'xdp', 0, 16], ['xdp_two', STB.GLOBAL, 'xdp', 16, 16],
      ['kprobe_do_sys_open_2', STB.GLOBAL, 'kprobe/do_sys_open', 0, 16], ['_3d', STB.GLOBAL, '3d', 0, 16],
    ]);
    const ext = elf.symbols.find((s) => s.name === 'kprobe_do_sys_open')!;
    assert.deepEqual([ext.type, ext.binding, ext.sectionIndex], [STT.NOTYPE, STB.GLOBAL, SHN.UNDEF]);
  });

  test('.text functions keep their binding; sizes run to the next function; call targets become FUNC', () => {
    const elf = roundTrip({
      sections: [
        code('xdp', [insn(CALL), insn(CALL), insn(EXIT)]),
        code('.text', [insn(MOV64_IMM), insn(EXIT), insn(MOV64_IMM), insn(ADD64_IMM), insn(EXIT)]),
      ],
      symbols: [sym('main', 'xdp', 0, 'func', true), sym('helper_a', '.text', 0, 'func', false), sym('helper_b', '.text', 2, 'notype', true)],
      relocs: [
        { section: 'xdp', insnIdx: 0, symbol: 'helper_a', kind: 'call' },
        { section: 'xdp', insnIdx: 1, symbol: 'helper_b', kind: 'call' },
      ],
    });
    const row = (name: string) => { const s = elf.symbols.find((x) => x.name === name)!; return [s.type, s.binding, s.value, s.size]; };
    assert.deepEqual(row('helper_a'), [STT.FUNC, STB.LOCAL, 0, 16]);
    assert.deepEqual(row('helper_b'), [STT.FUNC, STB.GLOBAL, 16, 24]);
    assert.deepEqual(row('main'), [STT.FUNC, STB.GLOBAL, 0, 24]);
  });

  test('relocations against undefined symbols name GLOBAL NOTYPE externs; a non-zero .bss stays PROGBITS', () => {
    const elf = roundTrip({
      sections: [code('xdp', [...lddwSlots(1, 0n), insn(CALL, 0, 2), insn(EXIT)]), data('.bss', [1, 2])],
      symbols: [],
      relocs: [
        { section: 'xdp', insnIdx: 0, symbol: 'LINUX_KERNEL_VERSION', kind: 'lddw' },
        { section: 'xdp', insnIdx: 2, symbol: 'bpf_kfunc_thing', kind: 'call' },
      ],
    });
    for (const name of ['LINUX_KERNEL_VERSION', 'bpf_kfunc_thing']) {
      const s = elf.symbols.find((x) => x.name === name)!;
      assert.deepEqual([s.type, s.binding, s.sectionIndex], [STT.NOTYPE, STB.GLOBAL, SHN.UNDEF], name);
    }
    assert.deepEqual(decodeInsns(sectionBytes(elf, 'xdp'))[2], insn(CALL, 0, 2, 0, -1), 'a kfunc call keeps src 2');
    assert.equal(findSection(elf, '.bss')?.type, SHT.PROGBITS);
  });

  test('output is deterministic', () => {
    assert.deepEqual(writeElf(PROGRAMS), writeElf(PROGRAMS));
    assert.deepEqual(writeElf(GLOBALS), writeElf(GLOBALS));
  });

  const IDENTIFIERS: [string, string][] = [['xdp', 'xdp'], ['kprobe/do_sys_open', 'kprobe_do_sys_open'], ['tp/sched:switch', 'tp_sched_switch'], ['3d', '_3d'], ['', '_'], ['.text.x', '_text_x']];
  for (const [section, id] of IDENTIFIERS) {
    test(`sanitiseIdentifier(${JSON.stringify(section)}) = ${id}`, () => assert.equal(sanitiseIdentifier(section), id));
  }
});

function withObjectFile(obj: AsmObject, body: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'elf-writer-'));
  try {
    const path = join(dir, 'prog.o');
    writeFileSync(path, writeElf(obj));
    body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('writeElf output under llvm-readelf-19', () => {
  for (const [name, obj] of [['programs', PROGRAMS], ['globals', GLOBALS]] as const) {
    test(`${name}: llvm-readelf -S -s -r accepts it without warnings and lists what readElf reads`, (t) => {
      const readelf = READELF;
      if (!readelf) return t.skip('llvm-readelf-19 not found (install llvm-19)');
      withObjectFile(obj, (path) => {
        const text = run(readelf, ['-S', '-s', '-r', path]);
        assert.equal(text.status, 0, text.stderr);
        assert.equal(text.stderr, '');
        for (const s of obj.symbols) assert.match(text.stdout, new RegExp(` ${s.name}\\n`));
        assert.match(text.stdout, name === 'programs' ? /R_BPF_64_32 +0+ add_one/ : /R_BPF_64_64 +0+ scale/);
        assert.deepEqual(readelfSummary(readelf, path), readerSummary(readElf(writeElf(obj)).value));
      });
    });
  }
});

let pinCounter = 0;

function bpftoolLoadAll(bpftool: string, path: string): { status: number | null; stderr: string; pinned: string[] } {
  const pinDir = `/sys/fs/bpf/ebpf-workbench-elf-${process.pid}-${pinCounter++}`;
  try {
    const r = run(bpftool, ['prog', 'loadall', path, pinDir]);
    return { status: r.status, stderr: r.stderr, pinned: existsSync(pinDir) ? readdirSync(pinDir).sort() : [] };
  } finally {
    rmSync(pinDir, { recursive: true, force: true });
  }
}

/** Why the kernel refuses even `r0 = 0; exit` here (EPERM), or undefined when BPF works. */
function kernelRefusesBpf(bpftool: string): string | undefined {
  let reason: string | undefined;
  withObjectFile({ sections: [code('socket', [insn(MOV64_IMM), insn(EXIT)])], symbols: [], relocs: [] }, (path) => {
    const r = bpftoolLoadAll(bpftool, path);
    if (r.status !== 0 && /Operation not permitted|EPERM/.test(r.stderr)) reason = r.stderr.trim().split('\n').pop();
  });
  return reason;
}

/** `bpftool prog loadall`; the pinned program names, or undefined after a skip if the kernel refuses all BPF. */
function loadAll(t: TestContext, bpftool: string, path: string): string[] | undefined {
  const r = bpftoolLoadAll(bpftool, path);
  if (r.status !== 0) {
    const refused = kernelRefusesBpf(bpftool);
    if (refused) {
      t.skip(`the kernel refuses BPF here (EPERM loading a trivial program): ${refused}`);
      return undefined;
    }
  }
  assert.equal(r.status, 0, `bpftool prog loadall failed:\n${r.stderr}`);
  return r.pinned;
}

describe('writeElf output loaded into the running kernel (bpftool prog loadall)', () => {
  test('programs: xdp with a bpf-to-bpf call into .text, and socket with a stack store/load, both verify and load', (t) => {
    const bpftool = BPFTOOL;
    if (!bpftool) return t.skip('bpftool not found (install bpftool)');
    withObjectFile(PROGRAMS, (path) => {
      const pinned = loadAll(t, bpftool, path);
      if (pinned) assert.deepEqual(pinned, ['socket', 'xdp_pass']);
    });
  });

  test('globals: libbpf turns .rodata, .data and .bss into maps without BTF and the program loads', (t) => {
    const bpftool = BPFTOOL;
    if (!bpftool) return t.skip('bpftool not found (install bpftool)');
    withObjectFile(GLOBALS, (path) => {
      const pinned = loadAll(t, bpftool, path);
      if (pinned) assert.deepEqual(pinned, ['prog']);
    });
  });
});
