// Helper calls (check_helper_call) driven by helperProtos.generated.ts: the
// helper must exist and be allowed for the program type (and GPL-only helpers
// need a GPL program); each argument is checked by its kernel arg type (map
// pointer, key/value memory sized to the map, memory + size pairs, ctx,
// anything); r1-r5 are clobbered and r0 gets the return type. Argument and
// return kinds not modelled yet reject with a message that says so.

import type { Insn } from '../../isa/insn';
import { HELPERS } from '../../isa/helpers.generated';
import { helperProtoById, helperProtoFor, type HelperProtoShape } from '../helperProtos.generated';
import { newId, type VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { hasConstOffset, isPktPointer, type MapRef, notInit, pointerReg, RegState, regTypeName, unknownScalar } from '../regState';
import { byteIndex, growStack, markBytes, isSpilledSlot, MAX_BPF_STACK, Slot, slotOf } from '../stackState';
import type { VerifierState } from '../state';
import { toBigSigned } from '../word64';
import { checkRead } from './regCheck';
import { CHANGES_PKT_DATA, clearAllPktPointers } from './pktInvalidate';
import { checkMapAccessType } from './mapAccessType';
import { formatTnum } from '../scalarPrint';
import { type CallbackMeta, checkCallbackArg, pushCallbackCall } from './callbacks';
import { checkCtxPtrOff, checkHelperRegion } from './mem';
import { acquireReference, releaseReference } from '../refs';
import { checkSockArg, checkSockMapValueArg, isSockArgKind, isSockMap, lookupAcquires, sockReturn } from './sockHelpers';
import { checkMapFuncCompat } from '../mapFuncCompat';
import { refineHelperResult } from '../helperRetRange';
import { checkSpecialFields, mayPointToSpinLock, processSpinLock } from './spinLock';
import { checkTailCall } from './tailCall';

/** The register types an argument kind accepts, in the kernel's order (for `expected=` lists). */
const MEM_TYPES = ['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem', 'ringbuf_mem', 'buf', 'trusted_ptr_'];
const MEM_OK = new Set(['stack', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem']);

/** Program types with direct packet access (may_access_direct_pkt_data): there a helper may take a packet pointer if its proto says pkt_access. */
const DIRECT_PKT_TYPES: ReadonlySet<string> = new Set([
  'lwt_in', 'lwt_out', 'lwt_seg6local', 'sk_reuseport', 'flow_dissector', 'cgroup_skb',
  'sched_cls', 'sched_act', 'xdp', 'lwt_xmit', 'sk_skb', 'sk_msg',
]);

/** may_access_direct_pkt_data for a helper argument (a read). */
function helperMayAccessPacket(progType: string, pktAccess: boolean): boolean {
  if (progType === 'cgroup_sockopt') return true;
  return DIRECT_PKT_TYPES.has(progType) && pktAccess;
}

interface CallMeta extends CallbackMeta {
  /** The helper's proto has pkt_access: it may take packet pointers where the program type allows it. */
  pktAccess?: boolean;
  /** ARG_PTR_TO_FIXED_SIZE_MEM sizes by argument index (the proto's argN_size). */
  argSizes?: readonly number[];
  map?: MapRef;
  /** ARG_CONST_ALLOC_SIZE_OR_ZERO: the size of the memory the helper returns. */
  allocSize?: number;
  /** The argument register an OBJ_RELEASE argument came in. */
  releaseRegno?: number;
  /** The reference an argument holds (meta->ref_obj_id), for results that share it. */
  refObjId?: number;
  /** get_constant_map_key: the key when the stack holds a known constant. */
  constKey?: bigint;
  /** bpf_spin_lock (true) or bpf_spin_unlock (false): what its ARG_PTR_TO_SPIN_LOCK does. */
  spinLock?: boolean;
  /** Register of the last memory argument, for the size argument after it. */
  memRegno?: number;
  memWrite?: boolean;
  /** The size argument's largest value (meta->msize_max_value), which bounds some helpers' results. */
  sizeMax?: bigint;
}

const MAX_FUNC_ID = HELPERS.reduce((m, h) => Math.max(m, h.id), 0) + 1;

export function checkHelperCall(env: VerifyEnv, st: VerifierState, pc: number, i: Insn, gpl: boolean): CheckResult {
  const id = i.imm;
  const row = id > 0 && id < MAX_FUNC_ID ? helperProtoById(id) : undefined;
  if (!row) return reject(pc, 'helper', `invalid func unknown#${id}`);
  const proto = helperProtoFor(row, env.progType);
  if (!proto) return reject(pc, 'helper', `program of this type cannot use helper bpf_${row.name}#${id}`);
  if (proto.gplOnly && !gpl) return reject(pc, 'helper', 'cannot call GPL-restricted function from non-GPL compatible program');
  if (proto.mightSleep && !env.sleepable) return reject(pc, 'helper', 'helper call might sleep in a non-sleepable prog');
  const meta: CallMeta = { spinLock: row.name === 'spin_lock', pktAccess: proto.pktAccess === true, argSizes: proto.argSizes };
  for (let k = 0; k < proto.argTypes.length; k++) {
    const err = checkArg(env, st, pc, k + 1, proto.argTypes[k], meta);
    if (err) return err;
  }
  if (meta.releaseRegno !== undefined) {
    const released = releaseReference(st, st.cur.regs[meta.releaseRegno].refObjId);
    if (!released) return reject(pc, 'ref', `func bpf_${row.name}#${id} reference has not been acquired before`);
  }
  const cbErr = pushCallbackCall(env, st, pc, id, meta);
  if (cbErr) return cbErr;
  if (row.name === 'tail_call') {
    const refused = checkTailCall(st, pc, meta.map);
    if (refused) return refused;
  }
  const compat = checkMapFuncCompat({ pc, map: meta.map, helper: row.name, helperId: id, prog: env.progType, attach: env.attach });
  if (compat) return compat;
  const ret = setReturn(env, st, pc, proto, meta, row.name);
  if (!ret && CHANGES_PKT_DATA.has(id)) clearAllPktPointers(st);
  return ret;
}

function checkArg(env: VerifyEnv, st: VerifierState, pc: number, regno: number, argType: string, meta: CallMeta): CheckResult {
  const flags = argType.split(' | ');
  const base = flags[0];
  if (base === 'ARG_DONTCARE') return undefined;
  const err = checkRead(st, pc, regno);
  if (err) return err;
  const reg = st.cur.regs[regno];
  const maybeNull = flags.includes('PTR_MAYBE_NULL');
  if (base === 'ARG_ANYTHING') return undefined;
  if (reg.refObjId) meta.refObjId = reg.refObjId;
  if (maybeNull && reg.type === 'scalar' && isZero(reg)) return undefined;
  if (isPktPointer(reg) && !helperMayAccessPacket(env.progType, meta.pktAccess === true)) {
    return reject(pc, 'helper-arg', 'helper access to the packet is not allowed');
  }
  switch (base) {
    case 'ARG_SCALAR':
      return reg.type === 'scalar' ? undefined : typeMismatch(pc, regno, reg, ['scalar']);
    case 'ARG_PTR_TO_FUNC':
    case 'ARG_PTR_TO_STACK_OR_NULL':
      return checkCallbackArg(pc, regno, reg, base, meta);
    case 'ARG_CONST_MAP_PTR':
      if (reg.type !== 'map_ptr') return typeMismatch(pc, regno, reg, ['map_ptr']);
      meta.map = reg.map;
      return undefined;
    case 'ARG_PTR_TO_CTX':
    case 'ARG_PTR_TO_CTX_OR_NULL':
      if (base === 'ARG_PTR_TO_CTX_OR_NULL' && reg.type === 'scalar' && isZero(reg)) return undefined;
      if (reg.type !== 'ctx') return typeMismatch(pc, regno, reg, ['ctx']);
      return checkCtxPtrOff(pc, regno, reg);
    case 'ARG_PTR_TO_MAP_KEY':
    case 'ARG_PTR_TO_MAP_VALUE':
    case 'ARG_PTR_TO_MAP_VALUE_OR_NULL': {
      const orNull = base === 'ARG_PTR_TO_MAP_VALUE_OR_NULL';
      if (base !== 'ARG_PTR_TO_MAP_KEY' && isSockMap(meta.map)) return checkSockMapValueArg(st, pc, regno, argType);
      if (orNull && reg.type === 'scalar' && isZero(reg)) return undefined;
      if (!MEM_OK.has(reg.type) || (reg.maybeNull && !orNull)) return typeMismatch(pc, regno, reg, MEM_TYPES);
      if (!meta.map) return reject(pc, 'helper-arg', `invalid map_ptr to access map->${base === 'ARG_PTR_TO_MAP_KEY' ? 'key' : 'value'}`);
      const size = base === 'ARG_PTR_TO_MAP_KEY' ? meta.map.keySize : meta.map.valueSize;
      const err = helperMemAccess(st, pc, regno, size, false);
      if (!err && base === 'ARG_PTR_TO_MAP_KEY') meta.constKey = constantMapKey(st, reg, size);
      return err;
    }
    case 'ARG_PTR_TO_FIXED_SIZE_MEM': {
      if (!MEM_OK.has(reg.type) || reg.maybeNull) return typeMismatch(pc, regno, reg, MEM_TYPES);
      const size = meta.argSizes?.[regno - 1] ?? 0;
      const err = helperMemAccess(st, pc, regno, size, flags.includes('MEM_WRITE') || flags.includes('MEM_UNINIT'));
      return err ?? (flags.includes('MEM_ALIGNED') ? checkArgAlignment(pc, reg, size) : undefined);
    }
    case 'ARG_PTR_TO_MEM':
    case 'ARG_PTR_TO_UNINIT_MEM':
      if (!MEM_OK.has(reg.type) || reg.maybeNull) return typeMismatch(pc, regno, reg, MEM_TYPES);
      meta.memRegno = regno;
      meta.memWrite = base === 'ARG_PTR_TO_UNINIT_MEM' || flags.includes('MEM_UNINIT') || flags.includes('MEM_WRITE');
      return undefined;
    case 'ARG_CONST_SIZE':
    case 'ARG_CONST_SIZE_OR_ZERO':
      if (reg.type !== 'scalar') return typeMismatch(pc, regno, reg, ['scalar']);
      return checkSizeArg(st, pc, regno, base === 'ARG_CONST_SIZE_OR_ZERO', meta);
    case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
      if (reg.type !== 'scalar') return typeMismatch(pc, regno, reg, ['scalar']);
      if (!hasConstOffset(reg)) return reject(pc, 'helper-size', `R${regno} is not a known constant'`);
      meta.allocSize = Number(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo));
      return undefined;
    case 'ARG_PTR_TO_SPIN_LOCK':
      if (reg.type !== 'map_value' || reg.maybeNull) return typeMismatch(pc, regno, reg, ['map_value', 'ptr_']);
      return processSpinLock(st, pc, regno, meta.spinLock ?? false);
    case 'ARG_PTR_TO_RINGBUF_MEM':
      if (reg.type !== 'mem' || !reg.ringbuf || reg.maybeNull) return typeMismatch(pc, regno, reg, ['ringbuf_mem']);
      if (flags.includes('OBJ_RELEASE')) {
        if (!reg.refObjId) return reject(pc, 'ref', `R${regno} must be referenced when passed to release function`);
        if (reg.off) return reject(pc, 'ref', `R${regno} must have zero offset when passed to release func or trusted arg to kfunc`);
        meta.releaseRegno = regno;
      }
      return undefined;
    default: {
      if (!isSockArgKind(base)) return reject(pc, 'unsupported', `helper argument kind ${argType} (R${regno}) is not modelled by this verifier yet`);
      const err = checkSockArg(st, pc, regno, base, flags);
      if (!err && flags.includes('OBJ_RELEASE')) meta.releaseRegno = regno;
      return err;
    }
  }
}

/** get_constant_map_key: a key on the stack made of zero bytes, or a spilled constant of exactly the key's size. */
function constantMapKey(st: VerifierState, key: RegState, keySize: number): bigint | undefined {
  if (key.type !== 'stack' || !hasConstOffset(key)) return undefined;
  const at = key.off + Number(toBigSigned(key.s.varOff.vHi, key.s.varOff.vLo));
  const stack = st.frames[key.frameno].stack;
  const spi = slotOf(at);
  const slotEnd = -spi * 8; // one past the slot's highest byte
  let zeros = 0;
  while (at + zeros < slotEnd && stack.types[byteIndex(at + zeros)] === Slot.Zero) zeros++;
  if (zeros >= keySize) return 0n;
  const spilled = stack.spills[spi];
  if (!isSpilledSlot(stack, spi) || !spilled || spilled.type !== 'scalar') return undefined;
  let spill = 0;
  while (at + spill < slotEnd && stack.types[byteIndex(at + spill)] === Slot.Spill) spill++;
  if (spill !== keySize || !hasConstOffset(spilled)) return undefined;
  return BigInt.asUintN(64, toBigSigned(spilled.s.varOff.vHi, spilled.s.varOff.vLo));
}

/** can_elide_value_nullness: array lookups with a constant key in range cannot fail. */
function lookupCannotFail(name: string, meta: CallMeta): boolean {
  const map = meta.map;
  return name === 'map_lookup_elem' && !!map && (map.type === 'array' || map.type === 'percpu_array') &&
    meta.constKey !== undefined && meta.constKey < BigInt(map.maxEntries);
}

function isZero(r: RegState): boolean {
  return hasConstOffset(r) && r.s.varOff.vHi === 0 && r.s.varOff.vLo === 0;
}

function typeMismatch(pc: number, regno: number, reg: RegState, expected: readonly string[]): CheckResult {
  return reject(pc, 'helper-arg', `R${regno} type=${regTypeName(reg)} expected=${expected.join(', ')}`);
}

/** check_mem_size_reg: the size argument bounds the memory argument before it. */
function checkSizeArg(st: VerifierState, pc: number, regno: number, zeroOk: boolean, meta: CallMeta): CheckResult {
  const size = st.cur.regs[regno].s;
  meta.sizeMax = (BigInt(size.umaxHi) << 32n) | BigInt(size.umaxLo);
  if (size.sminHi >= 0x80000000) {
    return reject(pc, 'helper-size', `R${regno} min value is negative, either use unsigned or 'var &= const'`);
  }
  const umin = size.uminHi * 2 ** 32 + size.uminLo;
  const umax = size.umaxHi * 2 ** 32 + size.umaxLo;
  if (umin === 0 && !zeroOk) {
    return reject(pc, 'helper-size', `R${regno} invalid zero-sized read: u64=[${umin},${umax}]`);
  }
  if (umax >= 1 << 29) {
    return reject(pc, 'helper-size', `R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
  }
  if (meta.memRegno === undefined || umax === 0) return undefined;
  return helperMemAccess(st, pc, meta.memRegno, umax, meta.memWrite ?? false);
}

/** check_ptr_alignment, strict, for a MEM_ALIGNED argument: the pointer's fixed and variable parts aligned to the size. */
function checkArgAlignment(pc: number, reg: RegState, size: number): CheckResult {
  const fixed = reg.off;
  const known = hasConstOffset(reg);
  const varLo = reg.s.varOff.vLo, maskLo = reg.s.varOff.mLo;
  if (size <= 1 || (((varLo + fixed) & (size - 1)) === 0 && (maskLo & (size - 1)) === 0)) return undefined;
  const desc = reg.type === 'stack' ? 'stack ' : reg.type === 'pkt' ? 'packet ' : reg.type === 'map_value' ? 'value ' : '';
  const tn = known ? String(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo)) : formatTnum(reg.s.varOff);
  return reject(pc, 'misaligned', `misaligned ${desc}access off ${tn}+${fixed}+0 size ${size}`);
}

/** check_helper_mem_access for the memory kinds modelled: stack, map key/value, packet, mem (also global functions' memory arguments). */
export function helperMemAccess(st: VerifierState, pc: number, regno: number, size: number, write: boolean): CheckResult {
  const reg = st.cur.regs[regno];
  const off = reg.off;
  if (reg.type === 'stack') {
    if (!hasConstOffset(reg)) {
      return reject(pc, 'unsupported', `R${regno} variable-offset stack pointer passed to a helper is not modelled by this verifier yet`);
    }
    const at = off + Number(toBigSigned(reg.s.varOff.vHi, reg.s.varOff.vLo));
    if (at < -MAX_BPF_STACK || at + size > 0) {
      return reject(pc, 'stack', `invalid ${write ? 'write to' : 'read from'} stack R${regno} off=${at} size=${size}`);
    }
    const stack = st.frames[reg.frameno].stack;
    growStack(stack, at);
    // The kernel then writes the bytes one by one with unknown values: spills there are gone (STACK_MISC).
    if (write) markBytes(stack, at, size, Slot.Misc);
    return undefined;
  }
  const limit = reg.type === 'map_value' ? reg.map?.valueSize ?? 0 : reg.type === 'map_key' ? reg.map?.keySize ?? 0
    : reg.type === 'mem' ? reg.memSize : reg.range;
  if (reg.type === 'map_key' && write) return reject(pc, 'helper-arg', `R${regno} cannot write into map_key`);
  const denied = reg.type === 'map_value' ? checkMapAccessType(pc, reg.map, off, size, write) : undefined;
  if (denied) return denied;
  if (!isPktPointer(reg)) {
    return checkHelperRegion(pc, regno, reg, size, limit) ?? (reg.type === 'map_value' ? checkSpecialFields(pc, reg, off, size) : undefined);
  }
  // check_packet_access: the variable part was proven with the range (same id); only its sign and the fixed part count here.
  if (reg.s.sminHi >= 0x80000000) {
    return reject(pc, 'pkt-access', `R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  if (off >= 0 && off + size <= limit) return undefined;
  return reject(pc, 'pkt-access', `invalid access to packet, off=${off} size=${size}, R${regno}(id=${reg.id},off=${off},r=${reg.range})`,
    `R${regno} offset is outside of the packet`);
}

function setReturn(env: VerifyEnv, st: VerifierState, pc: number, proto: HelperProtoShape, meta: CallMeta, name: string): CheckResult {
  const regs = st.cur.regs;
  for (let r = 1; r <= 5; r++) regs[r] = notInit();
  switch (proto.retType) {
    case 'RET_INTEGER':
      regs[0] = unknownScalar();
      refineHelperResult(name, regs[0].s, meta.sizeMax ?? 0n);
      return undefined;
    case 'RET_VOID':
      regs[0] = notInit();
      return undefined;
    case 'RET_PTR_TO_MAP_VALUE_OR_NULL': {
      const r0 = pointerReg('map_value');
      r0.map = meta.map;
      if (!lookupCannotFail(name, meta)) {
        r0.maybeNull = true;
        r0.id = newId(env);
      } else if (mayPointToSpinLock(r0)) r0.id = newId(env); // each value a lock may be taken in has its own id
      if (lookupAcquires(name, meta.map)) r0.id = r0.refObjId = acquireReference(env, st, pc);
      regs[0] = r0;
      return undefined;
    }
    case 'RET_PTR_TO_RINGBUF_MEM_OR_NULL': {
      const r0 = pointerReg('mem');
      r0.ringbuf = true;
      r0.maybeNull = true;
      r0.memSize = meta.allocSize ?? 0;
      newId(env); // the id for NULL checks, replaced by the reference's id (as the kernel does)
      r0.id = r0.refObjId = acquireReference(env, st, pc);
      regs[0] = r0;
      return undefined;
    }
    default: {
      const sock = sockReturn(env, st, pc, proto.retType, name, meta.refObjId ?? 0);
      if (!sock) return reject(pc, 'unsupported', `return kind ${proto.retType} of bpf_${name} is not modelled by this verifier yet`);
      regs[0] = sock;
      return undefined;
    }
  }
}
