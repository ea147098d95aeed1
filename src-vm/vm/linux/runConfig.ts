// The JSON a run is configured with (`run --ctx F.json`): context fields
// (xdp_md, __sk_buff as ctx_in gives them, pt_regs registers, raw tracepoint
// arguments, a tracepoint record), map contents before the run, and the
// simulated machine (process, clock, CPU, random seed, probe-readable memory).
// Every problem is a diagnostic naming its JSON path; nothing throws. Pure.
//
//   { "ctx": { "mark": 7, "ingress_ifindex": 1, "regs": { "di": "0x10" }, "args": [1, 2], "raw": "0a0b" },
//     "maps": { "blocklist": [ { "key": "0a000001", "value": "01000000" } ] },
//     "process": { "pid": 42, "tgid": 42, "uid": 0, "gid": 0, "comm": "curl", "cgroupId": 7 },
//     "time": { "monotonicNs": "5000000000", "tickNs": 1000 }, "cpu": 0, "seed": 7,
//     "probeMemory": [ { "address": "0xffff888000001000", "bytes": "68656c6c6f00", "space": "kernel" } ] }

import type { Diagnostic, WithDiagnostics } from '../../diagnostics';
import { parseHexBytes } from '../../hexBytes';
import type { SkbInput } from './contexts/skb';
import { PT_REGS, type PtRegName, type TracingInput } from './contexts/tracing';
import type { XdpInput } from './contexts/xdp';
import type { ProbeMemory, SimEnv, SimProcess } from './runState';

export interface MapContents {
  map: string;
  entries: { key: Uint8Array; value: Uint8Array }[];
}

export interface RunConfig {
  xdp: XdpInput;
  skb?: SkbInput;
  tracing: TracingInput;
  env: Partial<SimEnv>;
  maps: MapContents[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Reader {
  readonly diagnostics: Diagnostic[] = [];

  problem(path: string, message: string): undefined {
    this.diagnostics.push({ severity: 'error', code: 'run/config', message: `${path}: ${message}` });
    return undefined;
  }

  big(v: Json | undefined, path: string): bigint | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^(-?\d+|0x[0-9a-f]+)$/i.test(v.trim())) return BigInt(v.trim());
    return this.problem(path, `expected an integer (a number, or a decimal or 0x-hex string), got ${JSON.stringify(v)}`);
  }

  num(v: Json | undefined, path: string): number | undefined {
    const b = this.big(v, path);
    if (b === undefined) return undefined;
    if (b < 0n || b > 0xffffffffn) return this.problem(path, `expected a 32-bit unsigned integer, got ${b}`);
    return Number(b);
  }

  bytes(v: Json | undefined, path: string): Uint8Array | undefined {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.problem(path, 'expected a hex byte string');
    const parsed = parseHexBytes(v);
    return 'error' in parsed ? this.problem(path, parsed.error) : parsed.bytes;
  }

  /** One problem per key of `obj` that is not in `keys` (`path.key: unknown key`). */
  onlyKnown(obj: Record<string, Json>, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) this.problem(path ? `${path}.${k}` : k, `unknown key (known: ${keys.join(', ')})`);
  }

  object(v: Json | undefined, path: string): Record<string, Json> | undefined {
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return this.problem(path, 'expected an object');
    return v;
  }
}

const SKB_FIELDS = ['mark', 'priority', 'ingress_ifindex', 'ifindex', 'wire_len', 'gso_segs', 'gso_size'] as const;
const CTX_KEYS: readonly string[] = [...SKB_FIELDS, 'cb', 'tstamp', 'rx_queue_index', 'raw', 'sample_period', 'addr', 'regs', 'args'];
const PROCESS_KEYS: readonly string[] = ['pid', 'tgid', 'uid', 'gid', 'comm', 'cgroupId', 'task'];
const TIME_KEYS: readonly string[] = ['monotonicNs', 'suspendedNs', 'tickNs'];

function readCtx(r: Reader, ctx: Record<string, Json>): Pick<RunConfig, 'xdp' | 'skb' | 'tracing'> {
  r.onlyKnown(ctx, 'ctx', CTX_KEYS);
  const skb: SkbInput = {};
  for (const f of SKB_FIELDS) if (ctx[f] !== undefined) skb[f] = r.num(ctx[f], `ctx.${f}`);
  if (ctx.cb !== undefined) skb.cb = Array.isArray(ctx.cb) ? ctx.cb.map((v, i) => r.num(v, `ctx.cb[${i}]`) ?? 0) : r.problem('ctx.cb', 'expected an array of up to 5 numbers');
  if (ctx.tstamp !== undefined) skb.tstamp = r.big(ctx.tstamp, 'ctx.tstamp');
  const xdp: XdpInput = { ingressIfindex: r.num(ctx.ingress_ifindex, 'ctx.ingress_ifindex'), rxQueueIndex: r.num(ctx.rx_queue_index, 'ctx.rx_queue_index') };
  const tracing: TracingInput = { raw: r.bytes(ctx.raw, 'ctx.raw'), samplePeriod: r.big(ctx.sample_period, 'ctx.sample_period'), addr: r.big(ctx.addr, 'ctx.addr') };
  const regs = r.object(ctx.regs, 'ctx.regs');
  if (regs) {
    tracing.regs = {};
    for (const [name, v] of Object.entries(regs)) {
      if (!(PT_REGS as readonly string[]).includes(name)) { r.problem(`ctx.regs.${name}`, `not a pt_regs register (one of ${PT_REGS.join(', ')})`); continue; }
      tracing.regs[name as PtRegName] = r.big(v, `ctx.regs.${name}`);
    }
  }
  if (ctx.args !== undefined) tracing.args = Array.isArray(ctx.args) ? ctx.args.map((v, i) => r.big(v, `ctx.args[${i}]`) ?? 0n) : r.problem('ctx.args', 'expected an array');
  const hasSkb = Object.keys(skb).length > 0;
  return { xdp, skb: hasSkb ? skb : undefined, tracing };
}

function readMaps(r: Reader, maps: Record<string, Json>): MapContents[] {
  return Object.entries(maps).map(([map, list]) => {
    if (!Array.isArray(list)) { r.problem(`maps.${map}`, 'expected an array of { "key": hex, "value": hex }'); return { map, entries: [] }; }
    const entries = list.flatMap((e, i) => {
      const o = r.object(e, `maps.${map}[${i}]`);
      const key = o && r.bytes(o.key ?? '', `maps.${map}[${i}].key`);
      const value = o && r.bytes(o.value, `maps.${map}[${i}].value`);
      return key && value ? [{ key, value }] : [];
    });
    return { map, entries };
  });
}

function readProcess(r: Reader, p: Record<string, Json>): Partial<SimProcess> {
  r.onlyKnown(p, 'process', PROCESS_KEYS);
  const out: Partial<SimProcess> = {};
  for (const f of ['pid', 'tgid', 'uid', 'gid'] as const) if (p[f] !== undefined) out[f] = r.num(p[f], `process.${f}`);
  if (p.comm !== undefined) out.comm = typeof p.comm === 'string' ? p.comm : r.problem('process.comm', 'expected a string');
  if (p.cgroupId !== undefined) out.cgroupId = r.big(p.cgroupId, 'process.cgroupId');
  if (p.task !== undefined) out.task = r.big(p.task, 'process.task');
  return out;
}

function readEnv(r: Reader, root: Record<string, Json>, base: SimProcess): Partial<SimEnv> {
  const env: Partial<SimEnv> = {};
  const time = r.object(root.time, 'time');
  if (time) {
    r.onlyKnown(time, 'time', TIME_KEYS);
    if (time.monotonicNs !== undefined) env.monotonicNs = r.big(time.monotonicNs, 'time.monotonicNs');
    if (time.suspendedNs !== undefined) env.suspendedNs = r.big(time.suspendedNs, 'time.suspendedNs');
    if (time.tickNs !== undefined) env.tickNs = r.big(time.tickNs, 'time.tickNs');
  }
  if (root.cpu !== undefined) env.cpu = r.num(root.cpu, 'cpu');
  if (root.seed !== undefined) env.seed = r.num(root.seed, 'seed');
  if (root.funcIp !== undefined) env.funcIp = r.big(root.funcIp, 'funcIp');
  if (root.stackId !== undefined) env.stackId = r.num(root.stackId, 'stackId');
  const proc = r.object(root.process, 'process');
  if (proc) env.process = { ...base, ...readProcess(r, proc) };
  if (root.probeMemory !== undefined) {
    env.probeMemory = Array.isArray(root.probeMemory)
      ? root.probeMemory.flatMap((m, i): ProbeMemory[] => {
        const o = r.object(m, `probeMemory[${i}]`);
        const address = o && r.big(o.address, `probeMemory[${i}].address`);
        const bytes = o && r.bytes(o.bytes, `probeMemory[${i}].bytes`);
        const space = o?.space === 'user' ? 'user' : 'kernel';
        return address !== undefined && bytes ? [{ address, bytes, space }] : [];
      })
      : r.problem('probeMemory', 'expected an array');
  }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete (env as Record<string, unknown>)[k];
  return env;
}

/** Reads a run configuration; `baseProcess` fills process fields the file leaves out. */
export function parseRunConfig(text: string, baseProcess: SimProcess): WithDiagnostics<RunConfig> {
  const r = new Reader();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    r.problem('(file)', `not JSON: ${(e as Error).message}`);
    return { value: { xdp: {}, tracing: {}, env: {}, maps: [] }, diagnostics: r.diagnostics };
  }
  const root = r.object(json, '(top level)') ?? {};
  r.onlyKnown(root, '', ['ctx', 'maps', 'process', 'time', 'cpu', 'seed', 'funcIp', 'stackId', 'probeMemory']);
  const ctx = readCtx(r, r.object(root.ctx, 'ctx') ?? {});
  const maps = readMaps(r, r.object(root.maps, 'maps') ?? {});
  return { value: { ...ctx, env: readEnv(r, root, baseProcess), maps }, diagnostics: r.diagnostics };
}
