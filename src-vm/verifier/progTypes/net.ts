// XDP's context (struct xdp_md) as a field table and its rules, and the
// __sk_buff field layout the __sk_buff program types share (their rules are
// skbCtx.ts's, per type in tcSocket.ts, cgroup.ts, …). XDP has no
// return-value range in the kernel.

import type { ProgTypeName } from '../../elf/bpfEnums';
import { fieldCtxAccess, type CtxField, type CtxLayout } from './ctxFields';
import type { ProgTypeRules } from './rules';

const PKT = { type: 'pkt' } as const;
const PKT_END = { type: 'pkt_end' } as const;
const PKT_META = { type: 'pkt_meta' } as const;

const XDP_MD: readonly CtxField[] = [
  { name: 'data', off: 0, size: 4, yields: PKT },
  { name: 'data_end', off: 4, size: 4, yields: PKT_END },
  { name: 'data_meta', off: 8, size: 4, yields: PKT_META },
  { name: 'ingress_ifindex', off: 12, size: 4 },
  { name: 'rx_queue_index', off: 16, size: 4 },
  // egress_ifindex (off 20) exists only for programs attached to a devmap (expected attach type), not modelled.
  { name: 'egress_ifindex', off: 20, size: 4, hiddenFrom: ['xdp'] },
];

/** struct __sk_buff's fields by uapi offset; skbCtx.ts builds the __sk_buff rules of every type on them. */
export const SK_BUFF: readonly CtxField[] = [
  { name: 'len', off: 0, size: 4 }, { name: 'pkt_type', off: 4, size: 4 },
  { name: 'mark', off: 8, size: 4 }, { name: 'queue_mapping', off: 12, size: 4 },
  { name: 'protocol', off: 16, size: 4 }, { name: 'vlan_present', off: 20, size: 4 },
  { name: 'vlan_tci', off: 24, size: 4 }, { name: 'vlan_proto', off: 28, size: 4 },
  { name: 'priority', off: 32, size: 4 }, { name: 'ingress_ifindex', off: 36, size: 4 },
  { name: 'ifindex', off: 40, size: 4 }, { name: 'tc_index', off: 44, size: 4 },
  ...[0, 1, 2, 3, 4].map((k) => ({ name: `cb[${k}]`, off: 48 + 4 * k, size: 4 })),
  { name: 'hash', off: 68, size: 4 }, { name: 'tc_classid', off: 72, size: 4 },
  { name: 'data', off: 76, size: 4 },
  { name: 'data_end', off: 80, size: 4 },
  { name: 'napi_id', off: 84, size: 4 },
  ...['family', 'remote_ip4', 'local_ip4'].map((name, k) => ({ name, off: 88 + 4 * k, size: 4 })),
  ...[0, 1, 2, 3].map((k) => ({ name: `remote_ip6[${k}]`, off: 100 + 4 * k, size: 4 })),
  ...[0, 1, 2, 3].map((k) => ({ name: `local_ip6[${k}]`, off: 116 + 4 * k, size: 4 })),
  { name: 'remote_port', off: 132, size: 4 },
  { name: 'local_port', off: 136, size: 4 },
  { name: 'data_meta', off: 140, size: 4 },
  { name: 'wire_len', off: 160, size: 4 }, { name: 'gso_segs', off: 164, size: 4 },
  { name: 'sk', off: 168, size: 8 },
  { name: 'gso_size', off: 176, size: 4 },
];

function byFields(prog: ProgTypeName, layout: CtxLayout): ProgTypeRules {
  return { ctxAccess: (q) => fieldCtxAccess(layout, prog, q) };
}

const XDP_LAYOUT: CtxLayout = { fields: XDP_MD, narrowLoads: false };

export const NET_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  xdp: byFields('xdp', XDP_LAYOUT),
};
