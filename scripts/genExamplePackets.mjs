#!/usr/bin/env node
// Writes examples/packets/firewall.pcap: a handful of frames for the XDP
// firewall example (libpcap classic format, Ethernet link type), built byte
// by byte so the file is reproducible: TCP to port 22 and 80 from a LAN
// host, DNS over UDP and a VLAN-tagged frame from the 10.0.0.0/8 prefix the
// example's ctx JSON blocks, an IPv6 frame, an ARP request and a frame cut
// short inside its IPv4 header.
//
//   node scripts/genExamplePackets.mjs

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../examples/packets/firewall.pcap', import.meta.url));
const MAC_DST = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const MAC_SRC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

const be16 = (v) => [(v >> 8) & 0xff, v & 0xff];
const ip4 = (s) => s.split('.').map(Number);

function checksum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return (~sum) & 0xffff;
}

function ipv4(src, dst, proto, payload) {
  const header = [0x45, 0, ...be16(20 + payload.length), 0x12, 0x34, 0x40, 0, 64, proto, 0, 0, ...ip4(src), ...ip4(dst)];
  const sum = checksum(header);
  header[10] = sum >> 8; header[11] = sum & 0xff;
  return [...header, ...payload];
}

const tcpSyn = (sport, dport) => [...be16(sport), ...be16(dport), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, ...be16(64240), 0, 0, 0, 0];
const udp = (sport, dport, data) => [...be16(sport), ...be16(dport), ...be16(8 + data.length), 0, 0, ...data];
const ether = (type, body) => [...MAC_DST, ...MAC_SRC, ...be16(type), ...body];
const vlan = (id, type, body) => [...MAC_DST, ...MAC_SRC, 0x81, 0x00, ...be16(id), ...be16(type), ...body];

const DNS_QUERY = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1];
const IPV6_UDP = [0x60, 0, 0, 0, ...be16(8 + 4), 17, 64, 0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1, 0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 2,
  ...udp(5000, 5001, [1, 2, 3, 4])];
const ARP = [0, 1, 0x08, 0, 6, 4, 0, 1, ...MAC_SRC, ...ip4('192.168.1.10'), 0, 0, 0, 0, 0, 0, ...ip4('192.168.1.1')];

const frames = [
  ether(0x0800, ipv4('192.168.1.10', '192.168.1.1', 6, tcpSyn(40000, 22))),
  ether(0x0800, ipv4('192.168.1.10', '93.184.216.34', 6, tcpSyn(40001, 80))),
  ether(0x0800, ipv4('10.1.2.3', '192.168.1.1', 17, udp(5353, 53, DNS_QUERY))),
  vlan(42, 0x0800, ipv4('10.9.9.9', '192.168.1.1', 6, tcpSyn(40002, 443))),
  ether(0x86dd, IPV6_UDP),
  ether(0x0806, ARP),
  ether(0x0800, ipv4('192.168.1.10', '192.168.1.1', 6, tcpSyn(40003, 22))).slice(0, 14 + 12),
];

const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0); header.writeUInt16LE(2, 4); header.writeUInt16LE(4, 6);
header.writeUInt32LE(65535, 16); header.writeUInt32LE(1, 20); // snaplen, LINKTYPE_ETHERNET
const records = frames.map((f, i) => {
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(1_700_000_000 + i, 0); rec.writeUInt32LE(0, 4); rec.writeUInt32LE(f.length, 8); rec.writeUInt32LE(f.length, 12);
  return Buffer.concat([rec, Buffer.from(f)]);
});
writeFileSync(OUT, Buffer.concat([header, ...records]));
console.log(`wrote ${OUT}: ${frames.length} frames`);
