// The map layer's entry point: createMap(def) checks a definition as
// BPF_MAP_CREATE would and builds the emulation for its type; MapRegistry
// gives maps ids so maps of maps can name them. Re-exports what helpers, the
// loader and the debugger use. Pure; must not import the interpreter.

import type { Diagnostic, WithDiagnostics } from '../../diagnostics';
import { ArrayMap } from './arrayMap';
import type { BpfMap } from './bpfMap';
import { BloomFilter } from './bloomFilter';
import { EINVAL, errnoName } from './errno';
import { HashMap } from './hashMap';
import { LpmTrie } from './lpmTrie';
import { checkMapDef, type MapDef, type MapEnv } from './mapDef';
import { ArrayOfMaps, HashOfMaps } from './mapInMap';
import { isEmulatedType, mapTypeByName, mapTypeKernelName, type MapTypeName } from './mapTypes';
import { PerfEventArray } from './perfEventArray';
import { ProgArrayMap } from './progArray';
import { QueueStackMap } from './queueStack';
import { CpuMap, DevMap, DevMapHash, XskMap } from './redirectMaps';
import { RingBuf } from './ringbuf';
import { SockHash, SockMap } from './sockMaps';

export { ArrayMap, keyOfIndex, u32Key } from './arrayMap';
export { BpfMap, type ElementRef, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
export { BloomFilter } from './bloomFilter';
export * from './errno';
export { HashMap } from './hashMap';
export { jhash, jhash2 } from './jhash';
export { LpmTrie } from './lpmTrie';
export { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, MAP_F, checkMapDef, type MapDef, type MapDefProblem, type MapEnv } from './mapDef';
export { ArrayOfMaps, HashOfMaps, innerMapFits } from './mapInMap';
export { MAP_TYPES, mapTypeById, mapTypeByName, mapTypeKernelName, type MapTypeInfo, type MapTypeName } from './mapTypes';
export { BPF_F_CURRENT_CPU, PerfEventArray, type PerfEvent, type PerfSample } from './perfEventArray';
export { MAX_TAIL_CALL_CNT, ProgArrayMap } from './progArray';
export { QueueStackMap } from './queueStack';
export * from './redirectMaps';
export * from './ringbuf';
export { SockHash, SockMap } from './sockMaps';

type MapClass = new (def: MapDef, env: MapEnv) => BpfMap;

const CLASSES: Record<MapTypeName, MapClass> = {
  array: ArrayMap, percpu_array: ArrayMap,
  hash: HashMap, percpu_hash: HashMap, lru_hash: HashMap, lru_percpu_hash: HashMap,
  lpm_trie: LpmTrie, queue: QueueStackMap, stack: QueueStackMap, bloom_filter: BloomFilter, ringbuf: RingBuf,
  prog_array: ProgArrayMap, perf_event_array: PerfEventArray, array_of_maps: ArrayOfMaps, hash_of_maps: HashOfMaps,
  devmap: DevMap, devmap_hash: DevMapHash, cpumap: CpuMap, xskmap: XskMap, sockmap: SockMap, sockhash: SockHash,
};

export const DEFAULT_MAP_ENV: MapEnv = { nCpus: 1 };

export interface CreateMapResult extends WithDiagnostics<BpfMap | undefined> {
  /** 0, or the positive errno BPF_MAP_CREATE would fail with. */
  errno: number;
}

/** Builds the emulation of `def`, or says (every reason, kernel's first) why the kernel would refuse it. */
export function createMap(def: MapDef, env: MapEnv = DEFAULT_MAP_ENV): CreateMapResult {
  const where = def.name ? `map '${def.name}'` : 'map';
  if (!isEmulatedType(def.type)) {
    const message = `${where}: type ${String(def.type)} is not emulated`;
    return { value: undefined, errno: EINVAL, diagnostics: [{ severity: 'error', code: 'maps/unsupported-type', message }] };
  }
  const problems = checkMapDef(def, env);
  if (problems.length > 0) {
    const diagnostics: Diagnostic[] = problems.map((p, i) => ({
      severity: 'error',
      code: 'maps/bad-definition',
      message: `${where} (${mapTypeKernelName(mapTypeByName(def.type)?.id ?? -1)}): ${p.message}` +
        (i === 0 ? ` — the kernel refuses it with ${errnoName(p.errno)}` : ''),
    }));
    return { value: undefined, errno: problems[0].errno, diagnostics };
  }
  return { value: new CLASSES[def.type](def, env), errno: 0, diagnostics: [] };
}

/** A set of maps with ids (1, 2, …), so map-of-maps values and user-space tools can name them. */
export class MapRegistry {
  private readonly maps = new Map<number, BpfMap>();
  private nextId = 1;
  readonly env: MapEnv;

  constructor(env: MapEnv = DEFAULT_MAP_ENV) {
    this.env = { ...env, mapById: (id) => this.maps.get(id) };
  }

  create(def: MapDef): CreateMapResult {
    const made = createMap(def, this.env);
    if (made.value) {
      made.value.id = this.nextId++;
      this.maps.set(made.value.id, made.value);
    }
    return made;
  }

  get(id: number): BpfMap | undefined {
    return this.maps.get(id);
  }

  all(): BpfMap[] {
    return [...this.maps.values()];
  }
}
