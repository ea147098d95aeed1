// Writes an assembled object as a relocatable ELF64 EM_BPF file laid out as
// clang does, so llvm-readelf, bpftool and libbpf accept it: program and data
// sections, `.rel<section>` for each section with relocations, `.symtab`,
// `.strtab` and `.shstrtab`, and always a `license` section. Deterministic:
// the same object gives the same bytes. Pure; imports the object model.

import type { AsmObject, AsmReloc, AsmSection, AsmSymbol } from '../asm/object';
import { encodeInsns, type Insn } from '../isa/insn';
import { JMP, CLS, PSEUDO_CALL } from '../isa/opcodes';
import {
  EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, ELF_MAGIC, EM_BPF, ET_REL, EV_CURRENT, REL_SIZE, R_BPF, SHDR_SIZE, SHF, SHT, SYM_SIZE,
} from './elfConstants';
import { planSymbols, type PlannedSection, type SymbolPlan } from './elfSymbolPlan';
import { StrtabBuilder } from './strtab';

export interface WriteElfOptions {
  /** License written when the object has no `license` section; default 'GPL'. */
  license?: string;
}

interface OutSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  /** File contents; empty for NOBITS. */
  bytes: Uint8Array;
  /** sh_size: the bytes' length, or the zero-filled size of a NOBITS section. */
  size: number;
  link: number;
  info: number;
  entsize: number;
}

const LICENSE = 'license';
const CALL_CODE = CLS.JMP | JMP.CALL;

/** Flags and alignment of data sections by name, as clang gives them; the first matching row wins. */
const DATA_SECTION_RULES: readonly { name?: string; prefix?: string; flags: number; align: number }[] = [
  { name: LICENSE, flags: SHF.WRITE | SHF.ALLOC, align: 1 },
  { name: 'version', flags: SHF.WRITE | SHF.ALLOC, align: 4 },
  { name: '.maps', flags: SHF.WRITE | SHF.ALLOC, align: 8 },
  { prefix: '.rodata', flags: SHF.ALLOC, align: 8 },
  { prefix: '.data', flags: SHF.WRITE | SHF.ALLOC, align: 8 },
  { prefix: '.bss', flags: SHF.WRITE | SHF.ALLOC, align: 8 },
  { name: '.BTF', flags: 0, align: 4 },
  { name: '.BTF.ext', flags: 0, align: 4 },
  { prefix: '', flags: SHF.WRITE | SHF.ALLOC, align: 8 },
];

function dataRule(name: string): { flags: number; align: number } {
  return DATA_SECTION_RULES.find((r) => r.name === name || (r.prefix !== undefined && name.startsWith(r.prefix)))!;
}

/**
 * A call with a relocation is a bpf-to-bpf call resolved by the loader: src
 * says so, and imm is -1 because libbpf lands on `symbol + (imm + 1) slots`.
 */
function patchCalls(section: AsmSection, relocs: readonly AsmReloc[]): Insn[] {
  const insns = section.insns.slice();
  for (const r of relocs) {
    const i = insns[r.insnIdx];
    if (r.kind !== 'call' || !i || i.code !== CALL_CODE) continue;
    insns[r.insnIdx] = { ...i, src: i.src === PSEUDO_CALL.KFUNC ? i.src : PSEUDO_CALL.LOCAL, imm: -1 };
  }
  return insns;
}

function contentSection(section: AsmSection, relocs: readonly AsmReloc[]): OutSection {
  const base = { name: section.name, link: 0, info: 0, entsize: 0 };
  if (section.kind === 'code') {
    const bytes = encodeInsns(patchCalls(section, relocs));
    return { ...base, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, align: 8, bytes, size: bytes.length };
  }
  const { flags, align } = dataRule(section.name);
  const zeroFill = section.name.startsWith('.bss') && section.bytes.every((b) => b === 0);
  return zeroFill
    ? { ...base, type: SHT.NOBITS, flags, align, bytes: new Uint8Array(0), size: section.bytes.length }
    : { ...base, type: SHT.PROGBITS, flags, align, bytes: section.bytes, size: section.bytes.length };
}

/** The object's `license` section, or one holding `license` NUL-terminated, plus `_license` if nothing names it. */
function licenseParts(obj: AsmObject, license: string): { section?: AsmSection; symbol?: AsmSymbol } {
  const existing = obj.sections.find((s) => s.name === LICENSE);
  const bytes = existing?.bytes ?? new TextEncoder().encode(`${license}\0`);
  const named = obj.symbols.some((s) => s.section === LICENSE);
  const symbol: AsmSymbol | undefined = named
    ? undefined
    : { name: '_license', section: LICENSE, offset: 0, global: true, kind: 'object', size: bytes.length };
  const section: AsmSection | undefined = existing
    ? undefined
    : { name: LICENSE, kind: 'data', insns: [], spans: [], bytes };
  return { section, symbol };
}

function relocBytes(relocs: readonly AsmReloc[], plan: SymbolPlan): Uint8Array {
  const sorted = relocs.slice().sort((a, b) => a.insnIdx - b.insnIdx);
  const bytes = new Uint8Array(sorted.length * REL_SIZE);
  const v = new DataView(bytes.buffer);
  sorted.forEach((r, n) => {
    const at = n * REL_SIZE;
    v.setBigUint64(at, BigInt(r.insnIdx * 8), true);
    v.setUint32(at + 8, r.kind === 'call' ? R_BPF.R64_32 : R_BPF.R64_64, true);
    v.setUint32(at + 12, plan.indexOf(r.symbol), true);
  });
  return bytes;
}

function symtabBytes(plan: SymbolPlan, strtab: StrtabBuilder): Uint8Array {
  const bytes = new Uint8Array(plan.symbols.length * SYM_SIZE);
  const v = new DataView(bytes.buffer);
  plan.symbols.forEach((s, n) => {
    const at = n * SYM_SIZE;
    v.setUint32(at, s.name === '' ? 0 : strtab.add(s.name), true);
    v.setUint8(at + 4, (s.binding << 4) | s.type);
    v.setUint8(at + 5, 0); // STV_DEFAULT
    v.setUint16(at + 6, s.shndx, true);
    v.setBigUint64(at + 8, BigInt(s.value), true);
    v.setBigUint64(at + 16, BigInt(s.size), true);
  });
  return bytes;
}

function stringSection(name: string, bytes: Uint8Array): OutSection {
  return { name, type: SHT.STRTAB, flags: 0, align: 1, bytes, size: bytes.length, link: 0, info: 0, entsize: 0 };
}

/** Section headers in order: null, each content section followed by its `.rel` section, then the tables. */
function buildSections(obj: AsmObject, opts: WriteElfOptions): OutSection[] {
  const license = licenseParts(obj, opts.license ?? 'GPL');
  const content = license.section ? [...obj.sections, license.section] : obj.sections;
  const relocsOf = (name: string): AsmReloc[] => obj.relocs.filter((r) => r.section === name);
  const firstOfName = (s: AsmSection): boolean => content.find((c) => c.name === s.name) === s;
  // Relocations name a section; when names repeat, they belong to the first.
  const withRelocs = content.map((s) => ({ asm: s, relocs: firstOfName(s) ? relocsOf(s.name) : [] }));
  const out: OutSection[] = [{ name: '', type: SHT.NULL, flags: 0, align: 0, bytes: new Uint8Array(0), size: 0, link: 0, info: 0, entsize: 0 }];
  const planned: PlannedSection[] = [];
  const relSlots: { at: number; target: number; relocs: AsmReloc[] }[] = [];
  for (const { asm, relocs } of withRelocs) {
    const section = contentSection(asm, relocs);
    planned.push({ name: asm.name, kind: asm.kind, index: out.length, size: section.size });
    out.push(section);
    if (relocs.length > 0) {
      relSlots.push({ at: out.length, target: out.length - 1, relocs });
      out.push(stringSection(`.rel${asm.name}`, new Uint8Array(0))); // filled once symbols are numbered
    }
  }
  const symtabIndex = out.length;
  const plan = planSymbols(obj, planned, license.symbol ? [license.symbol] : []);
  const strtab = new StrtabBuilder();
  const symtab = symtabBytes(plan, strtab);
  out.push({ name: '.symtab', type: SHT.SYMTAB, flags: 0, align: 8, bytes: symtab, size: symtab.length, link: symtabIndex + 1, info: plan.firstGlobal, entsize: SYM_SIZE });
  out.push(stringSection('.strtab', strtab.bytes()));
  for (const slot of relSlots) {
    const bytes = relocBytes(slot.relocs, plan);
    out[slot.at] = { ...out[slot.at], type: SHT.REL, flags: SHF.INFO_LINK, align: 8, bytes, size: bytes.length, link: symtabIndex, info: slot.target, entsize: REL_SIZE };
  }
  return out;
}

function alignUp(n: number, align: number): number {
  return align > 1 ? Math.ceil(n / align) * align : n;
}

function writeHeader(v: DataView, shoff: number, shnum: number): void {
  ELF_MAGIC.forEach((b, i) => v.setUint8(i, b));
  v.setUint8(4, ELFCLASS64);
  v.setUint8(5, ELFDATA2LSB);
  v.setUint8(6, EV_CURRENT);
  v.setUint16(16, ET_REL, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, EV_CURRENT, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, EHDR_SIZE, true);
  v.setUint16(58, SHDR_SIZE, true);
  v.setUint16(60, shnum, true);
  v.setUint16(62, shnum - 1, true); // .shstrtab is last
}

function writeSectionHeader(v: DataView, at: number, s: OutSection, nameOffset: number, offset: number): void {
  v.setUint32(at, nameOffset, true);
  v.setUint32(at + 4, s.type, true);
  v.setBigUint64(at + 8, BigInt(s.flags), true);
  v.setBigUint64(at + 24, BigInt(offset), true);
  v.setBigUint64(at + 32, BigInt(s.size), true);
  v.setUint32(at + 40, s.link, true);
  v.setUint32(at + 44, s.info, true);
  v.setBigUint64(at + 48, BigInt(s.align), true);
  v.setBigUint64(at + 56, BigInt(s.entsize), true);
}

/** A relocatable ELF64 EM_BPF object holding `obj`, loadable by libbpf (`bpftool prog loadall`). */
export function writeElf(obj: AsmObject, opts: WriteElfOptions = {}): Uint8Array {
  const sections = buildSections(obj, opts);
  const shstrtab = new StrtabBuilder();
  const nameOffsets = sections.map((s) => shstrtab.add(s.name));
  nameOffsets.push(shstrtab.add('.shstrtab'));
  sections.push(stringSection('.shstrtab', shstrtab.bytes()));
  const offsets: number[] = [];
  let end = EHDR_SIZE;
  for (const s of sections) {
    end = alignUp(end, s.align);
    offsets.push(s.type === SHT.NULL ? 0 : end);
    end += s.bytes.length;
  }
  const shoff = alignUp(end, 8);
  const file = new Uint8Array(shoff + sections.length * SHDR_SIZE);
  const v = new DataView(file.buffer);
  writeHeader(v, shoff, sections.length);
  sections.forEach((s, i) => {
    file.set(s.bytes, offsets[i]);
    writeSectionHeader(v, shoff + i * SHDR_SIZE, s, nameOffsets[i], offsets[i]);
  });
  return file;
}
