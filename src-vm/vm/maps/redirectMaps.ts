// The XDP redirect targets (kernel/bpf/devmap.c, cpumap.c, net/xdp/xskmap.c):
// devmap and devmap_hash hold net devices (an ifindex and an optional
// program), cpumap holds CPU queues (a queue size and an optional program),
// xskmap holds AF_XDP sockets. We keep their entries with the kernel's update,
// delete and get_next_key rules, and decide bpf_redirect_map as
// __bpf_xdp_redirect_map does: XDP_REDIRECT with the target, or the fallback
// action in the flags' low bits when the slot is empty. Pure.

import { keyOfIndex, nextIndexKey, u32Key } from './arrayMap';
import { BpfMap, flagBits, type Flags, type MapEntry, type NextKeyResult } from './bpfMap';
import { roundupPow2 } from './hashSupport';
import { E2BIG, EEXIST, EINVAL, ENODEV, ENOENT, ENOMEM, EOPNOTSUPP, EOVERFLOW } from './errno';
import { BPF_EXIST, BPF_NOEXIST, MAP_F, type MapDef, type MapEnv } from './mapDef';

export const XDP_ABORTED = 0;
export const XDP_DROP = 1;
export const XDP_PASS = 2;
export const XDP_TX = 3;
export const XDP_REDIRECT = 4;
export const BPF_F_BROADCAST = 1 << 3;
export const BPF_F_EXCLUDE_INGRESS = 1 << 4;
const ACTION_MASK = 3n;
/** cpumap's sanity limit on a queue size. */
const CPUMAP_MAX_QSIZE = 16384;

/** What bpf_redirect_map decided. */
export interface RedirectDecision {
  /** The helper's return value: XDP_REDIRECT, or the fallback action / XDP_ABORTED. */
  action: number;
  /** Present when action is XDP_REDIRECT. */
  target?: { mapType: string; index: number; broadcast: boolean; excludeIngress: boolean };
}

function redirectThrough(map: BpfMap, index: number | bigint, flags: Flags, flagMask: number, has: (key: number) => boolean): RedirectDecision {
  const f = flagBits(flags);
  if (f & ~(ACTION_MASK | BigInt(flagMask))) return { action: XDP_ABORTED };
  const key = Number(BigInt.asUintN(32, BigInt(index)));
  const broadcast = (f & BigInt(BPF_F_BROADCAST)) !== 0n;
  if (!has(key) && !broadcast) return { action: Number(f & ACTION_MASK) };
  return {
    action: XDP_REDIRECT,
    target: { mapType: map.type, index: key, broadcast, excludeIngress: (f & BigInt(BPF_F_EXCLUDE_INGRESS)) !== 0n },
  };
}

/** A devmap/cpumap entry: the 8-byte value a lookup shows ({ifindex|qsize, prog id}). */
function valueBytes(first: number, progId: number, valueSize: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, first >>> 0, true);
  view.setUint32(4, progId >>> 0, true);
  return bytes.subarray(0, valueSize);
}

function readVal(value: Uint8Array, valueSize: number): { first: number; prog: number } {
  const full = new Uint8Array(8);
  full.set(value.subarray(0, valueSize));
  const view = new DataView(full.buffer);
  return { first: view.getUint32(0, true), prog: view.getInt32(4, true) };
}

abstract class RedirectMap extends BpfMap {
  constructor(def: MapDef, env: MapEnv) {
    super({ ...def, flags: def.type.startsWith('devmap') ? (def.flags ?? 0) | MAP_F.RDONLY_PROG : def.flags }, env);
  }

  abstract redirect(index: number | bigint, flags?: Flags): RedirectDecision;

  protected progExists(id: number): boolean {
    return (this.env.programExists ?? (() => true))(id);
  }
}

/** BPF_MAP_TYPE_DEVMAP: an array of net devices. */
export class DevMap extends RedirectMap {
  private readonly slots: (Uint8Array | null)[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.slots = new Array<Uint8Array | null>(def.maxEntries).fill(null);
  }

  override lookup(key: Uint8Array): Uint8Array | null {
    const i = u32Key(key);
    return i < this.maxEntries ? this.slots[i] : null;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    const i = u32Key(key);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (i >= this.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    const { first: ifindex, prog } = readVal(value, this.valueSize);
    if (!ifindex) {
      if (prog > 0) return -EINVAL;
      this.slots[i] = null;
      return 0;
    }
    const node = devNode(this, ifindex, prog);
    if (typeof node === 'number') return node;
    this.slots[i] = node;
    return 0;
  }

  override delete(key: Uint8Array): number {
    const i = u32Key(key);
    if (i >= this.maxEntries) return -EINVAL;
    this.slots[i] = null;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  redirect(index: number | bigint, flags: Flags = 0): RedirectDecision {
    return redirectThrough(this, index, flags, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS, (k) => k < this.maxEntries && this.slots[k] !== null);
  }

  ifindexAt(index: number): number | undefined {
    const slot = index < this.maxEntries ? this.slots[index] : null;
    return slot ? new DataView(slot.buffer, slot.byteOffset).getUint32(0, true) : undefined;
  }
}

/** __dev_map_alloc_node: the device must exist; a program must be one (we cannot check its attach type). */
function devNode(map: BpfMap, ifindex: number, prog: number): Uint8Array | number {
  if (map.env.ifindexes && !map.env.ifindexes.has(ifindex)) return -EINVAL;
  if (prog > 0 && !(map.env.programExists ?? (() => true))(prog)) return -EINVAL;
  return valueBytes(ifindex, prog > 0 ? prog : 0, map.valueSize);
}

/** BPF_MAP_TYPE_DEVMAP_HASH: net devices keyed by any u32, hashed by identity into buckets, newest first. */
export class DevMapHash extends RedirectMap {
  private readonly nBuckets: number;
  private readonly buckets = new Map<number, { idx: number; value: Uint8Array }[]>();
  private items = 0;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.nBuckets = roundupPow2(def.maxEntries);
  }

  private find(idx: number): { idx: number; value: Uint8Array } | undefined {
    return this.buckets.get(idx & (this.nBuckets - 1))?.find((e) => e.idx === idx);
  }

  override lookup(key: Uint8Array): Uint8Array | null {
    return this.find(u32Key(key))?.value ?? null;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const idx = u32Key(key);
    const { first: ifindex, prog } = readVal(value, this.valueSize);
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST) || !ifindex) return -EINVAL;
    const old = this.find(idx);
    if (old && f & BigInt(BPF_NOEXIST)) return -EEXIST;
    const node = devNode(this, ifindex, prog);
    if (typeof node === 'number') return node;
    const b = idx & (this.nBuckets - 1);
    const bucket = this.buckets.get(b) ?? [];
    if (old) bucket.splice(bucket.indexOf(old), 1);
    else if (this.items >= this.maxEntries) return -E2BIG;
    else this.items++;
    bucket.unshift({ idx, value: node });
    this.buckets.set(b, bucket);
    return 0;
  }

  override delete(key: Uint8Array): number {
    const idx = u32Key(key);
    const old = this.find(idx);
    if (!old) return -ENOENT;
    const bucket = this.buckets.get(idx & (this.nBuckets - 1))!;
    bucket.splice(bucket.indexOf(old), 1);
    this.items--;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    let from = 0;
    const old = key ? this.find(u32Key(key)) : undefined;
    if (old) {
      const b = old.idx & (this.nBuckets - 1);
      const bucket = this.buckets.get(b)!;
      const next = bucket[bucket.indexOf(old) + 1];
      if (next) return { err: 0, key: keyOfIndex(next.idx) };
      from = b + 1;
    }
    const nonEmpty = [...this.buckets.entries()].filter(([b, list]) => b >= from && list.length > 0).sort((x, y) => x[0] - y[0]);
    return nonEmpty.length ? { err: 0, key: keyOfIndex(nonEmpty[0][1][0].idx) } : { err: -ENOENT };
  }

  redirect(index: number | bigint, flags: Flags = 0): RedirectDecision {
    return redirectThrough(this, index, flags, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS, (k) => this.find(k) !== undefined);
  }
}

/** BPF_MAP_TYPE_CPUMAP: one queue per possible CPU. */
export class CpuMap extends RedirectMap {
  private readonly slots: (Uint8Array | null)[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.slots = new Array<Uint8Array | null>(def.maxEntries).fill(null);
  }

  override lookup(key: Uint8Array): Uint8Array | null {
    const i = u32Key(key);
    return i < this.maxEntries ? this.slots[i] : null;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const { first: qsize, prog } = readVal(value, this.valueSize);
    const f = flagBits(flags);
    const cpu = u32Key(key);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (cpu >= this.maxEntries) return -E2BIG;
    if (f === BigInt(BPF_NOEXIST)) return -EEXIST;
    if (qsize > CPUMAP_MAX_QSIZE) return -EOVERFLOW;
    if (cpu >= this.nCpus) return -ENODEV;
    if (qsize === 0) {
      this.slots[cpu] = null;
      return 0;
    }
    if (prog > 0 && !this.progExists(prog)) return -ENOMEM;
    this.slots[cpu] = valueBytes(qsize, prog > 0 ? prog : 0, this.valueSize);
    return 0;
  }

  override delete(key: Uint8Array): number {
    const cpu = u32Key(key);
    if (cpu >= this.maxEntries) return -EINVAL;
    this.slots[cpu] = null;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  redirect(index: number | bigint, flags: Flags = 0): RedirectDecision {
    return redirectThrough(this, index, flags, 0, (k) => k < this.maxEntries && this.slots[k] !== null);
  }
}

/** BPF_MAP_TYPE_XSKMAP: AF_XDP sockets by queue index (a socket is an id here). */
export class XskMap extends RedirectMap {
  private readonly sockets: (number | null)[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.sockets = new Array<number | null>(def.maxEntries).fill(null);
  }

  socketAt(index: number): number | null {
    return index < this.maxEntries ? this.sockets[index] : null;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    const i = u32Key(key);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (i >= this.maxEntries) return -E2BIG;
    const old = this.sockets[i];
    if (old !== null && f === BigInt(BPF_NOEXIST)) return -EEXIST;
    if (old === null && f === BigInt(BPF_EXIST)) return -ENOENT;
    this.sockets[i] = u32Key(value);
    return 0;
  }

  override delete(key: Uint8Array): number {
    const i = u32Key(key);
    if (i >= this.maxEntries) return -EINVAL;
    this.sockets[i] = null;
    return 0;
  }

  protected override lookupFromSyscall(): number {
    return -EOPNOTSUPP;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  override entries(): MapEntry[] {
    const out: MapEntry[] = [];
    this.sockets.forEach((s, i) => { if (s !== null) out.push({ key: keyOfIndex(i), value: keyOfIndex(s) }); });
    return out;
  }

  redirect(index: number | bigint, flags: Flags = 0): RedirectDecision {
    return redirectThrough(this, index, flags, 0, (k) => this.socketAt(k) !== null);
  }
}
