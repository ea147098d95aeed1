// The live kernel as the map layer's oracle: the same seeded random sequence
// of operations runs on a pinned kernel map (through bpftool, pinned to CPU 0
// so per-CPU LRU lists are deterministic) and on our emulation, and every
// answer must agree: errno, value, get_next_key result and the full dump
// order (hash maps use BPF_F_ZERO_SEED so bucket order is reproducible).
// Program-side behaviour (LRU reference bits set by lookups, bloom filter
// membership) goes through small clang-built XDP programs run with
// BPF_PROG_TEST_RUN. Bad definitions must be refused with the kernel's errno.
// Every pinned object is removed afterwards. MAPS_TRACE=1 prints each answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPFTOOL, kernelUnavailable, scratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import {
  BloomFilter, createMap, errnoFromText, errnoName, HashMap, MAP_F, type BpfMap, type MapDef,
} from '../../src-vm/vm/maps';

const TASKSET = findTool('taskset');
const CLANG = findTool('clang-19');
const PIN_PREFIX = `/sys/fs/bpf/ebpfwb-maps-${process.pid}`;
let pinCount = 0;

function possibleCpus(): number {
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  return text.split(',').reduce((n, part) => {
    const [lo, hi] = part.split('-').map(Number);
    return n + (hi === undefined ? 1 : hi - lo + 1);
  }, 0);
}

// ---- bpftool, pinned to CPU 0 ----

interface ToolAnswer {
  errno: number;
  json: unknown;
}

function bpftool(args: string[]): ToolAnswer {
  const argv = TASKSET ? ['-c', '0', BPFTOOL!, '-j', ...args] : ['-j', ...args];
  const r = runTool(TASKSET ?? BPFTOOL!, argv);
  let json: unknown;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  if (r.status === 0) return { errno: 0, json };
  const text = (json as { error?: string } | undefined)?.error ?? r.stderr;
  // bpftool exits with -errno (mod 256); 255 is its own usage error.
  const errno = errnoFromText(text) ?? (r.status !== null && r.status > 128 && r.status < 255 ? 256 - r.status : -1);
  return { errno, json: json ?? text };
}

const hexArgs = (bytes: Uint8Array): string[] => ['hex', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))];
const hexOf = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const fromJson = (arr: string[]): Uint8Array => new Uint8Array(arr.map((h) => parseInt(h, 16)));
const FLAG_WORDS = ['any', 'noexist', 'exist'];

interface JsonEntry {
  key: string[] | null;
  value?: string[];
  values?: { cpu: number; value: string[] }[];
  next_key?: string[];
}

function kernelValue(e: JsonEntry): string {
  if (e.values) return '[' + e.values.map((v) => hexOf(fromJson(v.value))).join(',') + ']';
  return hexOf(fromJson(e.value ?? []));
}

function createKernelMap(def: MapDef): { path: string; errno: number } {
  const path = `${PIN_PREFIX}-${pinCount++}`;
  const args = ['map', 'create', path, 'type', def.type, 'key', String(def.keySize), 'value', String(def.valueSize),
    'entries', String(def.maxEntries), 'name', 't', 'flags', String(def.flags ?? 0)];
  return { path, errno: bpftool(args).errno };
}

// ---- operations, run on both sides and printed the same way ----

type Op =
  | { kind: 'update'; key: Uint8Array; value: Uint8Array; flags: number }
  | { kind: 'lookup' | 'delete'; key: Uint8Array }
  | { kind: 'getnext'; key: Uint8Array | null }
  | { kind: 'dump' | 'pop' | 'peek' }
  | { kind: 'push'; value: Uint8Array; flags: number }
  | { kind: 'progLookup'; key: Uint8Array }
  | { kind: 'bloomTest'; value: Uint8Array };

function describe(op: Op): string {
  const parts: string[] = [op.kind];
  if ('key' in op) parts.push(`key=${op.key ? hexOf(op.key) : 'none'}`);
  if ('value' in op) parts.push(`value=${hexOf(op.value)}`);
  if ('flags' in op) parts.push(FLAG_WORDS[op.flags]);
  return parts.join(' ');
}

function answer(errno: number, text?: string): string {
  return errno === 0 ? `ok ${text ?? ''}`.trim() : errnoName(errno);
}

/** One CPU's view of a per-CPU value per copy, as bpftool prints them. */
function oursValue(map: BpfMap, bytes: Uint8Array): string {
  const perCpu = map.type.includes('percpu');
  if (!perCpu) return hexOf(bytes.subarray(0, map.valueSize));
  const stride = Math.ceil(map.valueSize / 8) * 8;
  return '[' + Array.from({ length: map.nCpus }, (_, c) => hexOf(bytes.subarray(c * stride, c * stride + map.valueSize))).join(',') + ']';
}

/** bpftool gives one value for per-CPU maps and copies it to every CPU (8-byte stride, zero padding). */
function sysValue(map: BpfMap, value: Uint8Array): Uint8Array {
  if (!map.type.includes('percpu')) return value;
  const stride = Math.ceil(map.valueSize / 8) * 8;
  const all = new Uint8Array(stride * map.nCpus);
  for (let c = 0; c < map.nCpus; c++) all.set(value, c * stride);
  return all;
}

interface Sides {
  path: string;
  map: BpfMap;
  /** Pinned program for progLookup / bloomTest ops. */
  prog?: string;
  dir: string;
}

function onKernel(s: Sides, op: Op): string {
  const pinned = ['pinned', s.path];
  switch (op.kind) {
    case 'update': return answer(bpftool(['map', 'update', ...pinned, 'key', ...hexArgs(op.key), 'value', ...hexArgs(op.value), FLAG_WORDS[op.flags]]).errno);
    case 'delete': return answer(bpftool(['map', 'delete', ...pinned, 'key', ...hexArgs(op.key)]).errno);
    case 'push': return answer(bpftool(['map', 'push', ...pinned, 'value', ...hexArgs(op.value), FLAG_WORDS[op.flags]]).errno);
    case 'lookup': case 'pop': case 'peek': {
      const args = op.kind === 'lookup' && s.map.keySize > 0 ? ['map', 'lookup', ...pinned, 'key', ...hexArgs(op.key)] : ['map', op.kind === 'lookup' ? 'lookup' : op.kind, ...pinned];
      const r = bpftool(args);
      return r.errno ? answer(r.errno) : r.json === null ? answer(2) : answer(0, kernelValue(r.json as JsonEntry));
    }
    case 'getnext': {
      const r = bpftool(['map', 'getnext', ...pinned, ...(op.key ? ['key', ...hexArgs(op.key)] : [])]);
      return answer(r.errno, r.errno ? '' : hexOf(fromJson((r.json as JsonEntry).next_key ?? [])));
    }
    case 'dump': {
      const r = bpftool(['map', 'dump', ...pinned]);
      const entries = (r.json ?? []) as JsonEntry[];
      return answer(r.errno, entries.map((e) => `${hexOf(fromJson(e.key ?? []))}=${kernelValue(e)}`).join(' '));
    }
    case 'progLookup': return `ret ${testRun(s, op.key)}`;
    case 'bloomTest': return `ret ${testRun(s, op.value)}`;
  }
}

function onOurs(s: Sides, op: Op): string {
  const m = s.map;
  switch (op.kind) {
    case 'update': return answer(-m.sysUpdate(op.key, sysValue(m, op.value), op.flags));
    case 'delete': return answer(-m.sysDelete(op.key));
    case 'push': return answer(-m.sysUpdate(null, op.value, op.flags));
    case 'lookup': case 'peek': {
      const r = m.sysLookup(op.kind === 'lookup' ? op.key : null);
      return answer(-r.err, r.value && oursValue(m, r.value));
    }
    case 'pop': {
      const r = m.sysLookupAndDelete(null);
      return answer(-r.err, r.value && oursValue(m, r.value));
    }
    case 'getnext': {
      const r = m.getNextKey(op.key);
      return answer(-r.err, r.key && hexOf(r.key));
    }
    case 'dump': return answer(0, m.entries().map((e) => `${hexOf(e.key)}=${e.perCpu ? '[' + e.perCpu.map(hexOf).join(',') + ']' : hexOf(e.value)}`).join(' '));
    case 'progLookup': return `ret ${m.lookup(op.key, 0) ? 1 : 2}`;
    case 'bloomTest': return `ret ${m.peek(op.value) === 0 ? 1 : 2}`;
  }
}

function testRun(s: Sides, head: Uint8Array): string {
  const data = new Uint8Array(64);
  data.set(head);
  const file = join(s.dir, 'pkt.bin');
  writeFileSync(file, data);
  const r = bpftool(['prog', 'run', 'pinned', s.prog!, 'data_in', file, 'repeat', '1']);
  return r.errno ? `error ${JSON.stringify(r.json)}` : String((r.json as { retval: number }).retval);
}

// ---- seeded scenarios ----

type Rng = (n: number) => number;

function rng(seed: number): Rng {
  let x = seed >>> 0 || 1;
  return (n) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}

function bytesOf(r: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => r(256));
}

function u32le(n: number, size = 4): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < Math.min(size, 4); i++) b[i] = (n >>> (8 * i)) & 0xff;
  return b;
}

interface Scenario {
  name: string;
  def: MapDef;
  ops: number;
  /** Operation kinds, repeated to weight them. */
  mix: Op['kind'][];
  key: (r: Rng) => Uint8Array;
  dumpEvery?: number;
}

const ZS = MAP_F.ZERO_SEED;
const numKey = (domain: number, size = 4) => (r: Rng) => u32le(r(domain) * 2654435761, size);
const KV_MIX: Op['kind'][] = ['update', 'update', 'update', 'update', 'lookup', 'lookup', 'delete', 'getnext'];

/** LPM keys: a prefix length (sometimes longer than the data, which is invalid) over a few related addresses. */
function lpmKey(dataSize: number): (r: Rng) => Uint8Array {
  const bases = [[10, 0, 0, 0], [10, 1, 0, 0], [10, 1, 128, 0], [192, 168, 0, 0], [192, 168, 1, 7], [0, 0, 0, 0]];
  return (r) => {
    const key = new Uint8Array(4 + dataSize);
    const max = dataSize * 8;
    const len = r(10) === 0 ? max + 1 : [0, 1, 8, 9, 16, 17, 24, max, r(max + 1)][r(9)];
    key.set(u32le(Math.min(len, max + 1)));
    const base = bases[r(bases.length)];
    for (let i = 0; i < dataSize; i++) key[4 + i] = base[i % 4] ^ (r(8) === 0 ? 1 << r(8) : 0);
    return key;
  };
}

const SCENARIOS: Scenario[] = [
  { name: 'array (value 8)', def: { type: 'array', keySize: 4, valueSize: 8, maxEntries: 8 }, ops: 120, mix: KV_MIX, key: (r) => u32le(r(11)) },
  { name: 'array (value 5)', def: { type: 'array', keySize: 4, valueSize: 5, maxEntries: 5 }, ops: 80, mix: KV_MIX, key: (r) => u32le(r(8)) },
  { name: 'percpu_array', def: { type: 'percpu_array', keySize: 4, valueSize: 6, maxEntries: 6 }, ops: 100, mix: KV_MIX, key: (r) => u32le(r(9)) },
  { name: 'hash (key 4, zero seed)', def: { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS }, ops: 300, mix: KV_MIX, key: numKey(26) },
  { name: 'hash (key 6, jhash, no prealloc)', def: { type: 'hash', keySize: 6, valueSize: 4, maxEntries: 10, flags: ZS | MAP_F.NO_PREALLOC }, ops: 250, mix: KV_MIX, key: numKey(16, 6) },
  { name: 'hash (key 16, 64 entries)', def: { type: 'hash', keySize: 16, valueSize: 8, maxEntries: 64, flags: ZS }, ops: 300, mix: KV_MIX, key: (r) => u32le(r(90) * 0x01000193, 16) },
  { name: 'percpu_hash', def: { type: 'percpu_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: ZS }, ops: 200, mix: KV_MIX, key: numKey(14) },
  { name: 'lru_hash (common LRU)', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS }, ops: 300, mix: KV_MIX, key: numKey(40) },
  { name: 'lru_hash (BPF_F_NO_COMMON_LRU)', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS | MAP_F.NO_COMMON_LRU }, ops: 300, mix: KV_MIX, key: numKey(40) },
  { name: 'lru_hash (128 entries)', def: { type: 'lru_hash', keySize: 8, valueSize: 4, maxEntries: 128, flags: ZS }, ops: 400, mix: KV_MIX, key: numKey(300, 8), dumpEvery: 40 },
  { name: 'lru_percpu_hash', def: { type: 'lru_percpu_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: ZS }, ops: 200, mix: KV_MIX, key: numKey(20) },
  { name: 'lpm_trie (IPv4)', def: { type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 24, flags: MAP_F.NO_PREALLOC }, ops: 300, mix: KV_MIX, key: lpmKey(4) },
  { name: 'lpm_trie (1-byte data)', def: { type: 'lpm_trie', keySize: 5, valueSize: 2, maxEntries: 6, flags: MAP_F.NO_PREALLOC }, ops: 200, mix: KV_MIX, key: lpmKey(1) },
  { name: 'queue', def: { type: 'queue', keySize: 0, valueSize: 4, maxEntries: 5 }, ops: 150, mix: ['push', 'push', 'push', 'pop', 'pop', 'peek', 'lookup'], key: () => new Uint8Array(0) },
  { name: 'stack', def: { type: 'stack', keySize: 0, valueSize: 3, maxEntries: 4 }, ops: 150, mix: ['push', 'push', 'push', 'pop', 'pop', 'peek', 'lookup'], key: () => new Uint8Array(0) },
];

function randomOp(sc: Scenario, r: Rng, i: number): Op {
  if ((i + 1) % (sc.dumpEvery ?? 10) === 0 && sc.def.keySize > 0) return { kind: 'dump' };
  const kind = sc.mix[r(sc.mix.length)];
  const key = sc.key(r);
  const value = bytesOf(r, sc.def.valueSize);
  const flags = r(3);
  switch (kind) {
    case 'update': return { kind, key, value, flags };
    case 'push': return { kind, value, flags };
    case 'getnext': return { kind, key: r(4) === 0 ? null : key };
    case 'lookup': case 'delete': case 'progLookup': return { kind, key };
    case 'bloomTest': return { kind, value };
    default: return { kind } as Op;
  }
}

interface Tally {
  ops: number;
  agreed: number;
  mismatches: string[];
}

function runOps(s: Sides, ops: Op[]): Tally {
  const tally: Tally = { ops: 0, agreed: 0, mismatches: [] };
  ops.forEach((op, i) => {
    const kernel = onKernel(s, op);
    const ours = onOurs(s, op);
    tally.ops++;
    if (process.env.MAPS_TRACE) console.log(`# ${i} ${describe(op)} => ${kernel}`);
    if (kernel === ours) tally.agreed++;
    else if (tally.mismatches.length < 5) tally.mismatches.push(`op ${i} ${describe(op)}:\n  kernel: ${kernel}\n  ours:   ${ours}`);
  });
  return tally;
}

const totals = { ops: 0, agreed: 0 };

for (const sc of SCENARIOS) {
  test(`kernel maps: ${sc.name} agrees with the kernel op for op`, (t) => {
    const why = kernelUnavailable();
    if (why) { t.skip(why); return; }
    const env = { nCpus: possibleCpus() };
    const made = createMap(sc.def, env);
    assert.ok(made.value, made.diagnostics.map((d) => d.message).join('; '));
    const { path, errno } = createKernelMap(sc.def);
    const scratch = scratchDir();
    try {
      assert.equal(errno, 0, `bpftool map create failed with ${errnoName(errno)}`);
      const r = rng(0xc0ffee ^ sc.name.length * 7919);
      const ops = Array.from({ length: sc.ops }, (_, i) => randomOp(sc, r, i));
      if (sc.def.keySize > 0) ops.push({ kind: 'dump' });
      const tally = runOps({ path, map: made.value, dir: scratch.dir }, ops);
      totals.ops += tally.ops;
      totals.agreed += tally.agreed;
      console.log(`# ${sc.name}: ${tally.agreed}/${tally.ops} operations agree with the kernel`);
      assert.deepEqual(tally.mismatches, []);
    } finally {
      rmSync(path, { force: true });
      scratch.cleanup();
    }
  });
}

export { HashMap, BloomFilter, CLANG, totals, rng, runOps, type Sides, type Op };
