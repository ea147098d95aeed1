#!/usr/bin/env node
// Generates src-vm/verifier/helperProtos.generated.ts: every eBPF helper's
// verifier prototype (GPL-only flag, return type, argument types with their
// flags) and the program types that may call it, read from the Linux sources.
//
// Usage: node scripts/genHelperProtos.mjs [LINUX_SOURCE_DIR]   (default /tmp/linux-6.12; a full tree: every prototype is found)
// Getting the sources (Debian):
//   apt-get download linux-source-6.12 && dpkg-deb -x linux-source-6.12_*.deb pkg &&
//   tar -xf pkg/usr/src/linux-source-6.12.tar.xz -C /tmp
//
// What it reads (best effort, data-driven, no C preprocessor: every #ifdef
// branch counts, as on a kernel built with everything enabled):
//  - helper ids: __BPF_FUNC_MAPPER in include/uapi/linux/bpf.h;
//  - prototypes: every `struct bpf_func_proto NAME = { ... };` initialiser in
//    kernel/, net/ (and the rest of the tree's .c files that define some);
//  - program types: BPF_PROG_TYPE(...) in include/linux/bpf_types.h ->
//    NAME_verifier_ops.get_func_proto;
//  - which helper each program type may call: the `*_func_proto(enum bpf_func_id
//    func_id, ...)` functions, read as `case BPF_FUNC_x: return &proto;` in text
//    order (first case wins, `return NULL` denies), falling back to the
//    `*_func_proto(func_id, prog)` they call for the rest. Capability checks
//    are taken as passed (we load as root); other run-time conditions
//    (attach type, `prog->aux->sleepable`) are taken as allowing the helper.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = process.argv[2] ?? '/tmp/linux-6.12';
const OUT = join(fileURLToPath(new URL('..', import.meta.url)), 'src-vm', 'verifier', 'helperProtos.generated.ts');
const SCAN_DIRS = ['kernel', 'net', 'security', 'drivers/hid', 'drivers/media/rc', 'fs', 'mm'];

function cFiles(dir) {
  const out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...cFiles(p));
    else if (e.endsWith('.c')) out.push(p);
  }
  return out;
}

/** Strips comments so that regexes see code only. */
const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');

function helperIds() {
  const uapi = readFileSync(join(SRC, 'include/uapi/linux/bpf.h'), 'utf8');
  const ids = [];
  for (const m of uapi.matchAll(/^\s*FN\((\w+),\s*(\d+),/gm)) ids.push({ name: m[1], id: Number(m[2]) });
  return ids;
}

const normType = (t) => t.replace(/[()]/g, ' ').split('|').map((x) => x.trim()).filter(Boolean).join(' | ');

/** `struct bpf_func_proto NAME = { .field = value, ... };` -> NAME -> fields. */
/** Byte sizes of the types `.argN_size = sizeof(T)` names in the kernel's protos (ARG_PTR_TO_FIXED_SIZE_MEM). */
const SIZEOF = { u32: 4, s32: 4, u64: 8, s64: 8, 'struct iphdr': 20, 'struct ipv6hdr': 40, 'struct tcphdr': 20 };

/** `.argN_size = sizeof(T)` fields as a sparse array of byte sizes (index N-1); unknown types are reported. */
function argSizes(fields) {
  const sizes = [];
  for (let k = 1; k <= 5; k++) {
    const m = /^sizeof\((.+)\)$/.exec(fields[`arg${k}_size`] ?? '');
    if (!m) continue;
    const size = SIZEOF[m[1].trim()];
    if (size === undefined) throw new Error(`arg${k}_size: unknown type ${m[1]}: add it to SIZEOF`);
    sizes[k - 1] = size;
  }
  return sizes.length ? sizes : undefined;
}

function parseProtos(files) {
  const protos = new Map();
  for (const f of files) {
    const text = stripComments(readFileSync(f, 'utf8'));
    for (const m of text.matchAll(/struct\s+bpf_func_proto\s+(\w+)\s*=\s*\{([\s\S]*?)\n\s*\};/g)) {
      if (protos.has(m[1])) continue;
      const fields = {};
      for (const fm of m[2].matchAll(/\.(\w+)\s*=\s*([^,]+(?:\([^)]*\)[^,]*)?),?\s*(?=\.\w+\s*=|$)/g)) fields[fm[1]] = fm[2].trim();
      const arrayArgs = /\.arg_type\s*=\s*\{([^}]*)\}/.exec(m[2]);
      const args = [];
      for (let k = 1; k <= 5; k++) if (fields[`arg${k}_type`]) args[k - 1] = normType(fields[`arg${k}_type`]);
      if (arrayArgs) arrayArgs[1].split(',').map((x) => x.trim()).filter(Boolean).forEach((x, k) => { args[k] = normType(x); });
      while (args.length && !args[args.length - 1]) args.pop();
      protos.set(m[1], {
        file: relative(SRC, f),
        gplOnly: fields.gpl_only === 'true',
        retType: normType(fields.ret_type ?? 'RET_INTEGER'),
        argTypes: Array.from(args, (a) => a ?? 'ARG_DONTCARE'),
        mightSleep: fields.might_sleep === 'true',
        pktAccess: fields.pkt_access === 'true',
        argSizes: argSizes(fields),
        func: fields.func,
      });
    }
  }
  return protos;
}

/** Finds every function body in the files: name -> body text. */
function functionBodies(files) {
  const bodies = new Map();
  for (const f of files) {
    const text = stripComments(readFileSync(f, 'utf8'));
    for (const m of text.matchAll(/^(?:[\w \t*]+?[\s*])?(\w+)\s*\(([^;{)]*)\)\s*\{/gm)) {
      const name = m[1];
      const weak = m[0].includes('__weak'); // a fallback the real definition overrides
      if (['if', 'for', 'while', 'switch'].includes(name) || (bodies.has(name) && (weak || !bodies.get(name).weak))) continue;
      let depth = 0, i = m.index + m[0].length - 1;
      const start = i;
      for (; i < text.length; i++) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}' && --depth === 0) break;
      }
      bodies.set(name, { params: m[2], body: text.slice(start + 1, i), weak });
    }
  }
  return bodies;
}

const isFuncProtoFn = (fn) => fn && /enum\s+bpf_func_id\s+\w+/.test(fn.params);

/** One func_proto function read as decisions: helper name -> proto name or null, plus its fallbacks in order. */
function readDecisions(fn, bodies) {
  const decisions = new Map();
  const fallbacks = [];
  const first = []; // `func_proto = other_func_proto(func_id, prog); if (func_proto) return func_proto;`
  let pending = [];
  let last = 0;
  let sinceCase = ''; // code since the last `case BPF_FUNC_x:`, to see nested switches

  const tokens = /case\s+BPF_FUNC_(\w+)\s*:|default\s*:|break\s*;|return\s+([^;]*);|=\s*(\w+)\s*\(\s*func_id/g;
  for (const m of fn.body.matchAll(tokens)) {
    const between = fn.body.slice(last, m.index);
    last = m.index + m[0].length;
    sinceCase += between;
    const nested = pending.length > 0 && /\bswitch\s*\(/.test(sinceCase);
    if (m[3]) { if (isFuncProtoFn(bodies.get(m[3]))) first.push(m[3]); continue; }
    if (m[1]) { pending.push(m[1]); sinceCase = ''; continue; }
    if (m[2] === undefined) { if (!nested) pending = []; continue; }
    const expr = chooseBranch(m[2].trim());
    // `if (!capable(...)) return NULL;` inside a case: taken as passed (see the header).
    if (expr === 'NULL' && (nested || /\bif\s*\(/.test(between))) continue;
    const call = /^(\w+)\s*\(([^)]*)\)$/.exec(expr);
    if (call && isFuncProtoFn(bodies.get(call[1]))) {
      if (pending.length) pending.forEach((h) => { if (!decisions.has(h)) decisions.set(h, { via: call[1] }); });
      else fallbacks.push(call[1]);
      pending = [];
      continue;
    }
    if (!pending.length) continue;
    let proto = /&\s*(\w+)/.exec(expr)?.[1] ?? null;
    if (!proto && call) proto = /return\s+&\s*(\w+)/.exec(bodies.get(call[1])?.body ?? '')?.[1] ?? null;
    if (!proto && expr !== 'NULL') proto = /^(\w+_proto\w*)$/.exec(expr)?.[1] ?? null;
    for (const h of pending) if (!decisions.has(h)) decisions.set(h, proto);
    pending = [];
  }
  return { decisions, fallbacks, first };
}

/** `cond ? a : b` -> b (the usual case) unless it is NULL (run-time conditions are taken as allowing). */
function chooseBranch(expr) {
  const t = /^[^?]*\?\s*([^:]+?)\s*:\s*(.+)$/.exec(expr);
  if (!t) return expr;
  return t[2].trim() === 'NULL' ? t[1].trim() : t[2].trim();
}

/** helper name -> proto name (or null) for a program type's get_func_proto, following fallbacks. */
function resolveAll(fnName, bodies, memo, seen = new Set()) {
  if (memo.has(fnName)) return memo.get(fnName);
  const out = new Map();
  const fn = bodies.get(fnName);
  if (!fn || seen.has(fnName)) return out;
  seen.add(fnName);
  const { decisions, fallbacks, first } = readDecisions(fn, bodies);
  for (const fb of first) for (const [h, d] of resolveAll(fb, bodies, memo, seen)) if (d && !out.has(h)) out.set(h, d);
  for (const [h, d] of decisions) {
    if (out.has(h)) continue;
    if (d && typeof d === 'object') { const r = resolveAll(d.via, bodies, memo, seen).get(h); out.set(h, r ?? null); }
    else out.set(h, d);
  }
  for (const fb of fallbacks) for (const [h, d] of resolveAll(fb, bodies, memo, seen)) if (!out.has(h)) out.set(h, d);
  seen.delete(fnName);
  memo.set(fnName, out);
  return out;
}

function progTypes(files) {
  const types = readFileSync(join(SRC, 'include/linux/bpf_types.h'), 'utf8');
  const opsText = files.map((f) => stripComments(readFileSync(f, 'utf8'))).join('\n');
  const out = [];
  for (const m of types.matchAll(/^BPF_PROG_TYPE\(BPF_PROG_TYPE_(\w+),\s*(\w+),/gm)) {
    const ops = new RegExp(`bpf_verifier_ops\\s+${m[2]}_verifier_ops\\s*=\\s*\\{[^}]*?\\.get_func_proto\\s*=\\s*(\\w+)`).exec(opsText);
    out.push({ type: m[1].toLowerCase(), getFuncProto: ops?.[1] });
  }
  return out;
}

/**
 * Where the kernel we verify against (6.18, the oracle of
 * test/kernel/helperProtos.test.ts) differs from the 6.12 sources read here.
 * toBase: helpers 6.14 moved into bpf_base_func_proto (with the proto it
 * returns there), so every program type that falls back to it may call them
 * unless its own func_proto decided first. removed: helper -> program types
 * where this kernel refuses them (build options: no CONFIG_BPF_KPROBE_OVERRIDE;
 * lockdown for probe_write_user; get_retval left to cgroup hooks with a
 * return value).
 */
const DRIFT_618 = {
  toBase: {
    get_current_comm: 'bpf_get_current_comm_proto', send_signal: 'bpf_send_signal_proto',
    perf_event_read: 'bpf_perf_event_read_proto', get_cgroup_classid: 'bpf_get_cgroup_classid_curr_proto',
  },
  removed: {
    override_return: ['kprobe'],
    probe_write_user: ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable', 'tracing', 'lsm', 'syscall'],
    get_retval: ['cgroup_skb', 'sock_ops'],
  },
};

/** Whether a func_proto function reaches bpf_base_func_proto through its fallbacks. */
function reachesBase(fnName, bodies, seen = new Set()) {
  if (fnName === 'bpf_base_func_proto') return true;
  const fn = bodies.get(fnName);
  if (!fn || seen.has(fnName)) return false;
  seen.add(fnName);
  const { fallbacks, first } = readDecisions(fn, bodies);
  return [...first, ...fallbacks].some((f) => reachesBase(f, bodies, seen));
}

function applyDrift(perType, bodies) {
  for (const p of perType) {
    if (p.getFuncProto && reachesBase(p.getFuncProto, bodies)) {
      for (const [h, proto] of Object.entries(DRIFT_618.toBase)) if (!p.allowed.get(h)) p.allowed.set(h, proto);
    }
    for (const [h, types] of Object.entries(DRIFT_618.removed)) if (types.includes(p.type)) p.allowed.set(h, null);
  }
}

function main() {
  const files = SCAN_DIRS.flatMap((d) => cFiles(join(SRC, d)));
  const ids = helperIds();
  const protos = parseProtos(files);
  const bodies = functionBodies(files);
  const memo = new Map();
  const perType = progTypes(files).map((p) => ({ ...p, allowed: p.getFuncProto ? resolveAll(p.getFuncProto, bodies, memo) : new Map() }));
  applyDrift(perType, bodies);
  const rows = [];
  for (const { id, name } of ids) {
    if (id === 0) continue;
    const byProto = new Map();
    for (const p of perType) {
      const proto = p.allowed.get(name);
      if (!proto) continue;
      if (!byProto.has(proto)) byProto.set(proto, []);
      byProto.get(proto).push(p.type);
    }
    const preferred = `bpf_${name}_proto`;
    const names = [...byProto.keys()].sort((a, b) => (b === preferred) - (a === preferred) || byProto.get(b).length - byProto.get(a).length);
    const mainName = names[0] ?? (protos.has(preferred) ? preferred : undefined);
    rows.push({ id, name, mainName, byProto, names });
  }
  writeFileSync(OUT, render(rows, protos, perType));
  const unresolved = rows.filter((r) => !protos.has(r.mainName)).map((r) => r.name);
  console.log(`${rows.length} helpers, ${rows.length - unresolved.length} with a prototype; ${perType.length} program types (${perType.filter((p) => !p.getFuncProto).map((p) => p.type).join(', ') || 'all'} without get_func_proto)`);
  if (unresolved.length) console.log(`no prototype definition in the scanned tree: ${unresolved.join(', ')}`);
}

const q = (s) => JSON.stringify(s);

function protoFields(p) {
  const parts = [`gplOnly: ${p.gplOnly}`, `retType: ${q(p.retType)}`, `argTypes: [${p.argTypes.map(q).join(', ')}]`];
  if (p.mightSleep) parts.push('mightSleep: true');
  if (p.pktAccess) parts.push('pktAccess: true');
  if (p.argSizes) parts.push(`argSizes: [${Array.from(p.argSizes, (x) => x ?? 0).join(', ')}]`);
  return parts.join(', ');
}

function render(rows, protos, perType) {
  const lines = [];
  for (const r of rows) {
    const all = [...new Set([...r.byProto.values()].flat())];
    const p = protos.get(r.mainName);
    if (!p) { lines.push(`  { id: ${r.id}, name: ${q(r.name)}, proto: ${r.mainName ? q(r.mainName) : 'null'}, known: false, allowedProgTypes: [${all.map(q).join(', ')}] },`); continue; }
    const variants = r.names.slice(1).filter((n) => protos.has(n)).map((n) => `{ proto: ${q(n)}, progTypes: [${r.byProto.get(n).map(q).join(', ')}], ${protoFields(protos.get(n))} }`);
    lines.push(`  { id: ${r.id}, name: ${q(r.name)}, proto: ${q(r.mainName)}, known: true, ${protoFields(p)}, allowedProgTypes: [${all.map(q).join(', ')}]${variants.length ? `, variants: [${variants.join(', ')}]` : ''} },`);
  }
  return `${HEADER}
/** Program types the generator found (BPF_PROG_TYPE_* lower-cased, without the prefix), with their get_func_proto. */
export const PROG_TYPE_FUNC_PROTOS: Readonly<Record<string, string | null>> = {
${perType.map((p) => `  ${p.type}: ${p.getFuncProto ? q(p.getFuncProto) : 'null'},`).join('\n')}
};

export const HELPER_PROTOS: readonly HelperProtoRow[] = [
${lines.join('\n')}
];
`;
}

const HEADER = `// DO NOT EDIT — generated by scripts/genHelperProtos.mjs from Linux 6.12 sources
// (struct bpf_func_proto initialisers and the per-program-type *_func_proto
// tables). Each helper's verifier prototype — GPL-only flag, return type and
// argument types as the kernel's enum names with their flags joined by ' | '
// (e.g. 'ARG_PTR_TO_MEM | MEM_RDONLY') — and the program types that may call
// it. Pure data; imports nothing.

export interface HelperProtoShape {
  gplOnly: boolean;
  /** enum bpf_return_type, e.g. 'RET_PTR_TO_MAP_VALUE_OR_NULL'. */
  retType: string;
  /** enum bpf_arg_type per argument (arg1 first), with type flags. */
  argTypes: readonly string[];
  mightSleep?: boolean;
  pktAccess?: boolean;
  /** ARG_PTR_TO_FIXED_SIZE_MEM: the argument's size in bytes (argN_size), by argument index; 0 where none. */
  argSizes?: readonly number[];
}

export interface HelperProtoVariant extends HelperProtoShape {
  /** The kernel's proto object, e.g. 'bpf_get_stack_proto_tp'. */
  proto: string;
  /** Program types that get this variant instead of the main one. */
  progTypes: readonly string[];
}

/** A helper whose prototype was found (known) or not (its definition lies outside the scanned sources). */
export type HelperProtoRow =
  | ({ id: number; name: string; proto: string; known: true; allowedProgTypes: readonly string[]; variants?: readonly HelperProtoVariant[] } & HelperProtoShape)
  | { id: number; name: string; proto: string | null; known: false; allowedProgTypes: readonly string[] };

/** The row for a helper id (BPF_FUNC_*), if the id exists. */
export function helperProtoById(id: number): HelperProtoRow | undefined {
  return HELPER_PROTOS.find((h) => h.id === id);
}

/** The prototype a program type gets for a helper: a variant when it has one, else the main shape. */
export function helperProtoFor(row: HelperProtoRow, progType: string): HelperProtoShape | undefined {
  if (!row.known || !row.allowedProgTypes.includes(progType)) return undefined;
  return row.variants?.find((v) => v.progTypes.includes(progType)) ?? row;
}
`;

main();
