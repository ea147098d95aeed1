// The live kernel as the map layer's oracle: the same seeded random sequence
// of operations runs on a pinned kernel map (through bpftool, pinned to CPU 0
// so per-CPU LRU lists are deterministic) and on our emulation, and every
// answer must agree: errno, value, get_next_key result and the full dump
// order (hash maps use BPF_F_ZERO_SEED so bucket order is reproducible).
// Program-side behaviour (LRU reference bits set by lookups, bloom filter
// membership) goes through small clang-built XDP programs run with
// BPF_PROG_TEST_RUN. Bad definitions must be refused with the kernel's errno.
// Scenarios marked "CPUs 0 and 1" run each operation on a seeded choice of
// CPU (taskset), which exercises the LRU's per-CPU lists and stealing; the
// emulation is told the same CPU. Every pinned object is removed afterwards.
// MAPS_TRACE=1 prints each answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPFTOOL, kernelUnavailable, scratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { BloomFilter, createMap, errnoFromText, errnoName, MAP_F, RingBuf, type BpfMap, type MapDef } from '../../src-vm/vm/maps';

const TASKSET = findTool('taskset');
const CLANG = findTool('clang-19');
const PIN_PREFIX = `/sys/fs/bpf/ebpfwb-maps-${process.pid}`;
let pinCount = 0;

/** The CPUs in a sysfs list such as `0-3,5`. */
function cpuList(file: string): number[] {
  const text = readFileSync(`/sys/devices/system/cpu/${file}`, 'utf8').trim();
  return text.split(',').flatMap((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
  });
}

const possibleCpus = (): number => cpuList('possible').length;

/** The CPUs operations may alternate between: 0 and 1 when CPU 1 is online (and taskset can pin), else just 0. */
function alternatingCpus(): number[] {
  return TASKSET && cpuList('online').includes(1) ? [0, 1] : [0];
}

// ---- bpftool, pinned to CPU 0 ----

interface ToolAnswer {
  errno: number;
  json: unknown;
}

/** Runs bpftool on `cpu` (the kernel's per-CPU LRU lists depend on where a syscall runs). */
function bpftool(args: string[], cpu = 0): ToolAnswer {
  const argv = TASKSET ? ['-c', String(cpu), BPFTOOL!, '-j', ...args] : ['-j', ...args];
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
  | { kind: 'bloomTest'; value: Uint8Array }
  /** Ring buffer through a program: 0 output `size` bytes, 1 reserve 64 + discard, 2 reserve 200 + submit, 3.. query flag op-3. */
  | { kind: 'ringbuf'; op: number; size: number };

function describe(op: Op): string {
  const parts: string[] = [op.kind];
  if ('key' in op) parts.push(`key=${op.key ? hexOf(op.key) : 'none'}`);
  if ('value' in op) parts.push(`value=${hexOf(op.value)}`);
  if ('flags' in op) parts.push(FLAG_WORDS[op.flags]);
  if (op.kind === 'ringbuf') parts.push(`op=${op.op} size=${op.size}`);
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
  /** The CPU each operation runs on (default 0). */
  cpuOf?: (opIndex: number) => number;
  path: string;
  map: BpfMap;
  /** Pinned program for progLookup / bloomTest ops. */
  prog?: string;
  dir: string;
}

function onKernel(s: Sides, op: Op, cpu: number): string {
  const pinned = ['pinned', s.path];
  const run = (args: string[]): ToolAnswer => bpftool(args, cpu);
  switch (op.kind) {
    case 'update': return answer(run(['map', 'update', ...pinned, 'key', ...hexArgs(op.key), 'value', ...hexArgs(op.value), FLAG_WORDS[op.flags]]).errno);
    case 'delete': return answer(run(['map', 'delete', ...pinned, 'key', ...hexArgs(op.key)]).errno);
    case 'push': return answer(run(['map', 'push', ...pinned, 'value', ...hexArgs(op.value), FLAG_WORDS[op.flags]]).errno);
    case 'lookup': case 'pop': case 'peek': {
      const args = op.kind === 'lookup' && s.map.keySize > 0 ? ['map', 'lookup', ...pinned, 'key', ...hexArgs(op.key)] : ['map', op.kind === 'lookup' ? 'lookup' : op.kind, ...pinned];
      const r = run(args);
      return r.errno ? answer(r.errno) : r.json === null ? answer(2) : answer(0, kernelValue(r.json as JsonEntry));
    }
    case 'getnext': {
      const r = run(['map', 'getnext', ...pinned, ...(op.key ? ['key', ...hexArgs(op.key)] : [])]);
      return answer(r.errno, r.errno ? '' : hexOf(fromJson((r.json as JsonEntry).next_key ?? [])));
    }
    case 'dump': {
      const r = run(['map', 'dump', ...pinned]);
      // Slots whose lookup fails (an empty devmap index) show {"error": …} as their value; a dump of ours leaves them out.
      const entries = ((r.json ?? []) as JsonEntry[]).filter((e) => e.values || Array.isArray(e.value));
      return answer(r.errno, entries.map((e) => `${hexOf(fromJson(e.key ?? []))}=${kernelValue(e)}`).join(' '));
    }
    case 'progLookup': return `ret ${testRun(s, op.key, cpu)}`;
    case 'bloomTest': return `ret ${testRun(s, op.value, cpu)}`;
    case 'ringbuf': return `ret ${testRun(s, Uint8Array.of(op.size & 0xff, op.size >> 8, 0, 0, op.op), cpu)}`;
  }
}

function onOurs(s: Sides, op: Op, cpu: number): string {
  const m = s.map;
  switch (op.kind) {
    case 'update': return answer(-m.sysUpdate(op.key, sysValue(m, op.value), op.flags, cpu));
    case 'delete': return answer(-m.sysDelete(op.key, cpu));
    case 'push': return answer(-m.sysUpdate(null, op.value, op.flags, cpu));
    case 'lookup': case 'peek': {
      const r = m.sysLookup(op.kind === 'lookup' ? op.key : null, 0, cpu);
      return answer(-r.err, r.value && oursValue(m, r.value));
    }
    case 'pop': {
      const r = m.sysLookupAndDelete(null, 0, cpu);
      return answer(-r.err, r.value && oursValue(m, r.value));
    }
    case 'getnext': {
      const r = m.getNextKey(op.key);
      return answer(-r.err, r.key && hexOf(r.key));
    }
    case 'dump': return answer(0, m.entries().map((e) => `${hexOf(e.key)}=${e.perCpu ? '[' + e.perCpu.map(hexOf).join(',') + ']' : hexOf(e.value)}`).join(' '));
    case 'progLookup': return `ret ${m.lookup(op.key, cpu) ? 1 : 2}`;
    case 'bloomTest': return `ret ${m.peek(op.value, cpu) === 0 ? 1 : 2}`;
    case 'ringbuf': return `ret ${ringbufOp(m as RingBuf, op.op, op.size)}`;
  }
}

/** What the ring buffer program returns for the same request, as a u32. */
function ringbufOp(rb: RingBuf, op: number, size: number): number {
  if (op === 0) return rb.output(new Uint8Array(size & 0xff)) >>> 0;
  if (op === 1 || op === 2) {
    const res = rb.reserve(op === 1 ? 64 : 200);
    if (!res) return 0xffff;
    if (op === 1) rb.discard(res);
    else rb.submit(res);
    return 1;
  }
  return Number(rb.query(op - 3) & 0xffffffffn);
}

function testRun(s: Sides, head: Uint8Array, cpu: number): string {
  const data = new Uint8Array(64);
  data.set(head);
  const file = join(s.dir, 'pkt.bin');
  writeFileSync(file, data);
  const r = bpftool(['prog', 'run', 'pinned', s.prog!, 'data_in', file, 'repeat', '1'], cpu);
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
  /** Values when random bytes would not do (interface indexes, queue sizes). */
  value?: (r: Rng) => Uint8Array;
  dumpEvery?: number;
  /** Run each operation on CPU 0 or 1 at random (the per-CPU LRU lists then interact). */
  bothCpus?: boolean;
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

/** The interfaces of this machine (devmap values must name one). */
function ifindexes(): Set<number> {
  const found = new Set<number>();
  for (const dev of readdirSync('/sys/class/net')) {
    try { found.add(Number(readFileSync(`/sys/class/net/${dev}/ifindex`, 'utf8'))); } catch { /* vanished */ }
  }
  return found;
}

/** A devmap/cpumap value: a first word from `firsts`, then (8-byte values) a program fd of 0 or -1. */
const pairValue = (firsts: number[], size: number) => (r: Rng): Uint8Array => {
  const v = new Uint8Array(size);
  v.set(u32le(firsts[r(firsts.length)]));
  if (size === 8 && r(2)) v.set([0xff, 0xff, 0xff, 0xff], 4);
  return v;
};

const IFINDEXES = [0, 1, 1, 1, 999, 0x7fffffff];
const QSIZES = [0, 1, 192, 192, 16384, 16385];

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
  { name: 'lru_hash (common LRU, operations on CPUs 0 and 1)', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS }, ops: 300, mix: KV_MIX, key: numKey(40), bothCpus: true },
  { name: 'lru_hash (BPF_F_NO_COMMON_LRU, operations on CPUs 0 and 1)', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS | MAP_F.NO_COMMON_LRU }, ops: 300, mix: KV_MIX, key: numKey(40), bothCpus: true },
  { name: 'lru_percpu_hash', def: { type: 'lru_percpu_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: ZS }, ops: 200, mix: KV_MIX, key: numKey(20) },
  { name: 'lpm_trie (IPv4)', def: { type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 24, flags: MAP_F.NO_PREALLOC }, ops: 300, mix: KV_MIX, key: lpmKey(4) },
  { name: 'lpm_trie (1-byte data)', def: { type: 'lpm_trie', keySize: 5, valueSize: 2, maxEntries: 6, flags: MAP_F.NO_PREALLOC }, ops: 200, mix: KV_MIX, key: lpmKey(1) },
  { name: 'devmap (ifindex values)', def: { type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 6 }, ops: 120, mix: KV_MIX, key: (r) => u32le(r(8)), value: pairValue(IFINDEXES, 4) },
  { name: 'devmap (ifindex + program values)', def: { type: 'devmap', keySize: 4, valueSize: 8, maxEntries: 4 }, ops: 100, mix: KV_MIX, key: (r) => u32le(r(6)), value: pairValue(IFINDEXES, 8) },
  { name: 'devmap_hash', def: { type: 'devmap_hash', keySize: 4, valueSize: 4, maxEntries: 5 }, ops: 150, mix: KV_MIX, key: (r) => u32le(r(12) * 37), value: pairValue(IFINDEXES, 4) },
  { name: 'cpumap', def: { type: 'cpumap', keySize: 4, valueSize: 4, maxEntries: 4 }, ops: 100, mix: KV_MIX, key: (r) => u32le(r(6)), value: pairValue(QSIZES, 4) },
  { name: 'queue', def: { type: 'queue', keySize: 0, valueSize: 4, maxEntries: 5 }, ops: 150, mix: ['push', 'push', 'push', 'pop', 'pop', 'peek', 'lookup'], key: () => new Uint8Array(0) },
  { name: 'stack', def: { type: 'stack', keySize: 0, valueSize: 3, maxEntries: 4 }, ops: 150, mix: ['push', 'push', 'push', 'pop', 'pop', 'peek', 'lookup'], key: () => new Uint8Array(0) },
];

function randomOp(sc: Scenario, r: Rng, i: number): Op {
  if ((i + 1) % (sc.dumpEvery ?? 10) === 0 && sc.def.keySize > 0) return { kind: 'dump' };
  const kind = sc.mix[r(sc.mix.length)];
  const key = sc.key(r);
  const value = sc.value ? sc.value(r) : bytesOf(r, sc.def.valueSize);
  const flags = r(3);
  switch (kind) {
    case 'update': return { kind, key, value, flags };
    case 'push': return { kind, value, flags };
    case 'getnext': return { kind, key: r(4) === 0 ? null : key };
    case 'lookup': case 'delete': case 'progLookup': return { kind, key };
    case 'bloomTest': return { kind, value };
    case 'ringbuf': return { kind, op: 0, size: 0 };
    default: return { kind } as Op;
  }
}

/** Which CPU each operation runs on: always 0, or a seeded choice among the alternating CPUs. */
function cpuChooser(both: boolean | undefined): ((i: number) => number) | undefined {
  const cpus = alternatingCpus();
  if (!both || cpus.length < 2) return undefined;
  const r = rng(0x5eed);
  const picks: number[] = [];
  return (i) => {
    while (picks.length <= i) picks.push(cpus[r(cpus.length)]);
    return picks[i];
  };
}

interface Tally {
  ops: number;
  agreed: number;
  mismatches: string[];
}

function runOps(s: Sides, ops: Op[]): Tally {
  const tally: Tally = { ops: 0, agreed: 0, mismatches: [] };
  ops.forEach((op, i) => {
    const cpu = s.cpuOf?.(i) ?? 0;
    const kernel = onKernel(s, op, cpu);
    const ours = onOurs(s, op, cpu);
    tally.ops++;
    if (process.env.MAPS_TRACE) console.log(`# ${i} cpu ${cpu} ${describe(op)} => ${kernel}`);
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
    const env = { nCpus: possibleCpus(), ifindexes: ifindexes() };
    const made = createMap(sc.def, env);
    assert.ok(made.value, made.diagnostics.map((d) => d.message).join('; '));
    const { path, errno } = createKernelMap(sc.def);
    const scratch = scratchDir();
    try {
      assert.equal(errno, 0, `bpftool map create failed with ${errnoName(errno)}`);
      const r = rng(0xc0ffee ^ sc.name.length * 7919);
      const ops = Array.from({ length: sc.ops }, (_, i) => randomOp(sc, r, i));
      if (sc.def.keySize > 0) ops.push({ kind: 'dump' });
      const tally = runOps({ path, map: made.value, dir: scratch.dir, cpuOf: cpuChooser(sc.bothCpus) }, ops);
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

// ---- definitions the kernel refuses (or accepts) ----

const F = MAP_F;
const DEFS: [MapDef['type'], number, number, number, number][] = [
  // type, key, value, entries, flags
  ['array', 8, 4, 4, 0], ['array', 4, 0, 4, 0], ['array', 4, 4, 0, 0], ['array', 4, 4, 4, F.NO_PREALLOC],
  ['array', 4, 4, 4, F.MMAPABLE], ['percpu_array', 4, 4, 4, F.MMAPABLE], ['percpu_array', 4, 32769, 2, 0],
  ['array', 4, 4, 4, F.RDONLY_PROG | F.WRONLY_PROG], ['array', 4, 4, 4, F.RDONLY | F.WRONLY], ['array', 4, 4, 4, F.PRESERVE_ELEMS],
  ['hash', 0, 4, 4, 0], ['hash', 4, 0, 4, 0], ['hash', 4, 4, 0, 0], ['hash', 4, 4, 4, F.NO_COMMON_LRU],
  ['lru_hash', 4, 4, 4, F.NO_PREALLOC], ['lru_hash', 4, 4, 3, F.NO_COMMON_LRU], ['hash', 4, 4, 4, 1 << 13],
  ['percpu_hash', 4, 40000, 4, 0], ['hash', 4, 4, 4, F.ZERO_SEED | F.NO_PREALLOC],
  ['lpm_trie', 8, 4, 4, 0], ['lpm_trie', 4, 4, 4, F.NO_PREALLOC], ['lpm_trie', 261, 4, 4, F.NO_PREALLOC],
  ['lpm_trie', 260, 4, 4, F.NO_PREALLOC], ['lpm_trie', 8, 0, 4, F.NO_PREALLOC], ['lpm_trie', 8, 4, 4, F.NO_PREALLOC | F.ZERO_SEED],
  ['queue', 4, 4, 4, 0], ['queue', 0, 0, 4, 0], ['stack', 0, 4, 4, F.ZERO_SEED], ['stack', 0, 4, 0, 0],
  ['bloom_filter', 4, 4, 4, 0], ['bloom_filter', 0, 4, 4, F.ZERO_SEED], ['bloom_filter', 0, 4, 4, F.NO_PREALLOC],
  ['ringbuf', 0, 0, 4096, 0], ['ringbuf', 0, 0, 4097, 0], ['ringbuf', 0, 0, 8192, 0], ['ringbuf', 0, 0, 6144, 0],
  ['ringbuf', 0, 0, 2048, 0], ['ringbuf', 4, 0, 4096, 0], ['ringbuf', 0, 0, 4096, F.ZERO_SEED],
  ['devmap', 4, 12, 4, 0], ['devmap', 4, 8, 4, 0], ['devmap', 8, 4, 4, 0], ['devmap_hash', 4, 4, 4, 0], ['devmap', 4, 4, 4, F.NO_PREALLOC],
  ['cpumap', 4, 4, 4, 0], ['cpumap', 4, 4, 9000, 0], ['cpumap', 4, 4, 4, F.RDONLY], ['xskmap', 4, 8, 4, 0], ['xskmap', 4, 4, 4, 0],
  ['prog_array', 4, 8, 4, 0], ['prog_array', 4, 4, 4, F.RDONLY_PROG], ['prog_array', 4, 4, 4, 0],
  ['perf_event_array', 4, 4, 4, F.PRESERVE_ELEMS], ['perf_event_array', 4, 8, 4, 0],
  ['sockmap', 4, 8, 4, 0], ['sockmap', 4, 2, 4, 0], ['sockhash', 513, 8, 4, 0], ['sockhash', 0, 8, 4, 0], ['sockhash', 16, 4, 4, 0],
];

test('kernel maps: definitions are accepted or refused with the kernel\'s errno', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const env = { nCpus: possibleCpus() };
  const mismatches: string[] = [];
  let refused = 0;
  for (const [type, keySize, valueSize, maxEntries, flags] of DEFS) {
    const def: MapDef = { type, keySize, valueSize, maxEntries, flags };
    const kernel = createKernelMap(def);
    const ours = createMap(def, env);
    const shown = kernel.errno === 0 ? (bpftool(['map', 'show', 'pinned', kernel.path]).json as { max_entries: number }) : undefined;
    rmSync(kernel.path, { force: true });
    const what = `${type} key ${keySize} value ${valueSize} entries ${maxEntries} flags 0x${flags.toString(16)}`;
    if (kernel.errno !== ours.errno) mismatches.push(`${what}: kernel ${errnoName(kernel.errno)}, ours ${errnoName(ours.errno)} (${ours.diagnostics[0]?.message})`);
    else if (shown && ours.value && shown.max_entries !== ours.value.maxEntries) mismatches.push(`${what}: kernel max_entries ${shown.max_entries}, ours ${ours.value.maxEntries}`);
    if (kernel.errno) refused++;
  }
  console.log(`# definitions: ${DEFS.length - mismatches.length}/${DEFS.length} agree (${refused} refused by the kernel)`);
  assert.deepEqual(mismatches, []);
  assert.ok(refused >= 30, 'the table should exercise mostly refusals');
});

// ---- program-side behaviour: LRU reference bits and bloom filter membership ----

interface ProgScenario {
  name: string;
  /** C identifier of the map (and of its program, prefixed p_). */
  id: string;
  def: MapDef;
  ops: number;
  mix: Op['kind'][];
  key: (r: Rng) => Uint8Array;
  /** Value generator (bloom filters test values drawn from a domain). */
  value?: (r: Rng) => Uint8Array;
  bothCpus?: boolean;
}

const MAP_TYPE_IDS: Record<string, number> = { lru_hash: 9, lru_percpu_hash: 10, ringbuf: 27, bloom_filter: 30 };
const LRU_PROG_MIX: Op['kind'][] = ['update', 'update', 'update', 'progLookup', 'progLookup', 'progLookup', 'lookup', 'delete', 'getnext'];
const BLOOM_MIX: Op['kind'][] = ['push', 'bloomTest', 'bloomTest', 'bloomTest'];

const PROG_SCENARIOS: ProgScenario[] = [
  { name: 'lru_hash with program lookups', id: 'lru_c', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS }, ops: 400, mix: LRU_PROG_MIX, key: numKey(36) },
  { name: 'lru_hash (BPF_F_NO_COMMON_LRU) with program lookups', id: 'lru_nc', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS | MAP_F.NO_COMMON_LRU }, ops: 400, mix: LRU_PROG_MIX, key: numKey(30) },
  { name: 'lru_hash (256 entries) with program lookups', id: 'lru_big', def: { type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 256, flags: ZS }, ops: 700, mix: LRU_PROG_MIX, key: numKey(330) },
  { name: 'lru_hash with program lookups on CPUs 0 and 1', id: 'lru_c2', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS }, ops: 400, mix: LRU_PROG_MIX, key: numKey(36), bothCpus: true },
  { name: 'lru_hash (BPF_F_NO_COMMON_LRU) with program lookups on CPUs 0 and 1', id: 'lru_nc2', def: { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: ZS | MAP_F.NO_COMMON_LRU }, ops: 400, mix: LRU_PROG_MIX, key: numKey(30), bothCpus: true },
  { name: 'lru_percpu_hash with program lookups', id: 'lru_pc', def: { type: 'lru_percpu_hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: ZS }, ops: 300, mix: LRU_PROG_MIX, key: numKey(20) },
  { name: 'ringbuf (4 KiB, no consumer: fills up)', id: 'rb', def: { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 }, ops: 120, mix: ['ringbuf'], key: () => new Uint8Array(0) },
  { name: 'bloom_filter (value 5, 3 hashes)', id: 'bloom_a', def: { type: 'bloom_filter', keySize: 0, valueSize: 5, maxEntries: 40, flags: ZS, mapExtra: 3 }, ops: 300, mix: BLOOM_MIX, key: () => new Uint8Array(0), value: numKey(120, 5) },
  { name: 'bloom_filter (value 4, default 5 hashes)', id: 'bloom_b', def: { type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 16, flags: ZS }, ops: 300, mix: BLOOM_MIX, key: () => new Uint8Array(0), value: numKey(80) },
  { name: 'bloom_filter (value 12, 7 hashes)', id: 'bloom_c', def: { type: 'bloom_filter', keySize: 0, valueSize: 12, maxEntries: 100, flags: ZS, mapExtra: 7 }, ops: 300, mix: BLOOM_MIX, key: () => new Uint8Array(0), value: numKey(400, 12) },
];

/** Membership tests that said "maybe present" for a value never pushed (checked on our side, which agreed with the kernel). */
function falsePositives(ops: Op[], bloom: BloomFilter): number {
  const pushed = new Set<string>();
  let count = 0;
  const replay = new BloomFilter(bloom.def, bloom.env);
  for (const op of ops) {
    if (op.kind === 'push' && replay.push(op.value, op.flags) === 0) pushed.add(hexOf(op.value));
    if (op.kind === 'bloomTest' && replay.peek(op.value) === 0 && !pushed.has(hexOf(op.value))) count++;
  }
  return count;
}

/** A self-contained C object: one map per scenario and an XDP program that looks a key up (or peeks a value) from the packet's first bytes. */
function programSource(scenarios: ProgScenario[]): string {
  const head = [
    'typedef unsigned int __u32; typedef unsigned char __u8;',
    '#define SEC(n) __attribute__((section(n), used))',
    '#define __uint(name, val) int (*name)[val]',
    'struct xdp_md { __u32 data; __u32 data_end; __u32 data_meta; __u32 ingress_ifindex; __u32 rx_queue_index; __u32 egress_ifindex; };',
    'static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;',
    'static long (*bpf_map_peek_elem)(void *map, void *value) = (void *)89;',
    'static long (*bpf_ringbuf_output)(void *rb, void *data, unsigned long long size, unsigned long long flags) = (void *)130;',
    'static void *(*bpf_ringbuf_reserve)(void *rb, unsigned long long size, unsigned long long flags) = (void *)131;',
    'static void (*bpf_ringbuf_submit)(void *data, unsigned long long flags) = (void *)132;',
    'static void (*bpf_ringbuf_discard)(void *data, unsigned long long flags) = (void *)133;',
    'static unsigned long long (*bpf_ringbuf_query)(void *rb, unsigned long long flags) = (void *)134;',
    'char LICENSE[] SEC("license") = "GPL";',
  ];
  const body = scenarios.flatMap(({ id, def }) => {
    if (def.type === 'ringbuf') return ringbufProgram(id, def.maxEntries);
    const size = def.type === 'bloom_filter' ? def.valueSize : def.keySize;
    const call = def.type === 'bloom_filter' ? `bpf_map_peek_elem(&${id}, buf) == 0` : `bpf_map_lookup_elem(&${id}, buf) != 0`;
    return [
      `struct { __uint(type, ${MAP_TYPE_IDS[def.type]}); __uint(max_entries, ${def.maxEntries}); ${def.keySize ? `__uint(key_size, ${def.keySize}); ` : ''}` +
        `__uint(value_size, ${def.valueSize}); __uint(map_flags, ${def.flags ?? 0}); __uint(map_extra, ${def.mapExtra ?? 0}); } ${id} SEC(".maps");`,
      `SEC("xdp") int p_${id}(struct xdp_md *ctx) {`,
      '  __u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;',
      `  __u8 buf[${size}];`,
      `  if (data + ${size} > end) return 0;`,
      `  __builtin_memcpy(buf, data, ${size});`,
      `  return ${call} ? 1 : 2;`,
      '}',
    ];
  });
  return [...head, ...body, ''].join('\n');
}

/** Output, reserve+discard, reserve+submit or query, as the packet's first bytes ask: | size u16 | 0 0 | op |. */
function ringbufProgram(id: string, size: number): string[] {
  return [
    `struct { __uint(type, 27); __uint(max_entries, ${size}); } ${id} SEC(".maps");`,
    `SEC("xdp") int p_${id}(struct xdp_md *ctx) {`,
    '  __u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;',
    '  __u8 buf[256] = {};',
    '  if (data + 5 > end) return 0;',
    '  __u32 len = data[0];',
    '  __u8 op = data[4];',
    `  if (op == 0) return bpf_ringbuf_output(&${id}, buf, len & 255, 0);`,
    '  if (op == 1 || op == 2) {',
    `    void *p = op == 1 ? bpf_ringbuf_reserve(&${id}, 64, 0) : bpf_ringbuf_reserve(&${id}, 200, 0);`,
    '    if (!p) return 0xffff;',
    '    if (op == 1) bpf_ringbuf_discard(p, 0); else bpf_ringbuf_submit(p, 0);',
    '    return 1;',
    '  }',
    `  return bpf_ringbuf_query(&${id}, op - 3);`,
    '}',
  ];
}

test('kernel maps: program-side lookups (LRU reference bits), bloom filter membership and ring buffer reservations agree with the kernel', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  if (!CLANG) { t.skip('clang-19 is not installed (apt-get install clang-19): the program-side map tests need it'); return; }
  const scratch = scratchDir();
  const progDir = `${PIN_PREFIX}-progs`;
  const mapDir = `${PIN_PREFIX}-progmaps`;
  const env = { nCpus: possibleCpus() };
  const results: string[] = [];
  try {
    const src = join(scratch.dir, 'maps_oracle.bpf.c');
    const obj = join(scratch.dir, 'maps_oracle.bpf.o');
    writeFileSync(src, programSource(PROG_SCENARIOS));
    const cc = runTool(CLANG, ['-target', 'bpf', '-O2', '-g', '-c', src, '-o', obj]);
    assert.equal(cc.status, 0, `clang-19 failed: ${cc.stderr}`);
    const load = runTool(BPFTOOL!, ['prog', 'loadall', obj, progDir, 'pinmaps', mapDir]);
    assert.equal(load.status, 0, `bpftool prog loadall failed: ${load.stdout}${load.stderr}`);
    for (const sc of PROG_SCENARIOS) {
      const made = createMap(sc.def, env);
      assert.ok(made.value, made.diagnostics.map((d) => d.message).join('; '));
      const r = rng(0xbeef ^ sc.id.length * 131 ^ sc.ops);
      const ops = Array.from({ length: sc.ops }, (_, i) => {
        const op = randomOp({ ...sc, dumpEvery: sc.def.keySize ? 25 : 1e9 }, r, i);
        if (op.kind === 'push' && sc.value) return { ...op, value: sc.value(r), flags: r(4) === 0 ? op.flags : 0 };
        if (op.kind === 'bloomTest' && sc.value) return { ...op, value: sc.value(r) };
        if (op.kind === 'ringbuf') return { kind: op.kind, op: [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7][r(11)], size: r(256) };
        return op;
      });
      if (sc.def.keySize > 0) ops.push({ kind: 'dump' });
      const sides = { path: `${mapDir}/${sc.id}`, map: made.value, prog: `${progDir}/p_${sc.id}`, dir: scratch.dir, cpuOf: cpuChooser(sc.bothCpus) };
      const tally = runOps(sides, ops);
      totals.ops += tally.ops;
      totals.agreed += tally.agreed;
      console.log(`# ${sc.name}: ${tally.agreed}/${tally.ops} operations agree with the kernel` +
        (made.value instanceof BloomFilter ? ` (${falsePositives(ops, made.value)} false positives among them)` : ''));
      results.push(...tally.mismatches.map((m) => `${sc.name}: ${m}`));
    }
  } finally {
    rmSync(progDir, { recursive: true, force: true });
    rmSync(mapDir, { recursive: true, force: true });
    scratch.cleanup();
  }
  assert.deepEqual(results, []);
});

test('kernel maps: totals', (t) => {
  if (totals.ops === 0) { t.skip('no kernel map tests ran'); return; }
  console.log(`# maps vs kernel: ${totals.agreed}/${totals.ops} operations agree`);
  assert.equal(totals.agreed, totals.ops);
});
