// BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c):
// max_entries preallocated, zeroed values indexed by a u32 key; delete is
// -EINVAL, NOEXIST is -EEXIST, an index past the end is -E2BIG on update and
// absent on lookup. Values live in one map-owned buffer (one per CPU for the
// per-CPU type), each element an 8-byte-aligned slot, so a lookup hands out a
// stable view the interpreter can expose as memory. Global data sections are
// arrays with one element and initial contents. Pure.

import { BpfMap, copyValue, flagBits, round8, type ElementRef, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { E2BIG, EEXIST, EINVAL, ENOENT } from './errno';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, type MapDef, type MapEnv } from './mapDef';

export function u32Key(key: Uint8Array): number {
  return (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
}

export function keyOfIndex(index: number): Uint8Array {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setUint32(0, index, true);
  return key;
}

/** get_next_key of every index-keyed map (array, devmap, cpumap, xskmap, sockmap…). */
export function nextIndexKey(key: Uint8Array | null, maxEntries: number): NextKeyResult {
  const index = key ? u32Key(key) : 0xffffffff;
  if (index >= maxEntries) return { err: 0, key: keyOfIndex(0) };
  if (index === maxEntries - 1) return { err: -ENOENT };
  return { err: 0, key: keyOfIndex(index + 1) };
}

export class ArrayMap extends BpfMap {
  /** round_up(value_size, 8): the stride of the value slots. */
  readonly elemSize: number;
  /** One buffer for `array`, one per CPU for `percpu_array`. */
  private readonly data: Uint8Array[];
  private readonly views: Map<number, Uint8Array>[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.elemSize = round8(def.valueSize);
    const copies = this.percpu ? env.nCpus : 1;
    this.data = Array.from({ length: copies }, () => new Uint8Array(this.maxEntries * this.elemSize));
    this.views = Array.from({ length: copies }, () => new Map());
  }

  get percpu(): boolean {
    return this.type === 'percpu_array';
  }

  /** The value of element `index` (on `cpu` for per-CPU arrays): a stable view of value_size bytes. */
  valueView(index: number, cpu = 0): Uint8Array {
    const copy = this.percpu ? cpu : 0;
    let view = this.views[copy].get(index);
    if (!view) {
      view = this.data[copy].subarray(index * this.elemSize, index * this.elemSize + this.valueSize);
      this.views[copy].set(index, view);
    }
    return view;
  }

  /** Sets the initial contents of a global-data map (.data, .rodata, .bss): element 0 from `bytes`. */
  initialize(bytes: Uint8Array, index = 0): void {
    for (let c = 0; c < this.data.length; c++) this.valueView(index, c).set(bytes.subarray(0, this.valueSize));
  }

  /** For per-CPU arrays `cpu` picks the copy (bpf_map_lookup_percpu_elem); a CPU that does not exist gives null. */
  override lookup(key: Uint8Array, cpu = 0): Uint8Array | null {
    const index = u32Key(key);
    if (index >= this.maxEntries || (this.percpu && (cpu < 0 || cpu >= this.nCpus))) return null;
    return this.valueView(index, cpu);
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0, cpu = 0): number {
    const f = flagBits(flags);
    if ((f & ~BigInt(BPF_F_LOCK)) > BigInt(BPF_EXIST)) return -EINVAL;
    const index = u32Key(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (f & BigInt(BPF_NOEXIST)) return -EEXIST;
    if (f & BigInt(BPF_F_LOCK) && this.def.spinLockOffset === undefined) return -EINVAL;
    this.copyValueIn(this.valueView(index, cpu), value);
    return 0;
  }

  override delete(_key: Uint8Array, _cpu = 0): number {
    return -EINVAL;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  override get iterable(): boolean {
    return true;
  }

  override *elements(cpu = 0): Generator<ElementRef> {
    for (let i = 0; i < this.maxEntries; i++) yield { key: keyOfIndex(i), value: this.valueView(i, cpu) };
  }

  override get sysValueSize(): number {
    return this.percpu ? this.elemSize * this.nCpus : this.valueSize;
  }

  protected override copyOut(key: Uint8Array, _cpu: number): LookupResult {
    const index = u32Key(key);
    if (index >= this.maxEntries) return { err: -ENOENT };
    if (!this.percpu) return { err: 0, value: this.maskLock(this.valueView(index).slice()) };
    const out = new Uint8Array(this.sysValueSize);
    for (let c = 0; c < this.nCpus; c++) {
      out.set(this.data[c].subarray(index * this.elemSize, (index + 1) * this.elemSize), c * this.elemSize);
    }
    return { err: 0, value: out };
  }

  protected override updateFromUser(key: Uint8Array, value: Uint8Array, flags: Flags, cpu: number): number {
    if (!this.percpu) return this.update(key, value, flags, cpu);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const index = u32Key(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    // User space gives round_up(value_size, 8) bytes per CPU and all of them are stored.
    for (let c = 0; c < this.nCpus; c++) {
      const slot = this.data[c].subarray(index * this.elemSize, (index + 1) * this.elemSize);
      copyValue(slot, value.subarray(c * this.elemSize, (c + 1) * this.elemSize), this.elemSize, this.def.spinLockOffset);
    }
    return 0;
  }

  protected override entryOf(key: Uint8Array, value: Uint8Array): MapEntry {
    if (!this.percpu) return { key, value };
    const perCpu = Array.from({ length: this.nCpus }, (_, c) => value.slice(c * this.elemSize, c * this.elemSize + this.valueSize));
    return { key, value: perCpu[0], perCpu };
  }

  /** check_and_init_map_value: a copied-out value shows its spin lock as zero. */
  private maskLock(value: Uint8Array): Uint8Array {
    const at = this.def.spinLockOffset;
    if (at !== undefined) value.fill(0, at, at + 4);
    return value;
  }
}
