// The headers recognisable at the front of a packet, decoded for the
// Variables pane: Ethernet, 802.1Q/802.1ad VLAN tags, IPv4 or IPv6, then TCP,
// UDP, ICMP or ICMPv6 — as far as the bytes go and the headers say. Each
// field keeps its offset and size so an edit can write it back (network byte
// order); sub-byte fields (ihl, vid, TCP flags) are shown, not written.
// Pure: bytes in, plain data out.

export type FieldKind = 'int' | 'bits' | 'mac' | 'ipv4' | 'ipv6';

export interface HeaderField {
  /** `eth.proto`, `ip.saddr`. */
  name: string;
  /** Offset of the field's first byte in the decoded bytes. */
  offset: number;
  size: number;
  kind: FieldKind;
  value: string;
}

export interface Header {
  /** `eth`, `vlan`, `ip`, `ip6`, `tcp`, `udp`, `icmp`, `icmp6`. */
  name: string;
  offset: number;
  summary: string;
  fields: HeaderField[];
}

export interface DecodedHeaders {
  headers: Header[];
  /** Why decoding stopped early, when it did (`ip: 20-byte header, 6 bytes left`). */
  stopped?: string;
}

export const ETH_P: Readonly<Record<number, string>> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q VLAN', 0x88a8: '802.1ad VLAN', 0x8847: 'MPLS', 0x88cc: 'LLDP',
};
const IPPROTO: Readonly<Record<number, string>> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 58: 'ICMPv6', 132: 'SCTP' };
const ICMP_TYPES: Readonly<Record<number, string>> = { 0: 'echo reply', 3: 'destination unreachable', 8: 'echo request', 11: 'time exceeded' };
const ICMP6_TYPES: Readonly<Record<number, string>> = { 1: 'destination unreachable', 128: 'echo request', 129: 'echo reply', 135: 'neighbour solicitation', 136: 'neighbour advertisement' };
const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];
const MAX_VLAN_TAGS = 4;

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;
const named = (v: number, digits: number, names: Readonly<Record<number, string>>): string => `${hex(v, digits)}${names[v] ? ` (${names[v]})` : ''}`;

/** An IPv6 address in its short form (`fe80::1`): the first run of zero words becomes `::`. */
export function ipv6Text(bytes: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Reads fields of one header at `base`. */
class Reader {
  readonly fields: HeaderField[] = [];
  constructor(private readonly b: Uint8Array, private readonly base: number, private readonly prefix: string) {}

  uint(at: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.b[this.base + at + i];
    return v;
  }

  add(name: string, at: number, size: number, kind: FieldKind, value: string): void {
    this.fields.push({ name: `${this.prefix}.${name}`, offset: this.base + at, size, kind, value });
  }

  int(name: string, at: number, size: number, show: (v: number) => string = String): number {
    const v = this.uint(at, size);
    this.add(name, at, size, 'int', show(v));
    return v;
  }

  bits(name: string, at: number, size: number, value: string): void {
    this.add(name, at, size, 'bits', value);
  }

  mac(name: string, at: number): string {
    const text = [...this.b.subarray(this.base + at, this.base + at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    this.add(name, at, 6, 'mac', text);
    return text;
  }

  ipv4(name: string, at: number): string {
    const text = [...this.b.subarray(this.base + at, this.base + at + 4)].join('.');
    this.add(name, at, 4, 'ipv4', text);
    return text;
  }

  ipv6(name: string, at: number): string {
    const text = ipv6Text(this.b.subarray(this.base + at, this.base + at + 16));
    this.add(name, at, 16, 'ipv6', text);
    return text;
  }
}

type Next = { layer: 'l3'; proto: number } | { layer: 'l4'; proto: number } | undefined;

interface Step { header: Header; next: Next; stopped?: string }

function ethernet(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'eth');
  const dst = r.mac('dst', 0);
  const src = r.mac('src', 6);
  const proto = r.int('proto', 12, 2, (v) => named(v, 4, ETH_P));
  return { header: { name: 'eth', offset: at, summary: `${src} → ${dst}, ${ETH_P[proto] ?? hex(proto, 4)}`, fields: r.fields }, next: { layer: 'l3', proto } };
}

function vlan(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'vlan');
  const tci = r.int('tci', 0, 2, (v) => `${hex(v, 4)} (pcp ${v >> 13}, dei ${(v >> 12) & 1}, vid ${v & 0xfff})`);
  const proto = r.int('proto', 2, 2, (v) => named(v, 4, ETH_P));
  return { header: { name: 'vlan', offset: at, summary: `vid ${tci & 0xfff}, ${ETH_P[proto] ?? hex(proto, 4)}`, fields: r.fields }, next: { layer: 'l3', proto } };
}

function ipv4(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'ip');
  const ihl = b[at] & 0xf;
  r.bits('version', 0, 1, String(b[at] >> 4));
  r.bits('ihl', 0, 1, `${ihl} (${ihl * 4} bytes)`);
  r.int('tos', 1, 1, (v) => hex(v, 2));
  r.int('tot_len', 2, 2);
  r.int('id', 4, 2, (v) => hex(v, 4));
  const frag = r.int('frag_off', 6, 2, (v) => `${hex(v, 4)}${v & 0x4000 ? ' (DF)' : ''}${v & 0x2000 ? ' (MF)' : ''}`);
  r.int('ttl', 8, 1);
  const proto = r.int('protocol', 9, 1, (v) => `${v}${IPPROTO[v] ? ` (${IPPROTO[v]})` : ''}`);
  r.int('check', 10, 2, (v) => hex(v, 4));
  const src = r.ipv4('saddr', 12);
  const dst = r.ipv4('daddr', 16);
  const header = { name: 'ip', offset: at, summary: `${src} → ${dst}, ${IPPROTO[proto] ?? `protocol ${proto}`}`, fields: r.fields };
  if (ihl < 5) return { header, next: undefined, stopped: `ip: ihl ${ihl} is below the minimum of 5` };
  const fragment = (frag & 0x1fff) !== 0;
  return { header, next: fragment ? undefined : { layer: 'l4', proto } };
}

function ipv6(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'ip6');
  const word = r.uint(0, 4);
  r.bits('version', 0, 1, String(word >>> 28));
  r.bits('priority', 0, 2, hex((word >>> 20) & 0xff, 2));
  r.bits('flow_lbl', 1, 3, hex(word & 0xfffff, 5));
  r.int('payload_len', 4, 2);
  const next = r.int('nexthdr', 6, 1, (v) => `${v}${IPPROTO[v] ? ` (${IPPROTO[v]})` : ''}`);
  r.int('hop_limit', 7, 1);
  const src = r.ipv6('saddr', 8);
  const dst = r.ipv6('daddr', 24);
  return { header: { name: 'ip6', offset: at, summary: `${src} → ${dst}, ${IPPROTO[next] ?? `next header ${next}`}`, fields: r.fields }, next: { layer: 'l4', proto: next } };
}

function tcp(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'tcp');
  const sport = r.int('source', 0, 2);
  const dport = r.int('dest', 2, 2);
  r.int('seq', 4, 4);
  r.int('ack_seq', 8, 4);
  r.bits('doff', 12, 1, `${b[at + 12] >> 4} (${(b[at + 12] >> 4) * 4} bytes)`);
  const flags = TCP_FLAGS.filter((_, i) => b[at + 13] & (1 << i));
  r.bits('flags', 13, 1, `${hex(b[at + 13], 2)}${flags.length ? ` (${flags.join(' ')})` : ''}`);
  r.int('window', 14, 2);
  r.int('check', 16, 2, (v) => hex(v, 4));
  r.int('urg_ptr', 18, 2);
  return { header: { name: 'tcp', offset: at, summary: `${sport} → ${dport}${flags.length ? ` [${flags.join(' ')}]` : ''}`, fields: r.fields }, next: undefined };
}

function udp(b: Uint8Array, at: number): Step {
  const r = new Reader(b, at, 'udp');
  const sport = r.int('source', 0, 2);
  const dport = r.int('dest', 2, 2);
  const len = r.int('len', 4, 2);
  r.int('check', 6, 2, (v) => hex(v, 4));
  return { header: { name: 'udp', offset: at, summary: `${sport} → ${dport}, len ${len}`, fields: r.fields }, next: undefined };
}

function icmp(b: Uint8Array, at: number, v6: boolean): Step {
  const name = v6 ? 'icmp6' : 'icmp';
  const types = v6 ? ICMP6_TYPES : ICMP_TYPES;
  const r = new Reader(b, at, name);
  const type = r.int('type', 0, 1, (v) => `${v}${types[v] ? ` (${types[v]})` : ''}`);
  r.int('code', 1, 1);
  r.int('checksum', 2, 2, (v) => hex(v, 4));
  const echo = v6 ? type === 128 || type === 129 : type === 0 || type === 8;
  if (echo) {
    r.int('id', 4, 2);
    r.int('sequence', 6, 2);
  }
  return { header: { name, offset: at, summary: types[type] ?? `type ${type}`, fields: r.fields }, next: undefined };
}

interface Layer { name: string; size: number; decode: (b: Uint8Array, at: number) => Step }

function layerOf(next: NonNullable<Next>): Layer | undefined {
  if (next.layer === 'l3') {
    if (next.proto === 0x8100 || next.proto === 0x88a8) return { name: 'vlan', size: 4, decode: vlan };
    if (next.proto === 0x0800) return { name: 'ip', size: 20, decode: ipv4 };
    if (next.proto === 0x86dd) return { name: 'ip6', size: 40, decode: ipv6 };
    return undefined;
  }
  if (next.proto === 6) return { name: 'tcp', size: 20, decode: tcp };
  if (next.proto === 17) return { name: 'udp', size: 8, decode: udp };
  if (next.proto === 1) return { name: 'icmp', size: 4, decode: (b, at) => icmp(b, at, false) };
  if (next.proto === 58) return { name: 'icmp6', size: 4, decode: (b, at) => icmp(b, at, true) };
  return undefined;
}

/**
 * The headers of `bytes`, starting with Ethernet, or (for an skb whose data
 * starts at the network header) with the layer-3 protocol `l3`.
 */
export function decodeHeaders(bytes: Uint8Array, l3?: number): DecodedHeaders {
  const headers: Header[] = [];
  let at = 0;
  let layer: Layer | undefined = l3 === undefined ? { name: 'eth', size: 14, decode: ethernet } : layerOf({ layer: 'l3', proto: l3 });
  let vlans = 0;
  while (layer) {
    if (bytes.length - at < layer.size) return { headers, stopped: `${layer.name}: ${layer.size}-byte header, ${bytes.length - at} byte${bytes.length - at === 1 ? '' : 's'} left` };
    const step = layer.decode(bytes, at);
    headers.push(step.header);
    if (step.stopped) return { headers, stopped: step.stopped };
    if (step.header.name === 'vlan' && ++vlans > MAX_VLAN_TAGS) return { headers, stopped: `more than ${MAX_VLAN_TAGS} VLAN tags` };
    at += step.header.name === 'ip' ? (bytes[at] & 0xf) * 4 : layer.size;
    layer = step.next && layerOf(step.next);
  }
  return { headers };
}
