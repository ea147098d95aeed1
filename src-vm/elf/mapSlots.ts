// Initialised slots of map-in-map and prog-array maps, as libbpf reads them
// from `.rel.maps` (bpf_object__collect_map_relos): `.values = { [2] = &inner }`
// leaves a relocation at the slot's pointer inside the map's definition,
// against the inner map's or the program's symbol. Pure.

import type { Btf } from './btf';
import { sectionLabel, type ElfFile } from './elf';
import { ElfReport, hex } from './elfReport';
import type { InitSlot, MapDef } from './loadedObject';
import type { ObjectSections } from './objectSections';
import type { ProgramUnit } from './programUnits';

const MAP_TYPE = { PROG_ARRAY: 3, ARRAY_OF_MAPS: 12, HASH_OF_MAPS: 13 } as const;
const BPF_PTR_SIZE = 8;

export interface SlotInputs {
  elf: ElfFile;
  sections: ObjectSections;
  btf: Btf | undefined;
  /** The DATASEC of `.maps`. */
  datasecId: number;
  maps: readonly MapDef[];
  units: readonly ProgramUnit[];
  report: ElfReport;
}

/** Byte offset of the `values` member in a map definition, or why libbpf refuses it. */
function valuesOffset(btf: Btf, varId: number): number | string {
  const v = btf.typeById(varId);
  const def = v?.kind === 'VAR' ? btf.resolveModifiers(v.type) : undefined;
  if (def?.kind !== 'STRUCT' || def.members.length === 0) return 'its definition has no members';
  const last = def.members[def.members.length - 1];
  if (last.name !== 'values') return `its last member is '${last.name}', not 'values'`;
  return Math.floor(last.bitOffset / 8);
}

interface Lookups {
  mapByName: Map<string, number>;
  programByName: Map<string, ProgramUnit>;
  /** `.maps` variables with their maps, sorted by offset. */
  vars: { offset: number; size: number; varId: number; map: MapDef }[];
}

function lookups(inputs: SlotInputs, vars: readonly { type: number; offset: number; size: number }[]): Lookups {
  const mapByName = new Map<string, number>();
  inputs.maps.forEach((m, i) => { if (!mapByName.has(m.name)) mapByName.set(m.name, i); });
  const programByName = new Map<string, ProgramUnit>();
  for (const u of inputs.units) if (!u.isSubprogram && !programByName.has(u.name)) programByName.set(u.name, u);
  const byOffset = new Map<number, MapDef>();
  for (const m of inputs.maps) if (m.kind === 'btf' && !byOffset.has(m.sectionOffset)) byOffset.set(m.sectionOffset, m);
  const withMaps = vars.flatMap((v) => {
    const map = byOffset.get(v.offset);
    return map ? [{ offset: v.offset, size: v.size, varId: v.type, map }] : [];
  });
  withMaps.sort((a, b) => a.offset - b.offset);
  return { mapByName, programByName, vars: withMaps };
}

/** The variable whose bytes hold `[offset, offset + 8)`: the last one starting at or before it. */
function varAt(vars: Lookups['vars'], offset: number): Lookups['vars'][number] | undefined {
  let lo = 0;
  let hi = vars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (vars[mid].offset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const v = vars[found];
  return v && offset + BPF_PTR_SIZE <= v.offset + v.size ? v : undefined;
}

/** The initialised slot a relocation fills, or why libbpf refuses it. */
function slotTarget(inputs: SlotInputs, look: Lookups, map: MapDef, symName: string, symSection: number, symValue: number): InitSlot | string {
  if (map.typeId === MAP_TYPE.ARRAY_OF_MAPS || map.typeId === MAP_TYPE.HASH_OF_MAPS) {
    if (symSection !== inputs.sections.btfMaps?.index) return `'${symName}' isn't a BTF-defined map`;
    if (map.typeId === MAP_TYPE.HASH_OF_MAPS && map.keySize !== 4) return `hash-of-maps '${map.name}' should have key size 4`;
    const mapIndex = look.mapByName.get(symName);
    if (mapIndex === undefined) return `'${symName}' isn't a valid map reference`;
    return { kind: 'map', name: symName, mapIndex };
  }
  if (map.typeId === MAP_TYPE.PROG_ARRAY) {
    const prog = look.programByName.get(symName);
    if (!prog) return `'${symName}' isn't a valid program reference`;
    if (prog.sectionIndex !== symSection || prog.insnOffset * 8 !== symValue) return `'${symName}' isn't an entry-point program`;
    return { kind: 'program', name: symName };
  }
  return `map '${map.name}' is neither a map-in-map nor a prog array`;
}

/** Fills `initSlots` of the `.maps` maps from the relocations of `.maps`. */
export function collectMapSlots(inputs: SlotInputs): void {
  const { elf, sections, btf, report } = inputs;
  const datasec = btf?.typeOfKind(inputs.datasecId, 'DATASEC');
  if (!btf || !datasec) return; // already reported: no map definitions could be read
  const look = lookups(inputs, datasec.vars);
  const bySection = new Map(elf.relocSections.map((r) => [r.sectionIndex, r]));
  for (const relIndex of sections.mapsRelocs) {
    const rs = bySection.get(relIndex);
    rs?.relocs.forEach((r, n) => {
      const where = `.maps relocation #${n} (section ${sectionLabel(elf.sections[relIndex])}, offset ${hex(r.offset)})`;
      const sym = r.symbol;
      if (!sym) return report.error('loader/bad-maps-reloc', `${where}: symbol ${r.symbolIndex} not found`);
      const vi = varAt(look.vars, r.offset);
      if (!vi) return report.error('loader/bad-maps-reloc', `${where}: cannot find map '${sym.name}' at that offset`);
      const map = vi.map;
      const moff = valuesOffset(btf, vi.varId);
      if (typeof moff === 'string') return report.error('loader/bad-maps-reloc', `${where}: map '${map.name}': ${moff}`);
      const rel = r.offset - vi.offset - moff;
      if (rel < 0 || rel % BPF_PTR_SIZE !== 0) {
        return report.error('loader/bad-maps-reloc', `${where}: map '${map.name}': the pointer is not a slot of 'values'`);
      }
      const target = slotTarget(inputs, look, map, sym.name, sym.sectionIndex, sym.value);
      if (typeof target === 'string') return report.error('loader/bad-maps-reloc', `${where}: ${target}`);
      const slot = rel / BPF_PTR_SIZE;
      if (slot >= map.maxEntries) {
        return report.error('loader/bad-maps-reloc', `${where}: map '${map.name}': slot ${slot} is past its ${map.maxEntries} entries`);
      }
      map.initSlots ??= [];
      while (map.initSlots.length < slot) map.initSlots.push(undefined);
      map.initSlots[slot] = target;
    });
  }
}
