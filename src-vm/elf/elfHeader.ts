// The ELF identification and ELF64 file header: magic, class, byte order,
// type and machine. Anything that makes the rest unreadable (not ELF, not
// 64-bit, unknown byte order, truncated header) yields no header; a wrong
// machine or type is reported but reading goes on. Pure.

import { ByteView } from './byteView';
import {
  EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELF_MAGIC, EM_BPF, ET_REL, EV_CURRENT, SHDR_SIZE,
} from './elfConstants';
import { ElfReport, hex } from './elfReport';
import type { ElfHeader } from './elfTypes';

/** e_type names, for messages. */
const TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'ET_NONE', 1: 'ET_REL', 2: 'ET_EXEC', 3: 'ET_DYN', 4: 'ET_CORE' };

/** A few e_machine values people meet by mistake, for messages. */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  0: 'EM_NONE', 3: 'EM_386', 8: 'EM_MIPS', 20: 'EM_PPC', 21: 'EM_PPC64', 22: 'EM_S390', 40: 'EM_ARM',
  62: 'EM_X86_64', 183: 'EM_AARCH64', 243: 'EM_RISCV', 247: 'EM_BPF', 258: 'EM_LOONGARCH',
};

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Checks EI_MAG, EI_CLASS and EI_DATA; returns the byte order, or undefined if unreadable. */
function readIdent(bytes: Uint8Array, report: ElfReport): boolean | undefined {
  const magic = bytes.subarray(0, 4);
  if (magic.length < 4 || ELF_MAGIC.some((b, i) => magic[i] !== b)) {
    const seen = magic.length === 0 ? 'the file is empty' : `the file starts with ${hexBytes(magic)}`;
    report.error('elf/bad-magic', `not an ELF file: ${seen}, expected 7f 45 4c 46 ("\\x7fELF")`);
    return undefined;
  }
  if (bytes.length < 6) {
    report.error('elf/truncated', `file is ${bytes.length} bytes: truncated inside the ELF identification`);
    return undefined;
  }
  const cls = bytes[4];
  if (cls !== ELFCLASS64) {
    const what = cls === 1 ? 'ELFCLASS32 (a 32-bit ELF file)' : `an unknown ELF class ${cls}`;
    report.error('elf/bad-class', `EI_CLASS (byte 4) is ${what}: eBPF objects are ELF64 (class 2)`);
    return undefined;
  }
  const data = bytes[5];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) {
    report.error('elf/bad-byte-order', `EI_DATA (byte 5) is ${data}: expected 1 (little-endian) or 2 (big-endian)`);
    return undefined;
  }
  if (bytes.length > 6 && bytes[6] !== EV_CURRENT) {
    report.warning('elf/bad-version', `EI_VERSION (byte 6) is ${bytes[6]}, expected ${EV_CURRENT}`);
  }
  return data === ELFDATA2LSB;
}

function checkFields(h: ElfHeader, ehsize: number, report: ElfReport): void {
  if (h.type !== ET_REL) {
    report.warning('elf/not-relocatable',
      `e_type is ${h.type} (${TYPE_NAMES[h.type] ?? 'unknown'}), not 1 (ET_REL): eBPF objects are relocatable files`);
  }
  if (h.machine !== EM_BPF) {
    report.error('elf/wrong-machine',
      `e_machine is ${h.machine} (${MACHINE_NAMES[h.machine] ?? 'unknown'}), not ${EM_BPF} (EM_BPF): this is not an eBPF object`);
  }
  if (h.version !== EV_CURRENT) report.warning('elf/bad-version', `e_version is ${h.version}, expected ${EV_CURRENT}`);
  if (ehsize !== EHDR_SIZE) report.warning('elf/bad-header-size', `e_ehsize is ${ehsize}, expected ${EHDR_SIZE}`);
  if ((h.shnum !== 0 || h.shoff !== 0) && h.shentsize !== SHDR_SIZE) {
    report.error('elf/bad-shentsize',
      `e_shentsize is ${h.shentsize}, expected ${SHDR_SIZE}: the section headers cannot be read`);
  }
}

/** Reads and checks the ELF64 header; undefined when the file cannot be read as ELF64 at all. */
export function readHeader(bytes: Uint8Array, report: ElfReport): ElfHeader | undefined {
  const littleEndian = readIdent(bytes, report);
  if (littleEndian === undefined) return undefined;
  if (bytes.length < EHDR_SIZE) {
    report.error('elf/truncated',
      `file is ${bytes.length} bytes (${hex(bytes.length)}), shorter than the ${EHDR_SIZE}-byte ELF64 header`);
    return undefined;
  }
  const v = new ByteView(bytes, littleEndian);
  const header: ElfHeader = {
    littleEndian,
    osAbi: v.u8(7),
    type: v.u16(16),
    machine: v.u16(18),
    version: v.u32(20),
    entry: v.u64(24),
    shoff: v.u64(40),
    flags: v.u32(48),
    shentsize: v.u16(58),
    shnum: v.u16(60),
    shstrndx: v.u16(62),
  };
  checkFields(header, v.u16(52), report);
  return header;
}
