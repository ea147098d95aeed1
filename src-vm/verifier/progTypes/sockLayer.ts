// The socket-layer program types: sock_ops (bpf_sock_ops, with its socket and
// TCP-header packet pointers), sk_msg (sk_msg_md), sk_skb (__sk_buff),
// sk_reuseport (sk_reuseport_md) and sk_lookup (bpf_sk_lookup) — the kernel's
// is_valid_access of each (net/core/filter.c) and check_return_code's range
// where it has one (sock_ops, sk_lookup).

import type { ProgTypeName } from '../../elf/bpfEnums';
import { allow, narrowOk, spanAt, spans } from './ctxSpans';
import type { CtxAccess, CtxAccessQuery, CtxYield, ProgTypeRules, RetRange } from './rules';
import { SKB_PACKET, skbPolicyAccess, type SkbPolicy } from './skbCtx';

const ZERO_ONE: RetRange = { min: 0, max: 1 };
const PKT: CtxYield = { type: 'pkt' };
const PKT_END: CtxYield = { type: 'pkt_end' };
const SOCK: CtxYield = { type: 'sock' };

// struct bpf_sock_ops: u32 fields up to sk_txhash, then the 8-byte ones.
const SOCK_OPS = spans([
  ['reply', 4, 4], ['sk_txhash', 164, 4], ['bytes_received', 168, 8], ['bytes_acked', 176, 8], ['sk', 184, 8],
  ['skb_data', 192, 8], ['skb_data_end', 200, 8], ['skb_len', 208, 4], ['skb_tcp_flags', 212, 4], ['skb_hwtstamp', 216, 8],
]);
const SOCK_OPS_PTR: Readonly<Record<string, CtxYield>> = {
  sk: { type: 'sock', maybeNull: true }, skb_data: PKT, skb_data_end: PKT_END,
};

function sockOpsAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off >= 224 || off % size !== 0) return { ok: false };
  const f = spanAt(SOCK_OPS, off);
  // Stores go only to reply (args[0]) and sk_txhash, by exact offset.
  if (write) return allow((off === 4 || off === 164) && size === 4);
  if (!f) return allow(size === 4);
  if (f.name in SOCK_OPS_PTR) return allow(size === 8, SOCK_OPS_PTR[f.name]);
  if (f.name === 'bytes_received' || f.name === 'bytes_acked' || f.name === 'skb_hwtstamp') return allow(size === 8);
  if (f.name === 'skb_tcp_flags' && off === f.off) return allow(narrowOk(size, 4));
  return allow(size === 4);
}

// struct sk_msg_md
const SK_MSG = spans([['data', 0, 8], ['data_end', 8, 8], ['u32_fields', 16, 56], ['sk', 72, 8]]);

function skMsgAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (q.write || off % size !== 0) return { ok: false };
  switch (spanAt(SK_MSG, off)?.name) {
    case 'data': return allow(size === 8, PKT);
    case 'data_end': return allow(size === 8, PKT_END);
    case 'sk': return allow(size === 8, SOCK);
    case 'u32_fields': return allow(size === 4);
    default: return { ok: false };
  }
}

const SK_SKB: SkbPolicy = {
  refused: ['tc_classid', 'data_meta', 'tstamp', 'wire_len', 'hwtstamp', 'mark'],
  writable: ['tc_index', 'priority'],
  pointers: SKB_PACKET,
};

// struct sk_reuseport_md
const REUSEPORT = spans([
  ['data', 0, 8], ['data_end', 8, 8], ['len', 16, 4], ['eth_protocol', 20, 4], ['ip_protocol', 24, 4], ['bind_inany', 28, 4],
  ['hash', 32, 4], ['sk', 40, 8], ['migrating_sk', 48, 8],
]);
const REUSEPORT_PTR: Readonly<Record<string, CtxYield>> = {
  data: PKT, data_end: PKT_END, sk: SOCK, migrating_sk: { type: 'sock_common', maybeNull: true },
};

function reuseportAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (off < 0 || off >= 56 || off % size !== 0 || q.write) return { ok: false };
  const f = spanAt(REUSEPORT, off);
  if (!f) return { ok: false };
  // Pointer fields and hash are matched by exact offset (`case offsetof(...)`).
  if (f.name in REUSEPORT_PTR) return allow(off === f.off && size === 8, REUSEPORT_PTR[f.name]);
  if (f.name === 'hash') return allow(off === f.off && size === 4);
  if (f.name === 'eth_protocol' && size < 2) return { ok: false };
  return allow(narrowOk(size, 4));
}

// struct bpf_sk_lookup
const SK_LOOKUP = spans([
  ['sk', 0, 8], ['family', 8, 4], ['protocol', 12, 4], ['remote_ip4', 16, 4], ['remote_ip6', 20, 16], ['remote_port', 36, 2],
  ['remote_port_pad', 38, 2], ['local_ip4', 40, 4], ['local_ip6', 44, 16], ['local_port', 60, 4], ['ingress_ifindex', 64, 4],
]);

function skLookupAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (off < 0 || off >= 72 || off % size !== 0 || q.write) return { ok: false };
  const f = spanAt(SK_LOOKUP, off);
  if (!f) return { ok: false };
  if (f.name === 'sk') return allow(size === 8, { type: 'sock', maybeNull: true });
  // A 4-byte load of the 2-byte remote_port is allowed for backward compatibility, as is its zero padding.
  if (f.name === 'remote_port') return allow(size === 4 || narrowOk(size, 2));
  if (f.name === 'remote_port_pad') return allow(narrowOk(size, 2));
  return allow(narrowOk(size, 4));
}

export const SOCK_LAYER_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  sock_ops: { ctxAccess: sockOpsAccess, returnRange: () => ZERO_ONE, packetReadOnly: true },
  sk_skb: { ctxAccess: (q) => skbPolicyAccess(SK_SKB, q) },
  sk_msg: { ctxAccess: skMsgAccess },
  sk_reuseport: { ctxAccess: reuseportAccess, packetReadOnly: true },
  sk_lookup: { ctxAccess: skLookupAccess, returnRange: () => ZERO_ONE },
};
