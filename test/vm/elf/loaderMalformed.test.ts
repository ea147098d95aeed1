// loadObject on objects libbpf refuses or warns about: hand-built ones (our
// ELF writer) for layout problems — unknown sections, static programs, calls
// that reach nowhere, deep and recursive call graphs, the kernel's size limit
// — and small C programs (clang-19) whose map or extern definitions libbpf
// rejects, where libbpf's own message (bpf_object__open) must appear in ours.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AsmObject, AsmReloc, AsmSymbol } from '../../../src-vm/asm/object';
import { writeElf } from '../../../src-vm/elf/elfWriter';
import { readElf } from '../../../src-vm/elf/elf';
import { SHT, STB, STT } from '../../../src-vm/elf/elfConstants';
import { loadObject } from '../../../src-vm/elf/loader';
import { MAX_PROGRAM_INSNS } from '../../../src-vm/elf/subprograms';
import { insn, type Insn } from '../../../src-vm/isa/insn';
import { libbpfOracle, runOracle } from '../../kernel/libbpfOracle';
import { archInclude, CLANG } from './loaderFixtures';

const MOV_R0 = (imm: number) => insn(0xb7, 0, 0, 0, imm);
const EXIT = insn(0x95);
const CALL_LOCAL = (imm: number) => insn(0x85, 0, 1, 0, imm);

interface Fn {
  name: string;
  section: string;
  insns: Insn[];
  global?: boolean;
}

/** An object of functions laid out one after another in their sections, with calls as relocations. */
function build(fns: readonly Fn[], relocs: readonly { from: string; at: number; to: string; kind?: AsmReloc['kind'] }[] = [],
  extra: Partial<AsmObject> = {}): Uint8Array {
  const sections = new Map<string, Insn[]>();
  const symbols: AsmSymbol[] = [];
  const starts = new Map<string, { section: string; offset: number }>();
  for (const f of fns) {
    const list = sections.get(f.section) ?? [];
    starts.set(f.name, { section: f.section, offset: list.length });
    symbols.push({ name: f.name, section: f.section, offset: list.length, global: f.global ?? f.section !== '.text', kind: 'func', size: f.insns.length * 8 });
    for (const i of f.insns) list.push(i);
    sections.set(f.section, list);
  }
  const obj: AsmObject = {
    sections: [...sections].map(([name, insns]) => ({ name, kind: 'code' as const, insns, spans: [], bytes: new Uint8Array() })),
    symbols,
    relocs: relocs.map((r) => {
      const from = starts.get(r.from)!;
      return { section: from.section, insnIdx: from.offset + r.at, symbol: r.to, kind: r.kind ?? 'call' };
    }),
  };
  obj.sections.push(...(extra.sections ?? []));
  obj.symbols.push(...(extra.symbols ?? []));
  return writeElf(obj);
}

/** Rewrites the binding of function `name` to STB_LOCAL (our writer makes every function global). */
function makeLocal(bytes: Uint8Array, name: string): Uint8Array {
  const elf = readElf(bytes).value;
  const symtab = elf.sections.find((s) => s.type === SHT.SYMTAB)!;
  const index = elf.symbols.findIndex((y) => y.name === name);
  const out = bytes.slice();
  out[symtab.offset + index * 24 + 4] = (STB.LOCAL << 4) | STT.FUNC;
  return out;
}

function codes(bytes: Uint8Array) {
  const r = loadObject(bytes);
  return { ...r, codes: r.diagnostics.map((d) => `${d.severity} ${d.code}`) };
}

describe('layout problems libbpf reports', () => {
  test('an unknown section name: an error naming the section and the closest names libbpf knows', () => {
    const r = codes(build([{ name: 'prog', section: 'xdpp', insns: [MOV_R0(2), EXIT] }]));
    assert.deepEqual(r.codes, ['error loader/unknown-section']);
    assert.match(r.diagnostics[0].message, /section \d+ \(xdpp\): program 'prog' has an unknown program type: libbpf knows no SEC\("xdpp"\); the closest names it knows are 'xdp', /);
    assert.deepEqual([r.value.programs[0].type, r.value.programs[0].typeId], [undefined, 0]);
  });

  test('a static entry program outside .text is refused', () => {
    const r = codes(makeLocal(build([{ name: 'hidden', section: 'xdp', insns: [MOV_R0(2), EXIT] }]), 'hidden'));
    assert.ok(r.codes.includes('error loader/static-program'));
    assert.match(r.diagnostics.find((d) => d.code === 'loader/static-program')!.message, /program 'hidden' is static and not supported/);
    assert.deepEqual(r.value.programs, []);
  });

  test('only .text functions: no program, and a warning saying why', () => {
    const r = codes(build([{ name: 'helper', section: '.text', insns: [MOV_R0(0), EXIT], global: true }]));
    assert.deepEqual(r.codes, ['warning loader/no-programs']);
  });

  test('SEC("fentry") without a target: libbpf needs one at load time', () => {
    const r = codes(build([{ name: 'f', section: 'fentry', insns: [MOV_R0(0), EXIT] }]));
    assert.deepEqual(r.codes, ['warning loader/attach-target-missing']);
    assert.match(r.diagnostics[0].message, /SEC\("fentry\/<target>"\)/);
  });

  test('a relocated call to a function outside .text is refused', () => {
    const r = codes(build([
      { name: 'a', section: 'xdp', insns: [CALL_LOCAL(-1), EXIT] },
      { name: 'b', section: 'tc', insns: [MOV_R0(0), EXIT] },
    ], [{ from: 'a', at: 0, to: 'b' }]));
    assert.deepEqual(r.codes, ['error loader/bad-reloc']);
    assert.match(r.diagnostics[0].message, /program 'a' insn 0 \(section \d+ \(xdp\), offset 0x0\): bad call relocation against 'b' in section 'tc'/);
  });

  test('an unrelocated call from .text that lands where no function is', () => {
    const r = codes(build([
      { name: 'main', section: 'xdp', insns: [CALL_LOCAL(-1), EXIT] },
      { name: 'sub', section: '.text', insns: [CALL_LOCAL(40), EXIT] },
    ], [{ from: 'main', at: 0, to: 'sub' }]));
    assert.deepEqual(r.codes, ['error loader/call-target-missing']);
    assert.match(r.diagnostics[0].message, /subprogram 'sub' insn 0 \(section '\.text', offset 0x0\): the call targets \.text slot 41/);
  });

  test('a call into the middle of a function is linked to its start, as libbpf does, with a warning', () => {
    const r = codes(build([
      { name: 'main', section: 'xdp', insns: [CALL_LOCAL(-1), EXIT] },
      { name: 'sub', section: '.text', insns: [CALL_LOCAL(2), EXIT] },
      { name: 'other', section: '.text', insns: [MOV_R0(1), MOV_R0(2), EXIT] },
    ], [{ from: 'main', at: 0, to: 'sub' }]));
    assert.deepEqual(r.codes, ['warning loader/call-into-function']);
    const p = r.value.programs[0];
    assert.deepEqual(p.subprograms.map((s) => [s.name, s.startSlot]), [['sub', 2], ['other', 4]]);
    assert.equal(p.insns[2].imm, 1, 'sub\'s call reaches the start of other\'s copy');
    assert.match(r.diagnostics[0].message, /targets \.text slot 3, inside 'other' \(which starts at 2\)/);
  });

  test('recursion: a subprogram calling itself is appended once', () => {
    const r = codes(build([
      { name: 'main', section: 'xdp', insns: [CALL_LOCAL(-1), EXIT] },
      { name: 'self', section: '.text', insns: [MOV_R0(0), CALL_LOCAL(-2), EXIT] },
    ], [{ from: 'main', at: 0, to: 'self' }]));
    assert.deepEqual(r.codes, []);
    const p = r.value.programs[0];
    assert.deepEqual(p.subprograms.map((s) => [s.name, s.startSlot]), [['self', 2]]);
    assert.equal(3 + p.insns[3].imm + 1, 2);
  });

  test('a chain of 20,000 subprograms links without recursion, in order', () => {
    const n = 20_000;
    const fns: Fn[] = [{ name: 'main', section: 'xdp', insns: [CALL_LOCAL(-1), EXIT] }];
    const relocs = [{ from: 'main', at: 0, to: 'f0' }];
    for (let i = 0; i < n; i++) {
      fns.push({ name: `f${i}`, section: '.text', insns: [CALL_LOCAL(-1), EXIT], global: true });
      if (i + 1 < n) relocs.push({ from: `f${i}`, at: 0, to: `f${i + 1}` });
    }
    const t0 = performance.now();
    const r = codes(build(fns, relocs));
    assert.deepEqual(r.codes, []);
    const p = r.value.programs[0];
    assert.equal(p.insns.length, 2 + 2 * n);
    assert.deepEqual(p.subprograms.slice(0, 3).map((s) => s.name), ['f0', 'f1', 'f2']);
    assert.equal(p.subprograms[n - 1].startSlot, 2 * n);
    assert.ok(performance.now() - t0 < 5000);
  });

  test('programs past the kernel\'s 1,000,000-instruction limit stop linking with an error', () => {
    const big = Array.from({ length: 600_000 }, () => MOV_R0(0));
    const r = codes(build([
      { name: 'main', section: 'xdp', insns: [CALL_LOCAL(-1), CALL_LOCAL(-1), EXIT] },
      { name: 'a', section: '.text', insns: [...big, EXIT], global: true },
      { name: 'b', section: '.text', insns: [...big, EXIT], global: true },
    ], [{ from: 'main', at: 0, to: 'a' }, { from: 'main', at: 1, to: 'b' }]));
    assert.deepEqual(r.codes, ['error loader/program-too-large']);
    assert.ok(r.value.programs[0].insns.length <= MAX_PROGRAM_INSNS);
    assert.deepEqual(r.value.programs[0].subprograms.map((s) => s.name), ['a']);
  });

  test('bytes that are not an object: the ELF reader\'s errors, an empty object, no exception', () => {
    const r = loadObject(new TextEncoder().encode('not an ELF file at all, just text'));
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
    assert.deepEqual(r.value.programs, []);
  });
});

interface CCase {
  what: string;
  source: string;
  /** A message libbpf prints and ours must contain. */
  message: string;
}

const HEADER = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC("license") = "GPL";\n';
const USE = (map: string) => `SEC("xdp") int p(struct xdp_md *c) { int k = 0; return bpf_map_lookup_elem(&${map}, &k) ? 1 : 2; }\n`;

const C_CASES: readonly CCase[] = [
  {
    what: 'an unknown field in a map definition',
    source: 'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, int); __uint(foo, 1); } m SEC(".maps");\n' + USE('m'),
    message: "map 'm': unknown field 'foo'",
  },
  {
    what: 'a map without a type',
    source: 'struct { __uint(max_entries, 1); __type(key, int); __type(value, int); } m SEC(".maps");\n' + USE('m'),
    message: "map 'm': map type isn't specified",
  },
  {
    what: 'values on a hash map',
    source: 'struct inner { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, int); };\n'
      + 'struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1); __type(key, int); __array(values, struct inner); } m SEC(".maps");\n' + USE('m'),
    message: "map 'm': should be map-in-map or prog-array",
  },
  {
    what: 'conflicting key sizes',
    source: 'struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1); __uint(key_size, 8); __type(key, int); __type(value, int); } m SEC(".maps");\n' + USE('m'),
    message: "map 'm': conflicting key size 8 != 4",
  },
  {
    what: 'an invalid pinning value',
    source: 'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, int); __uint(pinning, 2); } m SEC(".maps");\n' + USE('m'),
    message: "map 'm': invalid pinning value 2",
  },
  {
    what: 'a static entry program',
    source: 'SEC("xdp") static __attribute__((noinline, used)) int s(struct xdp_md *c) { return 2; }\nSEC("xdp") int p(struct xdp_md *c) { return 2; }\n',
    message: "program 's' is static and not supported",
  },
  {
    what: 'an extern outside .kconfig and .ksyms',
    source: 'extern int outside;\nSEC("xdp") int p(struct xdp_md *c) { return outside; }\n',
    message: "failed to find BTF for extern 'outside'",
  },
];

describe('definitions libbpf refuses, with libbpf\'s own words', () => {
  for (const c of C_CASES) {
    test(c.what, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
      const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-bad-'));
      try {
        writeFileSync(join(dir, 'bad.bpf.c'), HEADER + c.source);
        const cc = spawnSync(CLANG, ['-target', 'bpf', '-O2', '-g', `-I${archInclude()}`, '-c', 'bad.bpf.c', '-o', 'bad.bpf.o'], { cwd: dir, encoding: 'utf8' });
        assert.equal(cc.status, 0, cc.stderr);
        const bytes = new Uint8Array(readFileSync(join(dir, 'bad.bpf.o')));
        const r = loadObject(bytes, { name: 'bad' });
        const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
        assert.ok(errors.some((m) => m.includes(c.message)), `ours: ${JSON.stringify(errors)}`);
        const oracle = libbpfOracle();
        if (typeof oracle === 'string') return t.skip(`libbpf's side not checked: ${oracle}`);
        const dump = runOracle(oracle, join(dir, 'bad.bpf.o'), ['--open']);
        assert.ok(dump.stderr.includes(c.message), `libbpf: ${dump.stderr}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
