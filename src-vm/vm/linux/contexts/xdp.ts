// The XDP context as BPF_PROG_TEST_RUN builds it: struct xdp_md over a
// packet in a 4096-byte frame with XDP_PACKET_HEADROOM (256) before the data
// and skb_shared_info's room (320) reserved at the end; data_meta starts equal
// to data; the receive queue is the loopback device's (ifindex 1, queue 0).
// Loads of data/data_end/data_meta yield packet pointers, as the kernel's ctx
// rewrite does. The adjust_head/tail/meta helpers move the frame's offsets
// with the kernel's limits; the output is data_meta..data_end, what test_run
// copies back. Pure.

import { Memory, regionAddress, type FieldAccess, type Region } from '../../memory';
import { EINVAL } from '../../maps/errno';

const EACCES = 13;
import { narrow, PacketBuffer } from './packet';

export const XDP_PACKET_HEADROOM = 256;
export const XDP_FRAME_SIZE = 4096;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64. */
export const SKB_SHARED_INFO_ROOM = 320;
/** sizeof(struct xdp_frame): the part of the headroom adjust_head and adjust_meta may not reach. */
export const XDP_FRAME_STRUCT = 40;
export const ETH_HLEN = 14;
/** The largest frame test_run accepts without fragments. */
export const XDP_MAX_DATA = XDP_FRAME_SIZE - XDP_PACKET_HEADROOM - SKB_SHARED_INFO_ROOM;
const XDP_MD_SIZE = 24;

export const XDP_ACTIONS = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'] as const;

export interface XdpInput {
  ingressIfindex?: number;
  rxQueueIndex?: number;
}

export class XdpContext {
  readonly packet: PacketBuffer;
  readonly region: Region;
  ingressIfindex: number;
  rxQueueIndex: number;

  constructor(memory: Memory, data: Uint8Array, input: XdpInput = {}) {
    this.packet = new PacketBuffer(memory, data, XDP_PACKET_HEADROOM, XDP_FRAME_SIZE);
    this.ingressIfindex = input.ingressIfindex ?? 1;
    this.rxQueueIndex = input.rxQueueIndex ?? 0;
    const fields: FieldAccess = { load: (o, s) => this.load(o, s), store: () => 'xdp_md is read-only' };
    this.region = memory.add('xdp_md', 'ctx', new Uint8Array(0), false);
    this.region.fields = fields;
  }

  get address(): bigint {
    return regionAddress(this.region);
  }

  private load(offset: number, size: number): bigint | string {
    if (offset < 0 || offset + size > XDP_MD_SIZE) return `offset ${offset} is outside struct xdp_md (${XDP_MD_SIZE} bytes)`;
    const p = this.packet;
    switch (offset) {
      case 0: return p.address(p.start);
      case 4: return p.address(p.end);
      case 8: return p.address(p.meta);
      default: break;
    }
    const field = Math.floor(offset / 4) * 4;
    const value = field === 12 ? this.ingressIfindex : field === 16 ? this.rxQueueIndex : 0;
    return narrow(BigInt(value >>> 0), offset - field, size);
  }

  /** bpf_xdp_adjust_head */
  adjustHead(offset: number): number {
    const p = this.packet;
    const metalen = p.start - p.meta;
    const data = p.start + offset;
    if (data < XDP_FRAME_STRUCT + metalen || data > p.end - ETH_HLEN) return -EINVAL;
    if (metalen > 0) p.buf.copyWithin(p.meta + offset, p.meta, p.start);
    p.meta += offset;
    p.start = data;
    return 0;
  }

  /** bpf_xdp_adjust_tail: grown bytes are zeroed. */
  adjustTail(offset: number): number {
    const p = this.packet;
    const end = p.end + offset;
    if (end > XDP_FRAME_SIZE - SKB_SHARED_INFO_ROOM || end < p.start + ETH_HLEN) return -EINVAL;
    if (offset > 0) p.buf.fill(0, p.end, end);
    p.end = end;
    return 0;
  }

  /** bpf_xdp_adjust_meta: metadata is at most 32 bytes, in 4-byte units. */
  adjustMeta(offset: number): number {
    const p = this.packet;
    const meta = p.meta + offset;
    if (meta < XDP_FRAME_STRUCT || meta > p.start) return -EINVAL;
    const metalen = p.start - meta;
    if ((metalen & 3) !== 0 || metalen > 32) return -EACCES;
    p.meta = meta;
    return 0;
  }

  /** What test_run copies back: data_meta..data_end. */
  output(): Uint8Array {
    return this.packet.buf.slice(this.packet.meta, this.packet.end);
  }
}
