// Socket-buffer helpers (TC, socket filter, cgroup_skb): load/store bytes
// (offsets from skb->data), the checksum helpers with the kernel's flag
// checks, csum_diff, change_head/tail, vlan push/pop (the tag goes to the
// skb's hardware-accelerated field, as skb_vlan_push does), pull_data,
// clone_redirect (only loopback exists) and set_hash. Test-run skbs are linear and
// CHECKSUM_NONE, so checksum fields are always rewritten. Pure.

import { EFAULT, EINVAL, ENODEV, ENOENT } from '../../maps/errno';
import { csumDiff, csumReplace2, csumReplace4, csumReplaceByDiff } from '../checksum';
import { ETH_HLEN } from '../contexts/xdp';
import type { SkbContext } from '../contexts/skb';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';

const BPF_F_RECOMPUTE_CSUM = 1n;
const BPF_F_INVALIDATE_HASH = 2n;
const BPF_F_HDR_FIELD_MASK = 0xfn;
const BPF_F_PSEUDO_HDR = 0x10n;
const BPF_F_MARK_MANGLED_0 = 0x20n;
const BPF_F_MARK_ENFORCE = 0x40n;
const BPF_F_INGRESS = 1n;
const CSUM_MANGLED_0 = 0xffff;
const MAX_PACKET = 0xffff;

function skb(h: HelperCall): SkbContext | undefined {
  return h.run.ctx.skb ?? h.fail('needs a socket-buffer context (run the program as tc, socket filter or cgroup_skb)');
}

function loadBytes(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  const len = h.u32(4);
  const to = s && h.mem(3, len, 'to', true);
  if (!s || !to) return undefined;
  const off = h.u32(2);
  if (off > MAX_PACKET || off + len > s.len) { to.fill(0); return neg(EFAULT); }
  to.set(s.packet.data.subarray(off, off + len));
  return 0;
}

function storeBytes(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  const len = h.u32(4);
  const from = s && h.mem(3, len, 'from');
  if (!s || !from) return undefined;
  const off = h.u32(2);
  const flags = h.arg(5);
  if (flags & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) return neg(EINVAL);
  if (off > MAX_PACKET || off + len > s.len) return neg(EFAULT);
  s.packet.data.set(from, off);
  if (flags & BPF_F_INVALIDATE_HASH) s.fields.setUint32(68, 0, true);
  return 0;
}

function field16(s: SkbContext, off: number): DataView | undefined {
  if (off + 2 > s.len) return undefined;
  const d = s.packet.data;
  return new DataView(d.buffer, d.byteOffset + off, 2);
}

function l3Replace(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  const off = h.u32(2);
  const flags = h.arg(5);
  if (flags & ~BPF_F_HDR_FIELD_MASK) return neg(EINVAL);
  if (off > MAX_PACKET || (off & 1) !== 0) return neg(EFAULT);
  const f = field16(s, off);
  if (!f) return neg(EFAULT);
  const check = f.getUint16(0, true);
  const from = Number(h.arg(3) & 0xffffffffn);
  const to = Number(h.arg(4) & 0xffffffffn);
  switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0n: f.setUint16(0, csumReplaceByDiff(check, to), true); return 0;
    case 2n: f.setUint16(0, csumReplace2(check, from & 0xffff, to & 0xffff), true); return 0;
    case 4n: f.setUint16(0, csumReplace4(check, from, to), true); return 0;
    default: return neg(EINVAL);
  }
}

function l4Replace(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  const off = h.u32(2);
  const flags = h.arg(5);
  const mangled0 = (flags & BPF_F_MARK_MANGLED_0) !== 0n;
  if (flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK)) return neg(EINVAL);
  if (off > MAX_PACKET || (off & 1) !== 0) return neg(EFAULT);
  const f = field16(s, off);
  if (!f) return neg(EFAULT);
  const check = f.getUint16(0, true);
  if (mangled0 && check === 0) return 0;
  const from = Number(h.arg(3) & 0xffffffffn);
  const to = Number(h.arg(4) & 0xffffffffn);
  let next: number;
  switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0n: next = csumReplaceByDiff(check, to); break;
    case 2n: next = csumReplace4(check, from & 0xffff, to & 0xffff); break;
    case 4n: next = csumReplace4(check, from, to); break;
    default: return neg(EINVAL);
  }
  f.setUint16(0, mangled0 && next === 0 ? CSUM_MANGLED_0 : next, true);
  return 0;
}

function csumDiffHelper(h: HelperCall): bigint | number | undefined {
  const fromSize = h.u32(2);
  const toSize = h.u32(4);
  if (fromSize % 4 !== 0 || toSize % 4 !== 0 || fromSize + toSize > 512) return neg(EINVAL);
  const from = h.mem(1, fromSize, 'from');
  const to = from && h.mem(3, toSize, 'to');
  if (!from || !to) return undefined;
  return csumDiff(from, to, h.u32(5));
}

function changeTail(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  const newLen = h.u32(2);
  if (h.arg(3) !== 0n || newLen > MAX_PACKET || newLen < (s.isL2 ? ETH_HLEN : 0)) return neg(EINVAL);
  const p = s.packet;
  const end = p.start + newLen;
  if (end > p.buf.length) return neg(EINVAL);
  if (end > p.end) p.buf.fill(0, p.end, end);
  p.end = end;
  return 0;
}

function changeHead(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  const room = h.u32(2);
  if (h.arg(3) !== 0n || room > MAX_PACKET || room > s.packet.start) return neg(EINVAL);
  s.packet.insert(0, room);
  return 0;
}

function vlanPush(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  const proto = swap16(h.u32(2) & 0xffff);
  if (proto !== 0x8100 && proto !== 0x88a8) return neg(EINVAL);
  if (s.vlan) insertTag(s, s.vlan.proto, s.vlan.tci);
  s.vlan = { proto, tci: h.u32(3) & 0xffff };
  return 0;
}

/** Puts a tag into the frame after the MAC addresses (__vlan_insert_tag). */
function insertTag(s: SkbContext, proto: number, tci: number): void {
  s.packet.insert(12, 4);
  const d = s.packet.data;
  d[12] = proto >> 8; d[13] = proto & 0xff; d[14] = tci >> 8; d[15] = tci & 0xff;
  s.protocol = proto;
}

const isVlan = (p: number): boolean => p === 0x8100 || p === 0x88a8;

/** __skb_vlan_pop: removes the frame's outer tag; returns its tci. */
function popTag(s: SkbContext): number | undefined {
  const d = s.packet.data;
  if (!s.isL2 || d.length < ETH_HLEN + 4) return undefined;
  const tci = (d[14] << 8) | d[15];
  s.packet.remove(12, 4);
  const inner = (s.packet.data[12] << 8) | s.packet.data[13];
  s.protocol = inner >= 0x600 ? inner : 0x0004;
  return tci;
}

function vlanPop(h: HelperCall): bigint | number | undefined {
  const s = skb(h);
  if (!s) return undefined;
  if (s.vlan) s.vlan = undefined;
  else {
    if (!isVlan(s.protocol)) return 0;
    if (popTag(s) === undefined) return neg(ENOENT);
  }
  if (!isVlan(s.protocol)) return 0;
  const proto = s.protocol;
  const tci = popTag(s);
  if (tci !== undefined) s.vlan = { proto, tci };
  return 0;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >> 8);
}

export const SKB_HELPERS: readonly LinuxHelper[] = [
  { name: 'skb_load_bytes', impl: loadBytes },
  { name: 'skb_store_bytes', impl: storeBytes },
  { name: 'l3_csum_replace', impl: l3Replace },
  { name: 'l4_csum_replace', impl: l4Replace },
  { name: 'csum_diff', impl: csumDiffHelper },
  { name: 'skb_change_tail', impl: changeTail },
  { name: 'skb_change_head', impl: changeHead },
  { name: 'skb_vlan_push', impl: vlanPush },
  { name: 'skb_vlan_pop', impl: vlanPop },
  { name: 'skb_pull_data', impl: (h) => { const s = skb(h); return s ? (h.u32(2) > s.len ? neg(EINVAL) : 0) : undefined; } },
  {
    name: 'clone_redirect',
    impl: (h) => {
      const s = skb(h);
      if (!s) return undefined;
      if (h.arg(3) & ~BPF_F_INGRESS) return neg(EINVAL);
      return h.u32(2) === 1 ? 0 : neg(ENODEV); // only loopback (ifindex 1) exists in a test run
    },
  },
  { name: 'set_hash', impl: (h) => { const s = skb(h); if (!s) return undefined; s.fields.setUint32(68, h.u32(2), true); return 0; } },
  { name: 'get_cgroup_classid', impl: (h) => (skb(h) ? 0 : undefined) },
];
