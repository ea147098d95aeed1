// The socket-buffer context as BPF_PROG_TEST_RUN builds it for TC, socket
// filter and cgroup_skb programs: the frame goes through eth_type_trans on
// the loopback device (protocol, pkt_type, ifindex 1), the network header is
// the start of data for socket filters and cgroup_skb and the MAC header for
// TC (is_l2), and __sk_buff fields the caller may set (mark, priority,
// ingress_ifindex, cb, tstamp, wire_len, gso_*) come from ctx_in. Field loads
// follow the kernel's ctx rewrite (data/data_end/data_meta are packet
// pointers; protocol and vlan_proto are big-endian as in the skb). The
// output is what test_run copies back: for non-L2 types 14 zero bytes
// replace the MAC header. Pure.

import { Memory, regionAddress, type FieldAccess, type Region } from '../../memory';
import { ETH_HLEN } from './xdp';
import { narrow, PacketBuffer } from './packet';

/** NET_SKB_PAD + NET_IP_ALIGN on x86-64. */
export const SKB_HEADROOM = 64;
/** Room kept before the headroom so change_head and vlan pushes never need a new buffer. */
const EXTRA_HEAD = 1024;
/** Room after the data for change_tail (a larger growth is refused with -EINVAL here). */
const TAIL_ROOM = 8192;
/** The largest linear test-run packet: PAGE_SIZE - headroom - skb_shared_info. */
export const SKB_MAX_DATA = 4096 - SKB_HEADROOM - 320;
export const SK_BUFF_SIZE = 192;

/** __sk_buff offsets (include/uapi/linux/bpf.h). */
export const SKB = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24, vlan_proto: 28,
  priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb: 48, hash: 68, tc_classid: 72, data: 76, data_end: 80,
  napi_id: 84, family: 88, remote_ip4: 92, local_ip4: 96, remote_ip6: 100, local_ip6: 116, remote_port: 132, local_port: 136,
  data_meta: 140, flow_keys: 144, tstamp: 152, wire_len: 160, gso_segs: 164, sk: 168, gso_size: 176, tstamp_type: 180, hwtstamp: 184,
} as const;

/** ctx_in fields BPF_PROG_TEST_RUN copies into the skb. */
export interface SkbInput {
  mark?: number;
  priority?: number;
  ingress_ifindex?: number;
  ifindex?: number;
  cb?: number[];
  tstamp?: bigint | number;
  wire_len?: number;
  gso_segs?: number;
  gso_size?: number;
  hwtstamp?: bigint | number;
}

export const TC_ACTIONS: Record<number, string> = {
  [-1]: 'TC_ACT_UNSPEC', 0: 'TC_ACT_OK', 1: 'TC_ACT_RECLASSIFY', 2: 'TC_ACT_SHOT', 3: 'TC_ACT_PIPE', 4: 'TC_ACT_STOLEN',
  5: 'TC_ACT_QUEUED', 6: 'TC_ACT_REPEAT', 7: 'TC_ACT_REDIRECT', 8: 'TC_ACT_TRAP',
};

const AF_INET = 2;
const AF_INET6 = 10;

export class SkbContext {
  readonly packet: PacketBuffer;
  readonly region: Region;
  /** The skb's own fields, laid out as __sk_buff (pointer fields are computed on load). */
  readonly fields = new DataView(new ArrayBuffer(SK_BUFF_SIZE));
  /** Hardware-accelerated VLAN tag (skb_vlan_push puts it here, not in the data). */
  vlan: { proto: number; tci: number } | undefined;
  /** skb->protocol in network byte order as a number (0x0800 for IPv4). */
  protocol: number;

  constructor(memory: Memory, frame: Uint8Array, readonly isL2: boolean, ctxIn?: SkbInput) {
    const input = ctxIn ?? {};
    this.packet = new PacketBuffer(memory, frame, EXTRA_HEAD + SKB_HEADROOM, EXTRA_HEAD + SKB_HEADROOM + frame.length + TAIL_ROOM);
    this.protocol = ethTypeTrans(frame);
    const f = this.fields;
    f.setUint32(SKB.pkt_type, pktType(frame), true);
    f.setUint32(SKB.ifindex, input.ifindex ?? 1, true);
    f.setUint32(SKB.mark, input.mark ?? 0, true);
    f.setUint32(SKB.priority, input.priority ?? 0, true);
    f.setUint32(SKB.ingress_ifindex, input.ingress_ifindex ?? 0, true);
    (input.cb ?? []).slice(0, 5).forEach((v, i) => f.setUint32(SKB.cb + 4 * i, v, true));
    f.setBigUint64(SKB.tstamp, BigInt(input.tstamp ?? 0), true);
    f.setUint32(SKB.gso_segs, input.gso_segs ?? 0, true);
    f.setUint32(SKB.gso_size, input.gso_size ?? 0, true);
    f.setBigUint64(SKB.hwtstamp, BigInt(input.hwtstamp ?? 0), true);
    this.setSocketFields(frame);
    if (!isL2) this.packet.remove(0, ETH_HLEN);
    // convert___skb_to_skb runs only with a ctx_in: wire_len 0 means skb->len then.
    if (ctxIn) f.setUint32(SKB.wire_len, input.wire_len || this.packet.length, true);
    this.region = memory.add('__sk_buff', 'ctx', new Uint8Array(0), false);
    const access: FieldAccess = { load: (o, s) => this.load(o, s), store: (o, s, v) => this.store(o, s, v) };
    this.region.fields = access;
  }

  get address(): bigint {
    return regionAddress(this.region);
  }

  /** The family and addresses of the socket test_run attaches (from the IP header). */
  private setSocketFields(frame: Uint8Array): void {
    const f = this.fields;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (this.protocol === 0x0800) {
      f.setUint32(SKB.family, AF_INET, true);
      if (frame.length >= ETH_HLEN + 20) {
        f.setUint32(SKB.local_ip4, view.getUint32(ETH_HLEN + 12, true), true);
        f.setUint32(SKB.remote_ip4, view.getUint32(ETH_HLEN + 16, true), true);
      }
    } else if (this.protocol === 0x86dd) {
      f.setUint32(SKB.family, AF_INET6, true);
      if (frame.length >= ETH_HLEN + 40) {
        for (let i = 0; i < 4; i++) {
          f.setUint32(SKB.local_ip6 + 4 * i, view.getUint32(ETH_HLEN + 8 + 4 * i, true), true);
          f.setUint32(SKB.remote_ip6 + 4 * i, view.getUint32(ETH_HLEN + 24 + 4 * i, true), true);
        }
      }
    }
  }

  /** skb->len */
  get len(): number {
    return this.packet.length;
  }

  private load(offset: number, size: number): bigint | string {
    if (offset < 0 || offset + size > SK_BUFF_SIZE) return `offset ${offset} is outside struct __sk_buff (${SK_BUFF_SIZE} bytes)`;
    const p = this.packet;
    switch (offset) {
      case SKB.data: return p.address(p.start);
      case SKB.data_end: return p.address(p.end);
      case SKB.data_meta: return p.address(p.start);
      case SKB.flow_keys: case SKB.sk: return 0n;
      default: break;
    }
    const field = offset >= SKB.tstamp && offset < SKB.tstamp + 8 ? SKB.tstamp
      : offset >= SKB.hwtstamp ? SKB.hwtstamp : Math.floor(offset / 4) * 4;
    const width = field === SKB.tstamp || field === SKB.hwtstamp ? 8 : 4;
    return narrow(this.dynamicField(field, width), offset - field, size);
  }

  private dynamicField(field: number, width: number): bigint {
    switch (field) {
      case SKB.len: return BigInt(this.len);
      case SKB.protocol: return BigInt(swap16(this.protocol));
      case SKB.vlan_present: return this.vlan ? 1n : 0n;
      case SKB.vlan_tci: return BigInt(this.vlan?.tci ?? 0);
      case SKB.vlan_proto: return BigInt(swap16(this.vlan?.proto ?? 0));
      default: return width === 8 ? this.fields.getBigUint64(field, true) : BigInt(this.fields.getUint32(field, true));
    }
  }

  private store(offset: number, size: number, value: bigint): string | undefined {
    if (offset < 0 || offset + size > SK_BUFF_SIZE) return `offset ${offset} is outside struct __sk_buff (${SK_BUFF_SIZE} bytes)`;
    if (offset === SKB.tstamp && size === 8) { this.fields.setBigUint64(offset, value, true); return undefined; }
    for (let i = 0; i < size; i++) this.fields.setUint8(offset + i, Number((value >> BigInt(8 * i)) & 0xffn));
    return undefined;
  }

  mark(): number {
    return this.fields.getUint32(SKB.mark, true);
  }

  /** What test_run copies back. */
  output(): Uint8Array {
    const data = this.packet.data;
    if (this.isL2) return data.slice();
    const out = new Uint8Array(ETH_HLEN + data.length);
    out.set(data, ETH_HLEN);
    return out;
  }
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}

/** eth_type_trans: the protocol (host order) of a frame on a device without a hardware address. */
export function ethTypeTrans(frame: Uint8Array): number {
  const proto = (frame[12] << 8) | frame[13];
  if (proto >= 0x600) return proto;
  if (frame[14] === 0xff && frame[15] === 0xff) return 0x0001; // ETH_P_802_3
  return 0x0004; // ETH_P_802_2
}

/** PACKET_HOST (0), BROADCAST (1), MULTICAST (2) or OTHERHOST (3) against loopback's all-zero address. */
function pktType(frame: Uint8Array): number {
  if (frame[0] & 1) return frame.subarray(0, 6).every((b) => b === 0xff) ? 1 : 2;
  return frame.subarray(0, 6).every((b) => b === 0) ? 0 : 3;
}
