// BPF_MAP_TYPE_LPM_TRIE (kernel/bpf/lpm_trie.c): keys are a u32 prefix
// length and data_size bytes; lookups return the value of the longest stored
// prefix that matches. The trie is the kernel's: a binary tree of nodes, each
// with a prefix and up to two children, plus "intermediate" nodes (no value)
// where two prefixes fork. get_next_key walks it in postorder, so more
// specific prefixes come before less specific ones. Every update installs a
// new node with its own value buffer, as the kernel does. Pure.
//
//   key: | prefixlen (u32, little-endian) | data[0] data[1] ... data[data_size-1] |

import { BpfMap, flagBits, type Flags, type NextKeyResult } from './bpfMap';
import { EEXIST, EINVAL, ENOENT, ENOSPC } from './errno';
import { BPF_EXIST, BPF_NOEXIST, type MapDef, type MapEnv } from './mapDef';

interface TrieNode {
  prefixlen: number;
  data: Uint8Array;
  /** Null for an intermediate node. */
  value: Uint8Array | null;
  child: [TrieNode | null, TrieNode | null];
}

/** A slot that holds a node pointer: the root or a node's child. */
interface Slot {
  get(): TrieNode | null;
  set(n: TrieNode | null): void;
}

function extractBit(data: Uint8Array, index: number): 0 | 1 {
  return ((data[index >> 3] >> (7 - (index & 7))) & 1) as 0 | 1;
}

function leadingEqualBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const diff = a[i] ^ b[i];
    if (diff !== 0) return i * 8 + Math.clz32(diff) - 24;
  }
  return a.length * 8;
}

export class LpmTrie extends BpfMap {
  readonly dataSize: number;
  readonly maxPrefixlen: number;
  private root: TrieNode | null = null;
  private nEntries = 0;
  private readonly rootSlot: Slot = { get: () => this.root, set: (n) => { this.root = n; } };

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.dataSize = def.keySize - 4;
    this.maxPrefixlen = this.dataSize * 8;
  }

  get size(): number {
    return this.nEntries;
  }

  private split(key: Uint8Array): { prefixlen: number; data: Uint8Array } {
    const prefixlen = (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24)) >>> 0;
    return { prefixlen, data: key.subarray(4, 4 + this.dataSize) };
  }

  private match(node: TrieNode, key: { prefixlen: number; data: Uint8Array }): number {
    return Math.min(leadingEqualBits(node.data, key.data), node.prefixlen, key.prefixlen);
  }

  private childSlot(node: TrieNode, bit: 0 | 1): Slot {
    return { get: () => node.child[bit], set: (n) => { node.child[bit] = n; } };
  }

  override lookup(rawKey: Uint8Array): Uint8Array | null {
    const key = this.split(rawKey);
    if (key.prefixlen > this.maxPrefixlen) return null;
    let found: TrieNode | null = null;
    for (let node = this.root; node;) {
      const m = this.match(node, key);
      if (m === this.maxPrefixlen) return node.value;
      if (m < node.prefixlen) break;
      if (node.value) found = node;
      node = node.child[extractBit(key.data, node.prefixlen)];
    }
    return found?.value ?? null;
  }

  override update(rawKey: Uint8Array, value: Uint8Array, flags: Flags = 0): number {
    const f = flagBits(flags);
    if (f > BigInt(BPF_EXIST)) return -EINVAL;
    const op = Number(f);
    const key = this.split(rawKey);
    if (key.prefixlen > this.maxPrefixlen) return -EINVAL;
    const fresh: TrieNode = { prefixlen: key.prefixlen, data: key.data.slice(), value: value.slice(0, this.valueSize), child: [null, null] };
    let slot = this.rootSlot;
    let node: TrieNode | null;
    let matchlen = 0;
    while ((node = slot.get())) {
      matchlen = this.match(node, key);
      if (node.prefixlen !== matchlen || node.prefixlen === key.prefixlen || node.prefixlen === this.maxPrefixlen) break;
      slot = this.childSlot(node, extractBit(key.data, node.prefixlen));
    }
    if (!node) return this.addAt(slot, fresh, op);
    if (node.prefixlen === matchlen) {
      if (node.value && op === BPF_NOEXIST) return -EEXIST;
      if (!node.value) {
        const bad = this.checkAdd(op);
        if (bad) return bad;
      }
      fresh.child = [node.child[0], node.child[1]];
      slot.set(fresh);
      return 0;
    }
    const bad = this.checkAdd(op);
    if (bad) return bad;
    if (matchlen === key.prefixlen) {
      fresh.child[extractBit(node.data, matchlen)] = node;
      slot.set(fresh);
      return 0;
    }
    const im: TrieNode = { prefixlen: matchlen, data: node.data.slice(), value: null, child: [null, null] };
    const bit = extractBit(key.data, matchlen);
    im.child[bit] = fresh;
    im.child[bit ^ 1] = node;
    slot.set(im);
    return 0;
  }

  /** trie_check_add_elem: a new entry needs room, and BPF_EXIST forbids it. */
  private checkAdd(op: number): number {
    if (op === BPF_EXIST) return -ENOENT;
    if (this.nEntries === this.maxEntries) return -ENOSPC;
    this.nEntries++;
    return 0;
  }

  private addAt(slot: Slot, fresh: TrieNode, op: number): number {
    const bad = this.checkAdd(op);
    if (bad) return bad;
    slot.set(fresh);
    return 0;
  }

  override delete(rawKey: Uint8Array): number {
    const key = this.split(rawKey);
    if (key.prefixlen > this.maxPrefixlen) return -EINVAL;
    let trim = this.rootSlot;
    let trim2 = trim;
    let parent: TrieNode | null = null;
    let node: TrieNode | null;
    let matchlen = 0;
    while ((node = trim.get())) {
      matchlen = this.match(node, key);
      if (node.prefixlen !== matchlen || node.prefixlen === key.prefixlen) break;
      parent = node;
      trim2 = trim;
      trim = this.childSlot(node, extractBit(key.data, node.prefixlen));
    }
    if (!node || node.prefixlen !== key.prefixlen || node.prefixlen !== matchlen || !node.value) return -ENOENT;
    this.nEntries--;
    if (node.child[0] && node.child[1]) {
      node.value = null; // keep it as an intermediate node
      return 0;
    }
    if (parent && !parent.value && !node.child[0] && !node.child[1]) {
      trim2.set(node === parent.child[0] ? parent.child[1] : parent.child[0]);
      return 0;
    }
    trim.set(node.child[0] ?? node.child[1]);
    return 0;
  }

  override getNextKey(rawKey: Uint8Array | null): NextKeyResult {
    if (!this.root) return { err: -ENOENT };
    const key = rawKey && rawKey.length >= this.keySize ? this.split(rawKey) : null;
    if (!key || key.prefixlen > this.maxPrefixlen) return this.keyOf(this.leftmost(this.root));
    const stack: TrieNode[] = [];
    let node: TrieNode | null = this.root;
    let matchlen = 0;
    while (node) {
      stack.push(node);
      matchlen = this.match(node, key);
      if (node.prefixlen !== matchlen || node.prefixlen === key.prefixlen) break;
      node = node.child[extractBit(key.data, node.prefixlen)];
    }
    if (!node || node.prefixlen !== matchlen || node.prefixlen !== key.prefixlen || !node.value) {
      return this.keyOf(this.leftmost(this.root));
    }
    // The exact node is found: the next one in postorder.
    let cur = stack[stack.length - 1];
    for (let at = stack.length - 1; at > 0; at--) {
      const up = stack[at - 1];
      if (up.child[0] === cur && up.child[1]) return this.keyOf(this.leftmost(up.child[1]));
      if (up.value) return this.keyOf(up);
      cur = up;
    }
    return { err: -ENOENT };
  }

  /** The leftmost non-intermediate node in postorder under `from` (intermediate nodes always have two children). */
  private leftmost(from: TrieNode): TrieNode {
    let next = from;
    for (let node: TrieNode | null = from; node;) {
      if (!node.value) {
        node = node.child[0];
      } else {
        next = node;
        node = node.child[0] ?? next.child[1];
      }
    }
    return next;
  }

  private keyOf(node: TrieNode): NextKeyResult {
    const key = new Uint8Array(this.keySize);
    new DataView(key.buffer).setUint32(0, node.prefixlen, true);
    key.set(node.data, 4);
    return { err: 0, key };
  }
}
