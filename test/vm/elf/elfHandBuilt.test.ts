// The ELF reader on files built by hand: resource bounds against files made
// to exhaust a naive reader (many section headers aiming at one symbol table,
// thousands of symbols naming into one long string), and the rarely seen
// parts of the format (SHN_XINDEX through SHT_SYMTAB_SHNDX, RELA sections).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readElf } from '../../../src-vm/elf/elf';
import { EHDR_SIZE, EM_BPF, RELA_SIZE, R_BPF, SHDR_SIZE, SHF, SHN, SHT, SYM_SIZE } from '../../../src-vm/elf/elfConstants';

interface RawSection {
  type: number;
  /** Index into `blobs` of the bytes this header points at (several headers may share one). */
  blob: number;
  link?: number;
  info?: number;
  flags?: number;
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
    v.setBigUint64(h + 8, BigInt(s.flags ?? 0), true);
    v.setUint32(h + 40, s.link ?? 0, true);
    v.setUint32(h + 44, s.info ?? 0, true);
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

describe('readElf on hand-built files', () => {
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

  test('SHN_XINDEX section indices resolve through the SYMTAB_SHNDX table, and a missing entry is reported', () => {
    const strings = new Uint8Array([0, 0x61, 0, 0x62, 0]);
    const symbols = new Uint8Array(3 * SYM_SIZE);
    const sv = new DataView(symbols.buffer);
    for (const i of [1, 2]) {
      sv.setUint32(i * SYM_SIZE, i === 1 ? 1 : 3, true);
      sv.setUint16(i * SYM_SIZE + 6, SHN.XINDEX, true);
    }
    const xindex = new Uint8Array(8); // entries for symbols 0 and 1 only
    new DataView(xindex.buffer).setUint32(4, 1, true);
    const bytes = rawElf([strings, symbols, xindex], [
      { type: SHT.STRTAB, blob: 0 },
      { type: SHT.SYMTAB, blob: 1, link: 1, entsize: SYM_SIZE },
      { type: SHT.SYMTAB_SHNDX, blob: 2, link: 2, entsize: 4 },
    ]);
    const { value, diagnostics } = readElf(bytes);
    assert.deepEqual(value.symbols.map((s) => [s.name, s.sectionIndex]), [['', 0], ['a', 1], ['b', SHN.XINDEX]]);
    assert.ok(diagnostics.some((d) => d.message === 'symbol 2 (b) in section 2: st_shndx is SHN_XINDEX but no SYMTAB_SHNDX entry holds its section'),
      diagnostics.map((d) => d.message).join('\n'));
  });

  test('RELA sections: offset, symbol, type and a signed addend', () => {
    const strings = new Uint8Array([0, 0x6d, 0]);
    const symbols = new Uint8Array(2 * SYM_SIZE);
    new DataView(symbols.buffer).setUint32(SYM_SIZE, 1, true);
    const code = new Uint8Array(32);
    const rela = new Uint8Array(2 * RELA_SIZE);
    const rv = new DataView(rela.buffer);
    rv.setBigUint64(0, 8n, true);
    rv.setBigUint64(8, (1n << 32n) | BigInt(R_BPF.R64_64), true);
    rv.setBigInt64(16, -16n, true);
    rv.setBigUint64(RELA_SIZE, 24n, true);
    rv.setBigUint64(RELA_SIZE + 8, (1n << 32n) | BigInt(R_BPF.R64_32), true);
    rv.setBigInt64(RELA_SIZE + 16, 40n, true);
    const bytes = rawElf([strings, symbols, code, rela], [
      { type: SHT.STRTAB, blob: 0 },
      { type: SHT.SYMTAB, blob: 1, link: 1, entsize: SYM_SIZE },
      { type: SHT.PROGBITS, blob: 2, flags: SHF.ALLOC | SHF.EXECINSTR },
      { type: SHT.RELA, blob: 3, link: 2, info: 3, entsize: RELA_SIZE },
    ]);
    const { value, diagnostics } = readElf(bytes);
    const [relocs] = value.relocSections;
    assert.equal(relocs.kind, 'rela');
    assert.deepEqual(relocs.relocs.map((r) => [r.offset, r.type, r.symbol?.name, r.addend]), [[8, R_BPF.R64_64, 'm', -16], [24, R_BPF.R64_32, 'm', 40]]);
    assert.ok(diagnostics.every((d) => d.code === 'elf/no-section-names'), diagnostics.map((d) => d.message).join('\n'));
  });
});
