// The Context scope: the program's context decoded by its type, read through
// the same field loads the program makes — struct xdp_md (data, data_end and
// data_meta are packet pointers after the kernel's ctx rewrite), struct
// __sk_buff (network-order fields shown both ways, cb[] and the IPv6 words as
// children), and tracing contexts as their raw u64 words (pt_regs by register
// name for kprobe and perf_event). Only the __sk_buff fields the kernel lets
// the program type write can be edited. Pure; reads the Vm's memory.

import type { Vm } from '../interpreter';
import type { Region } from '../memory';
import { SKB } from '../linux/contexts/skb';
import { PT_REGS } from '../linux/contexts/tracing';
import type { ProgramContext } from '../linux/runState';
import { formatValue, registerView } from '../runtimeInspect';
import { ETH_P, ipv6Text } from './packetHeaders';
import { infoNode, type VarNode } from './varNode';

type Show = 'u32' | 'u64' | 'ptr' | 'be16' | 'ipv4' | 'ipv6' | 'u8';

interface CtxField {
  name: string;
  offset: number;
  show: Show;
  /** Array fields: this many u32 elements. */
  count?: number;
}

const SIZES: Readonly<Record<Show, number>> = { u32: 4, u64: 8, ptr: 4, be16: 4, ipv4: 4, ipv6: 16, u8: 1 };

export const XDP_MD_FIELDS: readonly CtxField[] = [
  { name: 'data', offset: 0, show: 'ptr' }, { name: 'data_end', offset: 4, show: 'ptr' }, { name: 'data_meta', offset: 8, show: 'ptr' },
  { name: 'ingress_ifindex', offset: 12, show: 'u32' }, { name: 'rx_queue_index', offset: 16, show: 'u32' }, { name: 'egress_ifindex', offset: 20, show: 'u32' },
];

const SHOWN_AS: Partial<Record<keyof typeof SKB, Show>> = {
  protocol: 'be16', vlan_proto: 'be16', data: 'ptr', data_end: 'ptr', data_meta: 'ptr', flow_keys: 'ptr', sk: 'ptr',
  remote_ip4: 'ipv4', local_ip4: 'ipv4', remote_ip6: 'ipv6', local_ip6: 'ipv6', tstamp: 'u64', hwtstamp: 'u64', tstamp_type: 'u8',
};

export const SK_BUFF_FIELDS: readonly CtxField[] = (Object.entries(SKB) as [keyof typeof SKB, number][]).map(([name, offset]) => (
  name === 'cb' ? { name, offset, show: 'u32', count: 5 } : { name, offset, show: SHOWN_AS[name] ?? 'u32' }
));

/** __sk_buff fields each program type may write (the kernel's *_is_valid_access). */
const SKB_WRITABLE: Readonly<Record<string, readonly string[]>> = {
  sched_cls: ['mark', 'priority', 'queue_mapping', 'tc_index', 'cb', 'tc_classid', 'tstamp'],
  sched_act: ['mark', 'priority', 'queue_mapping', 'tc_index', 'cb', 'tc_classid', 'tstamp'],
  cgroup_skb: ['mark', 'priority', 'cb', 'tstamp'],
  socket_filter: ['cb'],
  lwt_in: ['mark', 'priority', 'cb'], lwt_out: ['mark', 'priority', 'cb'], lwt_xmit: ['mark', 'priority', 'cb'],
};

function load(region: Region, offset: number, size: number): bigint | string {
  return region.fields ? region.fields.load(offset, size, false) : `${region.name} has no fields`;
}

function ipText(words: bigint[]): string {
  const bytes = words.flatMap((w) => [0, 1, 2, 3].map((i) => Number((w >> BigInt(8 * i)) & 0xffn)));
  return bytes.length === 4 ? bytes.join('.') : ipv6Text(Uint8Array.from(bytes));
}

function fieldValue(vm: Vm, f: CtxField, value: bigint): string {
  switch (f.show) {
    case 'ptr': return value === 0n ? 'NULL' : registerView(vm, f.name, value).text;
    case 'be16': {
      const proto = Number(((value & 0xffn) << 8n) | ((value >> 8n) & 0xffn));
      return `${formatValue(value, 32)}, network order 0x${proto.toString(16).padStart(4, '0')}${ETH_P[proto] ? ` (${ETH_P[proto]})` : ''}`;
    }
    case 'ipv4': return `${ipText([value])} (${formatValue(value, 32)})`;
    default: return formatValue(value, SIZES[f.show] * 8);
  }
}

function fieldNode(vm: Vm, region: Region, f: CtxField, writable: boolean): VarNode {
  const words = f.show === 'ipv6' ? 4 : f.count ?? 0;
  if (words > 0) {
    const values = Array.from({ length: words }, (_, i) => load(region, f.offset + 4 * i, 4));
    const bad = values.find((v): v is string => typeof v === 'string');
    if (bad) return { name: f.name, value: `unreadable: ${bad}` };
    const numbers = values as bigint[];
    const children = numbers.map((v, i): VarNode => {
      const node: VarNode = { name: `${f.name}[${i}]`, value: formatValue(v, 32), type: 'u32' };
      if (writable) node.edit = { kind: 'field', access: region.fields!, offset: f.offset + 4 * i, format: { size: 4 } };
      return node;
    });
    const value = f.show === 'ipv6' ? ipText(numbers) : `[${numbers.join(', ')}]`;
    return { name: f.name, value, type: f.show === 'ipv6' ? '__u32[4]' : `__u32[${words}]`, children };
  }
  const size = SIZES[f.show];
  const value = load(region, f.offset, size);
  if (typeof value === 'string') return { name: f.name, value: `unreadable: ${value}` };
  const node: VarNode = { name: f.name, value: fieldValue(vm, f, value), type: f.show === 'ptr' ? 'pointer (rewritten by the kernel)' : `__u${size * 8}` };
  if (f.show === 'ptr' && value !== 0n) node.address = value;
  if (writable && region.fields) node.edit = { kind: 'field', access: region.fields, offset: f.offset, format: { size } };
  return node;
}

function tracingNodes(region: Region, type: string): VarNode[] {
  const words = Math.floor(region.bytes.length / 8);
  const names = (i: number): string => {
    if ((type === 'kprobe' || type === 'perf_event') && i < PT_REGS.length) return PT_REGS[i];
    if (type === 'perf_event') return i === PT_REGS.length ? 'sample_period' : 'addr';
    return `arg${i}`;
  };
  return Array.from({ length: words }, (_, i) => ({ name: names(i), value: formatValue(region.view.getBigUint64(i * 8, true)), type: 'u64' }));
}

/** The context rows for a run of a program of `type`. */
export function contextNodes(vm: Vm, ctx: ProgramContext, type: string | undefined): VarNode[] {
  const region = ctx.kind === 'none' ? undefined : vm.memory.regionOf(ctx.address);
  if (!region) return [infoNode('context', `a ${type ?? 'program of unknown type'} program gets no context in a test run`)];
  if (ctx.kind === 'tracing') return tracingNodes(region, type ?? '');
  if (ctx.kind === 'xdp') return XDP_MD_FIELDS.map((f) => fieldNode(vm, region, f, false));
  const writable = new Set(SKB_WRITABLE[type ?? ''] ?? []);
  return SK_BUFF_FIELDS.map((f) => fieldNode(vm, region, f, writable.has(f.name)));
}
