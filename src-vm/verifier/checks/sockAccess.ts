// Loads and stores through socket pointers (check_sock_access and the
// `*_is_valid_access` rules of net/core/filter.c): which bytes of struct
// bpf_sock, bpf_sock_common (a bpf_sock without type..priority), bpf_tcp_sock
// and bpf_xdp_sock a program may read and at which sizes; socket structures
// are never written. Pure rules plus the kernel's messages; imports regState
// and errors only.

import { reject, type CheckResult } from '../errors';
import { type RegState, type RegType, regTypeName } from '../regState';

export type SockType = Extract<RegType, 'sock' | 'sock_common' | 'tcp_sock' | 'xdp_sock'>;

const SOCK_TYPES: ReadonlySet<RegType> = new Set<RegType>(['sock', 'sock_common', 'tcp_sock', 'xdp_sock']);

/** type_is_sk_pointer: the register points to one of the socket structures. */
export function isSockPointer(r: RegState): boolean {
  return SOCK_TYPES.has(r.type);
}

/** struct bpf_sock: size, and the fields whose loads follow special rules (the rest: whole 4-byte words). */
const BPF_SOCK = {
  size: 80,
  /** Fields (family, type, protocol, src_port, state, rx_queue_mapping) readable in 1, 2 or 4 bytes from their first byte. */
  narrowAtStart: new Set([4, 8, 12, 44, 72, 76]),
  /** IP addresses: 1, 2 or 4 byte loads anywhere inside [from, to). */
  narrowInside: [[24, 28], [28, 44], [52, 56], [56, 72]] as const,
  /** dst_port, a __be16 read as 2 bytes (or 1) or as the whole 4-byte word, then 2 bytes of padding nobody reads. */
  dstPort: 48,
  padding: [50, 52] as const,
};

/** bpf_sock_common_is_valid_access: type, protocol, mark and priority are not common to every socket. */
const SOCK_COMMON_HIDDEN = [8, 24] as const;

/** struct bpf_tcp_sock: everything up to icsk_retransmits; bytes_received and bytes_acked are 8 bytes. */
const BPF_TCP_SOCK = { size: 112, u64Fields: new Set([80, 88]) };

/** struct bpf_xdp_sock: queue_id only. */
const BPF_XDP_SOCK_SIZE = 4;

/** bpf_ctx_narrow_access_ok: a power-of-two load no wider than the field. */
function narrowOk(size: number, fieldSize: number): boolean {
  return size <= fieldSize && (size & (size - 1)) === 0;
}

function inRange(off: number, [from, to]: readonly [number, number]): boolean {
  return off >= from && off < to;
}

/** bpf_sock_is_valid_access. */
function sockLoadOk(off: number, size: number): boolean {
  if (off < 0 || off >= BPF_SOCK.size || off % size !== 0) return false;
  if (BPF_SOCK.narrowAtStart.has(off) || BPF_SOCK.narrowInside.some((r) => inRange(off, r))) return narrowOk(size, 4);
  if (inRange(off, [BPF_SOCK.dstPort, BPF_SOCK.dstPort + 2])) return narrowOk(size, size === 4 ? 4 : 2);
  if (inRange(off, BPF_SOCK.padding)) return false;
  return size === 4;
}

/** bpf_tcp_sock_is_valid_access. */
function tcpSockLoadOk(off: number, size: number): boolean {
  if (off < 0 || off >= BPF_TCP_SOCK.size || off % size !== 0) return false;
  return size === (BPF_TCP_SOCK.u64Fields.has(off) ? 8 : 4);
}

/** Whether a `size`-byte load at `off` of a socket structure is allowed (the per-type is_valid_access). */
export function sockLoadAllowed(type: SockType, off: number, size: number): boolean {
  switch (type) {
    case 'sock': return sockLoadOk(off, size);
    case 'sock_common': return !inRange(off, SOCK_COMMON_HIDDEN) && sockLoadOk(off, size);
    case 'tcp_sock': return tcpSockLoadOk(off, size);
    case 'xdp_sock': return off >= 0 && off < BPF_XDP_SOCK_SIZE && off % size === 0 && size === 4;
  }
}

/**
 * check_mem_access for a (non-NULL) socket pointer: stores are refused, loads must hit a readable field.
 * `off` is the instruction's offset plus the pointer's fixed offset.
 */
export function checkSockAccess(pc: number, regno: number, reg: RegState, off: number, size: number, write: boolean): CheckResult {
  const name = regTypeName(reg);
  if (write) return reject(pc, 'sock-access', `R${regno} cannot write into ${name}`);
  if (reg.s.sminHi >= 0x80000000) {
    return reject(pc, 'sock-access', `R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  if (reg.maybeNull || !sockLoadAllowed(reg.type as SockType, off, size)) {
    return reject(pc, 'sock-access', `R${regno} invalid ${name} access off=${off} size=${size}`);
  }
  return undefined;
}
