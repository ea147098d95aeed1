// From what a user hands us to runnable programs: assembly text in either
// dialect, or an ELF object, becomes a list of code sections with their
// instructions and source spans. Shared by the CLI, the debugger and the
// language server. Pure: text and bytes in.

import { hasErrors, type Diagnostic, type Span, type WithDiagnostics } from './diagnostics';
import { assemble } from './asm/assembler';
import { assembleConformance } from './asm/conformanceAsm';
import type { AsmObject } from './asm/object';
import type { Insn } from './isa/insn';
import { decodeInsns } from './isa/insn';
import { readElf, sectionBytes } from './elf/elf';
import { SHF, STT } from './elf/elfConstants';
import { loadObject, type LoadOptions } from './elf/loader';
import type { LoadedProgram, MapDef } from './elf/loadedObject';

export type Dialect = 'llvm' | 'conformance';

export interface CodeSection {
  /** Program name for loaded objects; section name (`xdp`, `.text`…) otherwise. */
  name: string;
  /** ELF section the code comes from. */
  section: string;
  insns: Insn[];
  /** Source span of each slot when the program came from text. */
  spans: (Span | undefined)[];
  /** Function symbols in the section, by slot. */
  functions: { name: string; slot: number }[];
  /** For programs of an ELF object: libbpf's view of the program, and the object's maps. */
  loaded?: { program: LoadedProgram; maps: readonly MapDef[] };
}

export interface AssembledSource {
  object: AsmObject;
  dialect: Dialect;
}

function fromConformance(text: string): WithDiagnostics<AsmObject> {
  const { value, diagnostics } = assembleConformance(text);
  const section = { name: '.text', kind: 'code' as const, insns: value.insns, spans: value.spans, bytes: new Uint8Array() };
  const symbols = [{ name: 'main', section: '.text', offset: 0, global: true, kind: 'func' as const }];
  return { value: { sections: [section], symbols, relocs: [] }, diagnostics };
}

/**
 * Assembles `text` in the given dialect, or, without one, in the LLVM dialect
 * unless only the conformance dialect reads it without errors.
 */
export function assembleSource(text: string, dialect?: Dialect): WithDiagnostics<AssembledSource> {
  if (dialect === 'conformance') {
    const r = fromConformance(text);
    return { value: { object: r.value, dialect }, diagnostics: r.diagnostics };
  }
  const llvm = assemble(text);
  if (dialect === 'llvm' || !hasErrors(llvm.diagnostics)) {
    return { value: { object: llvm.value, dialect: 'llvm' }, diagnostics: llvm.diagnostics };
  }
  const conf = fromConformance(text);
  if (!hasErrors(conf.diagnostics)) return { value: { object: conf.value, dialect: 'conformance' }, diagnostics: conf.diagnostics };
  return { value: { object: llvm.value, dialect: 'llvm' }, diagnostics: llvm.diagnostics };
}

export function codeSections(obj: AsmObject): CodeSection[] {
  return obj.sections
    .filter((s) => s.kind === 'code' && s.insns.length > 0)
    .map((s) => ({
      name: s.name, section: s.name, insns: s.insns, spans: s.spans,
      functions: obj.symbols
        .filter((y) => y.section === s.name && y.kind === 'func')
        .map((y) => ({ name: y.name, slot: y.offset })),
    }));
}

/** The executable sections of an ELF object as they are, decoded (for objects libbpf would find no program in). */
function rawSectionsOfElf(bytes: Uint8Array): WithDiagnostics<CodeSection[]> {
  const { value: elf, diagnostics } = readElf(bytes);
  const sections = elf.sections
    .filter((s) => (s.flags & SHF.EXECINSTR) !== 0 && s.hasBytes && s.size > 0)
    .map((s) => ({
      name: s.name, section: s.name, insns: decodeInsns(sectionBytes(elf, s)), spans: [],
      functions: elf.symbols
        .filter((y) => y.sectionIndex === s.index && y.type === STT.FUNC)
        .map((y) => ({ name: y.name, slot: Math.floor(y.value / 8) })),
    }));
  return { value: sections, diagnostics };
}

function programSection(program: LoadedProgram, maps: readonly MapDef[]): CodeSection {
  const functions = [{ name: program.name, slot: 0 }, ...program.subprograms.map((p) => ({ name: p.name, slot: p.startSlot }))];
  return { name: program.name, section: program.section, insns: program.insns, spans: [], functions, loaded: { program, maps } };
}

/**
 * The programs of an ELF object as libbpf sees them (subprograms linked, maps
 * relocated); an object in which libbpf would find no program (code only in
 * `.text`) gives its executable sections as they are.
 */
export function codeSectionsOfElf(bytes: Uint8Array, options: LoadOptions = {}): WithDiagnostics<CodeSection[]> {
  const loaded = loadObject(bytes, options);
  if (loaded.value.programs.length === 0) {
    const raw = rawSectionsOfElf(bytes);
    const loaderErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
    return { value: raw.value, diagnostics: raw.value.length > 0 ? raw.diagnostics : [...raw.diagnostics, ...loaderErrors] };
  }
  const { programs, maps } = loaded.value;
  return { value: programs.map((p) => programSection(p, maps)), diagnostics: loaded.diagnostics };
}

/** The section named `name`, or the first one; a diagnostic when there is none to pick. */
export function pickSection(sections: CodeSection[], name?: string): { section?: CodeSection; error?: Diagnostic } {
  if (sections.length === 0) return { error: { severity: 'error', code: 'program/none', message: 'no code section with instructions' } };
  if (name === undefined) return { section: sections[0] };
  const section = sections.find((s) => s.name === name) ?? sections.find((s) => s.section === name);
  if (section) return { section };
  const message = sections.some((s) => s.loaded)
    ? `no program or section named ${name} (programs: ${sections.map((s) => `${s.name} in ${s.section}`).join(', ')})`
    : `no code section named ${name} (sections: ${sections.map((s) => s.name).join(', ')})`;
  return { error: { severity: 'error', code: 'program/unknown-section', message } };
}
