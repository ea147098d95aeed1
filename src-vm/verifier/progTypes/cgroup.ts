// The cgroup program types: cgroup_skb (__sk_buff), cgroup_sock (bpf_sock,
// fields by expected attach type), cgroup_sock_addr (bpf_sock_addr, address
// fields by attach type's family), cgroup_sysctl, cgroup_sockopt and
// cgroup_device — the kernel's is_valid_access of each (net/core/filter.c,
// kernel/bpf/cgroup.c) and check_return_code's range for each.

import type { AttachTypeName, ProgTypeName } from '../../elf/bpfEnums';
import { allow, narrowOk, spanAt, spans, wideOk } from './ctxSpans';
import type { CtxAccess, CtxAccessQuery, ProgTypeRules, RetRange } from './rules';
import { SKB_PACKET, skbPolicyAccess, type SkbPolicy } from './skbCtx';

/** The kernel's expected_attach_type when the loader gives none (0, which is BPF_CGROUP_INET_INGRESS). */
export const ATTACH_UNSET: AttachTypeName = 'cgroup_inet_ingress';
const ZERO_ONE: RetRange = { min: 0, max: 1 };

const CG_SKB: SkbPolicy = {
  refused: ['tc_classid', 'data_meta', 'wire_len'],
  writable: ['mark', 'priority', 'cb', 'tstamp'],
  pointers: SKB_PACKET,
};

/** cgroup_skb egress may also return 2 and 3 (drop/pass plus congestion notification). */
function cgSkbRange(attach?: AttachTypeName): RetRange {
  return attach === 'cgroup_inet_egress' ? { min: 0, max: 3 } : ZERO_ONE;
}

// struct bpf_sock
const BPF_SOCK = spans([
  ['bound_dev_if', 0, 4], ['family', 4, 4], ['type', 8, 4], ['protocol', 12, 4], ['mark', 16, 4], ['priority', 20, 4],
  ['src_ip4', 24, 4], ['src_ip6', 28, 16], ['src_port', 44, 4], ['dst_port', 48, 2], ['dst_port_pad', 50, 2],
  ['dst_ip4', 52, 4], ['dst_ip6', 56, 16], ['state', 72, 4], ['rx_queue_mapping', 76, 4],
]);
/** Narrow loads allowed at the field's first byte only (`case offsetof(...)`) or anywhere in it (`bpf_ctx_range`). */
const SOCK_NARROW_AT_START = new Set(['state', 'family', 'type', 'protocol', 'src_port', 'rx_queue_mapping']);
const SOCK_NARROW_ANYWHERE = new Set(['src_ip4', 'src_ip6', 'dst_ip4', 'dst_ip6']);

/** bpf_sock_is_valid_access: sizes per field of struct bpf_sock (also what socket pointers read through). */
export function bpfSockSizeOk(off: number, size: number): boolean {
  if (off < 0 || off >= 80 || off % size !== 0) return false;
  const f = spanAt(BPF_SOCK, off)!;
  if (SOCK_NARROW_ANYWHERE.has(f.name) || (SOCK_NARROW_AT_START.has(f.name) && f.off === off)) return narrowOk(size, 4);
  if (f.name === 'dst_port') return narrowOk(size, size === 4 ? 4 : 2);
  if (f.name === 'dst_port_pad') return false;
  return size === 4;
}

/** Fields of bpf_sock only some attach types may touch (__sock_filter_check_attach_type), and how. */
const SOCK_BY_ATTACH: Readonly<Record<string, { attach: readonly AttachTypeName[]; full: boolean }>> = {
  bound_dev_if: { attach: ['cgroup_inet_sock_create', 'cgroup_inet_sock_release'], full: true },
  mark: { attach: ['cgroup_inet_sock_create', 'cgroup_inet_sock_release'], full: true },
  priority: { attach: ['cgroup_inet_sock_create', 'cgroup_inet_sock_release'], full: true },
  src_ip4: { attach: ['cgroup_inet4_post_bind'], full: false },
  src_ip6: { attach: ['cgroup_inet6_post_bind'], full: false },
  src_port: { attach: ['cgroup_inet4_post_bind', 'cgroup_inet6_post_bind'], full: false },
};

function cgSockAccess(q: CtxAccessQuery): CtxAccess {
  if (!bpfSockSizeOk(q.off, q.size)) return { ok: false };
  const f = spanAt(BPF_SOCK, q.off)!;
  // The kernel matches bound_dev_if, mark and priority by exact offset only; their size rule already demands it.
  const rule = SOCK_BY_ATTACH[f.name];
  const attach = q.attach ?? 'cgroup_inet_sock_create'; // bpf_prog_load_fixup_attach_type
  if (rule && !rule.attach.includes(attach)) return { ok: false };
  return allow(!q.write || !!rule?.full);
}

// struct bpf_sock_addr
const SOCK_ADDR = spans([
  ['user_family', 0, 4], ['user_ip4', 4, 4], ['user_ip6', 8, 16], ['user_port', 24, 4], ['family', 28, 4], ['type', 32, 4],
  ['protocol', 36, 4], ['msg_src_ip4', 40, 4], ['msg_src_ip6', 44, 16], ['pad', 60, 4], ['sk', 64, 8],
]);

/** Address fields only attach types of their family may touch. */
const ADDR_BY_ATTACH: Readonly<Record<string, readonly AttachTypeName[]>> = {
  user_ip4: ['cgroup_inet4_bind', 'cgroup_inet4_connect', 'cgroup_inet4_getpeername', 'cgroup_inet4_getsockname', 'cgroup_udp4_sendmsg', 'cgroup_udp4_recvmsg'],
  user_ip6: ['cgroup_inet6_bind', 'cgroup_inet6_connect', 'cgroup_inet6_getpeername', 'cgroup_inet6_getsockname', 'cgroup_udp6_sendmsg', 'cgroup_udp6_recvmsg'],
  msg_src_ip4: ['cgroup_udp4_sendmsg'],
  msg_src_ip6: ['cgroup_udp6_sendmsg'],
};
const ADDR_RW = new Set(['user_ip4', 'user_ip6', 'msg_src_ip4', 'msg_src_ip6', 'user_port']);
const ADDR_RO = new Set(['user_family', 'family', 'type', 'protocol']);

function sockAddrAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off >= 72 || off % size !== 0) return { ok: false };
  const f = spanAt(SOCK_ADDR, off)!;
  const only = ADDR_BY_ATTACH[f.name];
  if (only && !only.includes(q.attach ?? ATTACH_UNSET)) return { ok: false };
  if (ADDR_RW.has(f.name)) {
    if (wideOk(off, size, spanAt(SOCK_ADDR, 8)) || wideOk(off, size, spanAt(SOCK_ADDR, 44))) return { ok: true };
    return allow(write ? size === 4 : narrowOk(size, 4));
  }
  if (f.name === 'sk') return allow(!write && size === 8, { type: 'sock' });
  return allow(ADDR_RO.has(f.name) && !write && size === 4);
}

/** sock_addr hooks whose return value is fixed at 1, and bind's wider range (check_return_code). */
const ADDR_RET_ONE: readonly AttachTypeName[] = [
  'cgroup_udp4_recvmsg', 'cgroup_udp6_recvmsg', 'cgroup_unix_recvmsg', 'cgroup_inet4_getpeername', 'cgroup_inet6_getpeername',
  'cgroup_unix_getpeername', 'cgroup_inet4_getsockname', 'cgroup_inet6_getsockname', 'cgroup_unix_getsockname',
];

function sockAddrRange(attach?: AttachTypeName): RetRange {
  const a = attach ?? ATTACH_UNSET;
  if (ADDR_RET_ONE.includes(a)) return { min: 1, max: 1 };
  if (a === 'cgroup_inet4_bind' || a === 'cgroup_inet6_bind') return { min: 0, max: 3 };
  return ZERO_ONE;
}

// struct bpf_sysctl { u32 write; u32 file_pos; }
function sysctlAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off + size > 8 || off % size !== 0) return { ok: false };
  if (off < 4) return allow(!write && narrowOk(size, 4));
  return allow(write ? size === 4 : narrowOk(size, 4));
}

// struct bpf_sockopt
const SOCKOPT = spans([['sk', 0, 8], ['optval', 8, 8], ['optval_end', 16, 8], ['level', 24, 4], ['optname', 28, 4], ['optlen', 32, 4], ['retval', 36, 4]]);
const SOCKOPT_PTR = { sk: { type: 'sock' }, optval: { type: 'pkt' }, optval_end: { type: 'pkt_end' } } as const;

function sockoptAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off >= 40 || off % size !== 0) return { ok: false };
  const f = spanAt(SOCKOPT, off)!;
  const getsockopt = q.attach === 'cgroup_getsockopt';
  if (write) {
    if (off !== f.off || size !== 4) return { ok: false };
    if (f.name === 'retval') return allow(getsockopt);
    if (f.name === 'optname' || f.name === 'level') return allow(q.attach === 'cgroup_setsockopt');
    return allow(f.name === 'optlen');
  }
  if (f.name in SOCKOPT_PTR) return allow(size === 8, SOCKOPT_PTR[f.name as keyof typeof SOCKOPT_PTR]);
  if (f.name === 'retval') return allow(size === 4 && getsockopt);
  return allow(size === 4);
}

// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
function deviceAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (q.write || off < 0 || off + size > 12 || off % size !== 0) return { ok: false };
  return allow(off < 4 ? narrowOk(size, 4) : size === 4);
}

const zeroOne = (): RetRange => ZERO_ONE;

export const CGROUP_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  cgroup_skb: { ctxAccess: (q) => skbPolicyAccess(CG_SKB, q), returnRange: cgSkbRange, packetReadOnly: true },
  cgroup_sock: { ctxAccess: cgSockAccess, returnRange: zeroOne },
  cgroup_sock_addr: { ctxAccess: sockAddrAccess, returnRange: sockAddrRange },
  cgroup_sysctl: { ctxAccess: sysctlAccess, returnRange: zeroOne },
  cgroup_sockopt: { ctxAccess: sockoptAccess, returnRange: zeroOne },
  cgroup_device: { ctxAccess: deviceAccess, returnRange: zeroOne },
};
