// Tests for src-vm/vm/inspect/packetHeaders.ts: packets as hex, the headers
// recognised in them (names, summaries, chosen field values and offsets),
// and where and why decoding stops (short packets, a bad ihl, fragments,
// protocols it does not know, a skb that starts at the network header).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaders } from '../../../../src-vm/vm/inspect/packetHeaders';

const ETH = (proto: string): string => '020000000001' + '020000000002' + proto;
const IPV4 = (proto: string, src = 'c0a80001', dst = 'c0a80002', ihlByte = '45', frag = '4000'): string => `${ihlByte}00001c1234${frag}40${proto}0000${src}${dst}`;
const UDP = '003500350008' + '0000';
const TCP_SYN = '9c4201bb' + '00000001' + '00000000' + '5002faf0' + '00000000';
const ICMP_ECHO = '0800f7ff' + '00070001';
const IPV6 = (next: string): string => '60000000' + '0008' + next + '40' + 'fe800000000000000000000000000001' + 'ff020000000000000000000000000001';
const ICMP6_ECHO = '80000000' + '00010002';

interface Case {
  name: string;
  hex: string;
  l3?: number;
  headers: string[];
  fields?: Record<string, string>;
  offsets?: Record<string, number>;
  stopped?: string;
}

const CASES: Case[] = [
  {
    name: 'Ethernet, IPv4, UDP', hex: ETH('0800') + IPV4('11') + UDP,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4', 'ip: 192.168.0.1 → 192.168.0.2, UDP', 'udp: 53 → 53, len 8'],
    fields: { 'eth.proto': '0x0800 (IPv4)', 'ip.ihl': '5 (20 bytes)', 'ip.frag_off': '0x4000 (DF)', 'ip.protocol': '17 (UDP)', 'ip.saddr': '192.168.0.1', 'udp.check': '0x0000' },
    offsets: { 'eth.proto': 12, 'ip.saddr': 26, 'udp.dest': 36 },
  },
  {
    name: 'an 802.1Q tag around IPv4 and a TCP SYN', hex: ETH('8100') + '002a0800' + IPV4('06', '0a090909', 'c0a80101') + TCP_SYN,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, 802.1Q VLAN', 'vlan: vid 42, IPv4', 'ip: 10.9.9.9 → 192.168.1.1, TCP', 'tcp: 40002 → 443 [SYN]'],
    fields: { 'vlan.tci': '0x002a (pcp 0, dei 0, vid 42)', 'vlan.proto': '0x0800 (IPv4)', 'tcp.flags': '0x02 (SYN)', 'tcp.doff': '5 (20 bytes)', 'tcp.seq': '1' },
    offsets: { 'vlan.proto': 16, 'ip.saddr': 30, 'tcp.dest': 40 },
  },
  {
    name: 'IPv6 and an ICMPv6 echo request', hex: ETH('86dd') + IPV6('3a') + ICMP6_ECHO,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv6', 'ip6: fe80::1 → ff02::1, ICMPv6', 'icmp6: echo request'],
    fields: { 'ip6.version': '6', 'ip6.payload_len': '8', 'ip6.nexthdr': '58 (ICMPv6)', 'icmp6.id': '1', 'icmp6.sequence': '2' },
    offsets: { 'ip6.daddr': 38, 'icmp6.type': 54 },
  },
  {
    name: 'an ICMP echo request', hex: ETH('0800') + IPV4('01') + ICMP_ECHO,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4', 'ip: 192.168.0.1 → 192.168.0.2, ICMP', 'icmp: echo request'],
    fields: { 'icmp.type': '8 (echo request)', 'icmp.id': '7', 'icmp.sequence': '1' },
  },
  {
    name: 'IPv4 options move the transport header', hex: ETH('0800') + IPV4('11', undefined, undefined, '46') + '01010101' + UDP,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4', 'ip: 192.168.0.1 → 192.168.0.2, UDP', 'udp: 53 → 53, len 8'],
    offsets: { 'udp.source': 38 },
  },
  {
    name: 'a later fragment carries no transport header', hex: ETH('0800') + IPV4('11', undefined, undefined, '45', '0010') + UDP,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4', 'ip: 192.168.0.1 → 192.168.0.2, UDP'],
  },
  { name: 'ARP is named, not decoded', hex: ETH('0806') + '0001080006040001', headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, ARP'] },
  {
    name: 'a short IPv4 header stops with how much is missing', hex: ETH('0800') + '450000281234',
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4'], stopped: 'ip: 20-byte header, 6 bytes left',
  },
  {
    name: 'an ihl below 5 stops after the IP header', hex: ETH('0800') + IPV4('11', undefined, undefined, '44') + UDP,
    headers: ['eth: 02:00:00:00:00:02 → 02:00:00:00:00:01, IPv4', 'ip: 192.168.0.1 → 192.168.0.2, UDP'], stopped: 'ip: ihl 4 is below the minimum of 5',
  },
  { name: 'less than an Ethernet header', hex: '0200000000010200', headers: [], stopped: 'eth: 14-byte header, 8 bytes left' },
  {
    name: 'a skb starting at the network header (socket filter)', hex: IPV4('11') + UDP, l3: 0x0800,
    headers: ['ip: 192.168.0.1 → 192.168.0.2, UDP', 'udp: 53 → 53, len 8'], offsets: { 'ip.saddr': 12 },
  },
];

for (const c of CASES) {
  test(`headers: ${c.name}`, () => {
    const decoded = decodeHeaders(Buffer.from(c.hex, 'hex'), c.l3);
    assert.deepEqual(decoded.headers.map((h) => `${h.name}: ${h.summary}`), c.headers);
    assert.equal(decoded.stopped, c.stopped);
    const fields = new Map(decoded.headers.flatMap((h) => h.fields).map((f) => [f.name, f]));
    for (const [name, value] of Object.entries(c.fields ?? {})) assert.equal(fields.get(name)?.value, value, name);
    for (const [name, offset] of Object.entries(c.offsets ?? {})) assert.equal(fields.get(name)?.offset, offset, `${name} offset`);
  });
}

test('sub-byte fields are marked as bits; addresses by their kind', () => {
  const fields = decodeHeaders(Buffer.from(ETH('0800') + IPV4('06') + TCP_SYN, 'hex')).headers.flatMap((h) => h.fields);
  const kinds = Object.fromEntries(fields.map((f) => [f.name, f.kind]));
  assert.deepEqual(
    [kinds['eth.src'], kinds['ip.version'], kinds['ip.ihl'], kinds['ip.ttl'], kinds['ip.daddr'], kinds['tcp.flags'], kinds['tcp.window']],
    ['mac', 'bits', 'bits', 'int', 'ipv4', 'bits', 'int'],
  );
});
