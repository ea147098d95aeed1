// BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (kernel/bpf/queue_stack_maps.c):
// keyless, a ring of max_entries + 1 value slots with head and tail indexes.
// Push fails with -E2BIG when full unless BPF_EXIST, which drops the oldest
// element to make room (for a stack too: the bottom goes). Pop and peek on an
// empty map zero the output and return -ENOENT. Lookup, update, delete and
// get_next_key are the kernel's refusals. Pure.

import { BpfMap, flagBits, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { E2BIG, EINVAL, ENOENT } from './errno';
import { BPF_EXIST, BPF_NOEXIST, type MapDef, type MapEnv } from './mapDef';

export class QueueStackMap extends BpfMap {
  /** max_entries + 1: one slot always stays empty so full and empty differ. */
  private readonly ringSize: number;
  private readonly ring: Uint8Array;
  private head = 0;
  private tail = 0;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.ringSize = def.maxEntries + 1;
    this.ring = new Uint8Array(this.ringSize * def.valueSize);
  }

  get isStack(): boolean {
    return this.type === 'stack';
  }

  get size(): number {
    return (this.head - this.tail + this.ringSize) % this.ringSize;
  }

  private isFull(): boolean {
    return (this.head + 1) % this.ringSize === this.tail;
  }

  private slot(index: number): Uint8Array {
    return this.ring.subarray(index * this.valueSize, (index + 1) * this.valueSize);
  }

  override push(value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    if (f & BigInt(BPF_NOEXIST) || f > BigInt(BPF_EXIST)) return -EINVAL;
    if (this.isFull()) {
      if (!(f & BigInt(BPF_EXIST))) return -E2BIG;
      this.tail = (this.tail + 1) % this.ringSize; // overwrite the oldest element
    }
    this.slot(this.head).set(value.subarray(0, this.valueSize));
    this.head = (this.head + 1) % this.ringSize;
    return 0;
  }

  override pop(out: Uint8Array): number {
    return this.take(out, true);
  }

  override peek(out: Uint8Array): number {
    return this.take(out, false);
  }

  private take(out: Uint8Array, remove: boolean): number {
    if (this.head === this.tail) {
      out.fill(0, 0, this.valueSize);
      return -ENOENT;
    }
    const index = this.isStack ? (this.head - 1 + this.ringSize) % this.ringSize : this.tail;
    out.set(this.slot(index));
    if (remove && this.isStack) this.head = index;
    else if (remove) this.tail = (this.tail + 1) % this.ringSize;
    return 0;
  }

  override lookup(_key: Uint8Array, _cpu = 0): Uint8Array | null {
    return null;
  }

  override getNextKey(_key: Uint8Array | null): NextKeyResult {
    return { err: -EINVAL };
  }

  /** Syscall lookup is a peek; update is a push. */
  protected override copyOut(): LookupResult {
    const value = new Uint8Array(this.valueSize);
    const err = this.peek(value);
    return err ? { err } : { err: 0, value };
  }

  protected override updateFromUser(_key: Uint8Array, value: Uint8Array, flags: Flags): number {
    return this.push(value, flags);
  }

  protected override lookupAndDelete(): LookupResult {
    const value = new Uint8Array(this.valueSize);
    const err = this.pop(value);
    return err ? { err } : { err: 0, value };
  }

  /** The elements in the order pop would return them (no keys). */
  override entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const index = this.isStack ? (this.head - 1 - i + 2 * this.ringSize) % this.ringSize : (this.tail + i) % this.ringSize;
      out.push({ key: new Uint8Array(0), value: this.slot(index).slice() });
    }
    return out;
  }
}
