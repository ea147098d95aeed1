// The maps of one loaded object, built for running: every loader map
// definition becomes an emulated map (global data sections are one-element
// arrays holding their initial bytes), prog-array and map-in-map slots that
// `.values` initialises are filled as libbpf fills them, and user-given
// contents are applied before the run. Maps live across runs (packets) as
// kernel maps do. Pure; imports the map layer and loader types only.

import type { Diagnostic, WithDiagnostics } from '../../diagnostics';
import type { LoadedObject, MapDef as ElfMapDef } from '../../elf/loadedObject';
import { MapRegistry, type BpfMap, type MapDef, type MapEnv } from '../maps';
import { isEmulatedType } from '../maps/mapTypes';
import { ProgArrayMap } from '../maps/progArray';
import { ArrayOfMaps, HashOfMaps } from '../maps/mapInMap';
import { keyOfIndex } from '../maps/arrayMap';

/** The map layer's definition for a loader definition, or why it cannot be emulated. */
export function toMapDef(def: ElfMapDef): MapDef | string {
  if (!isEmulatedType(def.type)) return `map '${def.name}': type ${def.type} is not emulated`;
  const inner = def.inner ? toMapDef(def.inner) : undefined;
  if (typeof inner === 'string') return inner;
  return {
    type: def.type, keySize: def.keySize, valueSize: def.valueSize, maxEntries: def.maxEntries,
    flags: def.flags, mapExtra: def.mapExtra === undefined ? undefined : Number(def.mapExtra & 0xffffffffn),
    name: def.name, innerMap: inner,
  };
}

export class RunMaps {
  /** By the loader's map index; undefined where the map could not be built. */
  readonly maps: (BpfMap | undefined)[] = [];
  readonly registry: MapRegistry;

  private constructor(readonly defs: readonly ElfMapDef[], env: MapEnv) {
    this.registry = new MapRegistry(env);
  }

  /**
   * Builds every map of `object`. `programId(name)` gives the id a program
   * has for prog-array slots (the runner numbers programs).
   */
  static build(object: LoadedObject, env: MapEnv, programId: (name: string) => number | undefined): WithDiagnostics<RunMaps> {
    const run = new RunMaps(object.maps, env);
    const diagnostics: Diagnostic[] = [];
    for (const def of object.maps) {
      const mapDef = toMapDef(def);
      if (typeof mapDef === 'string') { run.maps.push(undefined); diagnostics.push(error('run/map-unsupported', mapDef)); continue; }
      const made = run.registry.create(mapDef);
      diagnostics.push(...made.diagnostics);
      run.maps.push(made.value);
      if (made.value && def.initialValue) made.value.sysUpdate(keyOfIndex(0), padded(def.initialValue, def.valueSize));
    }
    object.maps.forEach((def, i) => diagnostics.push(...run.fillInitSlots(def, run.maps[i], programId)));
    return { value: run, diagnostics };
  }

  /** The map a loader index names. */
  at(index: number): BpfMap | undefined {
    return this.maps[index];
  }

  byName(name: string): BpfMap | undefined {
    const i = this.defs.findIndex((d) => d.name === name || d.realName === name);
    return i < 0 ? undefined : this.maps[i];
  }

  /** True for maps programs may not write (.rodata, .kconfig). */
  readOnly(map: BpfMap): boolean {
    const i = this.maps.indexOf(map);
    return i >= 0 && this.defs[i].readOnly;
  }

  private fillInitSlots(def: ElfMapDef, map: BpfMap | undefined, programId: (name: string) => number | undefined): Diagnostic[] {
    const out: Diagnostic[] = [];
    def.initSlots?.forEach((slot, index) => {
      if (!slot || !map) return;
      const key = keyOfIndex(index);
      if (slot.kind === 'program') {
        const id = programId(slot.name);
        if (id === undefined || !(map instanceof ProgArrayMap)) out.push(error('run/init-slot', `map '${def.name}' slot ${index}: program '${slot.name}' is not in the object`));
        else map.set(index, id);
        return;
      }
      const inner = this.maps[slot.mapIndex];
      if (!inner) return;
      const err = map instanceof ArrayOfMaps ? map.set(index, inner) : map instanceof HashOfMaps ? map.setInner(key, inner) : -22;
      if (err !== 0) out.push(error('run/init-slot', `map '${def.name}' slot ${index}: inner map '${slot.name}' does not fit (error ${err})`));
    });
    return out;
  }
}

function padded(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length >= size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}

function error(code: string, message: string): Diagnostic {
  return { severity: 'error', code, message };
}
