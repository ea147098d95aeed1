// One register's abstract state (the kernel's `struct bpf_reg_state`): its type
// (not_init, scalar, ctx, map pointer, map value/key, stack, packet, packet
// end/meta, mem, each pointer possibly "or null"), fixed `off`, the variable
// part as a Scalar (var_off and bounds), ids for null checks and linked
// scalars, ref_obj_id, packet range `r`, map and mem size. Also the log text of
// a register (print_reg_state). Never knows instruction encodings.

import { markKnown, markUnknown, Scalar, scalarConst, scalarCopy, scalarEquals } from './bounds';
import { formatScalar, formatScalarRanges, formatSnum, formatTnum, formatUnum } from './scalarPrint';
import { tnumIsConst, tnumIsUnknown } from './tnum';
import { toBigSigned } from './word64';
import type { MapValueField } from './mapValueFields';

export type RegType =
  | 'not_init' | 'scalar' | 'ctx' | 'map_ptr' | 'map_value' | 'map_key' | 'stack' | 'pkt' | 'pkt_end' | 'pkt_meta'
  | 'mem' | 'sock' | 'sock_common' | 'tcp_sock' | 'xdp_sock' | 'flow_keys' | 'tp_buffer' | 'func';

/** What the verifier knows about a map a register points to or into. */
export interface MapRef {
  /** The name the kernel knows (at most 15 characters). */
  name: string;
  /** libbpf's map type name, e.g. 'hash', 'array'. */
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** Special fields of the value (spin lock, timer, …) found in its BTF. */
  valueFields?: readonly MapValueField[];
  /** Read-only for programs (BPF_F_RDONLY_PROG, e.g. `.rodata`): stores are refused; frozen global data also has `initialValue`. */
  readOnly?: boolean;
  /** Write-only for programs (BPF_F_WRONLY_PROG): loads are refused. */
  writeOnly?: boolean;
  initialValue?: Uint8Array;
}

/** reg_type_str: the names the log prints. */
const TYPE_NAME: Readonly<Record<RegType, string>> = {
  not_init: '?', scalar: 'scalar', ctx: 'ctx', map_ptr: 'map_ptr', map_value: 'map_value', map_key: 'map_key',
  stack: 'fp', pkt: 'pkt', pkt_end: 'pkt_end', pkt_meta: 'pkt_meta', mem: 'mem', sock: 'sock',
  sock_common: 'sock_common', tcp_sock: 'tcp_sock', xdp_sock: 'xdp_sock', flow_keys: 'flow_keys', tp_buffer: 'tp_buffer',
  func: 'func',
};

export class RegState {
  type: RegType = 'not_init';
  /** PTR_MAYBE_NULL: the pointer may be NULL until a null check. */
  maybeNull = false;
  /** Fixed offset of a pointer. */
  off = 0;
  /** A scalar's value, or a pointer's variable offset. */
  s = new Scalar();
  /** Null-check id for *_or_null pointers, packet-range id, or linked-scalar id. */
  id = 0;
  refObjId = 0;
  /** Packet pointers: bytes known to be readable past `off`. */
  range = 0;
  map?: MapRef;
  /** PTR_TO_MEM: the size of the memory, and whether it is a ring buffer record (MEM_RINGBUF). */
  memSize = 0;
  ringbuf = false;
  frameno = 0;
  /** Linked scalars (BPF_ADD_CONST): `rX = rY + delta`, by a 32-bit op when link32. */
  linkDelta?: number;
  link32 = false;
  precise = false;
  /** PTR_TO_FUNC: the first instruction of the subprogram it points to. */
  subprogno = 0;
}

export function regClone(r: RegState): RegState {
  const c = new RegState();
  regCopyInto(c, r);
  return c;
}

export function regCopyInto(out: RegState, r: RegState): RegState {
  out.type = r.type; out.maybeNull = r.maybeNull; out.off = r.off; scalarCopy(out.s, r.s);
  out.id = r.id; out.refObjId = r.refObjId; out.range = r.range; out.map = r.map; out.memSize = r.memSize;
  out.ringbuf = r.ringbuf; out.frameno = r.frameno; out.linkDelta = r.linkDelta; out.link32 = r.link32; out.precise = r.precise;
  out.subprogno = r.subprogno;
  return out;
}

export function notInit(): RegState {
  return new RegState();
}

export function scalarReg(s: Scalar): RegState {
  const r = new RegState();
  r.type = 'scalar';
  r.s = s;
  return r;
}

export function unknownScalar(): RegState {
  const s = new Scalar();
  markUnknown(s);
  return scalarReg(s);
}

export function constScalar(v: bigint): RegState {
  return scalarReg(scalarConst(v));
}

/** A pointer of `type` with fixed offset `off` and a known-zero variable part. */
export function pointerReg(type: Exclude<RegType, 'not_init' | 'scalar'>, off = 0): RegState {
  const r = new RegState();
  r.type = type;
  r.off = off;
  markKnown(r.s, 0, 0);
  return r;
}

export function isPointer(r: RegState): boolean {
  return r.type !== 'scalar' && r.type !== 'not_init';
}

export function isPktPointer(r: RegState): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta';
}

/** The pointer's variable part is a known constant (tnum_is_const(var_off)). */
export function hasConstOffset(r: RegState): boolean {
  return tnumIsConst(r.s.varOff);
}

/** The variable part's known value as a number (only meaningful when hasConstOffset). */
export function constOffset(r: RegState): number {
  return Number(toBigSigned(r.s.varOff.vHi, r.s.varOff.vLo));
}

export function clearLink(r: RegState): void {
  r.id = 0;
  r.linkDelta = undefined;
  r.link32 = false;
}

/** Type name as the log prints it, with `_or_null`. */
export function regTypeName(r: RegState): string {
  return (r.ringbuf ? 'ringbuf_' : '') + TYPE_NAME[r.type] + (r.maybeNull ? '_or_null' : '');
}

/** The value part of `R1=...` (print_reg_state); `curFrame` decides the `fp[N]` prefix. */
export function formatReg(r: RegState, curFrame = 0): string {
  if (r.type === 'scalar') {
    return formatScalar(r.s, { id: r.id, linkedDelta: r.linkDelta, precise: r.precise });
  }
  let text = regTypeName(r);
  if (r.type === 'stack') {
    if (r.frameno !== curFrame) text += `[${r.frameno}]`;
    if (hasConstOffset(r)) return text + formatSnum(BigInt(constOffset(r) + r.off));
  }
  return `${text}(${pointerParts(r).join(',')})`;
}

function pointerParts(r: RegState): string[] {
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}`);
  if (r.refObjId) parts.push(`ref_obj_id=${r.refObjId}`);
  if (r.type === 'map_ptr' || ((r.type === 'map_value' || r.type === 'map_key') && r.map)) {
    if (r.map?.name) parts.push(`map=${r.map.name}`);
    parts.push(`ks=${r.map?.keySize ?? 0},vs=${r.map?.valueSize ?? 0}`);
  }
  if (r.off) parts.push(`off=${formatSnum(BigInt(r.off))}`);
  if (isPktPointer(r)) parts.push(`r=${formatUnum(BigInt.asUintN(64, BigInt(r.range)))}`);
  if (r.type === 'mem') parts.push(`sz=${formatUnum(BigInt(r.memSize))}`);
  if (hasConstOffset(r)) {
    if (constOffset(r) !== 0) parts.push(`imm=${formatSnum(BigInt(constOffset(r)))}`);
  } else {
    parts.push(...formatScalarRanges(r.s));
    if (!tnumIsUnknown(r.s.varOff)) parts.push(`var_off=${formatTnum(r.s.varOff)}`);
  }
  return parts;
}

/** Same abstract value, ids included (used for exact-state comparisons). */
export function regEquals(a: RegState, b: RegState): boolean {
  return a.type === b.type && a.maybeNull === b.maybeNull && a.off === b.off && a.id === b.id &&
    a.refObjId === b.refObjId && a.range === b.range && a.map === b.map && a.memSize === b.memSize && a.ringbuf === b.ringbuf &&
    a.frameno === b.frameno && a.subprogno === b.subprogno && a.linkDelta === b.linkDelta && a.link32 === b.link32 && scalarEquals(a.s, b.s);
}
