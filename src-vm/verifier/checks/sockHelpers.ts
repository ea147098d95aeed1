// Helper arguments and results that are sockets (check_func_arg's
// compatible_reg_types for the socket kinds, check_helper_call's socket
// return kinds): which register types ARG_PTR_TO_SOCK_COMMON,
// ARG_PTR_TO_BTF_ID_SOCK_COMMON and ARG_PTR_TO_SOCKET(_OR_NULL) accept, the
// release rule (OBJ_RELEASE needs a referenced pointer), and what r0 becomes:
// a *_or_null socket with an id for its NULL check that is a new reference
// (lookups: is_acquire_function) or shares its argument's reference (casts:
// is_ptr_cast_function). Also what a NULL-checked sockmap/xskmap lookup
// becomes. Imports refs.ts for acquiring; call.ts and jmp.ts call in here.

import { newId, type VerifyEnv } from '../env';
import { reject, type CheckResult } from '../errors';
import { acquireReference } from '../refs';
import { hasConstOffset, type MapRef, pointerReg, type RegState, type RegType, regTypeName } from '../regState';
import type { VerifierState } from '../state';
import type { SockType } from './sockAccess';

const SOCK_COMMON_TYPES: readonly SockType[] = ['sock_common', 'sock', 'tcp_sock', 'xdp_sock'];

interface SockArgKind {
  accepts: readonly RegType[];
  /** The `expected=` list the kernel prints (BTF pointers, which we never produce, included). */
  expected: readonly string[];
  /** The kind itself allows NULL (ARG_PTR_TO_SOCKET_OR_NULL). */
  maybeNull?: boolean;
}

/** compatible_reg_types for the socket argument kinds, in the kernel's order. */
const SOCK_ARG_KINDS: Readonly<Record<string, SockArgKind>> = {
  ARG_PTR_TO_SOCK_COMMON: { accepts: SOCK_COMMON_TYPES, expected: SOCK_COMMON_TYPES },
  ARG_PTR_TO_BTF_ID_SOCK_COMMON: { accepts: SOCK_COMMON_TYPES, expected: [...SOCK_COMMON_TYPES, 'ptr_', 'trusted_ptr_'] },
  ARG_PTR_TO_SOCKET: { accepts: ['sock'], expected: ['sock'] },
  ARG_PTR_TO_SOCKET_OR_NULL: { accepts: ['sock'], expected: ['sock'], maybeNull: true },
};

/** The argument kind (its base, without flags) takes a socket pointer. */
export function isSockArgKind(base: string): boolean {
  return base in SOCK_ARG_KINDS;
}

function isNullScalar(r: RegState): boolean {
  return r.type === 'scalar' && hasConstOffset(r) && r.s.varOff.vHi === 0 && r.s.varOff.vLo === 0;
}

/**
 * check_reg_type + the release rule for a socket argument in `regno`. `flags` are the argument's
 * type flags (PTR_MAYBE_NULL, OBJ_RELEASE). A maybe-NULL socket only fits a kind that allows NULL.
 */
export function checkSockArg(st: VerifierState, pc: number, regno: number, base: string, flags: readonly string[]): CheckResult {
  const kind = SOCK_ARG_KINDS[base];
  const reg = st.cur.regs[regno];
  const nullOk = kind.maybeNull === true || flags.includes('PTR_MAYBE_NULL');
  const isNull = nullOk && isNullScalar(reg);
  if (!isNull && (!kind.accepts.includes(reg.type) || (reg.maybeNull && !nullOk))) {
    return reject(pc, 'helper-arg', `R${regno} type=${regTypeName(reg)} expected=${kind.expected.join(', ')}`);
  }
  if (flags.includes('OBJ_RELEASE') && !reg.refObjId && !isNull) {
    return reject(pc, 'ref', `R${regno} must be referenced when passed to release function`);
  }
  return undefined;
}

/** is_acquire_function: helpers whose result is a new reference the program must release. */
const ACQUIRES = new Set(['sk_lookup_tcp', 'sk_lookup_udp', 'skc_lookup_tcp']);
/** is_ptr_cast_function: helpers whose result is another view of their argument, sharing its reference. */
const CASTS = new Set(['tcp_sock', 'sk_fullsock', 'skc_to_tcp_sock', 'skc_to_tcp6_sock', 'skc_to_udp6_sock',
  'skc_to_mptcp_sock', 'skc_to_tcp_timewait_sock', 'skc_to_tcp_request_sock']);

const SOCK_RETURNS: Readonly<Record<string, SockType>> = {
  RET_PTR_TO_SOCKET_OR_NULL: 'sock',
  RET_PTR_TO_SOCK_COMMON_OR_NULL: 'sock_common',
  RET_PTR_TO_TCP_SOCK_OR_NULL: 'tcp_sock',
};

/** Sockmap and sockhash: their values are sockets. */
export function isSockMap(map: MapRef | undefined): boolean {
  return map?.type === 'sockmap' || map?.type === 'sockhash';
}

/** Sockmap and sockhash lookups also hand out a reference (is_acquire_function with a map). */
export function lookupAcquires(helper: string, map: MapRef | undefined): boolean {
  return helper === 'map_lookup_elem' && isSockMap(map);
}

/** resolve_map_arg_type: a plain value argument of a sockmap/sockhash helper is a socket (ARG_PTR_TO_BTF_ID_SOCK_COMMON). */
export function checkSockMapValueArg(st: VerifierState, pc: number, regno: number, argType: string): CheckResult {
  if (argType !== 'ARG_PTR_TO_MAP_VALUE') return reject(pc, 'helper-arg', 'invalid arg_type for sockmap/sockhash');
  return checkSockArg(st, pc, regno, 'ARG_PTR_TO_BTF_ID_SOCK_COMMON', []);
}

/**
 * r0 of a helper returning a socket, or undefined when `retType` is not a socket kind. The NULL-check
 * id is drawn first; a lookup then acquires a reference whose id replaces it (as the kernel numbers
 * them); a cast keeps the reference of its argument (`argRefObjId`).
 */
export function sockReturn(
  env: VerifyEnv, st: VerifierState, pc: number, retType: string, helper: string, argRefObjId: number,
): RegState | undefined {
  const type = SOCK_RETURNS[retType];
  if (!type) return undefined;
  const r0 = pointerReg(type);
  r0.maybeNull = true;
  r0.id = newId(env);
  if (ACQUIRES.has(helper)) r0.id = r0.refObjId = acquireReference(env, st, pc);
  else if (CASTS.has(helper)) r0.refObjId = argRefObjId;
  return r0;
}

/** mark_ptr_not_null_reg: what a lookup in a socket map is once known not to be NULL. */
const NOT_NULL_MAP_VALUE: Readonly<Record<string, SockType>> = { sockmap: 'sock', sockhash: 'sock', xskmap: 'xdp_sock' };

/** The type a non-NULL `r` becomes: a socket for lookups in socket maps, else its own type. */
export function notNullType(r: RegState): RegType {
  return r.type === 'map_value' && r.map ? NOT_NULL_MAP_VALUE[r.map.type] ?? r.type : r.type;
}
