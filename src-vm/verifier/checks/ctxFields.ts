// Context layouts per program type as data (xdp_md, __sk_buff): each field's
// offset, size, what a load yields (scalar, packet pointers) and who may write
// it, plus the kernel's is_valid_access rules built on them (field alignment,
// narrow loads of scalar fields, exact size for pointer fields). Pure data and
// lookups; the verdict text is mem.ts's.

import type { ProgType } from '../env';
import type { RegType } from '../regState';

export interface CtxField {
  name: string;
  off: number;
  size: number;
  /** What a load of the whole field yields (default: a scalar). */
  yields?: Extract<RegType, 'pkt' | 'pkt_end' | 'pkt_meta'>;
  /** Program types that may store to it. */
  writers?: readonly ProgType[];
  /** Program types that may not touch it at all. */
  hiddenFrom?: readonly ProgType[];
}

const XDP_MD: readonly CtxField[] = [
  { name: 'data', off: 0, size: 4, yields: 'pkt' },
  { name: 'data_end', off: 4, size: 4, yields: 'pkt_end' },
  { name: 'data_meta', off: 8, size: 4, yields: 'pkt_meta' },
  { name: 'ingress_ifindex', off: 12, size: 4 },
  { name: 'rx_queue_index', off: 16, size: 4 },
  // egress_ifindex (off 20) exists only for programs attached to a devmap (expected attach type), not modelled.
  { name: 'egress_ifindex', off: 20, size: 4, hiddenFrom: ['xdp'] },
];

const TC: ProgType[] = ['sched_cls', 'sched_act'];
const SOCK_ADDR_FIELDS: ProgType[] = ['socket_filter', 'sched_cls', 'sched_act'];

const SK_BUFF: readonly CtxField[] = [
  { name: 'len', off: 0, size: 4 }, { name: 'pkt_type', off: 4, size: 4 },
  { name: 'mark', off: 8, size: 4, writers: TC }, { name: 'queue_mapping', off: 12, size: 4, writers: TC },
  { name: 'protocol', off: 16, size: 4 }, { name: 'vlan_present', off: 20, size: 4 },
  { name: 'vlan_tci', off: 24, size: 4 }, { name: 'vlan_proto', off: 28, size: 4 },
  { name: 'priority', off: 32, size: 4, writers: TC }, { name: 'ingress_ifindex', off: 36, size: 4 },
  { name: 'ifindex', off: 40, size: 4 }, { name: 'tc_index', off: 44, size: 4, writers: TC },
  ...[0, 1, 2, 3, 4].map((k) => ({ name: `cb[${k}]`, off: 48 + 4 * k, size: 4, writers: ['socket_filter', ...TC] as ProgType[] })),
  { name: 'hash', off: 68, size: 4 }, { name: 'tc_classid', off: 72, size: 4, hiddenFrom: ['socket_filter'] },
  { name: 'data', off: 76, size: 4, yields: 'pkt', hiddenFrom: ['socket_filter'] },
  { name: 'data_end', off: 80, size: 4, yields: 'pkt_end', hiddenFrom: ['socket_filter'] },
  { name: 'napi_id', off: 84, size: 4 },
  ...['family', 'remote_ip4', 'local_ip4'].map((name, k) => ({ name, off: 88 + 4 * k, size: 4, hiddenFrom: SOCK_ADDR_FIELDS })),
  ...[0, 1, 2, 3].map((k) => ({ name: `remote_ip6[${k}]`, off: 100 + 4 * k, size: 4, hiddenFrom: SOCK_ADDR_FIELDS })),
  ...[0, 1, 2, 3].map((k) => ({ name: `local_ip6[${k}]`, off: 116 + 4 * k, size: 4, hiddenFrom: SOCK_ADDR_FIELDS })),
  { name: 'remote_port', off: 132, size: 4, hiddenFrom: SOCK_ADDR_FIELDS },
  { name: 'local_port', off: 136, size: 4, hiddenFrom: SOCK_ADDR_FIELDS },
  { name: 'data_meta', off: 140, size: 4, yields: 'pkt_meta', hiddenFrom: ['socket_filter'] },
  { name: 'wire_len', off: 160, size: 4 }, { name: 'gso_segs', off: 164, size: 4 },
  { name: 'gso_size', off: 176, size: 4 },
];

interface CtxLayout {
  fields: readonly CtxField[];
  /** Loads narrower than a scalar field are allowed (bpf_ctx_narrow_access_ok); xdp_md wants exactly 4 bytes. */
  narrowLoads: boolean;
}

const LAYOUTS: Readonly<Record<ProgType, CtxLayout>> = {
  xdp: { fields: XDP_MD, narrowLoads: false },
  socket_filter: { fields: SK_BUFF, narrowLoads: true },
  sched_cls: { fields: SK_BUFF, narrowLoads: true },
  sched_act: { fields: SK_BUFF, narrowLoads: true },
};

export type CtxAccess = { ok: true; yields?: CtxField['yields'] } | { ok: false };

/** is_valid_access for a fixed-offset ctx load or store of `size` bytes at `off`. */
export function ctxAccess(prog: ProgType, off: number, size: number, write: boolean): CtxAccess {
  if (off < 0 || off % size !== 0) return { ok: false };
  const layout = LAYOUTS[prog];
  const field = layout.fields.find((f) => off >= f.off && off < f.off + f.size);
  if (!field || field.hiddenFrom?.includes(prog)) return { ok: false };
  if (off + size > field.off + field.size) return { ok: false };
  if (write) {
    return field.writers?.includes(prog) && size === field.size ? { ok: true } : { ok: false };
  }
  if (field.yields) return size === field.size && off === field.off ? { ok: true, yields: field.yields } : { ok: false };
  // bpf_ctx_narrow_access_ok: 1, 2 or 4 byte loads aligned to their size inside a 4-byte field.
  return size === field.size || (layout.narrowLoads && size < field.size) ? { ok: true } : { ok: false };
}
