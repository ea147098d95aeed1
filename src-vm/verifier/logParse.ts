// Reads register states back out of a kernel verifier log (log level 2, as
// `bpftool -d prog load` shows it): instruction lines with the state after
// them (`5: (4f) r7 |= r0   ; R0=... R7=...`), state lines (`5: R0=...`),
// branch entries (`from 3 to 7: R0=...` or `... : safe`) and pruned points
// (`6: safe`). Scalars come back as exact `Scalar` values: the printed form
// omits only default bounds, so nothing is lost. Other register types come
// back as their text. Pure; imports bounds.ts. Never throws on odd input.

import { Scalar, scalarFromBig } from './bounds';

export type RegValue =
  | { kind: 'scalar'; scalar: Scalar; id: number; linkedDelta?: number; precise: boolean }
  | { kind: 'other'; text: string };

/** One `NAME=VALUE` item of a printed state: `R3=...` (regno 3) or a stack slot `fp-8=...`. */
export interface StateItem {
  name: string;
  /** Register number for `R<n>` items, -1 for stack slots. */
  regno: number;
  text: string;
  value: RegValue;
}

export type LogLine =
  | { kind: 'insn'; idx: number; opcode: number; asm: string; state: StateItem[] }
  | { kind: 'state'; idx: number; state: StateItem[] }
  | { kind: 'branch'; from: number; to: number; safe: boolean; state: StateItem[] }
  | { kind: 'safe'; idx: number }
  | { kind: 'other'; text: string };

const INSN = /^(\d+): \(([0-9a-f]{2})\) (.*?)(?:\s+;(.*))?$/;
const STATE = /^(\d+):((?: frame\d+:)? (?:R\d+|fp-?\d+)\S*=.*)$/;
const BRANCH = /^from (\d+) to (\d+)(?: \(speculative execution\))?:(.*)$/;
const SAFE = /^(\d+): safe$/;

/** Every line of the log, classified; lines that are not about states come back as 'other'. */
export function parseVerifierLog(log: string): LogLine[] {
  return log.split('\n').map((raw) => parseLogLine(raw.replace(/\r$/, '')));
}

export function parseLogLine(line: string): LogLine {
  let m = SAFE.exec(line);
  if (m) return { kind: 'safe', idx: Number(m[1]) };
  m = BRANCH.exec(line);
  if (m) {
    const rest = m[3].trim();
    return { kind: 'branch', from: Number(m[1]), to: Number(m[2]), safe: rest === 'safe', state: rest === 'safe' ? [] : parseState(rest) };
  }
  m = INSN.exec(line);
  if (m) return { kind: 'insn', idx: Number(m[1]), opcode: parseInt(m[2], 16), asm: m[3], state: parseState(m[4] ?? '') };
  m = STATE.exec(line);
  if (m) return { kind: 'state', idx: Number(m[1]), state: parseState(m[2]) };
  return { kind: 'other', text: line };
}

/** Splits at spaces outside parentheses. */
function topLevelTokens(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      if (i > start) out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** ` R0=... R1=... fp-8=...` into items (frame markers are skipped). */
export function parseState(text: string): StateItem[] {
  const items: StateItem[] = [];
  for (const tok of topLevelTokens(text.trim(), ' ')) {
    const eq = tok.indexOf('=');
    if (eq <= 0) continue;
    const name = tok.slice(0, eq).replace(/_[a-zA-Z]+$/, ''); // older kernels add liveness: R1_w
    const valueText = tok.slice(eq + 1);
    const reg = /^R(\d+)$/.exec(name);
    items.push({ name, regno: reg ? Number(reg[1]) : -1, text: valueText, value: parseRegValue(valueText) });
  }
  return items;
}

const NUMBER = /^-?(?:0x[0-9a-f]+|\d+)$/;

function parseNumber(text: string): bigint {
  return text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text);
}

/** A register's printed value: a scalar (constant or `scalar(...)`) or anything else as text. */
export function parseRegValue(text: string): RegValue {
  const precise = text.startsWith('P');
  const body = precise ? text.slice(1) : text;
  if (NUMBER.test(body)) {
    const v = BigInt.asUintN(64, parseNumber(body));
    return { kind: 'scalar', scalar: scalarFromConst(v), id: 0, precise };
  }
  const m = /^scalar\((.*)\)$/.exec(body);
  if (!m) return { kind: 'other', text };
  return parseScalarFields(m[1], precise) ?? { kind: 'other', text };
}

function scalarFromConst(v: bigint): Scalar {
  return scalarFromBig({
    value: v, mask: 0n, smin: BigInt.asIntN(64, v), smax: BigInt.asIntN(64, v), umin: v, umax: v,
    s32Min: Number(BigInt.asIntN(32, v)), s32Max: Number(BigInt.asIntN(32, v)),
    u32Min: Number(BigInt.asUintN(32, v)), u32Max: Number(BigInt.asUintN(32, v)),
  });
}

function parseScalarFields(inner: string, precise: boolean): RegValue | undefined {
  const b = {
    value: 0n, mask: (1n << 64n) - 1n, smin: -(1n << 63n), smax: (1n << 63n) - 1n, umin: 0n, umax: (1n << 64n) - 1n,
    s32Min: -0x80000000, s32Max: 0x7fffffff, u32Min: 0, u32Max: 0xffffffff,
  };
  let id = 0;
  let linkedDelta: number | undefined;
  for (const field of topLevelTokens(inner, ',')) {
    const idm = /^id=(\d+)([+-]\d+)?$/.exec(field);
    if (idm) { id = Number(idm[1]); if (idm[2]) linkedDelta = Number(idm[2]); continue; }
    const vm = /^var_off=\((0x[0-9a-f]+); (0x[0-9a-f]+)\)$/.exec(field);
    if (vm) { b.value = BigInt(vm[1]); b.mask = BigInt(vm[2]); continue; }
    const names = field.split('=');
    const numText = names.pop() ?? '';
    if (!NUMBER.test(numText) || names.length === 0) return undefined;
    const v = parseNumber(numText);
    for (const name of names) {
      if (!setBound(b, name, v)) return undefined;
    }
  }
  return { kind: 'scalar', scalar: scalarFromBig(b), id, linkedDelta, precise };
}

type Bounds = { smin: bigint; smax: bigint; umin: bigint; umax: bigint; s32Min: number; s32Max: number; u32Min: number; u32Max: number };

function setBound(b: Bounds, name: string, v: bigint): boolean {
  switch (name) {
    case 'smin': b.smin = BigInt.asIntN(64, v); return true;
    case 'smax': b.smax = BigInt.asIntN(64, v); return true;
    case 'umin': b.umin = BigInt.asUintN(64, v); return true;
    case 'umax': b.umax = BigInt.asUintN(64, v); return true;
    case 'smin32': b.s32Min = Number(BigInt.asIntN(32, v)); return true;
    case 'smax32': b.s32Max = Number(BigInt.asIntN(32, v)); return true;
    case 'umin32': b.u32Min = Number(BigInt.asUintN(32, v)); return true;
    case 'umax32': b.u32Max = Number(BigInt.asUintN(32, v)); return true;
    default: return false;
  }
}
