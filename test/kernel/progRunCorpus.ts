// The packet corpus of the program-run differential suite, generated in
// code: valid IPv4/IPv6 TCP/UDP/ICMP frames (with correct IPv4 checksums),
// IPv4 options and fragments, VLAN and QinQ tags, IPv6 extension headers,
// truncated frames at every layer, too-short frames (the kernel refuses
// them), 802.3 and ARP frames, digit payloads for the string helpers and
// seeded random bytes.

export interface CorpusPacket {
  name: string;
  bytes: Uint8Array;
}

const MAC_DST = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
const MAC_OTHER = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
const MAC_SRC = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];

function eth(type: number, dst = MAC_DST): number[] {
  return [...dst, ...MAC_SRC, type >> 8, type & 0xff];
}

function vlan(tci: number, inner: number): number[] {
  return [tci >> 8, tci & 0xff, inner >> 8, inner & 0xff];
}

function ipChecksum(header: number[]): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i] << 8) | header[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

function ipv4(proto: number, payload: number[], opts: { ttl?: number; options?: number[]; frag?: number; ihl?: number } = {}): number[] {
  const options = opts.options ?? [];
  const ihl = opts.ihl ?? 5 + options.length / 4;
  const total = 20 + options.length + payload.length;
  const h = [0x40 | ihl, 0, total >> 8, total & 0xff, 0x12, 0x34, (opts.frag ?? 0) >> 8, (opts.frag ?? 0) & 0xff,
    opts.ttl ?? 64, proto, 0, 0, 10, 0, 0, 1, 192, 168, 1, 2, ...options];
  const c = ipChecksum(h);
  h[10] = c >> 8; h[11] = c & 0xff;
  return [...h, ...payload];
}

function ipv6(next: number, payload: number[], hop = 64): number[] {
  const len = payload.length;
  const src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  return [0x60, 0, 0, 0, len >> 8, len & 0xff, next, hop, ...src, ...dst, ...payload];
}

function tcp(sport: number, dport: number, data: number[] = []): number[] {
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x72, 0x10, 0xab, 0xcd, 0, 0, ...data];
}

function udp(sport: number, dport: number, data: number[] = [], check = 0x1c46): number[] {
  const len = 8 + data.length;
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, len >> 8, len & 0xff, check >> 8, check & 0xff, ...data];
}

/** An IPv6 extension header of `len8` 8-byte units (hop-by-hop, routing, destination options). */
function ext(next: number, len8: number): number[] {
  return [next, len8 - 1, ...new Array(len8 * 8 - 2).fill(1)];
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x & 0xff; };
}

function randomBytes(n: number, seed: number): number[] {
  const next = seeded(seed);
  return Array.from({ length: n }, next);
}

const text = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const IP = 0x0800, IP6 = 0x86dd, ARP = 0x0806;

export function buildCorpus(): CorpusPacket[] {
  const p: [string, number[]][] = [
    ['ipv4 tcp :80', [...eth(IP), ...ipv4(6, tcp(40000, 80, text('GET /')))]],
    ['ipv4 udp :53', [...eth(IP), ...ipv4(17, udp(5353, 53, text('query')))]],
    ['ipv4 udp no checksum', [...eth(IP), ...ipv4(17, udp(1000, 2000, [1, 2, 3, 4], 0))]],
    ['ipv4 icmp echo', [...eth(IP, MAC_OTHER), ...ipv4(1, [8, 0, 0xf7, 0xff, 0, 1, 0, 1])]],
    ['ipv4 options tcp :443', [...eth(IP), ...ipv4(6, tcp(1234, 443), { options: [0x94, 4, 0, 0, 1, 1, 1, 0] })]],
    ['ipv4 fragment', [...eth(IP), ...ipv4(17, udp(7, 9, new Array(24).fill(7)), { frag: 0x2000 })]],
    ['ipv4 ttl 1', [...eth(IP), ...ipv4(17, udp(1, 2), { ttl: 1 })]],
    ['ipv4 bad ihl', [...eth(IP), ...ipv4(6, tcp(1, 2), { ihl: 3 })]],
    ['vlan ipv4 udp', [...eth(0x8100), ...vlan(10, IP), ...ipv4(17, udp(4000, 53, text('abc')))]],
    ['qinq ipv6 tcp', [...eth(0x88a8), ...vlan(20, 0x8100), ...vlan(30, IP6), ...ipv6(6, tcp(5555, 22))]],
    ['ipv6 tcp', [...eth(IP6), ...ipv6(6, tcp(33000, 443, text('hello')))]],
    ['ipv6 hbh+dstopts udp', [...eth(IP6), ...ipv6(0, [...ext(60, 1), ...ext(17, 2), ...udp(9999, 53, [5, 5])])]],
    ['ipv6 routing+frag tcp', [...eth(IP6), ...ipv6(43, [...ext(44, 3), 6, 0, 0, 1, 0, 0, 0, 9, ...tcp(80, 8080)])]],
    ['ipv6 hop limit 1', [...eth(IP6, [0x33, 0x33, 0, 0, 0, 1]), ...ipv6(58, [128, 0, 0, 0, 0, 1, 0, 1], 1)]],
    ['arp broadcast', [...eth(ARP, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 1, 8, 0, 6, 4, 0, 1, ...MAC_SRC, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]],
    ['802.3 llc', [...eth(0x0026), 0x42, 0x42, 0x03, ...new Array(35).fill(0)]],
    ['truncated ipv4', [...eth(IP), 0x45, 0, 0, 40, 0, 0]],
    ['truncated tcp', [...eth(IP), ...ipv4(6, tcp(1, 80)).slice(0, 22)]],
    ['truncated ipv6', [...eth(IP6), ...ipv6(17, udp(1, 2)).slice(0, 20)]],
    ['truncated vlan', [...eth(0x8100), 0, 5]],
    ['ethernet only', eth(IP)],
    ['too short (13 bytes)', eth(IP).slice(0, 13)],
    ['digits payload', [...eth(0x88b5), ...text('1234abc'), 0, ...new Array(30).fill(0x20)]],
    ['hex payload', [...eth(0x88b5), ...text('0x7fz  '), 0, ...new Array(30).fill(0)]],
    ['random 64', randomBytes(64, 7)],
    ['random 200', randomBytes(200, 99)],
    ['random 1000', randomBytes(1000, 12345)],
    ['ipv4 udp 1400', [...eth(IP), ...ipv4(17, udp(6000, 6001, randomBytes(1364, 3)))]],
  ];
  return p.map(([name, bytes]) => ({ name, bytes: Uint8Array.from(bytes) }));
}
