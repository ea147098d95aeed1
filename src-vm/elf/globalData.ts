// Global data as libbpf turns it into maps (bpf_object__init_internal_map):
// each non-empty .data/.rodata/.bss section (and .data.*/.rodata.*/.bss.*) is
// a one-element array whose value is the section, named by libbpf's
// internal_map_name rules; .rodata is read-only to programs, and a section
// with a non-static variable in its BTF DATASEC is mmapable. Pure.

import { sectionBytes, sectionLabel, type ElfFile } from './elf';
import type { ElfReport } from './elfReport';
import { MAP_F } from '../vm/maps/mapDef';
import { mapTypeName } from './mapTypeNames';
import type { MapDef, MapKind } from './loadedObject';
import type { ObjectSections } from './objectSections';

/** BPF_OBJ_NAME_LEN: kernel object names hold 15 characters and a NUL. */
export const OBJ_NAME_LEN = 16;
const ARRAY_MAP = 2;

/** What the global-data maps need from BTF: the DATASEC named like a section. */
export interface DatasecLookup {
  /** BTF id of the first type with this name (libbpf's btf__find_by_name), 0 when none. */
  typeIdByName(name: string): number;
  /** The DATASEC of this id has a VAR whose linkage is not static. */
  hasNonStaticVar(datasecId: number): boolean;
}

/**
 * libbpf's object name for a path: the file name, cut to 15 characters, up
 * to its first dot (`xdp_prog.bpf.o` -> `xdp_prog`).
 */
export function objectNameFromPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).slice(0, OBJ_NAME_LEN - 1);
  const dot = base.indexOf('.');
  return dot < 0 ? base : base.slice(0, dot);
}

/**
 * libbpf's internal_map_name: as much of the object name as fits before the
 * section name (of which at least 7 characters are kept), except for custom
 * `.data.x`/`.rodata.x` names (two dots), which stand alone; 15 characters
 * at most, and characters the kernel refuses become `_`.
 */
export function internalMapName(objectName: string, realName: string): string {
  const suffixLength = Math.min(Math.max(7, realName.length), OBJ_NAME_LEN - 1);
  const custom = realName.slice(1).includes('.');
  const prefixLength = custom ? 0 : Math.min(OBJ_NAME_LEN - suffixLength - 1, objectName.length);
  const name = objectName.slice(0, prefixLength) + realName.slice(0, suffixLength);
  return name.replace(/[^A-Za-z0-9_.]/g, '_');
}

/** An internal array map over `size` bytes (libbpf's bpf_object__init_internal_map), without its contents. */
export function internalMap(objectName: string, realName: string, kind: MapKind, sectionIndex: number,
  size: number, btf: DatasecLookup | undefined): MapDef {
  const valueTypeId = btf?.typeIdByName(realName) ?? 0;
  const readOnly = kind === 'rodata' || kind === 'kconfig';
  let flags = readOnly ? MAP_F.RDONLY_PROG : 0;
  if (valueTypeId !== 0 && btf?.hasNonStaticVar(valueTypeId)) flags |= MAP_F.MMAPABLE;
  return {
    name: internalMapName(objectName, realName), realName, kind,
    type: mapTypeName(ARRAY_MAP), typeId: ARRAY_MAP, keySize: 4, valueSize: size, maxEntries: 1,
    flags, numaNode: 0, sectionIndex, sectionOffset: 0, keyTypeId: 0, valueTypeId,
    readOnly,
  };
}

/** Largest .bss whose zeros are materialised as an initial value; past it the value is left out. */
export const ZERO_FILL_LIMIT = 16 << 20;
/** The kernel refuses array values above INT_MAX bytes. */
const MAX_VALUE_SIZE = 0x7fff_ffff;

/** The global-data maps of an object, in section order. */
export function globalDataMaps(elf: ElfFile, sections: ObjectSections, objectName: string, btf: DatasecLookup | undefined,
  report: ElfReport): MapDef[] {
  return sections.data.map(({ section, kind }) => {
    if (section.size > MAX_VALUE_SIZE) {
      report.error('loader/data-too-large',
        `section ${sectionLabel(section)}: ${section.size} bytes of global data is more than the kernel allows in one map value (${MAX_VALUE_SIZE})`);
    }
    const zeros = kind === 'bss' && section.size <= ZERO_FILL_LIMIT ? new Uint8Array(section.size) : undefined;
    const value = kind === 'bss' ? zeros : sectionBytes(elf, section).slice();
    const map = internalMap(objectName, section.name, kind, section.index, section.size, btf);
    if (value) map.initialValue = value;
    return map;
  });
}
