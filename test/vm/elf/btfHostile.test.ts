// parseBtf on hostile input: a table of hand-built damages (headers, sections,
// strings, unknown kinds, truncated records, bad ids, kernel rules, loops),
// each with the diagnostics it must give; adversarial sizes that must stay
// linear; and thousands of random mutations of real objects that must never
// throw, hang, or make the queries and printers misbehave.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBtf, type Btf } from '../../../src-vm/elf/btf';
import { dumpBtfRaw } from '../../../src-vm/elf/btfDump';
import { btfDefinition, btfTypeName } from '../../../src-vm/elf/btfPrint';
import { parseBtfExt } from '../../../src-vm/elf/btfExt';
import { describeCoreRelo } from '../../../src-vm/elf/btfCoreSpec';
import { buildLineTable, sliceLineInfo, sourceAnnotations } from '../../../src-vm/elf/lineTable';
import { sectionBytes } from '../../../src-vm/elf/elf';
import type { Diagnostic } from '../../../src-vm/diagnostics';
import { BtfBuilder } from './btfBuild';
import { committedObject } from './btfFixtures';

/** A small valid BTF: int, a struct list with a pointer to itself, a typedef. */
function valid(): BtfBuilder {
  const b = new BtfBuilder();
  const int = b.int('int');
  const ptr = b.nextId + 1;
  const list = b.struct('list', 16, [['next', ptr, 0], ['value', int, 64]]);
  b.ref('PTR', list);
  b.ref('TYPEDEF', list, 'list_t');
  return b;
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((d) => d.code))].sort();
}

interface Case {
  name: string;
  bytes: () => Uint8Array;
  /** Exactly the distinct codes expected. */
  codes: string[];
  /** Text the first diagnostic of each listed code must contain. */
  mentions?: Record<string, string>;
  check?: (btf: Btf) => void;
}

function withHeaderTail(tail: number[]): Uint8Array {
  const base = valid().bytes();
  const out = new Uint8Array(base.length + tail.length);
  out.set(base.subarray(0, 24));
  out.set(tail, 24);
  out.set(base.subarray(24), 24 + tail.length);
  new DataView(out.buffer).setUint32(4, 24 + tail.length, true);
  return out;
}

const CASES: Case[] = [
  { name: 'a valid BTF', bytes: () => valid().bytes(), codes: [], check: (btf) => assert.equal(btf.types.length, 5) },
  { name: 'the same, big-endian', bytes: () => valid().bytes({ littleEndian: false }), codes: [], check: (btf) => assert.equal(btf.findByName('STRUCT', 'list')?.size, 16) },
  { name: 'no bytes', bytes: () => new Uint8Array(0), codes: ['btf/truncated'], check: (btf) => assert.equal(btf.types.length, 1) },
  { name: 'a header cut short', bytes: () => valid().bytes().subarray(0, 20), codes: ['btf/truncated'] },
  { name: 'bad magic', bytes: () => { const b = valid().bytes(); b[0] = 0x12; return b; }, codes: ['btf/bad-magic'], mentions: { 'btf/bad-magic': '0xeb12' } },
  { name: 'version 2', bytes: () => valid().bytes({ header: { version: 2 } }), codes: ['btf/bad-version'], check: (btf) => assert.equal(btf.types.length, 5) },
  { name: 'flags set', bytes: () => valid().bytes({ header: { flags: 1 } }), codes: ['btf/bad-flags'] },
  { name: 'header length 8', bytes: () => valid().bytes({ header: { hdrLen: 8 } }), codes: ['btf/bad-header-length'] },
  { name: 'header length past the end', bytes: () => valid().bytes({ header: { hdrLen: 0x10000 } }), codes: ['btf/bad-header-length'] },
  { name: 'a longer header with unknown non-zero fields', bytes: () => withHeaderTail([1, 0, 0, 0]), codes: ['btf/unknown-header-fields'] },
  { name: 'a longer header of zeros', bytes: () => withHeaderTail([0, 0, 0, 0, 0, 0, 0, 0]), codes: [] },
  { name: 'type section past the end', bytes: () => valid().bytes({ header: { typeLen: 0x100000 } }), codes: ['btf/bad-name', 'btf/section-out-of-range', 'btf/sections-overlap', 'btf/unknown-kind'] },
  { name: 'string section past the end', bytes: () => { const b = valid(); return b.bytes({ header: { strLen: 0x7fffffff } }); }, codes: ['btf/section-out-of-range'] },
  { name: 'a misaligned type section', bytes: () => valid().bytes({ header: { typeOff: 2 } }), codes: ['btf/misaligned', 'btf/sections-overlap', 'btf/unknown-kind'] },
  { name: 'types and strings overlapping', bytes: () => valid().bytes({ header: { strOff: 0 } }), codes: ['btf/bad-strings', 'btf/sections-overlap'] },
  { name: 'an empty string section', bytes: () => valid().bytes({ header: { strLen: 0 } }), codes: ['btf/bad-name', 'btf/bad-strings'] },
  {
    name: 'a string section without its final NUL',
    bytes: () => { const b = valid().bytes(); b[b.length - 1] = 0x41; return b; },
    codes: ['btf/bad-name', 'btf/bad-strings'],
    mentions: { 'btf/bad-name': 'no NUL ends it' },
  },
  {
    name: 'a name offset past the strings',
    bytes: () => { const b = valid(); b.raw('INT', '', 0, false, 4, [32]); b.words[b.words.length - 4] = 0x99999; return b.bytes(); },
    codes: ['btf/bad-name'],
    mentions: { 'btf/bad-name': 'type [5] (at byte 0x64) name: name offset 0x99999 is outside the string section' },
  },
  {
    name: 'an unknown kind stops the type section',
    bytes: () => { const b = valid(); b.raw(25, 'mystery', 0, false, 0); b.int('after'); return b.bytes(); },
    codes: ['btf/unknown-kind'],
    mentions: { 'btf/unknown-kind': "type [5] 'mystery' (at byte 0x64) has kind 25" },
    check: (btf) => assert.equal(btf.types.length, 5),
  },
  {
    name: 'a struct whose members run past the section',
    bytes: () => { const b = valid(); b.raw('STRUCT', 's', 1000, false, 8, [0, 1, 0]); return b.bytes(); },
    codes: ['btf/truncated-type'],
    mentions: { 'btf/truncated-type': 'STRUCT with vlen 1000 needs 12012 bytes' },
  },
  {
    name: 'a type header cut short',
    bytes: () => { const b = valid(); b.words.push(0, 0x01000000); return b.bytes(); },
    codes: ['btf/truncated-type'],
  },
  {
    name: 'references to types that do not exist',
    bytes: () => { const b = valid(); b.ref('PTR', 77); b.struct('s', 4, [['x', 88, 0]]); b.funcProto(1, [['a', 99]]); return b.bytes(); },
    codes: ['btf/bad-type-id'],
    mentions: { 'btf/bad-type-id': 'type [5] (at byte 0x64) PTR: its type is type [77], but the BTF has only 7 types' },
  },
  {
    name: 'a member outside its struct',
    bytes: () => { const b = valid(); b.struct('small', 4, [['x', 1, 32]]); return b.bytes(); },
    codes: ['btf/member-out-of-range'],
    mentions: { 'btf/member-out-of-range': "member 0 'x' ends at bit 64, past the STRUCT's 4 bytes" },
  },
  {
    name: 'INTs the kernel rejects',
    bytes: () => { const b = valid(); b.int('odd', 3); b.int('wide', 4, true, 40); b.raw('INT', 'both', 0, false, 4, [(3 << 24) | 32]); return b.bytes(); },
    codes: ['btf/bad-int'],
  },
  {
    name: 'kinds that must have, or must not have, a name',
    bytes: () => { const b = valid(); b.raw('INT', '', 0, false, 4, [32]); b.ref('PTR', 1, 'named_ptr'); return b.bytes(); },
    codes: ['btf/missing-name', 'btf/unexpected-name'],
  },
  {
    name: 'a FUNC of a non-prototype, with a bad linkage',
    bytes: () => { const b = valid(); b.func('f', 1, 7); return b.bytes(); },
    codes: ['btf/bad-func', 'btf/bad-linkage'],
  },
  {
    name: 'decl tags on a bad target or component',
    bytes: () => { const b = valid(); b.raw('DECL_TAG', 't1', 0, false, 2, [5]); b.raw('DECL_TAG', 't2', 0, false, 1, [0xffffffff]); return b.bytes(); },
    codes: ['btf/bad-decl-tag'],
  },
  { name: 'unused info bits', bytes: () => { const b = valid(); b.words[1] |= 0x00100000; return b.bytes(); }, codes: ['btf/bad-info'] },
  {
    name: 'a typedef of itself',
    bytes: () => { const b = valid(); b.ref('TYPEDEF', b.nextId, 'self'); return b.bytes(); },
    codes: ['btf/type-loop'],
    mentions: { 'btf/type-loop': "[5] TYPEDEF 'self' -> [5]" },
    check: (btf) => { assert.equal(btf.resolveModifiers(5), undefined); assert.equal(btf.sizeOf(5), undefined); },
  },
  {
    name: 'two typedefs of each other',
    bytes: () => { const b = valid(); b.ref('TYPEDEF', 6, 'a'); b.ref('TYPEDEF', 5, 'b'); return b.bytes(); },
    codes: ['btf/type-loop'],
    mentions: { 'btf/type-loop': "[5] TYPEDEF 'a' -> [6] TYPEDEF 'b' -> [5]" },
  },
  { name: 'an array of itself', bytes: () => { const b = valid(); b.array(b.nextId, 1, 4); return b.bytes(); }, codes: ['btf/type-loop'] },
  {
    name: 'a struct holding itself by value',
    bytes: () => { const b = valid(); b.struct('inside', 8, [['me', b.nextId, 0]]); return b.bytes(); },
    codes: ['btf/type-loop'],
  },
  {
    name: 'a pointer to itself through a const',
    bytes: () => { const b = valid(); b.ref('PTR', 6); b.ref('CONST', 5); return b.bytes(); },
    codes: ['btf/type-loop'],
    mentions: { 'btf/type-loop': '[5] PTR -> [6] CONST -> [5]' },
  },
  {
    name: 'a pointer loop through a struct is legal',
    bytes: () => { const b = valid(); b.struct('a', 8, [['b', 6, 0]]); b.ref('PTR', 7); b.struct('c', 8, [['a', 5, 0]]); return b.bytes(); },
    codes: [],
  },
];

describe('parseBtf on hand-built damage', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const { value, diagnostics } = parseBtf(c.bytes());
      assert.deepEqual(codes(diagnostics), [...c.codes].sort(), diagnostics.map((d) => d.message).join('\n'));
      for (const [code, text] of Object.entries(c.mentions ?? {})) {
        const d = diagnostics.find((x) => x.code === code);
        assert.ok(d?.message.includes(text), `${code}: "${d?.message}" should mention "${text}"`);
      }
      c.check?.(value);
      // Whatever was read can be dumped and printed.
      dumpBtfRaw(value);
      for (const t of value.types) btfDefinition(value, t.id);
    });
  }

  test('thousands of problems of one kind are listed 16 times, then summarised', () => {
    const b = valid();
    for (let i = 0; i < 5000; i++) b.ref('PTR', 1_000_000 + i);
    const { diagnostics } = parseBtf(b.bytes());
    assert.equal(diagnostics.length, 17);
    assert.match(diagnostics[16].message, /^4984 more /);
  });
});

function timed<T>(what: string, limitMs: number, run: () => T): T {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  assert.ok(ms < limitMs, `${what} took ${ms.toFixed(0)} ms (limit ${limitMs})`);
  return result;
}

describe('adversarial sizes stay linear', () => {
  test('a 200,000-long typedef chain ending in a loop', () => {
    const b = new BtfBuilder();
    const n = 200_000;
    for (let i = 1; i <= n; i++) b.ref('TYPEDEF', i === n ? 1 : i + 1, 't');
    const { value, diagnostics } = timed('parse', 3000, () => parseBtf(b.bytes()));
    assert.deepEqual(codes(diagnostics), ['btf/type-loop']);
    assert.equal(value.resolveModifiers(1), undefined);
  });

  test('a struct with 65,535 members, each a pointer back to it', () => {
    const b = new BtfBuilder();
    b.struct('wide', 65535 * 8, Array.from({ length: 65535 }, (_, i): [string, number, number] => [`m${i % 7}`, 2, i * 64]));
    b.ref('PTR', 1);
    const { value, diagnostics } = timed('parse', 3000, () => parseBtf(b.bytes()));
    assert.deepEqual(diagnostics, []);
    timed('definition', 3000, () => btfDefinition(value, 1));
  });

  test('anonymous structs nested so that printing would double at each level', () => {
    const b = new BtfBuilder();
    const depth = 60;
    for (let i = 1; i <= depth; i++) b.struct('', 8, i === depth ? [['x', depth + 1, 0]] : [['a', i + 1, 0], ['b', i + 1, 0]]);
    b.int('int');
    const { value } = parseBtf(b.bytes());
    const text = timed('definition', 3000, () => btfDefinition(value, 1));
    assert.ok(text.length < 5_000_000 && text.includes('/* … */'));
  });

  test('names pointing all over one long unterminated UTF-8 string', () => {
    const b = new BtfBuilder();
    b.strings.add('é'.repeat(200_000));
    for (let i = 0; i < 20_000; i++) b.raw('INT', '', 0, false, 4, [32]);
    const bytes = b.bytes();
    bytes[bytes.length - 1] = 0x41; // no final NUL: every name runs to the end
    const v = new DataView(bytes.buffer);
    for (let i = 0; i < 20_000; i++) v.setUint32(24 + 16 * i, 1 + 2 * i, true);
    const { diagnostics } = timed('parse', 3000, () => parseBtf(bytes));
    assert.ok(codes(diagnostics).includes('btf/bad-name'));
  });
});

/** A tiny deterministic PRNG, so a failure can be reproduced from its case number. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

function mutate(base: Uint8Array, random: () => number): Uint8Array {
  const out = base.slice();
  const v = new DataView(out.buffer);
  const pick = random();
  if (pick < 0.1) return out.subarray(0, Math.floor(random() * out.length));
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(random() * (out.length - 4));
    if (pick < 0.5) out[at] ^= 1 << Math.floor(random() * 8);
    else if (pick < 0.75) v.setUint32(at & ~3, [0, 0xffffffff, 0x7fffffff, 0x10000, Math.floor(random() * 0x1_0000_0000)][Math.floor(random() * 5)], random() < 0.5);
    else v.setUint32(24 + (Math.floor(random() * 6) << 2), Math.floor(random() * 0x20000), true);
  }
  return out;
}

describe('random mutations of real objects', () => {
  const objects = ['types.bpf.o', 'core.bpf.o', 'lines.bpf.o'].map((name) => {
    const o = committedObject(name);
    return { name, btf: sectionBytes(o.elf, '.BTF'), ext: sectionBytes(o.elf, '.BTF.ext') };
  });

  test('6,000 mutated .BTF and .BTF.ext sections never throw in parsing, line tables, CO-RE descriptions or printing, and each takes well under a second', () => {
    let slowest = 0;
    for (let n = 0; n < 6000; n++) {
      const o = objects[n % objects.length];
      const random = rng(n + 1);
      const start = performance.now();
      try {
        const btfBytes = n % 2 === 0 ? mutate(o.btf, random) : o.btf;
        const { value } = parseBtf(btfBytes);
        const extBytes = n % 2 === 1 ? mutate(o.ext, random) : o.ext;
        const ext = parseBtfExt(extBytes, value).value;
        for (const lines of ext.lineInfo) sourceAnnotations(buildLineTable(sliceLineInfo(lines.records, 0, 4096), 4096).value);
        for (const relos of ext.coreRelos) for (const r of relos.records) describeCoreRelo(value, r);
        dumpBtfRaw(value);
        for (const t of value.types) {
          btfTypeName(value, t.id);
          btfDefinition(value, t.id);
          value.sizeOf(t.id);
          value.resolveModifiers(t.id);
        }
      } catch (e) {
        assert.fail(`case ${n} (${o.name}) threw: ${(e as Error).stack}`);
      }
      slowest = Math.max(slowest, performance.now() - start);
    }
    assert.ok(slowest < 1000, `slowest case took ${slowest.toFixed(0)} ms`);
  });
});
