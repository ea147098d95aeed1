// What the verifier is run on, from what users hand us: each program of a
// loaded ELF object (with its maps, license and line table) or each code
// section of an assembly file (program type from the section name by
// libbpf's rules, or an override), and one call that verifies a target and
// times it. Shared by the CLI and, later, the language server. Pure.

import type { Diagnostic } from './diagnostics';
import type { AsmObject } from './asm/object';
import type { LoadedObject, LoadedProgram } from './elf/loadedObject';
import { buildLineTable, type LineTable } from './elf/lineTable';
import { matchSection } from './elf/sectionRules';
import type { Insn } from './isa/insn';
import type { AttachTypeName } from './elf/bpfEnums';
import type { ProgType } from './verifier/env';
import { VERIFIABLE_TYPES } from './verifier/progTypes';

export { VERIFIABLE_TYPES };
import type { MapRef } from './verifier/regState';
import { verifyProgram, type VerifierOptions, type VerifierReport } from './verifier/verify';
import { mapValueFields } from './verifier/mapValueFields';
import type { SubprogSignature } from './verifier/checks/globalFunc';
import { subprogSignatures } from './funcSignatures';


export interface VerifyTarget {
  name: string;
  section: string;
  /** libbpf's program type name; undefined when the section name gives none. */
  type?: string;
  /** libbpf's expected attach type for the section, when it has one. */
  attach?: AttachTypeName;
  /** The section loads the program with BPF_F_SLEEPABLE. */
  sleepable?: boolean;
  insns: readonly Insn[];
  maps: MapRef[];
  license?: string;
  lineTable?: LineTable;
  /** Functions with func_info and, for global ones, their signatures as the kernel reads them from BTF. */
  subprogs?: SubprogSignature[];
}

export type VerifyOutcome =
  | { kind: 'verified'; report: VerifierReport; timeUs: number }
  | { kind: 'unsupported'; reason: string };

/** Map flags that limit what programs may do with the values (uapi BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG). */
const BPF_F_RDONLY_PROG = 1 << 7;
const BPF_F_WRONLY_PROG = 1 << 8;

function isVerifiable(type: string | undefined): type is ProgType {
  return (VERIFIABLE_TYPES as readonly string[]).includes(type ?? '');
}

function targetOfProgram(obj: LoadedObject, p: LoadedProgram, typeOverride?: string): VerifyTarget {
  const maps = obj.maps.map((m) => ({
    name: m.name.slice(0, 15), type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
    readOnly: m.readOnly || (m.flags & BPF_F_RDONLY_PROG) !== 0, writeOnly: (m.flags & BPF_F_WRONLY_PROG) !== 0, initialValue: m.initialValue, valueFields: mapValueFields(obj.btf, m.valueTypeId),
  }));
  const lineTable = p.lineInfo.length > 0 ? buildLineTable(p.lineInfo, p.insns.length).value : undefined;
  const type = typeOverride ?? p.type;
  const subprogs = isVerifiable(type) ? subprogSignatures(obj.btf, p.funcInfo, type) : [];
  return {
    name: p.name, section: p.section, type: typeOverride ?? p.type, attach: typeOverride ? undefined : p.expectedAttachType,
    sleepable: typeOverride ? undefined : p.flags?.sleepable, insns: p.insns, maps, license: obj.license, lineTable, subprogs,
  };
}

export function targetsOfObject(obj: LoadedObject, typeOverride?: string): VerifyTarget[] {
  return obj.programs.map((p) => targetOfProgram(obj, p, typeOverride));
}

/** Code sections of an assembled file; the section name gives the type unless overridden. */
export function targetsOfAsm(obj: AsmObject, typeOverride?: string): { targets: VerifyTarget[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const targets = obj.sections.filter((s) => s.kind === 'code' && s.insns.length > 0).map((s) => {
    const rule = matchSection(s.name).rule;
    const type = typeOverride ?? rule?.progType;
    const attach = typeOverride ? undefined : rule?.expectedAttachType;
    const sleepable = typeOverride ? undefined : rule?.flags.sleepable;
    if (!type) {
      diagnostics.push({ severity: 'warning', code: 'verify/no-type', message: `section ${s.name}: no program type (use '.section xdp' or another libbpf section name, or --type)` });
    }
    const name = obj.symbols.find((y) => y.section === s.name && y.offset === 0 && y.kind !== 'object')?.name ?? s.name;
    return { name, section: s.name, type, attach, sleepable, insns: s.insns, maps: [], license: 'GPL' };
  });
  return { targets, diagnostics };
}

export function verifyTarget(target: VerifyTarget, opts: VerifierOptions = {}): VerifyOutcome {
  if (!isVerifiable(target.type)) {
    return { kind: 'unsupported', reason: `program type ${target.type ?? '(none)'} is not modelled by our verifier yet (${VERIFIABLE_TYPES.join(', ')} are)` };
  }
  const start = performance.now();
  const report = verifyProgram({
    insns: target.insns, type: target.type, attach: target.attach, sleepable: target.sleepable, maps: target.maps, license: target.license, lineTable: target.lineTable,
    subprogs: target.subprogs,
  }, opts);
  return { kind: 'verified', report, timeUs: Math.round((performance.now() - start) * 1000) };
}

/** One program in `verify --json` (and `remote load --json`): keep these names, extend only. */
export interface VerifyJsonProgram {
  name: string;
  section: string;
  type: string | null;
  verdict: 'accept' | 'reject';
  error: { insn: number; message: string; detail: string[]; file?: string; line?: number; column?: number } | null;
  processedInsns: number;
  totalStates: number;
  peakStates: number;
  timeUs: number;
}

/** A verified target in the `verify --json` shape. */
export function verifyJson(t: VerifyTarget, outcome: VerifyOutcome & { kind: 'verified' }): VerifyJsonProgram {
  const { report, timeUs } = outcome;
  const e = report.error;
  return {
    name: t.name, section: t.section, type: t.type ?? null, verdict: report.verdict,
    error: e ? { insn: e.insnIdx, message: e.message, detail: e.detail, file: e.file, line: e.line, column: e.column } : null,
    processedInsns: report.processedInsns, totalStates: report.totalStates, peakStates: report.peakStates, timeUs,
  };
}
