// XDP helpers: adjust_head/tail/meta (the frame limits live in
// contexts/xdp.ts), xdp_load_bytes/store_bytes/get_buff_len, and the
// redirects: bpf_redirect (XDP and TC flavours, chosen by the context) and
// bpf_redirect_map through devmap/cpumap/xskmap. A test run does not
// forward packets: the decision is recorded for the run's output. Pure.

import { EFAULT, EINVAL } from '../../maps/errno';
import { XDP_ABORTED, XDP_REDIRECT } from '../../maps/redirectMaps';
import type { BpfMap } from '../../maps';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';
import type { XdpContext } from '../contexts/xdp';

const BPF_F_INGRESS = 1n;
const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;

function xdp(h: HelperCall): XdpContext | undefined {
  return h.run.ctx.xdp ?? h.fail('needs an XDP context (run the program as xdp)');
}

function redirect(h: HelperCall): number {
  const ifindex = h.u32(1);
  const flags = h.arg(2);
  if (h.run.ctx.kind === 'xdp') {
    if (flags !== 0n) return XDP_ABORTED;
    h.run.redirect = { ifindex };
    return XDP_REDIRECT;
  }
  if ((flags & ~BPF_F_INGRESS) !== 0n) return TC_ACT_SHOT;
  h.run.redirect = { ifindex };
  return TC_ACT_REDIRECT;
}

type Redirecting = BpfMap & { redirect(index: number | bigint, flags: bigint): { action: number } };

function redirectMap(h: HelperCall): number | undefined {
  const map = h.map(1);
  if (!map) return undefined;
  if (!('redirect' in map)) return h.fail(`map '${map.name}' is a ${map.type}, not a devmap, cpumap or xskmap`);
  const key = h.u32(2);
  const decision = (map as Redirecting).redirect(key, h.arg(3));
  if (decision.action === XDP_REDIRECT) h.run.redirect = { map: map.name, index: key };
  return decision.action;
}

function xdpBytes(h: HelperCall, write: boolean): bigint | number | undefined {
  const ctx = xdp(h);
  const len = h.u32(4);
  const buf = ctx && h.mem(3, len, 'buf', !write);
  if (!ctx || !buf) return undefined;
  const off = h.u32(2);
  const p = ctx.packet;
  if (off > 0xffff || len > 0xffff) return neg(EFAULT);
  if (off + len > p.length) return neg(EINVAL);
  if (write) p.buf.set(buf, p.start + off);
  else buf.set(p.buf.subarray(p.start + off, p.start + off + len));
  return 0;
}

export const XDP_HELPERS: readonly LinuxHelper[] = [
  { name: 'xdp_adjust_head', impl: (h) => xdp(h)?.adjustHead(h.s32(2)) },
  { name: 'xdp_adjust_tail', impl: (h) => xdp(h)?.adjustTail(h.s32(2)) },
  { name: 'xdp_adjust_meta', impl: (h) => xdp(h)?.adjustMeta(h.s32(2)) },
  { name: 'xdp_get_buff_len', impl: (h) => xdp(h)?.packet.length },
  { name: 'xdp_load_bytes', impl: (h) => xdpBytes(h, false) },
  { name: 'xdp_store_bytes', impl: (h) => xdpBytes(h, true) },
  { name: 'redirect', impl: redirect },
  { name: 'redirect_map', impl: redirectMap },
];

