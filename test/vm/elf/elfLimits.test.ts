// The ELF reader's resource bounds on files built to exhaust a naive reader:
// many section headers aiming at one symbol table, and thousands of symbols
// naming into one long string. The reader must stay proportional to the file.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readElf } from '../../../src-vm/elf/elf';
import { EHDR_SIZE, EM_BPF, SHDR_SIZE, SHT, SYM_SIZE } from '../../../src-vm/elf/elfConstants';

interface RawSection {
  type: number;
  /** Index into `blobs` of the bytes this header points at (several headers may share one). */
  blob: number;
  link?: number;
  entsize?: number;
}

/** A little-endian ELF64 EM_BPF file: the blobs after the header, then headers pointing at them; .shstrtab-less. */
function rawElf(blobs: Uint8Array[], sections: RawSection[]): Uint8Array {
  const offsets: number[] = [];
  let at = EHDR_SIZE;
  for (const b of blobs) {
    offsets.push(at);
    at += b.length;
  }
  const shoff = Math.ceil(at / 8) * 8;
  const file = new Uint8Array(shoff + (sections.length + 1) * SHDR_SIZE);
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 1, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, EHDR_SIZE, true);
  v.setUint16(58, SHDR_SIZE, true);
  v.setUint16(60, sections.length + 1, true);
  blobs.forEach((b, i) => file.set(b, offsets[i]));
  sections.forEach((s, i) => {
    const h = shoff + (i + 1) * SHDR_SIZE;
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 24, BigInt(offsets[s.blob]), true);
    v.setBigUint64(h + 32, BigInt(blobs[s.blob].length), true);
    v.setUint32(h + 40, s.link ?? 0, true);
    v.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
  });
  return file;
}

/** `count` symbols whose name offsets are 0, 1, 2, …: each a suffix of the same string. */
function symbolsNamingSuffixes(count: number): Uint8Array {
  const bytes = new Uint8Array(count * SYM_SIZE);
  const v = new DataView(bytes.buffer);
  for (let i = 1; i < count; i++) v.setUint32(i * SYM_SIZE, i - 1, true);
  return bytes;
}

describe('readElf resource bounds', () => {
  test('2,000 section headers aimed at one symbol table read it once, not 2,000 times', () => {
    const strings = new Uint8Array(64);
    const symbols = symbolsNamingSuffixes(1000);
    const headers: RawSection[] = [{ type: SHT.STRTAB, blob: 0 }];
    for (let i = 0; i < 2000; i++) headers.push({ type: SHT.SYMTAB, blob: 1, link: 1, entsize: SYM_SIZE });
    const bytes = rawElf([strings, symbols], headers);
    const { value, diagnostics } = readElf(bytes);
    const symbolsRead = value.symbolTables.reduce((n, t) => n + t.symbols.length, 0);
    assert.ok(symbolsRead * SYM_SIZE <= bytes.length, `read ${symbolsRead} symbols from ${bytes.length} bytes`);
    assert.ok(value.symbolTables.length >= 1);
    assert.ok(diagnostics.some((d) => d.code === 'elf/tables-overlap' && d.message.includes('not read')));
    assert.ok(diagnostics.some((d) => d.code === 'elf/tables-overlap' && /^\d+ more /.test(d.message)), 'the rest are summarised');
    assert.ok(diagnostics.length < 100, `${diagnostics.length} diagnostics`);
  });

  test('symbols naming every suffix of a 300 KB string do not decode 3 GB of names', () => {
    const long = new Uint8Array(300_000).fill(0x61);
    long[long.length - 1] = 0;
    const count = 12_000;
    const bytes = rawElf([long, symbolsNamingSuffixes(count)], [
      { type: SHT.STRTAB, blob: 0 },
      { type: SHT.SYMTAB, blob: 1, link: 1, entsize: SYM_SIZE },
    ]);
    const started = Date.now();
    const { value, diagnostics } = readElf(bytes);
    const decoded = value.symbols.reduce((n, s) => n + s.name.length, 0);
    assert.equal(value.symbols.length, count);
    assert.ok(decoded <= (1 << 20) + 8 * bytes.length, `decoded ${decoded} bytes of names`);
    assert.ok(diagnostics.some((d) => d.code === 'elf/bad-symbol-name' && d.message.includes('add up to far more than its size')));
    assert.ok(Date.now() - started < 5000, 'bounded time too');
  });

  test('a symbol table of the same bytes under another header is still read when the budget allows', () => {
    const strings = new Uint8Array([0, 0x66, 0x6f, 0x6f, 0]);
    const symbols = new Uint8Array(2 * SYM_SIZE);
    new DataView(symbols.buffer).setUint32(SYM_SIZE, 1, true);
    const bytes = rawElf([strings, symbols], [
      { type: SHT.STRTAB, blob: 0 },
      { type: SHT.SYMTAB, blob: 1, link: 1, entsize: SYM_SIZE },
    ]);
    const { value, diagnostics } = readElf(bytes);
    assert.deepEqual(value.symbols.map((s) => s.name), ['', 'foo']);
    assert.ok(diagnostics.some((d) => d.code === 'elf/no-section-names'));
  });
});
