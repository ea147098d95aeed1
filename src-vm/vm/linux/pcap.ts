// Reads the packets of a pcap file (libpcap's classic format, either byte
// order, micro- or nanosecond timestamps). Only the captured bytes of each
// record are returned; a truncated file yields the packets before the cut
// and a diagnostic. pcapng is recognised and refused with a sentence. Pure.

import type { Diagnostic, WithDiagnostics } from '../../diagnostics';

const MAGICS: Record<number, boolean> = { 0xa1b2c3d4: true, 0xa1b23c4d: true };
const PCAPNG = 0x0a0d0d0a;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const LINKTYPE_ETHERNET = 1;

export function readPcap(bytes: Uint8Array): WithDiagnostics<Uint8Array[]> {
  const diagnostics: Diagnostic[] = [];
  const fail = (message: string): WithDiagnostics<Uint8Array[]> => ({ value: [], diagnostics: [{ severity: 'error', code: 'pcap/format', message }] });
  if (bytes.length < GLOBAL_HEADER) return fail(`not a pcap file: ${bytes.length} bytes, shorter than the 24-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  if (magicLe === PCAPNG) return fail('this is a pcapng file; save it as classic pcap (e.g. `editcap -F pcap in.pcapng out.pcap`)');
  const le = MAGICS[magicLe] === true;
  if (!le && MAGICS[magicBe] !== true) return fail(`not a pcap file: magic 0x${magicLe.toString(16)}`);
  const linkType = view.getUint32(20, le);
  if (linkType !== LINKTYPE_ETHERNET) diagnostics.push({ severity: 'warning', code: 'pcap/linktype', message: `link type ${linkType} is not Ethernet (1): packets are passed as they are` });
  const packets: Uint8Array[] = [];
  let at = GLOBAL_HEADER;
  while (at + RECORD_HEADER <= bytes.length) {
    const caplen = view.getUint32(at + 8, le);
    const start = at + RECORD_HEADER;
    if (start + caplen > bytes.length) {
      diagnostics.push({ severity: 'warning', code: 'pcap/truncated', message: `record ${packets.length + 1} is cut short (${caplen} bytes announced, ${bytes.length - start} present); it is skipped` });
      break;
    }
    packets.push(bytes.slice(start, start + caplen));
    at = start + caplen;
  }
  return { value: packets, diagnostics };
}
