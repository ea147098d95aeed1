// Loads, stores and atomics (check_mem_access and its per-type parts): the
// stack (bounds, alignment, spill and fill of registers, misc/zero bytes),
// map values, packets (the proven range `r`), the context (progTypes/) and
// the kernel's message for each refusal. Privileged mode: uninitialised stack
// reads and pointer stores are allowed, as for root.

import { checkMapAccessType } from './mapAccessType';
import type { Insn } from '../../isa/insn';
import { isConst, markKnown } from '../bounds';
import { coerceToSize, coerceToSizeSx } from '../boundsCoerce';
import { newId, type VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { clearLink, constScalar, hasConstOffset, isPktPointer, pointerReg, regClone, RegState, regTypeName, unknownScalar } from '../regState';
import { formatTnum } from '../scalarPrint';
import {
  byteIndex, fullSpill, growStack, isSpilledSlot, markBytes, MAX_BPF_STACK, Slot, slotOf, spillRegister, spillSize, type StackState,
} from '../stackState';
import type { VerifierState } from '../state';
import { tnumIsAligned } from '../tnum';
import { fls64, toBigSigned } from '../word64';
import { progTypeRules, type CtxYield } from '../progTypes';
import { checkRead, checkWrite } from './regCheck';
import { checkSockAccess } from './sockAccess';
import { checkSamePointerKind } from './ptrKindAux';
import { checkTpBufferAccess } from './tpBuffer';
import { checkSpecialFields } from './spinLock';

const SIZE_OF: Readonly<Record<number, number>> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const BPF_MAX_VAR_OFF = 1 << 29;

interface Access {
  pc: number;
  regno: number;
  /** insn.off; the pointer's own `off` is added by the checks. */
  off: number;
  size: number;
  write: boolean;
  /** Register loaded into (read) or stored from (write); -1 for an immediate store. */
  valueRegno: number;
  signExtend: boolean;
  /** An immediate store (BPF_ST) and its value. */
  imm?: number;
  /** Stack accesses: the stack of the frame the pointer points into. */
  stack?: StackState;
}

/** LDX / LDSX: `rD = *(size *)(rS + off)`. */
export function checkLoad(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): CheckResult {
  const err = checkRead(st, pc, i.src) ?? checkWrite(pc, i.dst);
  if (err) return err;
  const signExtend = (i.code & 0xe0) === 0x80;
  const base = st.cur.regs[i.src];
  return memAccess(env, st, { pc, regno: i.src, off: i.off, size: SIZE_OF[i.code & 0x18], write: false, valueRegno: i.dst, signExtend }) ??
    checkSamePointerKind(env, pc, base);
}

/** STX / ST: `*(size *)(rD + off) = rS` or `= imm`. */
export function checkStore(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): CheckResult {
  const isImm = (i.code & 7) === 0x02;
  const err = (isImm ? undefined : checkRead(st, pc, i.src)) ?? checkRead(st, pc, i.dst);
  if (err) return err;
  const base = st.cur.regs[i.dst];
  return memAccess(env, st, {
    pc, regno: i.dst, off: i.off, size: SIZE_OF[i.code & 0x18], write: true, valueRegno: isImm ? -1 : i.src,
    signExtend: false, imm: isImm ? i.imm : undefined,
  }) ?? checkSamePointerKind(env, pc, base);
}

/** Atomic read-modify-write: a read and a write of the same memory; fetch forms load into src (r0 for cmpxchg). */
export function checkAtomic(env: VerifyEnv, st: VerifierState, pc: number, i: Insn): CheckResult {
  const err = checkRead(st, pc, i.src) ?? checkRead(st, pc, i.dst) ?? (i.imm === 0xf1 ? checkRead(st, pc, 0) : undefined);
  if (err) return err;
  const size = SIZE_OF[i.code & 0x18];
  const base = st.cur.regs[i.dst];
  if (!['stack', 'map_value', 'mem', 'tp_buffer'].includes(base.type)) {
    return reject(pc, 'atomic', `BPF_ATOMIC stores into R${i.dst} ${regTypeName(base)} is not allowed`);
  }
  const fetchInto = i.imm === 0xf1 ? 0 : (i.imm & 1) ? i.src : -1;
  const load = memAccess(env, st, { pc, regno: i.dst, off: i.off, size, write: false, valueRegno: fetchInto, signExtend: false });
  if (load) return load;
  return memAccess(env, st, { pc, regno: i.dst, off: i.off, size, write: true, valueRegno: -1, signExtend: false });
}

function memAccess(env: VerifyEnv, st: VerifierState, a: Access): CheckResult {
  const regs = st.cur.regs;
  const reg = regs[a.regno];
  if (reg.maybeNull || reg.type === 'scalar' || reg.type === 'pkt_end' || reg.type === 'map_ptr') {
    return reject(a.pc, 'bad-deref', `R${a.regno} invalid mem access '${regTypeName(reg)}'`);
  }
  const err = checkAlignment(a, reg) ?? accessByType(env, st, a, reg);
  if (err) return err;
  if (!a.write && a.valueRegno >= 0) narrowLoaded(regs[a.valueRegno], a);
  return undefined;
}

function narrowLoaded(r: RegState, a: Access): void {
  if (r.type !== 'scalar' || a.size >= 8) return;
  if (a.signExtend) coerceToSizeSx(r.s, a.size); else coerceToSize(r.s, a.size);
}

/** check_ptr_alignment: only stack accesses are strictly aligned on this machine. */
function checkAlignment(a: Access, reg: RegState): CheckResult {
  if (reg.type !== 'stack' || a.size === 1) return undefined;
  const total = reg.off + a.off + (hasConstOffset(reg) ? Number(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo)) : 0);
  if (hasConstOffset(reg) && total % a.size === 0) return undefined;
  if (!hasConstOffset(reg) && tnumIsAligned(reg.s.varOff, a.size) && (reg.off + a.off) % a.size === 0) return undefined;
  const varOff = hasConstOffset(reg) ? String(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo)) : formatTnum(reg.s.varOff);
  return reject(a.pc, 'misaligned', `misaligned stack access off ${varOff}+${reg.off}+${a.off} size ${a.size}`);
}

function accessByType(env: VerifyEnv, st: VerifierState, a: Access, reg: RegState): CheckResult {
  const regs = st.cur.regs;
  const off = a.off + reg.off;
  switch (reg.type) {
    case 'stack': return stackAccess(env, st, a, reg, off);
    case 'ctx': return ctxMemAccess(env, st, a, reg, off);
    case 'map_value':
      return mapValueAccess(st, a, reg, off);
    case 'map_key':
    case 'mem': {
      if (reg.type === 'map_key' && a.write) return reject(a.pc, 'map-key', `write to change key R${a.regno} not allowed`);
      const size = reg.type === 'mem' ? reg.memSize : reg.type === 'map_key' ? reg.map?.keySize ?? 0 : reg.map?.valueSize ?? 0;
      const err = regionAccess(a, reg, off, size);
      if (!err && !a.write && a.valueRegno >= 0) regs[a.valueRegno] = unknownScalar();
      return err;
    }
    case 'flow_keys': { // check_flow_keys_access: fixed offset inside struct bpf_flow_keys (56 bytes)
      if (off < 0 || off + a.size > 56) return reject(a.pc, 'flow-keys', `invalid access to flow keys off=${off} size=${a.size}`);
      if (!a.write && a.valueRegno >= 0) regs[a.valueRegno] = unknownScalar();
      return undefined;
    }
    case 'pkt':
    case 'pkt_meta': {
      if (a.write && (env.progType === 'socket_filter' || progTypeRules(env.progType)?.packetReadOnly)) return reject(a.pc, 'pkt-write', 'cannot write into packet');
      const err = packetAccess(a, reg, off);
      if (!err && !a.write && a.valueRegno >= 0) regs[a.valueRegno] = unknownScalar();
      return err;
    }
    case 'tp_buffer': {
      const err = checkTpBufferAccess(a.pc, a.regno, reg, off, a.size);
      if (!err && !a.write && a.valueRegno >= 0) regs[a.valueRegno] = unknownScalar();
      return err;
    }
    case 'sock': case 'sock_common': case 'tcp_sock': case 'xdp_sock': {
      const err = checkSockAccess(a.pc, a.regno, reg, off, a.size, a.write);
      if (!err && a.valueRegno >= 0) regs[a.valueRegno] = unknownScalar();
      return err;
    }
    default:
      return reject(a.pc, 'bad-deref', `R${a.regno} invalid mem access '${regTypeName(reg)}'`);
  }
}

/** Map values: what the map's flags allow, then bounds; constant-offset loads from frozen global data read its bytes. */
function mapValueAccess(st: VerifierState, a: Access, reg: RegState, off: number): CheckResult {
  const map = reg.map;
  const size = map?.valueSize ?? 0;
  const denied = checkMapAccessType(a.pc, map, Number(toBigSigned(reg.s.sminHi, reg.s.sminLo)) + off, a.size, a.write);
  if (denied) return denied;
  const err = regionAccess(a, reg, off, size) ?? checkSpecialFields(a.pc, reg, off, a.size);
  if (err || a.write || a.valueRegno < 0) return err;
  const bytes = map?.readOnly && hasConstOffset(reg) ? map.initialValue : undefined;
  const at = off + Number(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo));
  st.cur.regs[a.valueRegno] = bytes && at + a.size <= bytes.length ? constScalar(readLe(bytes, at, a.size, a.signExtend)) : unknownScalar();
  return undefined;
}

/** bpf_map_direct_read: `size` little-endian bytes, sign-extended for ldsx. */
function readLe(bytes: Uint8Array, at: number, size: number, signed: boolean): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k]);
  return signed ? BigInt.asIntN(size * 8, v) : v;
}

/** __check_mem_access's message for a failed fixed-offset check. */
function outsideMessage(a: Access, reg: RegState, off: number, limit: number): string {
  if (reg.type === 'map_key') return `invalid access to map key, key_size=${limit} off=${off} size=${a.size}`;
  if (reg.type === 'map_value') return `invalid access to map value, value_size=${limit} off=${off} size=${a.size}`;
  if (isPktPointer(reg)) return `invalid access to packet, off=${off} size=${a.size}, R${a.regno}(id=${reg.id},off=${off},r=${limit})`;
  return `invalid access to memory, mem_size=${limit} off=${off} size=${a.size}`;
}

function inside(off: number, size: number, limit: number): boolean {
  return off >= 0 && size > 0 && off + size <= limit;
}

/** check_mem_region_access: both ends of a variable offset must stay inside. */
function regionAccess(a: Access, reg: RegState, off: number, limit: number): CheckResult {
  const smin = Number(toBigSigned(reg.s.sminHi, reg.s.sminLo));
  const code = 'region';
  if (smin < 0 && (reg.s.sminHi === 0x80000000 && reg.s.sminLo === 0 || off + smin !== ((off + smin) | 0) || smin + off < 0)) {
    return reject(a.pc, code, `R${a.regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  if (!inside(smin + off, a.size, limit)) {
    return reject(a.pc, code, outsideMessage(a, reg, smin + off, limit), `R${a.regno} min value is outside of the allowed memory range`);
  }
  const umax = reg.s.umaxHi * 2 ** 32 + reg.s.umaxLo;
  if (umax >= BPF_MAX_VAR_OFF) {
    return reject(a.pc, code, `R${a.regno} unbounded memory access, make sure to bounds check any such access`);
  }
  if (!inside(umax + off, a.size, limit)) {
    return reject(a.pc, code, outsideMessage(a, reg, umax + off, limit), `R${a.regno} max value is outside of the allowed memory range`);
  }
  return undefined;
}

/** check_mem_region_access for a helper's memory argument: `size` bytes from the pointer, its variable offset included. */
export function checkHelperRegion(pc: number, regno: number, reg: RegState, size: number, limit: number): CheckResult {
  return regionAccess({ pc, regno, off: 0, size, write: false, valueRegno: -1, signExtend: false }, reg, reg.off, limit);
}

/** check_packet_access: the fixed offset must lie in the proven range. */
function packetAccess(a: Access, reg: RegState, off: number): CheckResult {
  if (reg.s.sminHi >= 0x80000000) {
    return reject(a.pc, 'pkt-access', `R${a.regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  if (reg.range < 0 || !inside(off, a.size, reg.range)) {
    const lines = reg.range < 0 ? [] : [outsideMessage(a, reg, off, reg.range)];
    return reject(a.pc, 'pkt-access', ...(lines as [string]), `R${a.regno} offset is outside of the packet`);
  }
  return undefined;
}

/** The register a context load of a pointer field yields; a maybe-NULL one gets an id for its null check. */
function ctxYieldReg(env: VerifyEnv, y: CtxYield): RegState {
  const r = pointerReg(y.type);
  if (y.maybeNull) {
    r.maybeNull = true;
    r.id = newId(env);
  }
  return r;
}

/** check_ptr_off_reg for a ctx pointer (dereferenced or passed to a helper): no fixed or variable offset. */
export function checkCtxPtrOff(pc: number, regno: number, reg: RegState): CheckResult {
  if (reg.off < 0) return reject(pc, 'ctx', `negative offset ctx ptr R${regno} off=${reg.off} disallowed`);
  if (reg.off) return reject(pc, 'ctx', `dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`);
  if (!hasConstOffset(reg) || reg.s.varOff.vLo !== 0 || reg.s.varOff.vHi !== 0) {
    return reject(pc, 'ctx', `variable ctx access var_off=${formatTnum(reg.s.varOff)} disallowed`);
  }
  return undefined;
}

function ctxMemAccess(env: VerifyEnv, st: VerifierState, a: Access, reg: RegState, off: number): CheckResult {
  const offErr = checkCtxPtrOff(a.pc, a.regno, reg);
  if (offErr) return offErr;
  const res = progTypeRules(env.progType)?.ctxAccess({ off, size: a.size, write: a.write, signExtend: a.signExtend, attach: env.attach }) ?? { ok: false };
  if (!res.ok && res.notModelled) return reject(a.pc, 'unsupported', `${res.notModelled} is not modelled by this verifier yet`);
  if (!res.ok) return reject(a.pc, 'ctx', `invalid bpf_context access off=${off} size=${a.size}`);
  if (!a.write && a.valueRegno >= 0) {
    st.cur.regs[a.valueRegno] = res.yields ? ctxYieldReg(env, res.yields) : unknownScalar();
  }
  return undefined;
}

function stackAccess(env: VerifyEnv, st: VerifierState, access: Access, reg: RegState, off: number): CheckResult {
  const a = { ...access, stack: st.frames[reg.frameno].stack };
  if (!hasConstOffset(reg)) return varStackAccess(st, a, reg, off);
  const at = off + Number(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo));
  if (at < -MAX_BPF_STACK || at + a.size > 0) {
    return reject(a.pc, 'stack', `invalid${a.write ? ' write to' : ' read from'} stack R${a.regno} off=${at} size=${a.size}`);
  }
  const stack = a.stack!;
  growStack(stack, at);
  return a.write ? stackWrite(env, st, a, at) : stackRead(st, a, at);
}

/** Stack access through a pointer with a variable offset: bounds on both ends, then every byte it may touch. */
function varStackAccess(st: VerifierState, a: Access, reg: RegState, off: number): CheckResult {
  const what = a.write ? ' write to' : ' read from';
  const smin = toBigSigned(reg.s.sminHi, reg.s.sminLo), smax = toBigSigned(reg.s.smaxHi, reg.s.smaxLo);
  if (smax >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
    return reject(a.pc, 'stack', `invalid unbounded variable-offset${what} stack R${a.regno}`);
  }
  const minOff = Number(smin) + off, maxOff = Number(smax) + off + a.size;
  if (minOff < -MAX_BPF_STACK || maxOff > 0) {
    return reject(a.pc, 'stack', `invalid variable-offset${what} stack R${a.regno} var_off=${formatTnum(reg.s.varOff)} off=${off} size=${a.size}`);
  }
  const stack = a.stack!;
  growStack(stack, minOff);
  if (a.write) {
    const value = a.valueRegno >= 0 ? st.cur.regs[a.valueRegno] : undefined;
    const zero = (value && isZero(value)) || (!value && a.imm === 0);
    for (let b = minOff; b < maxOff; b++) {
      markBytes(stack, b, 1, zero && stack.types[byteIndex(b)] === Slot.Zero ? Slot.Zero : Slot.Misc);
    }
    return undefined;
  }
  if (a.valueRegno >= 0) {
    let allZero = true;
    for (let b = minOff; b < maxOff; b++) if (stack.types[byteIndex(b)] !== Slot.Zero) allZero = false;
    const out = unknownScalar();
    if (allZero) markKnown(out.s, 0, 0);
    st.cur.regs[a.valueRegno] = out;
  }
  return undefined;
}

function stackWrite(env: VerifyEnv, st: VerifierState, a: Access, at: number): CheckResult {
  const stack = a.stack!;
  const value = a.valueRegno >= 0 ? st.cur.regs[a.valueRegno] : undefined;
  const aligned = at % 8 === 0;
  if (value && aligned && value.type === 'scalar') { spillScalar(env, stack, value, at, a.size); return undefined; }
  if (value && value.type === 'stack' && stack !== st.cur.stack) {
    return reject(a.pc, 'spill', 'cannot spill pointers to stack into stack frame of the caller');
  }
  if (!value && aligned && a.imm !== undefined) { spillRegister(stack, at, constScalar(BigInt(a.imm)), a.size); return undefined; }
  if (value && value.type !== 'scalar') {
    if (a.size !== 8) return reject(a.pc, 'spill', 'invalid size of register spill');
    spillRegister(stack, at, value, 8);
    return undefined;
  }
  const zero = (value && isZero(value)) || (!value && a.imm === 0);
  markBytes(stack, at, a.size, zero ? Slot.Zero : Slot.Misc);
  return undefined;
}

/** A scalar spill links the stack copy with the register when the value fits the slot bytes. */
function spillScalar(env: VerifyEnv, stack: StackState, value: RegState, at: number, size: number): void {
  const fits = fls64(value.s.umaxHi, value.s.umaxLo) <= size * 8;
  if (fits) {
    if (value.linkDelta !== undefined) clearLink(value);
    if (value.id === 0 && !isConst(value.s, false)) value.id = newId(env);
  }
  spillRegister(stack, at, value, size);
  if (!fits) clearLink(stack.spills[slotOf(at)]!);
}

function isZero(r: RegState): boolean {
  return r.type === 'scalar' && hasConstOffset(r) && r.s.varOff.vHi === 0 && r.s.varOff.vLo === 0;
}

function stackRead(st: VerifierState, a: Access, at: number): CheckResult {
  const stack = a.stack!;
  const spi = slotOf(at);
  const spill = isSpilledSlot(stack, spi) ? stack.spills[spi] : undefined;
  const regs = st.cur.regs;
  if (spill) {
    const whole = fullSpill(stack, spi);
    if (whole && a.size === 8) {
      if (a.valueRegno >= 0) regs[a.valueRegno] = regClone(whole);
      return undefined;
    }
    if (spill.type !== 'scalar') return reject(a.pc, 'fill', 'invalid size of register fill');
    if (a.valueRegno < 0) return undefined;
    if (a.size <= spillSize(stack, spi) && at % 8 === 0) {
      const r = regClone(spill);
      if (spill.s.umaxHi !== 0 || a.size < 4) r.id = 0; // narrowing fill breaks the link (approximation of get_reg_width)
      regs[a.valueRegno] = r;
      return undefined;
    }
  }
  if (a.valueRegno < 0) return undefined;
  let zeros = 0;
  for (let k = 0; k < a.size; k++) if (stack.types[byteIndex(at + k)] === Slot.Zero) zeros++;
  const out = unknownScalar();
  if (zeros === a.size) markKnown(out.s, 0, 0);
  regs[a.valueRegno] = out;
  return undefined;
}
