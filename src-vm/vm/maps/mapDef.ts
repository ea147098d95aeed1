// A map's definition (what BPF_MAP_CREATE receives) and its validation with
// the kernel's answers: each rule is one of the kernel's creation checks, in
// the kernel's order, with its errno and a sentence saying what is wrong.
// Also the update/creation flag constants. Pure; imports only maps data.

import type { BpfMap } from './bpfMap';
import { E2BIG, EBADF, EINVAL, ENOMEM, ENOTSUPP } from './errno';
import type { MapTypeName } from './mapTypes';

/** Update flags (bpf_map_update_elem). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** Creation flags (map_flags). */
export const MAP_F = {
  NO_PREALLOC: 1 << 0,
  NO_COMMON_LRU: 1 << 1,
  NUMA_NODE: 1 << 2,
  RDONLY: 1 << 3,
  WRONLY: 1 << 4,
  STACK_BUILD_ID: 1 << 5,
  ZERO_SEED: 1 << 6,
  RDONLY_PROG: 1 << 7,
  WRONLY_PROG: 1 << 8,
  CLONE: 1 << 9,
  MMAPABLE: 1 << 10,
  PRESERVE_ELEMS: 1 << 11,
  INNER_MAP: 1 << 12,
} as const;

const ACCESS_MASK = MAP_F.RDONLY | MAP_F.RDONLY_PROG | MAP_F.WRONLY | MAP_F.WRONLY_PROG;
const ARRAY_FLAGS = MAP_F.NUMA_NODE | MAP_F.MMAPABLE | ACCESS_MASK | MAP_F.PRESERVE_ELEMS | MAP_F.INNER_MAP;
const HTAB_FLAGS = MAP_F.NO_PREALLOC | MAP_F.NO_COMMON_LRU | MAP_F.NUMA_NODE | ACCESS_MASK | MAP_F.ZERO_SEED;
const LPM_FLAGS = MAP_F.NO_PREALLOC | MAP_F.NUMA_NODE | ACCESS_MASK;
const QUEUE_FLAGS = MAP_F.NUMA_NODE | ACCESS_MASK;
const BLOOM_FLAGS = MAP_F.NUMA_NODE | MAP_F.ZERO_SEED | ACCESS_MASK;
const DEV_FLAGS = MAP_F.NUMA_NODE | MAP_F.RDONLY | MAP_F.WRONLY;

export const PAGE_SIZE = 4096;
/** PCPU_MIN_UNIT_SIZE: the largest per-CPU value (rounded up to 8). */
const PCPU_MIN_UNIT_SIZE = 32 << 10;
/** KMALLOC_MAX_SIZE on x86-64 (SLUB, 4 KiB pages). */
export const KMALLOC_MAX_SIZE = 4 << 20;
/** sizeof(struct htab_elem) before the key. */
const HTAB_ELEM_HEADER = 48;
const LPM_DATA_SIZE_MIN = 1;
const LPM_DATA_SIZE_MAX = 256;
const MAX_BPF_STACK = 512;
/** NR_CPUS of the distribution kernels (cpumap's max_entries limit). */
const NR_CPUS = 8192;
/** Our own limit: definitions whose storage would exceed this are refused with ENOMEM. */
export const MAX_EMULATED_BYTES = 256 << 20;

export interface MapDef {
  type: MapTypeName;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags (MAP_F.*); 0 when absent. */
  flags?: number;
  /** map_extra: the bloom filter's number of hash functions (low 4 bits). */
  mapExtra?: number;
  name?: string;
  /** array_of_maps / hash_of_maps: the inner map template (inner_map_fd). */
  innerMap?: MapDef;
  /** Offset of a `struct bpf_spin_lock` in the value, when BTF says there is one (enables BPF_F_LOCK). */
  spinLockOffset?: number;
}

/** What the emulated machine looks like to maps. */
export interface MapEnv {
  /** num_possible_cpus(): per-CPU values and LRU lists come in this many copies. */
  nCpus: number;
  /** A u32 random source for hash seeds of maps without BPF_F_ZERO_SEED (default: a fixed xorshift). */
  random?: () => number;
  /** Interface indexes that exist (devmap updates must name one); default: every ifindex exists. */
  ifindexes?: ReadonlySet<number>;
  /**
   * We have no file descriptors: where user space writes an fd into a map of
   * maps, the u32 is a map id, resolved here (unknown ids are -EBADF).
   */
  mapById?: (id: number) => BpfMap | undefined;
  /** Likewise for prog_array, devmap and cpumap values: does program id `id` exist? Default: yes. */
  programExists?: (id: number) => boolean;
}

export interface MapDefProblem {
  /** The positive errno BPF_MAP_CREATE fails with. */
  errno: number;
  message: string;
}

/** A definition with its optional numbers filled in. */
type NormDef = MapDef & { flags: number; mapExtra: number };

interface Rule {
  bad: (d: NormDef, env: MapEnv) => boolean;
  errno: number;
  message: (d: NormDef) => string;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
const round8 = (n: number): number => Math.ceil(n / 8) * 8;
const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function flagsRule(mask: number, what: string): Rule {
  return {
    bad: (d) => (d.flags & ~mask) !== 0,
    errno: EINVAL,
    message: (d) => `${what} maps do not accept map_flags ${hex(d.flags & ~mask)} (allowed: ${hex(mask)})`,
  };
}

const accessRule: Rule = {
  bad: (d) => (d.flags & (MAP_F.RDONLY_PROG | MAP_F.WRONLY_PROG)) === (MAP_F.RDONLY_PROG | MAP_F.WRONLY_PROG),
  errno: EINVAL,
  message: () => 'BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other',
};

function need(bad: Rule['bad'], errno: number, message: Rule['message']): Rule {
  return { bad, errno, message };
}

const nonZeroEntries = need((d) => d.maxEntries === 0, EINVAL, (d) => `${d.type} maps need max_entries > 0`);
const nonZeroValue = need((d) => d.valueSize === 0, EINVAL, (d) => `${d.type} maps need value_size > 0`);
const keyFour = need((d) => d.keySize !== 4, EINVAL, (d) => `${d.type} maps need key_size 4 (got ${d.keySize})`);
const keyZero = need((d) => d.keySize !== 0, EINVAL, (d) => `${d.type} maps have no key: key_size must be 0 (got ${d.keySize})`);
const valueFour = need((d) => d.valueSize !== 4, EINVAL, (d) => `${d.type} maps hold a file descriptor: value_size must be 4 (got ${d.valueSize})`);

const ARRAY_RULES: Rule[] = [
  nonZeroEntries, keyFour, nonZeroValue, flagsRule(ARRAY_FLAGS, 'array'), accessRule,
  need((d) => d.type !== 'array' && (d.flags & (MAP_F.MMAPABLE | MAP_F.INNER_MAP)) !== 0, EINVAL,
    (d) => `BPF_F_MMAPABLE and BPF_F_INNER_MAP are for plain array maps, not ${d.type}`),
  need((d) => d.type !== 'perf_event_array' && (d.flags & MAP_F.PRESERVE_ELEMS) !== 0, EINVAL,
    () => 'BPF_F_PRESERVE_ELEMS is only for perf_event_array maps'),
  need((d) => d.valueSize > 0x7fffffff, E2BIG, (d) => `value_size ${d.valueSize} is larger than INT_MAX`),
  need((d) => d.type === 'percpu_array' && round8(d.valueSize) > PCPU_MIN_UNIT_SIZE, E2BIG,
    (d) => `per-CPU values are limited to ${PCPU_MIN_UNIT_SIZE} bytes (value_size ${d.valueSize})`),
];

const FD_ARRAY_RULES: Rule[] = [
  valueFour,
  need((d) => (d.flags & (MAP_F.RDONLY_PROG | MAP_F.WRONLY_PROG)) !== 0, EINVAL,
    (d) => `${d.type} maps do not accept BPF_F_RDONLY_PROG or BPF_F_WRONLY_PROG`),
  ...ARRAY_RULES,
];

const HASH_RULES: Rule[] = [
  flagsRule(HTAB_FLAGS, 'hash'), accessRule,
  need((d) => !d.type.startsWith('lru') && (d.flags & MAP_F.NO_COMMON_LRU) !== 0, EINVAL,
    (d) => `BPF_F_NO_COMMON_LRU is only for LRU hash maps, not ${d.type}`),
  need((d) => d.type.startsWith('lru') && (d.flags & MAP_F.NO_PREALLOC) !== 0, ENOTSUPP,
    (d) => `${d.type} maps are always preallocated: BPF_F_NO_PREALLOC is not supported`),
  nonZeroEntries,
  need((d) => d.keySize === 0, EINVAL, (d) => `${d.type} maps need key_size > 0`),
  nonZeroValue,
  need((d) => d.keySize + d.valueSize >= KMALLOC_MAX_SIZE - HTAB_ELEM_HEADER, E2BIG,
    (d) => `key_size + value_size (${d.keySize + d.valueSize}) is too large for one hash element`),
  need((d) => d.type.includes('percpu') && round8(d.valueSize) > PCPU_MIN_UNIT_SIZE, E2BIG,
    (d) => `per-CPU values are limited to ${PCPU_MIN_UNIT_SIZE} bytes (value_size ${d.valueSize})`),
  need((d, env) => lruRoundedEntries(d, env) > 2 ** 31, E2BIG, (d) => `max_entries ${d.maxEntries} is larger than 2^31`),
];

const LPM_RULES: Rule[] = [
  nonZeroEntries,
  need((d) => (d.flags & MAP_F.NO_PREALLOC) === 0, EINVAL, () => 'lpm_trie maps must be created with BPF_F_NO_PREALLOC (flags 0x1)'),
  flagsRule(LPM_FLAGS, 'lpm_trie'), accessRule,
  need((d) => d.keySize < 4 + LPM_DATA_SIZE_MIN || d.keySize > 4 + LPM_DATA_SIZE_MAX, EINVAL,
    (d) => `lpm_trie keys are a 4-byte prefix length and 1 to 256 data bytes: key_size must be 5..260 (got ${d.keySize})`),
  need((d) => d.valueSize < 1 || d.valueSize > KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - 40, EINVAL,
    (d) => `lpm_trie value_size ${d.valueSize} is out of range`),
];

const QUEUE_RULES: Rule[] = [
  nonZeroEntries, keyZero, nonZeroValue, flagsRule(QUEUE_FLAGS, 'queue/stack'), accessRule,
  need((d) => d.valueSize > KMALLOC_MAX_SIZE, E2BIG, (d) => `value_size ${d.valueSize} is larger than KMALLOC_MAX_SIZE`),
  need((d) => d.maxEntries >= Math.floor(0xffffffff / d.valueSize), E2BIG, () => 'max_entries * value_size overflows 32 bits'),
];

const BLOOM_RULES: Rule[] = [
  need((d) => d.valueSize > KMALLOC_MAX_SIZE, E2BIG, (d) => `value_size ${d.valueSize} is larger than KMALLOC_MAX_SIZE`),
  keyZero, nonZeroValue, nonZeroEntries, flagsRule(BLOOM_FLAGS, 'bloom_filter'), accessRule,
  need((d) => (d.mapExtra & ~0xf) !== 0, EINVAL, (d) => `bloom_filter map_extra ${d.mapExtra} is not a hash-function count 0..15`),
];

const RINGBUF_RULES: Rule[] = [
  flagsRule(MAP_F.NUMA_NODE, 'ringbuf'),
  need((d) => d.keySize !== 0 || d.valueSize !== 0, EINVAL, () => 'ringbuf maps have no key or value: key_size and value_size must be 0'),
  need((d) => !isPow2(d.maxEntries) || d.maxEntries % PAGE_SIZE !== 0, EINVAL,
    (d) => `ringbuf max_entries (${d.maxEntries}) must be a power of 2 and a multiple of the page size (${PAGE_SIZE})`),
];

const DEVMAP_RULES: Rule[] = [
  nonZeroEntries, keyFour,
  need((d) => d.valueSize !== 4 && d.valueSize !== 8, EINVAL, (d) => `${d.type} values are an ifindex (4 bytes) or ifindex + program fd (8 bytes), not ${d.valueSize}`),
  flagsRule(DEV_FLAGS, 'devmap'),
  need((d) => d.type === 'devmap_hash' && d.maxEntries > 2 ** 31, EINVAL, (d) => `max_entries ${d.maxEntries} is larger than 2^31`),
];

const CPUMAP_RULES: Rule[] = [
  nonZeroEntries, keyFour,
  need((d) => d.valueSize !== 4 && d.valueSize !== 8, EINVAL, (d) => `cpumap values are a queue size (4 bytes) or queue size + program fd (8 bytes), not ${d.valueSize}`),
  flagsRule(MAP_F.NUMA_NODE, 'cpumap'),
  need((d) => d.maxEntries > NR_CPUS, E2BIG, (d) => `cpumap max_entries ${d.maxEntries} is larger than NR_CPUS (${NR_CPUS})`),
];

const XSKMAP_RULES: Rule[] = [nonZeroEntries, keyFour, valueFour, flagsRule(DEV_FLAGS, 'xskmap')];

const SOCK_VALUE = need((d) => d.valueSize !== 4 && d.valueSize !== 8, EINVAL, (d) => `${d.type} values are a socket fd (4 or 8 bytes), not ${d.valueSize}`);
const SOCKMAP_RULES: Rule[] = [nonZeroEntries, keyFour, SOCK_VALUE, flagsRule(DEV_FLAGS, 'sockmap')];
const SOCKHASH_RULES: Rule[] = [
  nonZeroEntries, need((d) => d.keySize === 0, EINVAL, () => 'sockhash maps need key_size > 0'), SOCK_VALUE, flagsRule(DEV_FLAGS, 'sockhash'),
  need((d) => d.keySize > MAX_BPF_STACK, E2BIG, (d) => `sockhash key_size ${d.keySize} is larger than the BPF stack (${MAX_BPF_STACK})`),
];

const INNER_RULES: Rule[] = [
  need((d) => d.innerMap === undefined, EBADF, (d) => `${d.type} maps need an inner map template (inner_map_fd)`),
  need((d) => d.innerMap?.type === 'array_of_maps' || d.innerMap?.type === 'hash_of_maps', EINVAL,
    () => 'maps of maps cannot nest: the inner map is itself a map of maps'),
];

const RULES: Record<MapTypeName, Rule[]> = {
  array: ARRAY_RULES, percpu_array: ARRAY_RULES,
  prog_array: FD_ARRAY_RULES, perf_event_array: FD_ARRAY_RULES, array_of_maps: [...FD_ARRAY_RULES, ...INNER_RULES],
  hash: HASH_RULES, percpu_hash: HASH_RULES, lru_hash: HASH_RULES, lru_percpu_hash: HASH_RULES,
  hash_of_maps: [valueFour, ...HASH_RULES, ...INNER_RULES],
  lpm_trie: LPM_RULES, queue: QUEUE_RULES, stack: QUEUE_RULES, bloom_filter: BLOOM_RULES, ringbuf: RINGBUF_RULES,
  devmap: DEVMAP_RULES, devmap_hash: DEVMAP_RULES, cpumap: CPUMAP_RULES, xskmap: XSKMAP_RULES,
  sockmap: SOCKMAP_RULES, sockhash: SOCKHASH_RULES,
};

/** max_entries after BPF_F_NO_COMMON_LRU rounds it to a multiple of the CPU count (as htab_map_alloc does). */
export function lruRoundedEntries(def: MapDef, env: MapEnv): number {
  if (((def.flags ?? 0) & MAP_F.NO_COMMON_LRU) === 0) return def.maxEntries;
  const up = Math.ceil(def.maxEntries / env.nCpus) * env.nCpus;
  return up > 0xffffffff ? Math.floor(def.maxEntries / env.nCpus) * env.nCpus : up;
}

const GENERIC_RULES: Rule[] = [
  need((d) => d.type !== 'bloom_filter' && d.mapExtra !== 0, EINVAL, (d) => `map_extra must be 0 for ${d.type} maps`),
  need((d) => (d.flags & (MAP_F.RDONLY | MAP_F.WRONLY)) === (MAP_F.RDONLY | MAP_F.WRONLY), EINVAL,
    () => 'BPF_F_RDONLY and BPF_F_WRONLY exclude each other'),
];

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/**
 * Every reason BPF_MAP_CREATE would refuse `def`, in the order the kernel
 * checks them: the first problem's errno is what the kernel returns.
 * Empty when the definition is good.
 */
export function checkMapDef(def: MapDef, env: MapEnv): MapDefProblem[] {
  const fields = ['keySize', 'valueSize', 'maxEntries'] as const;
  const problems: MapDefProblem[] = fields
    .filter((f) => !isU32(def[f]))
    .map((f) => ({ errno: EINVAL, message: `${f} must be an integer 0..2^32-1 (got ${def[f]})` }));
  if (problems.length > 0) return problems;
  const d = { ...def, flags: (def.flags ?? 0) >>> 0, mapExtra: def.mapExtra ?? 0 };
  for (const rule of [...GENERIC_RULES, ...RULES[def.type]]) {
    if (rule.bad(d, env)) problems.push({ errno: rule.errno, message: rule.message(d) });
  }
  if (def.innerMap && (def.type === 'array_of_maps' || def.type === 'hash_of_maps')) {
    for (const p of checkMapDef(def.innerMap, env)) problems.push({ errno: p.errno, message: `inner map: ${p.message}` });
  }
  if (problems.length === 0 && storageBytes(def, env) > MAX_EMULATED_BYTES) {
    problems.push({ errno: ENOMEM, message: `this map would need ${storageBytes(def, env)} bytes, more than the emulator allows (${MAX_EMULATED_BYTES})` });
  }
  return problems;
}

/** Roughly the bytes the emulation preallocates for `def`. */
export function storageBytes(def: MapDef, env: MapEnv): number {
  const perValue = round8(def.valueSize) * (def.type.includes('percpu') ? env.nCpus : 1);
  switch (def.type) {
    case 'ringbuf': return 2 * def.maxEntries;
    case 'bloom_filter': return def.maxEntries * 16;
    case 'queue': case 'stack': return (def.maxEntries + 1) * def.valueSize;
    default: return def.maxEntries * (perValue + round8(def.keySize));
  }
}
