// Hostile input for loadObject: 20,000 seeded mutations of the fixture
// objects — bit flips, truncations, absurd section, symbol and relocation
// fields, corrupted BTF and BTF.ext, rewritten instructions. Every case must
// either load or say clearly what is wrong (each error has a code and a
// message), never throw, keep its own invariants, and finish well within a
// second; the slowest case is measured and asserted.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readElf, type ElfFile } from '../../../src-vm/elf/elf';
import { SHDR_SIZE, SYM_SIZE } from '../../../src-vm/elf/elfConstants';
import { loadObject } from '../../../src-vm/elf/loader';
import type { LoadedObject } from '../../../src-vm/elf/loadedObject';
import { OBJECT_FIXTURES } from '../../kernel/libbpfOracle';

const CASES = 20_000;
const SLOWEST_ALLOWED_MS = 1000;

/** xorshift32: the same cases on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  elf: ElfFile;
}

const SEEDS: Seed[] = ['net_progs', 'tracing', 'linking', 'optional', 'legacy_maps'].map((name) => {
  const bytes = new Uint8Array(readFileSync(join(OBJECT_FIXTURES, `${name}.bpf.o`)));
  return { name, bytes, elf: readElf(bytes).value };
});

const ABSURD = [0, 1, 7, 8, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 2 ** 40, 2 ** 53 - 1];

type Mutator = (s: Seed, out: Uint8Array, r: () => number) => Uint8Array;

const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)];

function setU64(out: Uint8Array, at: number, value: number): void {
  if (at < 0 || at + 8 > out.length) return;
  new DataView(out.buffer, out.byteOffset).setBigUint64(at, BigInt(Math.floor(value)), true);
}

function setU32(out: Uint8Array, at: number, value: number): void {
  if (at < 0 || at + 4 > out.length) return;
  new DataView(out.buffer, out.byteOffset).setUint32(at, value >>> 0, true);
}

function absurd(s: Seed, r: () => number): number {
  return r() < 0.3 ? Math.floor(r() * s.bytes.length * 2) : pick(ABSURD, r);
}

const MUTATORS: readonly [string, Mutator][] = [
  ['bit flips', (_s, out, r) => {
    const n = 1 + Math.floor(r() * 8);
    for (let i = 0; i < n; i++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
    return out;
  }],
  ['truncation', (_s, out, r) => out.subarray(0, Math.floor(r() * out.length))],
  ['section header field', (s, out, r) => {
    const h = s.elf.header!;
    const at = h.shoff + Math.floor(r() * h.shnum) * SHDR_SIZE;
    const field = pick([[4, 4], [8, 8], [24, 8], [32, 8], [40, 4], [44, 4], [56, 8], [0, 4]] as const, r);
    if (field[1] === 8) setU64(out, at + field[0], absurd(s, r));
    else setU32(out, at + field[0], absurd(s, r));
    return out;
  }],
  ['symbol field', (s, out, r) => {
    const symtab = s.elf.sections.find((x) => x.type === 2)!;
    const at = symtab.offset + Math.floor(r() * (symtab.size / SYM_SIZE)) * SYM_SIZE;
    const field = pick([[4, 1], [6, 2], [8, 8], [16, 8], [0, 4]] as const, r);
    if (field[1] === 8) setU64(out, at + field[0], absurd(s, r));
    else if (field[1] === 4) setU32(out, at + field[0], absurd(s, r));
    else if (field[1] === 2) { out[at + 6] = Math.floor(r() * 256); out[at + 7] = pick([0, 0xff], r); }
    else out[at + 4] = Math.floor(r() * 256);
    return out;
  }],
  ['relocation field', (s, out, r) => {
    const rels = s.elf.relocSections.filter((x) => x.relocs.length > 0);
    const rs = pick(rels, r);
    const sec = s.elf.sections[rs.sectionIndex];
    const at = sec.offset + Math.floor(r() * rs.relocs.length) * 16;
    if (r() < 0.5) setU64(out, at, absurd(s, r));
    else setU32(out, at + (r() < 0.5 ? 8 : 12), absurd(s, r));
    return out;
  }],
  ['BTF bytes', (s, out, r) => {
    const sec = s.elf.sections.find((x) => x.name === (r() < 0.6 ? '.BTF' : '.BTF.ext'));
    if (!sec) return out;
    const at = sec.offset + (r() < 0.3 ? Math.floor(r() * 32) : Math.floor(r() * sec.size));
    if (r() < 0.5) setU32(out, at & ~3, absurd(s, r));
    else out[at] ^= 1 << Math.floor(r() * 8);
    return out;
  }],
  ['instruction', (s, out, r) => {
    const code = s.elf.sections.filter((x) => (x.flags & 4) !== 0 && x.size > 0);
    const sec = pick(code, r);
    const at = sec.offset + Math.floor(r() * (sec.size / 8)) * 8;
    const kind = r();
    if (kind < 0.3) { out[at] = 0x85; out[at + 1] = 0x10; setU32(out, at + 4, Math.floor(r() * 200) - 100); }
    else if (kind < 0.6) { out[at] = 0x18; out[at + 1] = (Math.floor(r() * 7) << 4) | (out[at + 1] & 0xf); }
    else setU32(out, at + 4, absurd(s, r));
    return out;
  }],
];

/** What every result must satisfy, however broken its input. */
function checkInvariants(obj: LoadedObject): void {
  for (const p of obj.programs) {
    assert.equal(p.sources.reduce((n, x) => n + x.insnCount, 0), p.insns.length);
    for (const m of p.mapRefs) assert.ok(m.insnIdx < p.insns.length && obj.maps[m.mapIndex] !== undefined);
    for (const e of p.externRefs) assert.ok(e.insnIdx < p.insns.length && obj.externs[e.externIndex] !== undefined);
    for (const s of p.subprograms) assert.ok(s.startSlot + s.insnCount <= p.insns.length);
  }
}

describe('loadObject on 20,000 mutated objects', () => {
  test('every case loads or reports clear errors, never throws, and stays under a second', () => {
    const r = rng(0x5eed1e55);
    let slowest = { ms: 0, what: '' };
    const counts = new Map<string, { cases: number; withErrors: number }>();
    for (let n = 0; n < CASES; n++) {
      const seed = SEEDS[n % SEEDS.length];
      const [kind, mutate] = MUTATORS[Math.floor(r() * MUTATORS.length)];
      const bytes = mutate(seed, seed.bytes.slice(), r);
      const what = `case ${n}: ${kind} of ${seed.name}`;
      const t0 = performance.now();
      let result;
      try {
        result = loadObject(bytes, { name: seed.name });
      } catch (e) {
        assert.fail(`${what}: threw ${e instanceof Error ? e.stack : String(e)}`);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, what };
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      for (const d of result.diagnostics) {
        assert.ok(d.code.length > 0 && d.message.length > 10, `${what}: unclear diagnostic ${JSON.stringify(d)}`);
      }
      checkInvariants(result.value);
      const c = counts.get(kind) ?? { cases: 0, withErrors: 0 };
      c.cases++;
      if (errors.length > 0) c.withErrors++;
      counts.set(kind, c);
    }
    console.log(`slowest: ${slowest.ms.toFixed(1)} ms (${slowest.what}); by mutation: ${JSON.stringify(Object.fromEntries(counts))}`);
    assert.ok(slowest.ms < SLOWEST_ALLOWED_MS, `slowest case took ${slowest.ms.toFixed(1)} ms: ${slowest.what}`);
    for (const [kind, c] of counts) assert.ok(c.withErrors > 0, `${kind}: some mutations must be caught as errors`);
  });
});
