// The interface every emulated map implements, in two faces: the program side
// (what helpers call: lookup returns a live view of the value's bytes, update,
// delete, push/pop/peek, the elements for_each visits) and the user side (the
// bpf() syscall: copies in and out, per-CPU values for all CPUs, get_next_key).
// Answers are the kernel's: 0 or -errno. The base class holds the syscall
// layer's generic checks (kernel/bpf/syscall.c) and the kernel's answer for an
// operation a map type does not have. Pure; imports only maps modules.

import { EFAULT, EINVAL, ENOENT, ENOTSUPP, EOPNOTSUPP } from './errno';
import { BPF_F_LOCK, type MapDef, type MapEnv } from './mapDef';
import type { MapTypeName } from './mapTypes';

/** Update flags: a u64 in the kernel, so bigint is accepted as well. */
export type Flags = number | bigint;

/** A syscall lookup: err 0 and a copy of the value, or a negative errno. */
export interface LookupResult {
  err: number;
  value?: Uint8Array;
}

export interface NextKeyResult {
  err: number;
  key?: Uint8Array;
}

/** One element as the debugger lists it. */
export interface MapEntry {
  key: Uint8Array;
  /** The value (for per-CPU maps: CPU 0's copy). */
  value: Uint8Array;
  /** Per-CPU maps: every CPU's copy, in CPU order. */
  perCpu?: Uint8Array[];
}

/** What bpf_for_each_map_elem hands its callback: views of the element's key and value. */
export interface ElementRef {
  key: Uint8Array;
  value: Uint8Array;
}

export const round8 = (n: number): number => Math.ceil(n / 8) * 8;

export function flagBits(flags: Flags): bigint {
  return BigInt.asUintN(64, BigInt(flags));
}

/** Copies `n` bytes from `src` to `dst` but leaves the 4-byte spin lock at `lockOffset` alone (copy_map_value). */
export function copyValue(dst: Uint8Array, src: Uint8Array, n: number, lockOffset?: number): void {
  if (lockOffset === undefined) { dst.set(src.subarray(0, n)); return; }
  dst.set(src.subarray(0, lockOffset));
  dst.set(src.subarray(lockOffset + 4, n), lockOffset + 4);
}

export abstract class BpfMap {
  readonly type: MapTypeName;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly nCpus: number;
  readonly name: string;
  /** The map's id (what bpftool shows and map-of-maps values name); set by whoever registers the map. */
  id = 0;

  constructor(readonly def: MapDef, readonly env: MapEnv) {
    this.type = def.type;
    this.keySize = def.keySize;
    this.valueSize = def.valueSize;
    this.maxEntries = def.maxEntries;
    this.flags = (def.flags ?? 0) >>> 0;
    this.nCpus = env.nCpus;
    this.name = def.name ?? '';
  }

  // ---- program side (helpers) ----

  /** bpf_map_lookup_elem: a live view of the value (this CPU's copy for per-CPU maps), or null. */
  lookup(_key: Uint8Array, _cpu = 0): Uint8Array | null {
    return null;
  }

  /** bpf_map_update_elem from a program: `value` is value_size bytes (one CPU's copy). */
  update(_key: Uint8Array, _value: Uint8Array, _flags: Flags = 0, _cpu = 0): number {
    return -EINVAL;
  }

  delete(_key: Uint8Array, _cpu = 0): number {
    return -EINVAL;
  }

  /** bpf_map_push_elem (queue, stack, bloom filter). */
  push(_value: Uint8Array, _flags: Flags = 0, _cpu = 0): number {
    return -EOPNOTSUPP;
  }

  /** bpf_map_pop_elem: writes the value into `out` (zeroes on failure). */
  pop(_out: Uint8Array, _cpu = 0): number {
    return -EOPNOTSUPP;
  }

  /** bpf_map_peek_elem: queue/stack write into `value`; a bloom filter tests it. */
  peek(_value: Uint8Array, _cpu = 0): number {
    return -EOPNOTSUPP;
  }

  /** True for the types bpf_for_each_map_elem accepts. */
  get iterable(): boolean {
    return false;
  }

  /** The elements bpf_for_each_map_elem visits, in the kernel's order (a live generator: the callback may delete). */
  *elements(_cpu = 0): Generator<ElementRef> {
    // Types without for_each visit nothing (the verifier refuses the call).
  }

  // ---- user side (the bpf() syscall) ----

  /** Bytes a syscall value has: all CPUs' copies (8-byte aligned) for per-CPU maps. */
  get sysValueSize(): number {
    return this.valueSize;
  }

  /** BPF_MAP_LOOKUP_ELEM. */
  sysLookup(key: Uint8Array | null, flags: Flags = 0, cpu = 0): LookupResult {
    const f = flagBits(flags);
    if (f & ~BigInt(BPF_F_LOCK)) return { err: -EINVAL };
    if (f & BigInt(BPF_F_LOCK) && this.def.spinLockOffset === undefined) return { err: -EINVAL };
    const k = this.takeKey(key);
    if (k === undefined) return { err: -EFAULT };
    return this.copyOut(k, cpu);
  }

  /** BPF_MAP_UPDATE_ELEM: `value` is sysValueSize bytes. */
  sysUpdate(key: Uint8Array | null, value: Uint8Array, flags: Flags = 0, cpu = 0): number {
    if (flagBits(flags) & BigInt(BPF_F_LOCK) && this.def.spinLockOffset === undefined) return -EINVAL;
    const k = this.takeKey(key);
    if (k === undefined || value.length < this.sysValueSize) return -EFAULT;
    return this.updateFromUser(k, value.subarray(0, this.sysValueSize), flags, cpu);
  }

  /** BPF_MAP_DELETE_ELEM. */
  sysDelete(key: Uint8Array | null, cpu = 0): number {
    const k = this.takeKey(key);
    return k === undefined ? -EFAULT : this.delete(k, cpu);
  }

  /** BPF_MAP_LOOKUP_AND_DELETE_ELEM (queue/stack pop, hash lookup-and-delete). */
  sysLookupAndDelete(key: Uint8Array | null, flags: Flags = 0, cpu = 0): LookupResult {
    const f = flagBits(flags);
    if (f & ~BigInt(BPF_F_LOCK)) return { err: -EINVAL };
    if (f !== 0n && (this.type === 'queue' || this.type === 'stack')) return { err: -EINVAL };
    if (f & BigInt(BPF_F_LOCK) && this.def.spinLockOffset === undefined) return { err: -EINVAL };
    const k = this.takeKey(key);
    if (k === undefined) return { err: -EFAULT };
    return this.lookupAndDelete(k, cpu);
  }

  /** BPF_MAP_GET_NEXT_KEY: the key after `key`, or the first key when `key` is null or absent. */
  getNextKey(_key: Uint8Array | null): NextKeyResult {
    return { err: -EINVAL };
  }

  /** Every element in get_next_key order, copied — what `bpftool map dump` shows. */
  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    let key: Uint8Array | null = null;
    for (let guard = 0; guard <= this.maxEntries + 1; guard++) {
      const next = this.getNextKey(key);
      if (next.err !== 0 || !next.key) break;
      key = next.key;
      const got = this.sysLookup(key);
      if (got.err === 0 && got.value) out.push(this.entryOf(key, got.value));
    }
    return out;
  }

  // ---- hooks for the syscall layer ----

  /** bpf_map_copy_value: the value for a syscall lookup. */
  protected copyOut(key: Uint8Array, cpu: number): LookupResult {
    const view = this.lookupFromSyscall(key, cpu);
    if (typeof view === 'number') return { err: view };
    return view ? { err: 0, value: view.slice(0, this.valueSize) } : { err: -ENOENT };
  }

  /** map_lookup_elem_sys_only or map_lookup_elem: a view, null, or an error. */
  protected lookupFromSyscall(key: Uint8Array, cpu: number): Uint8Array | null | number {
    return this.lookup(key, cpu);
  }

  /** bpf_map_update_value: the type's update for a value that came from user space. */
  protected updateFromUser(key: Uint8Array, value: Uint8Array, flags: Flags, cpu: number): number {
    return this.update(key, value, flags, cpu);
  }

  protected lookupAndDelete(_key: Uint8Array, _cpu: number): LookupResult {
    return { err: -ENOTSUPP };
  }

  protected entryOf(key: Uint8Array, value: Uint8Array): MapEntry {
    return { key, value };
  }

  /** Exactly key_size bytes of `key` (a copy), or undefined when too short (the kernel's copy would fault). */
  protected takeKey(key: Uint8Array | null): Uint8Array | undefined {
    if (this.keySize === 0) return new Uint8Array(0);
    if (!key || key.length < this.keySize) return undefined;
    return key.slice(0, this.keySize);
  }

  protected copyValueIn(dst: Uint8Array, src: Uint8Array, n = this.valueSize): void {
    copyValue(dst, src, n, this.def.spinLockOffset);
  }
}
