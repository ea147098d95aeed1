// BPF_MAP_TYPE_BLOOM_FILTER (kernel/bpf/bloom_filter.c): keyless; push sets
// nr_hash_funcs bits (map_extra's low 4 bits, default 5) chosen by jhash of
// the value seeded with hash_seed + i, peek tests them. The bit array size is
// the kernel's (max_entries * k * 7/5, a power of 2, at least 64), and the
// seed is 0 under BPF_F_ZERO_SEED, so false positives are the kernel's too.
// There is nothing to delete, pop or iterate. Pure.

import { BpfMap, flagBits, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { EFAULT, EINVAL, EOPNOTSUPP, ENOENT } from './errno';
import { hashSeed } from './hashSupport';
import { mapHash } from './jhash';
import { BPF_ANY, type MapDef, type MapEnv } from './mapDef';

/** The kernel's bitset_mask for max_entries elements and k hash functions. */
export function bloomBitsetMask(maxEntries: number, nrHashFuncs: number): number {
  const nrBits = maxEntries * nrHashFuncs;
  if (nrBits > 0xffffffff) return 0xffffffff;
  const scaled = Math.floor(nrBits / 5) * 7;
  if (scaled > 0xffffffff || scaled > 2 ** 31) return 0xffffffff;
  let bits = 64;
  while (bits < scaled) bits *= 2;
  return bits - 1;
}

export class BloomFilter extends BpfMap {
  readonly nrHashFuncs: number;
  readonly bitsetMask: number;
  readonly seed: number;
  /** Bit h is bit (h & 7) of byte h >> 3 (the kernel's unsigned longs, little-endian). */
  readonly bitset: Uint8Array;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.nrHashFuncs = (def.mapExtra ?? 0) & 0xf || 5;
    this.bitsetMask = bloomBitsetMask(def.maxEntries, this.nrHashFuncs);
    this.seed = hashSeed(def, env);
    this.bitset = new Uint8Array(Math.ceil((this.bitsetMask + 1) / 64) * 8);
  }

  private bitOf(value: Uint8Array, index: number): number {
    return (mapHash(value.subarray(0, this.valueSize), (this.seed + index) >>> 0) & this.bitsetMask) >>> 0;
  }

  override push(value: Uint8Array, flags: Flags = 0): number {
    if (flagBits(flags) !== BigInt(BPF_ANY)) return -EINVAL;
    for (let i = 0; i < this.nrHashFuncs; i++) {
      const h = this.bitOf(value, i);
      this.bitset[h >>> 3] |= 1 << (h & 7);
    }
    return 0;
  }

  /** 0 when every bit of `value` is set (maybe present), -ENOENT when one is clear (surely absent). */
  override peek(value: Uint8Array): number {
    for (let i = 0; i < this.nrHashFuncs; i++) {
      const h = this.bitOf(value, i);
      if (!(this.bitset[h >>> 3] & (1 << (h & 7)))) return -ENOENT;
    }
    return 0;
  }

  override pop(_out: Uint8Array, _cpu = 0): number {
    return -EOPNOTSUPP;
  }

  override delete(_key: Uint8Array, _cpu = 0): number {
    return -EOPNOTSUPP;
  }

  override getNextKey(_key: Uint8Array | null): NextKeyResult {
    return { err: -EOPNOTSUPP };
  }

  /** How many bits are set (for the debugger). */
  get bitsSet(): number {
    let n = 0;
    for (const byte of this.bitset) for (let b = byte; b; b &= b - 1) n++;
    return n;
  }

  /**
   * BPF_MAP_LOOKUP_ELEM on a bloom filter passes the value to test (the key
   * is empty), so here the first argument is that value.
   */
  override sysLookup(value: Uint8Array | null, flags: Flags = 0): LookupResult {
    if (flagBits(flags) !== 0n) return { err: -EINVAL }; // no BPF_F_LOCK: a bloom filter has no spin lock
    if (!value || value.length < this.valueSize) return { err: -EFAULT };
    const err = this.peek(value);
    return err ? { err } : { err: 0, value: value.slice(0, this.valueSize) };
  }

  protected override updateFromUser(_key: Uint8Array, value: Uint8Array, flags: Flags): number {
    return this.push(value, flags);
  }

  override entries(): MapEntry[] {
    return [];
  }
}
