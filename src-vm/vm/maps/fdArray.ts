// The kernel's "fd arrays" (kernel/bpf/arraymap.c): prog_array,
// perf_event_array and array_of_maps hold kernel objects that user space
// names by file descriptor. Updates take only BPF_ANY; an index past the end
// is -E2BIG for update and delete; deleting an empty slot is -ENOENT; a
// program's plain lookup is refused; get_next_key is the array's. Subclasses
// say how a user's u32 becomes an object and what a syscall lookup shows. Pure.

import { nextIndexKey, u32Key } from './arrayMap';
import { BpfMap, flagBits, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { E2BIG, EINVAL, ENOENT, ENOTSUPP } from './errno';
import { BPF_ANY, type MapDef, type MapEnv } from './mapDef';

export function u32Bytes(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n >>> 0, true);
  return bytes;
}

export abstract class FdArrayMap<T> extends BpfMap {
  protected readonly slots: (T | null)[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.slots = new Array<T | null>(def.maxEntries).fill(null);
  }

  /** map_fd_get_ptr: the object the user's u32 names, or a negative errno. */
  protected abstract resolve(handle: number): { obj: T } | { err: number };

  /** False for types without map_fd_sys_lookup_elem: a syscall lookup is then -ENOTSUPP. */
  protected abstract get sysLookupable(): boolean;

  /** map_fd_sys_lookup_elem: the u32 a syscall lookup returns (an id). */
  protected abstract sysId(obj: T): number;

  /** The object at `index`, or null (out of range or empty). */
  at(index: number): T | null {
    return index >= 0 && index < this.maxEntries ? this.slots[index] : null;
  }

  /** Puts `obj` at `index` directly (the emulator's own setup); same errors as an update. */
  set(index: number, obj: T | null): number {
    if (index < 0 || index >= this.maxEntries) return -E2BIG;
    this.slots[index] = obj;
    return 0;
  }

  override lookup(_key: Uint8Array, _cpu = 0): Uint8Array | null {
    return null;
  }

  protected override lookupFromSyscall(): number {
    return -ENOTSUPP;
  }

  protected override copyOut(key: Uint8Array): LookupResult {
    if (!this.sysLookupable) return { err: -ENOTSUPP };
    const obj = this.at(u32Key(key));
    return obj === null ? { err: -ENOENT } : { err: 0, value: u32Bytes(this.sysId(obj)) };
  }

  protected override updateFromUser(key: Uint8Array, value: Uint8Array, flags: Flags): number {
    if (flagBits(flags) !== BigInt(BPF_ANY)) return -EINVAL;
    const index = u32Key(key);
    if (index >= this.maxEntries) return -E2BIG;
    const got = this.resolve(new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true));
    if ('err' in got) return got.err;
    this.slots[index] = got.obj;
    return 0;
  }

  /** Programs cannot update fd arrays; the kernel's map_update_elem for them is the syscall's. */
  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    return this.updateFromUser(key, value, flags);
  }

  override delete(key: Uint8Array): number {
    const index = u32Key(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (this.slots[index] === null) return -ENOENT;
    this.slots[index] = null;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  /** Occupied slots only (a dump of an fd array lists those the syscall can look up). */
  override entries(): MapEntry[] {
    const out: MapEntry[] = [];
    this.slots.forEach((obj, index) => {
      if (obj === null) return;
      out.push({ key: u32Bytes(index), value: u32Bytes(this.sysId(obj)) });
    });
    return out;
  }
}
