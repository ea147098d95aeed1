// Hostile input for the CO-RE pass: seeded mutations of the committed CO-RE
// fixtures (their .BTF, .BTF.ext and code bytes) loaded against the
// hand-built kernel, and mutations of that kernel's BTF as the target.
// Every case must finish without an exception, quickly, with every error a
// diagnostic (code and message), and with applied relocations inside their
// programs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBtf } from '../../../src-vm/elf/btf';
import { readElf } from '../../../src-vm/elf/elf';
import { loadObject } from '../../../src-vm/elf/loader';
import { fakeKernel } from './coreBtfBuild';
import { committedCoreObject } from './coreFixtures';

const OBJECT_CASES = 6_000;
const TARGET_CASES = 3_000;
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

const ABSURD = [0, 1, 2, 3, 4, 6, 7, 8, 12, 13, 64, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Overwrites a random aligned word (absurd or random value) or flips a random bit inside [start, end). */
function mutate(bytes: Uint8Array, start: number, end: number, r: () => number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const count = 1 + Math.floor(r() * 3);
  for (let i = 0; i < count && end - start >= 4; i++) {
    const at = start + Math.floor((r() * (end - start - 3)) / 4) * 4;
    if (r() < 0.4) out[at + Math.floor(r() * 4)] ^= 1 << Math.floor(r() * 8);
    else view.setUint32(at, r() < 0.6 ? ABSURD[Math.floor(r() * ABSURD.length)] : Math.floor(r() * 0x1_0000_0000), true);
  }
  return out;
}

interface Region {
  start: number;
  end: number;
}

/** The byte ranges worth damaging in a CO-RE object: .BTF, .BTF.ext and code. */
function regions(bytes: Uint8Array): Region[] {
  return readElf(bytes).value.sections
    .filter((s) => s.hasBytes && (s.name === '.BTF' || s.name === '.BTF.ext' || (s.flags & 0x4) !== 0))
    .map((s) => ({ start: s.offset, end: s.offset + s.size }));
}

function checkCase(run: () => ReturnType<typeof loadObject>, label: string): number {
  const start = performance.now();
  const { value, diagnostics } = run();
  const ms = performance.now() - start;
  for (const d of diagnostics) assert.ok(d.code && d.message, `${label}: diagnostic without code or message`);
  for (const p of value.programs) {
    for (const r of p.coreApplied ?? []) assert.ok(r.insnIdx >= 0 && r.insnIdx < p.insns.length, `${label}: applied relocation outside program '${p.name}'`);
  }
  return ms;
}

describe('CO-RE pass on hostile input', () => {
  const kernel = fakeKernel();
  const seeds = (['core_flavors', 'core_poison', 'core_ambiguous'] as const).map((name) => {
    const bytes = committedCoreObject(name);
    return { name, bytes, regions: regions(bytes) };
  });

  test(`${OBJECT_CASES} mutated objects against the hand-built kernel`, () => {
    const r = rng(0xc0de);
    let slowest = 0;
    let applied = 0;
    for (let i = 0; i < OBJECT_CASES; i++) {
      const seed = seeds[i % seeds.length];
      const region = seed.regions[Math.floor(r() * seed.regions.length)];
      const bytes = mutate(seed.bytes, region.start, region.end, r);
      slowest = Math.max(slowest, checkCase(() => {
        const out = loadObject(bytes, { name: seed.name, targetBtf: kernel.btf });
        applied += out.value.programs.reduce((n, p) => n + (p.coreApplied?.length ?? 0), 0);
        return out;
      }, `case ${i} (${seed.name})`));
    }
    assert.ok(slowest < SLOWEST_ALLOWED_MS, `slowest case took ${slowest.toFixed(0)} ms`);
    assert.ok(applied > OBJECT_CASES, 'most mutated objects still relocate');
  });

  test(`${TARGET_CASES} mutated target BTFs`, () => {
    const r = rng(0xbad2310);
    const typesStart = 24;
    const typesEnd = 24 + new DataView(kernel.bytes.buffer).getUint32(12, true);
    let slowest = 0;
    for (let i = 0; i < TARGET_CASES; i++) {
      const seed = seeds[i % seeds.length];
      const target = parseBtf(mutate(kernel.bytes, typesStart, typesEnd, r)).value;
      slowest = Math.max(slowest, checkCase(() => loadObject(seed.bytes, { name: seed.name, targetBtf: target }), `target case ${i}`));
    }
    assert.ok(slowest < SLOWEST_ALLOWED_MS, `slowest case took ${slowest.toFixed(0)} ms`);
  });
});
