// The BPF_MAP_TYPE_* ids of include/uapi/linux/bpf.h as data: id, the name
// bpftool and libbpf use, and whether we emulate it. Lookups by id and name.
// Pure data; imports nothing.

export interface MapTypeInfo {
  id: number;
  /** Lower-case name without the prefix, as bpftool spells it (`lru_percpu_hash`). */
  name: string;
  /** True when src-vm/vm/maps emulates the type. */
  emulated: boolean;
}

const ROWS: readonly [number, string, boolean][] = [
  [0, 'unspec', false],
  [1, 'hash', true],
  [2, 'array', true],
  [3, 'prog_array', true],
  [4, 'perf_event_array', true],
  [5, 'percpu_hash', true],
  [6, 'percpu_array', true],
  [7, 'stack_trace', false],
  [8, 'cgroup_array', false],
  [9, 'lru_hash', true],
  [10, 'lru_percpu_hash', true],
  [11, 'lpm_trie', true],
  [12, 'array_of_maps', true],
  [13, 'hash_of_maps', true],
  [14, 'devmap', true],
  [15, 'sockmap', true],
  [16, 'cpumap', true],
  [17, 'xskmap', true],
  [18, 'sockhash', true],
  [19, 'cgroup_storage', false],
  [20, 'reuseport_sockarray', false],
  [21, 'percpu_cgroup_storage', false],
  [22, 'queue', true],
  [23, 'stack', true],
  [24, 'sk_storage', false],
  [25, 'devmap_hash', true],
  [26, 'struct_ops', false],
  [27, 'ringbuf', true],
  [28, 'inode_storage', false],
  [29, 'task_storage', false],
  [30, 'bloom_filter', true],
  [31, 'user_ringbuf', false],
  [32, 'cgrp_storage', false],
  [33, 'arena', false],
];

export const MAP_TYPES: readonly MapTypeInfo[] = ROWS.map(([id, name, emulated]) => ({ id, name, emulated }));

/** Every map type name we emulate, as a union. */
export type MapTypeName =
  | 'hash' | 'array' | 'prog_array' | 'perf_event_array' | 'percpu_hash' | 'percpu_array'
  | 'lru_hash' | 'lru_percpu_hash' | 'lpm_trie' | 'array_of_maps' | 'hash_of_maps'
  | 'devmap' | 'sockmap' | 'cpumap' | 'xskmap' | 'sockhash' | 'queue' | 'stack'
  | 'devmap_hash' | 'ringbuf' | 'bloom_filter';

export function mapTypeById(id: number): MapTypeInfo | undefined {
  return MAP_TYPES[id]?.id === id ? MAP_TYPES[id] : MAP_TYPES.find((t) => t.id === id);
}

/** Accepts `hash`, `HASH` and `BPF_MAP_TYPE_HASH`. */
export function mapTypeByName(name: string): MapTypeInfo | undefined {
  const bare = name.toLowerCase().replace(/^bpf_map_type_/, '');
  return MAP_TYPES.find((t) => t.name === bare);
}

/** `BPF_MAP_TYPE_LRU_HASH` for 9; `map type 99` for an unknown id. */
export function mapTypeKernelName(id: number): string {
  const info = mapTypeById(id);
  return info ? `BPF_MAP_TYPE_${info.name.toUpperCase()}` : `map type ${id}`;
}

export function isEmulatedType(name: string): name is MapTypeName {
  return mapTypeByName(name)?.emulated === true;
}

export const PERCPU_TYPES: ReadonlySet<MapTypeName> = new Set(['percpu_hash', 'percpu_array', 'lru_percpu_hash']);
