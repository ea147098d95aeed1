// BPF_MAP_TYPE_SOCKMAP and BPF_MAP_TYPE_SOCKHASH (net/core/sock_map.c), as
// entries only: we keep which socket (a cookie here; user space writes an fd)
// sits at which key, with the kernel's update, delete and iteration rules, so
// redirect helpers and the debugger can see them. Socket semantics (verdict
// programs, psock, msg redirection) are not emulated. Sockhash hashes keys
// with jhash seeded 0 into roundup_pow_of_two(max_entries) buckets. Pure.

import { keyOfIndex, nextIndexKey, u32Key } from './arrayMap';
import { BpfMap, flagBits, type Flags, type LookupResult, type MapEntry, type NextKeyResult } from './bpfMap';
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOSPC } from './errno';
import { roundupPow2, sameBytes } from './hashSupport';
import { jhash } from './jhash';
import { BPF_EXIST, BPF_NOEXIST, type MapDef, type MapEnv } from './mapDef';

function cookieOf(value: Uint8Array, valueSize: number): bigint {
  const full = new Uint8Array(8);
  full.set(value.subarray(0, valueSize));
  return new DataView(full.buffer).getBigUint64(0, true);
}

function cookieBytes(cookie: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, cookie, true);
  return bytes;
}

/** The user-visible lookup: the socket cookie, only when values are 8 bytes (else -ENOSPC). */
function lookupCookie(valueSize: number, cookie: bigint | undefined): LookupResult {
  if (valueSize !== 8) return { err: -ENOSPC };
  return cookie === undefined ? { err: -ENOENT } : { err: 0, value: cookieBytes(cookie) };
}

function checkFlags(present: boolean, f: bigint): number {
  if (present && f === BigInt(BPF_NOEXIST)) return -EEXIST;
  if (!present && f === BigInt(BPF_EXIST)) return -ENOENT;
  return 0;
}

export class SockMap extends BpfMap {
  private readonly socks: (bigint | null)[];

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.socks = new Array<bigint | null>(def.maxEntries).fill(null);
  }

  /** The socket (cookie) at `index`, as a program's lookup or redirect sees it. */
  socketAt(index: number): bigint | undefined {
    return index < this.maxEntries ? this.socks[index] ?? undefined : undefined;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    const i = u32Key(key);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    if (i >= this.maxEntries) return -E2BIG;
    const bad = checkFlags(this.socks[i] !== null, f);
    if (bad) return bad;
    this.socks[i] = cookieOf(value, this.valueSize);
    return 0;
  }

  override delete(key: Uint8Array): number {
    const i = u32Key(key);
    if (i >= this.maxEntries || this.socks[i] === null) return -EINVAL;
    this.socks[i] = null;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    return nextIndexKey(key, this.maxEntries);
  }

  protected override copyOut(key: Uint8Array): LookupResult {
    return lookupCookie(this.valueSize, this.socketAt(u32Key(key)));
  }

  override entries(): MapEntry[] {
    const out: MapEntry[] = [];
    this.socks.forEach((s, i) => { if (s !== null) out.push({ key: keyOfIndex(i), value: cookieBytes(s) }); });
    return out;
  }
}

interface SockElem {
  key: Uint8Array;
  hash: number;
  cookie: bigint;
}

export class SockHash extends BpfMap {
  readonly nBuckets: number;
  private readonly buckets: (SockElem[] | undefined)[];
  private count = 0;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.nBuckets = roundupPow2(def.maxEntries);
    this.buckets = new Array(this.nBuckets);
  }

  private find(key: Uint8Array, hash = jhash(key, 0)): SockElem | undefined {
    return this.buckets[hash & (this.nBuckets - 1)]?.find((e) => e.hash === hash && sameBytes(e.key, key));
  }

  socketOf(key: Uint8Array): bigint | undefined {
    return this.find(key.subarray(0, this.keySize))?.cookie;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const k = key.slice(0, this.keySize);
    const hash = jhash(k, 0);
    const old = this.find(k, hash);
    const bad = checkFlags(old !== undefined, f);
    if (bad) return bad;
    if (!old && this.count >= this.maxEntries) return -E2BIG;
    const b = hash & (this.nBuckets - 1);
    const bucket = (this.buckets[b] ??= []);
    bucket.unshift({ key: k, hash, cookie: cookieOf(value, this.valueSize) });
    if (old) bucket.splice(bucket.indexOf(old), 1);
    else this.count++;
    return 0;
  }

  override delete(key: Uint8Array): number {
    const elem = this.find(key.subarray(0, this.keySize));
    if (!elem) return -ENOENT;
    const bucket = this.buckets[elem.hash & (this.nBuckets - 1)]!;
    bucket.splice(bucket.indexOf(elem), 1);
    this.count--;
    return 0;
  }

  override getNextKey(key: Uint8Array | null): NextKeyResult {
    let from = 0;
    const elem = key ? this.find(key.subarray(0, this.keySize)) : undefined;
    if (elem) {
      const b = elem.hash & (this.nBuckets - 1);
      const bucket = this.buckets[b]!;
      const next = bucket[bucket.indexOf(elem) + 1];
      if (next) return { err: 0, key: next.key.slice() };
      from = b + 1;
    }
    for (let b = from; b < this.nBuckets; b++) {
      const first = this.buckets[b]?.[0];
      if (first) return { err: 0, key: first.key.slice() };
    }
    return { err: -ENOENT };
  }

  protected override copyOut(key: Uint8Array): LookupResult {
    return lookupCookie(this.valueSize, this.socketOf(key));
  }
}
