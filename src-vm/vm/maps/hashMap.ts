// BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH
// (kernel/bpf/hashtab.c): keys hashed with jhash (seed 0 under
// BPF_F_ZERO_SEED) into roundup_pow_of_two(max_entries) buckets, each a list
// with the newest element first; get_next_key walks buckets in order, so our
// dump order is the kernel's. Preallocated maps keep max_entries element slots
// (+1 spare per CPU for plain hash, so an update of an existing key swaps in a
// fresh element and moves it to the bucket's head); BPF_F_NO_PREALLOC maps
// count elements instead. LRU maps take their slots from the emulated LRU
// lists, which evict. Values are views into map-owned buffers. Pure.

import { BpfMap, copyValue, flagBits, round8, type ElementRef, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOMEM } from './errno';
import { hashSeed, roundupPow2, sameBytes, ValueChunks } from './hashSupport';
import { mapHash } from './jhash';
import { BpfLru, LruNode } from './lruList';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, MAP_F, lruRoundedEntries, type MapDef, type MapEnv } from './mapDef';

interface HtabElem {
  readonly slot: number;
  key: Uint8Array;
  hash: number;
  /** Non-per-CPU maps: value_size bytes of the slot. */
  readonly value: Uint8Array;
  /** Per-CPU maps: the 8-byte-aligned slot of each CPU (value_size bytes shown, padding kept). */
  readonly perCpu: Uint8Array[];
  readonly lru?: LruNode;
}

export class HashMap extends BpfMap {
  readonly seed: number;
  readonly nBuckets: number;
  /** max_entries as the kernel keeps it (rounded to a multiple of the CPU count under BPF_F_NO_COMMON_LRU). */
  override readonly maxEntries: number;
  private readonly buckets: (HtabElem[] | undefined)[];
  private readonly slots: HtabElem[] = [];
  private readonly freeSlots: number[] = [];
  private readonly spare: HtabElem[] = [];
  private readonly lru?: BpfLru;
  private count = 0;
  private readonly chunks: ValueChunks;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.maxEntries = this.isLru ? lruRoundedEntries(def, env) : def.maxEntries;
    this.seed = hashSeed(def, env);
    this.nBuckets = roundupPow2(this.maxEntries);
    this.buckets = new Array(this.nBuckets);
    this.chunks = new ValueChunks(this.valueSize, this.percpu ? env.nCpus : 1);
    if (this.isLru) {
      this.lru = new BpfLru((this.flags & MAP_F.NO_COMMON_LRU) !== 0, env.nCpus, (node) => this.unlinkSlot(node.slot));
      for (let s = 0; s < this.maxEntries; s++) this.newSlot();
      this.lru.populate(this.slots.map((e) => e.lru!));
    } else if (this.prealloc) {
      const extra = this.percpu ? 0 : env.nCpus;
      for (let s = 0; s < this.maxEntries + extra; s++) this.freeSlots.push(this.newSlot().slot);
      this.freeSlots.reverse();
      for (let c = 0; c < extra; c++) this.spare.push(this.slots[this.freeSlots.pop()!]);
    }
  }

  get percpu(): boolean {
    return this.type === 'percpu_hash' || this.type === 'lru_percpu_hash';
  }

  get isLru(): boolean {
    return this.type === 'lru_hash' || this.type === 'lru_percpu_hash';
  }

  get prealloc(): boolean {
    return (this.flags & MAP_F.NO_PREALLOC) === 0;
  }

  /** Elements in the table now. */
  get size(): number {
    let n = 0;
    for (const b of this.buckets) n += b?.length ?? 0;
    return n;
  }

  /** Which bucket a key falls in (for tests and the debugger). */
  bucketOf(key: Uint8Array): number {
    return mapHash(key.subarray(0, this.keySize), this.seed) & (this.nBuckets - 1);
  }

  // ---- program side ----

  override lookup(key: Uint8Array, cpu = 0): Uint8Array | null {
    const elem = this.find(key.subarray(0, this.keySize));
    if (!elem) return null;
    if (elem.lru) BpfLru.setRef(elem.lru);
    return this.percpu ? elem.perCpu[cpu] ?? null : elem.value;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0, cpu = 0): number {
    const k = key.slice(0, this.keySize);
    if (this.type === 'hash') return this.updatePlain(k, value, flagBits(flags), cpu);
    if (this.type === 'lru_hash') return this.updateLru(k, value, flagBits(flags), cpu);
    return this.updatePercpu(k, value, flagBits(flags), cpu, false);
  }

  override delete(key: Uint8Array): number {
    const elem = this.find(key.subarray(0, this.keySize));
    if (!elem) return -ENOENT;
    this.unlink(elem);
    this.release(elem);
    return 0;
  }

  override get iterable(): boolean {
    return true;
  }

  override *elements(cpu = 0): Generator<ElementRef> {
    for (let b = 0; b < this.nBuckets; b++) {
      const bucket = this.buckets[b];
      if (!bucket) continue;
      for (const elem of [...bucket]) yield { key: elem.key, value: this.percpu ? elem.perCpu[cpu] : elem.value };
    }
  }

  // ---- user side ----

  override get sysValueSize(): number {
    return this.percpu ? round8(this.valueSize) * this.nCpus : this.valueSize;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    let from = 0;
    if (key) {
      const k = key.subarray(0, this.keySize);
      const elem = this.find(k);
      if (elem) {
        const bucket = this.buckets[elem.hash & (this.nBuckets - 1)]!;
        const next = bucket[bucket.indexOf(elem) + 1];
        if (next) return { err: 0, key: next.key.slice() };
        from = (elem.hash & (this.nBuckets - 1)) + 1;
      }
    }
    for (let b = from; b < this.nBuckets; b++) {
      const first = this.buckets[b]?.[0];
      if (first) return { err: 0, key: first.key.slice() };
    }
    return { err: -ENOENT };
  }

  protected override lookupFromSyscall(key: Uint8Array): Uint8Array | null {
    return this.find(key)?.value ?? null; // user-space lookups leave the LRU ref bit alone
  }

  protected override copyOut(key: Uint8Array, cpu: number): LookupResult {
    if (!this.percpu) return super.copyOut(key, cpu);
    const elem = this.find(key);
    return elem ? { err: 0, value: this.allCpus(elem) } : { err: -ENOENT };
  }

  protected override updateFromUser(key: Uint8Array, value: Uint8Array, flags: Flags, cpu: number): number {
    if (!this.percpu) return this.update(key, value, flags, cpu);
    return this.updatePercpu(key.slice(), value, flagBits(flags), cpu, true);
  }

  protected override lookupAndDelete(key: Uint8Array): LookupResult {
    const elem = this.find(key);
    if (!elem) return { err: -ENOENT };
    const value = this.percpu ? this.allCpus(elem) : elem.value.slice();
    if (!this.percpu && this.def.spinLockOffset !== undefined) value.fill(0, this.def.spinLockOffset, this.def.spinLockOffset + 4);
    this.unlink(elem);
    this.release(elem);
    return { err: 0, value };
  }

  protected override entryOf(key: Uint8Array, value: Uint8Array): MapEntry {
    if (!this.percpu) return { key, value };
    const stride = round8(this.valueSize);
    const perCpu = Array.from({ length: this.nCpus }, (_, c) => value.slice(c * stride, c * stride + this.valueSize));
    return { key, value: perCpu[0], perCpu };
  }

  // ---- the kernel's update paths ----

  /** htab_map_update_elem */
  private updatePlain(key: Uint8Array, value: Uint8Array, f: bigint, cpu: number): number {
    const op = f & ~BigInt(BPF_F_LOCK);
    if (op > BigInt(BPF_EXIST)) return -EINVAL;
    const hash = mapHash(key, this.seed);
    const locked = (f & BigInt(BPF_F_LOCK)) !== 0n;
    if (locked && this.def.spinLockOffset === undefined) return -EINVAL;
    const old = this.findHashed(key, hash);
    const bad = checkFlags(old, op);
    if (bad) return bad;
    if (old && locked) {
      this.copyValueIn(old.value, value); // in place, under the element's lock
      return 0;
    }
    const fresh = this.allocPlain(old, cpu);
    if (typeof fresh === 'number') return fresh;
    this.fill(fresh, key, hash);
    this.copyValueIn(fresh.value, value);
    this.linkHead(fresh);
    if (old) {
      this.unlink(old);
      if (!this.prealloc) this.count--;
    }
    return 0;
  }

  /** alloc_htab_elem for plain hash maps: a spare swap, a free slot, or a new element. */
  private allocPlain(old: HtabElem | undefined, cpu: number): HtabElem | number {
    if (this.prealloc) {
      if (old) {
        const fresh = this.spare[cpu];
        this.spare[cpu] = old;
        return fresh;
      }
      const slot = this.freeSlots.pop();
      return slot === undefined ? -E2BIG : this.slots[slot];
    }
    if (this.count >= this.maxEntries && !old) return -E2BIG;
    this.count++;
    return this.newSlot();
  }

  /** htab_lru_map_update_elem: the new element is taken (maybe evicting) before the flags are checked. */
  private updateLru(key: Uint8Array, value: Uint8Array, f: bigint, cpu: number): number {
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const hash = mapHash(key, this.seed);
    const node = this.lru!.popFree(cpu);
    if (!node) return -ENOMEM;
    const fresh = this.slots[node.slot];
    this.fill(fresh, key, hash);
    this.copyValueIn(fresh.value, value);
    const old = this.findHashed(key, hash);
    const bad = checkFlags(old, f);
    if (bad) {
      this.lru!.pushFree(node);
      return bad;
    }
    this.linkHead(fresh);
    if (old) {
      BpfLru.setRef(node);
      this.unlink(old);
      this.lru!.pushFree(old.lru!);
    }
    return 0;
  }

  /** __htab_percpu_map_update_elem and __htab_lru_percpu_map_update_elem: existing elements update in place. */
  private updatePercpu(key: Uint8Array, value: Uint8Array, f: bigint, cpu: number, allCpus: boolean): number {
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const hash = mapHash(key, this.seed);
    let node: LruNode | null = null;
    if (this.isLru && f !== BigInt(BPF_EXIST)) {
      node = this.lru!.popFree(cpu);
      if (!node) return -ENOMEM;
      this.fill(this.slots[node.slot], key, hash);
    }
    const old = this.findHashed(key, hash);
    let result = checkFlags(old, f);
    if (!result && old) {
      if (old.lru) BpfLru.setRef(old.lru);
      this.copyPercpu(old, value, cpu, allCpus);
    } else if (!result) {
      const fresh = node ? this.slots[node.slot] : this.allocPercpu();
      if (typeof fresh === 'number') {
        result = fresh;
      } else {
        this.fill(fresh, key, hash);
        this.initPercpu(fresh, value, cpu, allCpus);
        this.linkHead(fresh);
        node = null;
      }
    }
    if (node) this.lru!.pushFree(node);
    return result;
  }

  private allocPercpu(): HtabElem | number {
    if (this.prealloc) {
      const slot = this.freeSlots.pop();
      return slot === undefined ? -E2BIG : this.slots[slot];
    }
    if (this.count >= this.maxEntries) return -E2BIG;
    this.count++;
    return this.newSlot();
  }

  /** pcpu_copy_value: one CPU's value_size bytes, or every CPU's 8-byte-aligned copy from user space. */
  private copyPercpu(elem: HtabElem, value: Uint8Array, cpu: number, allCpus: boolean): void {
    if (!allCpus) {
      this.copyValueIn(elem.perCpu[cpu], value);
      return;
    }
    const stride = round8(this.valueSize);
    for (let c = 0; c < this.nCpus; c++) {
      const whole = new Uint8Array(elem.perCpu[c].buffer, elem.perCpu[c].byteOffset, stride);
      copyValue(whole, value.subarray(c * stride, (c + 1) * stride), stride, this.def.spinLockOffset);
    }
  }

  /** pcpu_init_value: a program's new element is its value on this CPU and zero on the others. */
  private initPercpu(elem: HtabElem, value: Uint8Array, cpu: number, allCpus: boolean): void {
    if (allCpus) {
      this.copyPercpu(elem, value, cpu, true);
      return;
    }
    for (let c = 0; c < this.nCpus; c++) {
      if (c === cpu) this.copyValueIn(elem.perCpu[c], value);
      else elem.perCpu[c].fill(0);
    }
  }

  // ---- table plumbing ----

  private newSlot(): HtabElem {
    const slot = this.slots.length;
    const perCpu = this.chunks.next();
    const elem: HtabElem = {
      slot, key: new Uint8Array(this.keySize), hash: 0,
      value: perCpu[0], perCpu: this.percpu ? perCpu : [],
      lru: this.isLru ? new LruNode(slot) : undefined,
    };
    this.slots.push(elem);
    return elem;
  }

  private fill(elem: HtabElem, key: Uint8Array, hash: number): void {
    elem.key.set(key);
    elem.hash = hash;
  }

  private find(key: Uint8Array): HtabElem | undefined {
    return this.findHashed(key, mapHash(key, this.seed));
  }

  private findHashed(key: Uint8Array, hash: number): HtabElem | undefined {
    return this.buckets[hash & (this.nBuckets - 1)]?.find((e) => e.hash === hash && sameBytes(e.key, key));
  }

  private linkHead(elem: HtabElem): void {
    const b = elem.hash & (this.nBuckets - 1);
    (this.buckets[b] ??= []).unshift(elem);
  }

  private unlink(elem: HtabElem): boolean {
    const b = elem.hash & (this.nBuckets - 1);
    const bucket = this.buckets[b];
    const at = bucket?.indexOf(elem) ?? -1;
    if (!bucket || at < 0) return false;
    bucket.splice(at, 1);
    if (bucket.length === 0) this.buckets[b] = undefined;
    return true;
  }

  /** The LRU evicts: drop the element in `slot` from its bucket if it is there. */
  private unlinkSlot(slot: number): boolean {
    return this.unlink(this.slots[slot]);
  }

  /** free_htab_elem / htab_lru_push_free: an unlinked element's slot becomes free. */
  private release(elem: HtabElem): void {
    if (elem.lru) this.lru!.pushFree(elem.lru);
    else if (this.prealloc) this.freeSlots.push(elem.slot);
    else this.count--;
  }

  private allCpus(elem: HtabElem): Uint8Array {
    const stride = round8(this.valueSize);
    const out = new Uint8Array(stride * this.nCpus);
    for (let c = 0; c < this.nCpus; c++) out.set(new Uint8Array(elem.perCpu[c].buffer, elem.perCpu[c].byteOffset, stride), c * stride);
    return out;
  }
}

/** check_flags: NOEXIST on a present key is -EEXIST, EXIST on an absent one -ENOENT. */
function checkFlags(old: HtabElem | undefined, op: bigint): number {
  if (old && op === BigInt(BPF_NOEXIST)) return -EEXIST;
  if (!old && op === BigInt(BPF_EXIST)) return -ENOENT;
  return 0;
}
