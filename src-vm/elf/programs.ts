// Entry programs as libbpf presents them after bpf_object__load's relocation
// step: the section rule (type, expected attach type, attach target, flags),
// the linked instructions with map references rewritten, and per-slot
// provenance. Reports unknown section names with the closest known ones.
// Pure.

import { ElfReport } from './elfReport';
import { programExtInfo, type ExtIndex } from './extInfo';
import { sectionLabel, type ElfSection } from './elf';
import type { ExternDef, LoadedProgram, MapDef, SourceRange, SourceSlot } from './loadedObject';
import type { ProgramUnit } from './programUnits';
import { applyDataRelocs } from './relocations';
import { matchSection, ruleDisplayName, ruleTypeIds, suggestSections } from './sectionRules';
import { linkProgram, placements, type LinkedCode } from './subprograms';

export interface ProgramInputs {
  units: readonly ProgramUnit[];
  textIndex: number;
  sections: readonly ElfSection[];
  maps: readonly MapDef[];
  externs: readonly ExternDef[];
  report: ElfReport;
  /** Suggestions already worked out per unknown section name (only the first few are: the rest are not shown). */
  suggested: Map<string, string>;
  /** The object's BTF.ext records by section, when it has .BTF.ext. */
  ext?: ExtIndex;
}

/** Unknown section names given suggestions; the report lists no more diagnostics of one kind than this. */
const SUGGESTED_SECTIONS = 16;

function suggestionsFor(inputs: ProgramInputs, section: string): string {
  let near = inputs.suggested.get(section);
  if (near === undefined) {
    near = inputs.suggested.size < SUGGESTED_SECTIONS
      ? `; the closest names it knows are ${suggestSections(section).map((n) => `'${n}'`).join(', ')}` : '';
    inputs.suggested.set(section, near);
  }
  return near;
}

function reportUnknownSection(unit: ProgramUnit, inputs: ProgramInputs): void {
  const s = inputs.sections[unit.sectionIndex];
  inputs.report.error('loader/unknown-section',
    `section ${sectionLabel(s)}: program '${unit.name}' has an unknown program type: libbpf knows no SEC("${unit.sectionName}")${suggestionsFor(inputs, unit.sectionName)}`);
}

function sourceRanges(code: LinkedCode): SourceRange[] {
  return code.placed.map(({ unit, start }) => ({
    startSlot: start, insnCount: unit.insnCount, sectionIndex: unit.sectionIndex, section: unit.sectionName,
    insnOffset: unit.insnOffset, function: unit.name,
  }));
}

/** Where final slot `slot` of a program came from in the object. */
export function sourceSlotOf(program: LoadedProgram, slot: number): SourceSlot | undefined {
  const ranges = program.sources;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (slot < r.startSlot) hi = mid - 1;
    else if (slot >= r.startSlot + r.insnCount) lo = mid + 1;
    else return { sectionIndex: r.sectionIndex, section: r.section, insnOffset: r.insnOffset + slot - r.startSlot, function: r.function };
  }
  return undefined;
}

/** Builds one entry program; `budget` caps the slots linking may produce. */
export function buildProgram(unit: ProgramUnit, inputs: ProgramInputs, budget: number, extra: readonly ProgramUnit[] = []): LoadedProgram {
  const match = matchSection(unit.sectionName);
  if (!match.rule) reportUnknownSection(unit, inputs);
  else if (match.rule.flags.attachTargetRequired && match.attachTo === undefined) {
    inputs.report.warning('loader/attach-target-missing',
      `program '${unit.name}': SEC("${match.section}") names no attach target; libbpf refuses to load it unless one is set with bpf_program__set_attach_target() (write SEC("${ruleDisplayName(match.rule)}/<target>"))`);
  }
  const code = linkProgram(unit, inputs.units, inputs.textIndex, inputs.report, budget, extra);
  const refs = applyDataRelocs(code.insns, code.relocs, inputs.maps, inputs.externs);
  const ids = match.rule ? ruleTypeIds(match.rule) : { progTypeId: 0, expectedAttachTypeId: 0 };
  const program: LoadedProgram = {
    name: unit.name, section: match.section, sectionIndex: unit.sectionIndex, sectionInsnOffset: unit.insnOffset,
    autoload: match.autoload, typeId: ids.progTypeId, expectedAttachTypeId: ids.expectedAttachTypeId,
    insns: code.insns, mapRefs: refs.mapRefs, externRefs: refs.externRefs,
    subprograms: placements(code), sources: sourceRanges(code),
    ...(inputs.ext ? programExtInfo(inputs.ext, code.placed, inputs.report) : { funcInfo: [], lineInfo: [], coreRelos: [] }),
  };
  if (match.rule) {
    program.type = match.rule.progType;
    if (match.rule.expectedAttachType) program.expectedAttachType = match.rule.expectedAttachType;
    program.flags = match.rule.flags;
  }
  if (match.attachTo !== undefined) program.attachTo = match.attachTo;
  return program;
}
