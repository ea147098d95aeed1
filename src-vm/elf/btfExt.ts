// BTF.ext: what clang records per code section beside the types — func_info
// (where each function starts and its FUNC type), line_info (instruction ->
// file, line, column and the text of the source line) and CO-RE relocation
// records (instruction, root type, access string "0:1:2", kind). Every block,
// section header and record is bounds-checked; problems name the block, the
// code section and the record. Pure; strings come from the object's BTF.

import type { WithDiagnostics } from '../diagnostics';
import { ByteView } from './byteView';
import { ElfReport, hex } from './elfReport';
import type { Btf } from './btf';
import { BTF_MAGIC } from './btfParse';
import { checkCoreRelo } from './btfCoreSpec';
import { CORE_RELO_KINDS, type CoreReloKindName } from './btfCoreKinds';

export { CORE_RELO_KINDS, type CoreReloKind, type CoreReloKindName } from './btfCoreKinds';

/** The header of .BTF.ext; the core_relo fields are 0 in a 24-byte header. */
export interface BtfExtHeader {
  version: number;
  flags: number;
  hdrLen: number;
  funcInfoOff: number;
  funcInfoLen: number;
  lineInfoOff: number;
  lineInfoLen: number;
  coreReloOff: number;
  coreReloLen: number;
  littleEndian: boolean;
}

interface InsnRecord {
  /** Byte offset of the instruction in its code section, as recorded. */
  insnOff: number;
  /** The same as an instruction (8-byte slot) index. */
  insnIdx: number;
}

export interface BtfFuncInfo extends InsnRecord {
  typeId: number;
  /** The FUNC's name ('' when the type is not a FUNC). */
  name: string;
}

export interface BtfLineInfo extends InsnRecord {
  /** The file name as recorded (often a path). */
  fileName: string;
  /** The source line's text as recorded (leading whitespace kept). */
  lineText: string;
  line: number;
  column: number;
}

export interface BtfCoreRelo extends InsnRecord {
  /** Root type of the access, in the object's own BTF. */
  typeId: number;
  /** "0:1:2" for fields, "0" for types, the enumerator index for enum values. */
  accessString: string;
  kind: number;
  /** libbpf's short name (`byte_off`, `type_exists`, …), or `unknown`. */
  kindName: CoreReloKindName | 'unknown';
}

/** The records of one code section, in file order. */
export interface BtfExtSection<T> {
  section: string;
  records: T[];
}

export interface BtfExt {
  header: BtfExtHeader | undefined;
  /** Record sizes as recorded (0 for an absent block): the kernel is given records of this size. */
  funcInfoRecSize: number;
  lineInfoRecSize: number;
  coreReloRecSize: number;
  funcInfo: BtfExtSection<BtfFuncInfo>[];
  lineInfo: BtfExtSection<BtfLineInfo>[];
  coreRelos: BtfExtSection<BtfCoreRelo>[];
}

/** The records of code section `section` in one of BtfExt's lists (empty when it has none). */
export function extRecords<T>(list: readonly BtfExtSection<T>[], section: string): readonly T[] {
  return list.find((s) => s.section === section)?.records ?? [];
}

const SHORT_HEADER = 24;
const FULL_HEADER = 32;

function readExtHeader(bytes: Uint8Array, btf: Btf, report: ElfReport): BtfExtHeader | undefined {
  if (bytes.length < SHORT_HEADER) {
    report.error('btf-ext/truncated', `.BTF.ext is ${bytes.length} bytes long, shorter than its ${SHORT_HEADER}-byte header`);
    return undefined;
  }
  const littleEndian = new ByteView(bytes, true).u16(0) === BTF_MAGIC;
  const v = new ByteView(bytes, littleEndian);
  if (v.u16(0) !== BTF_MAGIC) {
    report.error('btf-ext/bad-magic', `.BTF.ext magic is ${hex(new ByteView(bytes, true).u16(0))}, expected ${hex(BTF_MAGIC)} in either byte order`);
    return undefined;
  }
  if (btf.header && littleEndian !== btf.littleEndian) {
    report.warning('btf-ext/byte-order', `.BTF.ext is ${littleEndian ? 'little' : 'big'}-endian but its BTF is not`);
  }
  const hdrLen = v.u32(4);
  const h: BtfExtHeader = {
    version: v.u8(2), flags: v.u8(3), hdrLen, littleEndian,
    funcInfoOff: v.u32(8), funcInfoLen: v.u32(12), lineInfoOff: v.u32(16), lineInfoLen: v.u32(20),
    coreReloOff: hdrLen >= FULL_HEADER ? v.u32(24) : 0, coreReloLen: hdrLen >= FULL_HEADER ? v.u32(28) : 0,
  };
  if (h.version !== 1) report.error('btf-ext/bad-version', `.BTF.ext version is ${h.version}; only version 1 exists`);
  if (h.flags !== 0) report.error('btf-ext/bad-flags', `.BTF.ext header flags are ${hex(h.flags)}; libbpf accepts only 0`);
  if (hdrLen < SHORT_HEADER || hdrLen > bytes.length) {
    report.error('btf-ext/bad-header-length', `.BTF.ext header length ${hdrLen} is outside ${SHORT_HEADER}..${bytes.length} (the size of the section)`);
    return undefined;
  }
  return h;
}

/** What a block's record decoder gets: where the record is and which code section it belongs to. */
interface RecordAt {
  v: ByteView;
  at: number;
  section: string;
  index: number;
  insnOff: number;
  insnIdx: number;
}

interface BlockSpec<T> {
  what: string;
  off: number;
  len: number;
  minRecSize: number;
  decode(r: RecordAt): T;
}

function sectionName(btf: Btf, nameOff: number, what: string, report: ElfReport): string {
  const name = btf.strings.at(nameOff);
  if (name !== undefined && name !== '') return name;
  report.error('btf-ext/bad-section-name', `${what}: section name offset ${hex(nameOff)} does not name a string in the BTF string section`);
  return `<section name ${hex(nameOff)}>`;
}

/** Reads one info block: a record size, then per code section a name, a count and the records. */
function readBlock<T>(v: ByteView, hdrLen: number, spec: BlockSpec<T>, btf: Btf, report: ElfReport): { recSize: number; sections: BtfExtSection<T>[] } {
  const sections: BtfExtSection<T>[] = [];
  if (spec.len === 0) return { recSize: 0, sections };
  const start = hdrLen + spec.off;
  const end = start + spec.len;
  if (spec.off % 4 !== 0) report.error('btf-ext/misaligned', `.BTF.ext ${spec.what} block offset ${spec.off} is not a multiple of 4`);
  if (end > v.size) {
    report.error('btf-ext/block-out-of-range', `.BTF.ext ${spec.what} block at byte ${hex(start)}, ${spec.len} bytes long, runs past the end of the section (${v.size} bytes)`);
    return { recSize: 0, sections };
  }
  const recSize = spec.len >= 4 ? v.u32(start) : 0;
  if (recSize < spec.minRecSize || recSize % 4 !== 0) {
    report.error('btf-ext/bad-record-size', `.BTF.ext ${spec.what} record size is ${recSize}; it must be a multiple of 4 and at least ${spec.minRecSize}`);
    return { recSize, sections };
  }
  if (spec.len === 4) report.error('btf-ext/empty-block', `.BTF.ext ${spec.what} block has a record size but no sections`);
  for (let at = start + 4; at < end;) {
    if (end - at < 8) {
      report.error('btf-ext/truncated', `.BTF.ext ${spec.what}: ${end - at} stray bytes at byte ${hex(at)}, too few for a section header`);
      break;
    }
    const where = `.BTF.ext ${spec.what} at byte ${hex(at)}`;
    const section = sectionName(btf, v.u32(at), where, report);
    const count = v.u32(at + 4);
    if (count === 0) report.error('btf-ext/empty-section', `${where}: section '${section}' has no records`);
    if (count > (end - at - 8) / recSize) {
      report.error('btf-ext/truncated', `${where}: section '${section}' claims ${count} records of ${recSize} bytes, but only ${end - at - 8} bytes are left in the block`);
      break;
    }
    const records: T[] = [];
    for (let i = 0, r = at + 8; i < count; i++, r += recSize) {
      const insnOff = v.u32(r);
      if (insnOff % 8 !== 0) report.error('btf-ext/misaligned', `.BTF.ext ${spec.what} record ${i} of section '${section}': instruction offset ${insnOff} is not a multiple of 8`);
      records.push(spec.decode({ v, at: r, section, index: i, insnOff, insnIdx: Math.floor(insnOff / 8) }));
    }
    sections.push({ section, records });
    at += 8 + count * recSize;
  }
  return { recSize, sections };
}

function recordWhere(what: string, r: RecordAt): string {
  return `.BTF.ext ${what} record ${r.index} of section '${r.section}' (insn ${r.insnIdx})`;
}

function stringOf(btf: Btf, off: number, what: string, report: ElfReport): string {
  const s = btf.strings.at(off);
  if (s !== undefined) return s;
  report.error('btf-ext/bad-string', `${what}: string offset ${hex(off)} does not name a string in the BTF string section`);
  return '';
}

function funcInfoSpec(btf: Btf, off: number, len: number, report: ElfReport): BlockSpec<BtfFuncInfo> {
  return {
    what: 'func_info', off, len, minRecSize: 8,
    decode: (r) => {
      const typeId = r.v.u32(r.at + 4);
      const fn = btf.typeOfKind(typeId, 'FUNC');
      if (!fn) report.error('btf-ext/bad-func-info', `${recordWhere('func_info', r)}: type [${typeId}] is not a FUNC`);
      return { insnOff: r.insnOff, insnIdx: r.insnIdx, typeId, name: fn?.name ?? '' };
    },
  };
}

function lineInfoSpec(btf: Btf, off: number, len: number, report: ElfReport): BlockSpec<BtfLineInfo> {
  return {
    what: 'line_info', off, len, minRecSize: 16,
    decode: (r) => {
      const where = recordWhere('line_info', r);
      const lineCol = r.v.u32(r.at + 12);
      return {
        insnOff: r.insnOff, insnIdx: r.insnIdx,
        fileName: stringOf(btf, r.v.u32(r.at + 4), `${where} file name`, report),
        lineText: stringOf(btf, r.v.u32(r.at + 8), `${where} line text`, report),
        line: lineCol >>> 10, column: lineCol & 0x3ff,
      };
    },
  };
}

function coreReloSpec(btf: Btf, off: number, len: number, report: ElfReport): BlockSpec<BtfCoreRelo> {
  return {
    what: 'core_relo', off, len, minRecSize: 16,
    decode: (r) => {
      const where = recordWhere('core_relo', r);
      const kind = r.v.u32(r.at + 12);
      const relo: BtfCoreRelo = {
        insnOff: r.insnOff, insnIdx: r.insnIdx, typeId: r.v.u32(r.at + 4),
        accessString: stringOf(btf, r.v.u32(r.at + 8), `${where} access string`, report),
        kind, kindName: CORE_RELO_KINDS[kind]?.name ?? 'unknown',
      };
      const problem = checkCoreRelo(btf, relo);
      if (problem) report.error('btf-ext/bad-core-relo', `${where}: ${problem}`);
      return relo;
    },
  };
}

/**
 * Parses .BTF.ext bytes against the object's BTF (whose strings it uses).
 * The value holds every record that could be read; CO-RE records whose
 * access cannot be followed in the local BTF are kept and reported.
 */
export function parseBtfExt(bytes: Uint8Array, btf: Btf): WithDiagnostics<BtfExt> {
  const report = new ElfReport();
  const ext: BtfExt = { header: undefined, funcInfoRecSize: 0, lineInfoRecSize: 0, coreReloRecSize: 0, funcInfo: [], lineInfo: [], coreRelos: [] };
  const h = readExtHeader(bytes, btf, report);
  if (!h) return { value: ext, diagnostics: report.finish() };
  ext.header = h;
  const v = new ByteView(bytes, h.littleEndian);
  const funcs = readBlock(v, h.hdrLen, funcInfoSpec(btf, h.funcInfoOff, h.funcInfoLen, report), btf, report);
  const lines = readBlock(v, h.hdrLen, lineInfoSpec(btf, h.lineInfoOff, h.lineInfoLen, report), btf, report);
  const relos = readBlock(v, h.hdrLen, coreReloSpec(btf, h.coreReloOff, h.coreReloLen, report), btf, report);
  ext.funcInfoRecSize = funcs.recSize;
  ext.funcInfo = funcs.sections;
  ext.lineInfoRecSize = lines.recSize;
  ext.lineInfo = lines.sections;
  ext.coreReloRecSize = relos.recSize;
  ext.coreRelos = relos.sections;
  return { value: ext, diagnostics: report.finish() };
}
