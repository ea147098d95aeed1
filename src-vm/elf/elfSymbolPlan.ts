// Decides the ELF symbol table of an assembled object the way clang lays it
// out and libbpf reads it: section symbols, then locals, then globals; a FUNC
// symbol at the start of every program (libbpf finds programs only by GLOBAL
// FUNC symbols outside `.text`), sizes for functions that lack one, and
// undefined NOTYPE symbols for externs. Pure; no byte encoding here.

import type { AsmObject, AsmSymbol } from '../asm/object';
import { SHN, STB, STT } from './elfConstants';

export interface PlannedSymbol {
  name: string;
  /** Byte offset in the section (a code slot index times 8). */
  value: number;
  size: number;
  type: number;
  binding: number;
  /** ELF section index, or SHN.UNDEF. */
  shndx: number;
}

/** What the planner needs to know about each written section. */
export interface PlannedSection {
  name: string;
  kind: 'code' | 'data';
  /** ELF section index. */
  index: number;
  /** Size in bytes. */
  size: number;
}

export interface SymbolPlan {
  /** In table order; [0] is the null symbol. */
  symbols: PlannedSymbol[];
  /** sh_info of `.symtab`: index of the first non-local symbol. */
  firstGlobal: number;
  /** The table index a relocation against `name` refers to. */
  indexOf(name: string): number;
}

const TEXT = '.text';
const SLOT = 8;

/** A section name as a C identifier, for synthesised program names (`kprobe/sys_open` -> `kprobe_sys_open`). */
export function sanitiseIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return id === '' || /^[0-9]/.test(id) ? `_${id}` : id;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

interface Draft {
  sym: AsmSymbol;
  section: PlannedSection | undefined;
  type: number;
  binding: number;
}

function draftType(sym: AsmSymbol, section: PlannedSection | undefined, callTargets: Set<string>, entries: Set<AsmSymbol>): number {
  if (!section) return STT.NOTYPE; // libbpf takes only NOTYPE undefined symbols as externs
  if (sym.kind === 'func' || entries.has(sym)) return STT.FUNC;
  if (section.kind === 'code' && callTargets.has(sym.name) && sym.kind === 'notype') return STT.FUNC;
  return sym.kind === 'object' ? STT.OBJECT : STT.NOTYPE;
}

function draftBinding(sym: AsmSymbol, section: PlannedSection | undefined, type: number): number {
  if (!section) return STB.GLOBAL; // an undefined symbol must be global to mean anything
  // libbpf rejects static programs: every function in a program section is an entry point.
  if (section.kind === 'code' && section.name !== TEXT && type === STT.FUNC) return STB.GLOBAL;
  return sym.global ? STB.GLOBAL : STB.LOCAL;
}

/** The first func or plain label at slot 0 of each program section: it becomes the program's FUNC symbol. */
function programEntries(obj: AsmObject, sections: ReadonlyMap<string, PlannedSection>): Set<AsmSymbol> {
  const entries = new Set<AsmSymbol>();
  const seen = new Set<string>();
  for (const sym of obj.symbols) {
    const section = sym.section === undefined ? undefined : sections.get(sym.section);
    if (!section || section.kind !== 'code' || section.name === TEXT || sym.offset !== 0) continue;
    if (sym.kind === 'object' || seen.has(section.name)) continue;
    seen.add(section.name);
    entries.add(sym);
  }
  return entries;
}

/** Program sections with code but no symbol at slot 0 get a GLOBAL FUNC named after the section. */
function synthesiseEntries(obj: AsmObject, sections: ReadonlyMap<string, PlannedSection>, entries: Set<AsmSymbol>): AsmSymbol[] {
  const covered = new Set([...entries].map((s) => s.section));
  const taken = new Set(obj.symbols.map((s) => s.name));
  const out: AsmSymbol[] = [];
  for (const section of sections.values()) {
    if (section.kind !== 'code' || section.name === TEXT || section.size === 0 || covered.has(section.name)) continue;
    const sym: AsmSymbol = { name: uniqueName(sanitiseIdentifier(section.name), taken), section: section.name, offset: 0, global: true, kind: 'func' };
    out.push(sym);
    entries.add(sym);
  }
  return out;
}

/** Byte size of each FUNC symbol in code that has none: up to the next FUNC in its section, or the end. */
function functionSize(d: Draft, drafts: readonly Draft[]): number {
  if (d.sym.size !== undefined) return d.sym.size;
  if (d.type !== STT.FUNC || !d.section || d.section.kind !== 'code') return 0;
  const start = d.sym.offset * SLOT;
  let end = d.section.size;
  for (const other of drafts) {
    if (other.section !== d.section || other.type !== STT.FUNC) continue;
    const at = other.sym.offset * SLOT;
    if (at > start && at < end) end = at;
  }
  return Math.max(0, end - start);
}

function toPlanned(d: Draft, drafts: readonly Draft[]): PlannedSymbol {
  const value = d.section?.kind === 'code' ? d.sym.offset * SLOT : d.sym.offset;
  return {
    name: d.sym.name, value: d.section ? value : 0, size: functionSize(d, drafts),
    type: d.type, binding: d.binding, shndx: d.section?.index ?? SHN.UNDEF,
  };
}

/**
 * Plans `.symtab` for `obj` written with `sections` (by name; the first of a
 * duplicated name wins). `extra` symbols (the `_license` object) join the globals.
 */
export function planSymbols(obj: AsmObject, sections: readonly PlannedSection[], extra: readonly AsmSymbol[]): SymbolPlan {
  const byName = new Map<string, PlannedSection>();
  for (const s of sections) if (!byName.has(s.name)) byName.set(s.name, s);
  const callTargets = new Set(obj.relocs.filter((r) => r.kind === 'call').map((r) => r.symbol));
  const entries = programEntries(obj, byName);
  const all = [...obj.symbols, ...synthesiseEntries(obj, byName, entries), ...extra];
  const known = new Set(all.map((s) => s.name));
  for (const r of obj.relocs) {
    if (known.has(r.symbol)) continue;
    known.add(r.symbol);
    all.push({ name: r.symbol, offset: 0, global: true, kind: 'notype' });
  }
  const drafts: Draft[] = all.map((sym) => {
    const section = sym.section === undefined ? undefined : byName.get(sym.section);
    const type = draftType(sym, section, callTargets, entries);
    return { sym, section, type, binding: draftBinding(sym, section, type) };
  });
  const sectionSymbols: PlannedSymbol[] = sections.map((s) => ({ name: '', value: 0, size: 0, type: STT.SECTION, binding: STB.LOCAL, shndx: s.index }));
  const locals = drafts.filter((d) => d.binding === STB.LOCAL).map((d) => toPlanned(d, drafts));
  const globals = drafts.filter((d) => d.binding !== STB.LOCAL).map((d) => toPlanned(d, drafts));
  const nullSymbol: PlannedSymbol = { name: '', value: 0, size: 0, type: STT.NOTYPE, binding: STB.LOCAL, shndx: SHN.UNDEF };
  const symbols = [nullSymbol, ...sectionSymbols, ...locals, ...globals];
  return { symbols, firstGlobal: 1 + sectionSymbols.length + locals.length, indexOf: relocIndex(symbols) };
}

/** Relocations name symbols; a defined symbol wins over an undefined one of the same name. */
function relocIndex(symbols: readonly PlannedSymbol[]): (name: string) => number {
  const index = new Map<string, number>();
  symbols.forEach((s, i) => {
    if (s.type === STT.SECTION || s.name === '') return;
    const prev = index.get(s.name);
    if (prev === undefined || (symbols[prev].shndx === SHN.UNDEF && s.shndx !== SHN.UNDEF)) index.set(s.name, i);
  });
  return (name) => index.get(name) ?? 0;
}
