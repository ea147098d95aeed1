// BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS
// (kernel/bpf/map_in_map.c, arraymap.c, hashtab.c): values are maps that
// match the inner-map template the outer map was created with (same type, key
// and value size, flags, and for arrays the same max_entries unless the
// template has BPF_F_INNER_MAP). User space writes a map id (our stand-in for
// an fd; unknown ids are -EBADF, mismatching maps -EINVAL) and reads the id
// back; a program's lookup yields the inner map itself. The hash flavour
// keeps the hash map's flags, order and limits. Pure.

import { u32Key } from './arrayMap';
import { BpfMap, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { EBADF, EINVAL } from './errno';
import { FdArrayMap, u32Bytes } from './fdArray';
import { HashMap } from './hashMap';
import { MAP_F, type MapDef, type MapEnv } from './mapDef';

/** bpf_map_meta_equal (and array_map_meta_equal for array templates). */
export function innerMapFits(template: MapDef, map: BpfMap): boolean {
  const same = template.type === map.type && template.keySize === map.keySize && template.valueSize === map.valueSize &&
    ((template.flags ?? 0) >>> 0) === map.flags && template.spinLockOffset === map.def.spinLockOffset;
  if (!same) return false;
  const isArray = template.type === 'array' || template.type === 'percpu_array';
  return !isArray || ((template.flags ?? 0) & MAP_F.INNER_MAP) !== 0 || template.maxEntries === map.maxEntries;
}

function resolveInner(def: MapDef, env: MapEnv, id: number): BpfMap | number {
  const inner = env.mapById?.(id);
  if (!inner) return -EBADF;
  return def.innerMap && innerMapFits(def.innerMap, inner) ? inner : -EINVAL;
}

export class ArrayOfMaps extends FdArrayMap<BpfMap> {
  /** A program's lookup: the inner map at `key`, or null. */
  lookupInner(key: Uint8Array): BpfMap | null {
    return this.at(u32Key(key));
  }

  protected override resolve(id: number): { obj: BpfMap } | { err: number } {
    const map = resolveInner(this.def, this.env, id);
    return typeof map === 'number' ? { err: map } : { obj: map };
  }

  protected override get sysLookupable(): boolean {
    return true;
  }

  protected override sysId(map: BpfMap): number {
    return map.id;
  }
}

export class HashOfMaps extends BpfMap {
  /** The table itself: a hash map whose values are inner map ids. */
  private readonly table: HashMap;
  private readonly inner = new Map<number, BpfMap>();

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.table = new HashMap({ ...def, type: 'hash', valueSize: 4, innerMap: undefined }, env);
  }

  lookupInner(key: Uint8Array): BpfMap | null {
    const id = this.table.lookup(key);
    return id ? this.inner.get(u32Key(id)) ?? null : null;
  }

  /** Puts `map` at `key` directly (the emulator's own setup), with the update's flags and errors. */
  setInner(key: Uint8Array, map: BpfMap, flags: Flags = 0): number {
    if (!this.def.innerMap || !innerMapFits(this.def.innerMap, map)) return -EINVAL;
    const err = this.table.update(key, u32Bytes(map.id), flags);
    if (err === 0) this.inner.set(map.id, map);
    return err;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    return this.updateFromUser(key, value, flags);
  }

  protected override updateFromUser(key: Uint8Array, value: Uint8Array, flags: Flags): number {
    const map = resolveInner(this.def, this.env, u32Key(value));
    return typeof map === 'number' ? map : this.setInner(key, map, flags);
  }

  override delete(key: Uint8Array): number {
    return this.table.delete(key);
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return this.table.getNextKey(key);
  }

  protected override copyOut(key: Uint8Array, cpu: number): LookupResult {
    return this.table.sysLookup(key, 0, cpu);
  }

  override entries(): MapEntry[] {
    return this.table.entries();
  }
}
