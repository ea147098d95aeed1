// Test helper: builds BTF and BTF.ext bytes by hand, record by record, so
// the hostile-input tests can make exactly the damage they mean (a loop, a
// bad id, a truncated record) in either byte order.

import { StrtabBuilder } from '../../../src-vm/elf/strtab';
import { BTF_KINDS, type BtfKind } from '../../../src-vm/elf/btfTypes';

export class BtfBuilder {
  readonly strings = new StrtabBuilder();
  /** Type records as u32 words. */
  readonly words: number[] = [];
  private count = 0;

  /** Appends a raw record; returns its type id. */
  raw(kind: BtfKind | number, name: string, vlen: number, kindFlag: boolean, sizeOrType: number, extra: readonly number[] = []): number {
    const kindNumber = typeof kind === 'number' ? kind : BTF_KINDS.indexOf(kind);
    const info = ((kindFlag ? 1 : 0) << 31) | (kindNumber << 24) | (vlen & 0xffff);
    this.words.push(name ? this.strings.add(name) : 0, info >>> 0, sizeOrType >>> 0);
    for (const w of extra) this.words.push(w >>> 0);
    return ++this.count;
  }

  int(name: string, size = 4, signed = true, bits = size * 8): number {
    return this.raw('INT', name, 0, false, size, [((signed ? 1 : 0) << 24) | bits]);
  }

  ref(kind: 'PTR' | 'TYPEDEF' | 'CONST' | 'VOLATILE' | 'RESTRICT' | 'TYPE_TAG', type: number, name = ''): number {
    return this.raw(kind, name, 0, false, type);
  }

  array(elem: number, index: number, nelems: number): number {
    return this.raw('ARRAY', '', 0, false, 0, [elem, index, nelems]);
  }

  struct(name: string, size: number, members: [string, number, number][], kind: 'STRUCT' | 'UNION' = 'STRUCT'): number {
    const words = members.flatMap(([n, type, bitOffset]) => [n ? this.strings.add(n) : 0, type, bitOffset]);
    return this.raw(kind, name, members.length, false, size, words);
  }

  funcProto(ret: number, params: [string, number][]): number {
    return this.raw('FUNC_PROTO', '', params.length, false, ret, params.flatMap(([n, t]) => [n ? this.strings.add(n) : 0, t]));
  }

  func(name: string, proto: number, linkage = 1): number {
    return this.raw('FUNC', name, linkage, false, proto);
  }

  /** The id the next type will get. */
  get nextId(): number {
    return this.count + 1;
  }

  /** The BTF bytes: header, types, strings (offsets and lengths may be overridden to damage them). */
  bytes(opts: { littleEndian?: boolean; header?: Partial<Record<'version' | 'flags' | 'hdrLen' | 'typeOff' | 'typeLen' | 'strOff' | 'strLen', number>> } = {}): Uint8Array {
    const le = opts.littleEndian ?? true;
    const strings = this.strings.bytes();
    const typeLen = this.words.length * 4;
    const h = { version: 1, flags: 0, hdrLen: 24, typeOff: 0, typeLen, strOff: typeLen, strLen: strings.length, ...opts.header };
    const out = new Uint8Array(24 + typeLen + strings.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, le);
    v.setUint8(2, h.version);
    v.setUint8(3, h.flags);
    [h.hdrLen, h.typeOff, h.typeLen, h.strOff, h.strLen].forEach((x, i) => v.setUint32(4 + 4 * i, x >>> 0, le));
    this.words.forEach((w, i) => v.setUint32(24 + 4 * i, w, le));
    out.set(strings, 24 + typeLen);
    return out;
  }
}

export interface ExtSectionSpec {
  section: string;
  /** Each record as u32 words (the first is the instruction byte offset). */
  records: number[][];
}

export interface ExtSpec {
  funcInfo?: { recSize?: number; sections: ExtSectionSpec[] };
  lineInfo?: { recSize?: number; sections: ExtSectionSpec[] };
  coreRelo?: { recSize?: number; sections: ExtSectionSpec[] };
  littleEndian?: boolean;
  hdrLen?: number;
}

/** .BTF.ext bytes whose names are added to `b`'s string table (so build the BTF after this). */
export function buildBtfExt(b: BtfBuilder, spec: ExtSpec): Uint8Array {
  const block = (info: ExtSpec['funcInfo'], defaultSize: number): number[] => {
    if (!info) return [];
    const recSize = info.recSize ?? defaultSize;
    const words = [recSize];
    for (const s of info.sections) {
      words.push(b.strings.add(s.section), s.records.length);
      for (const r of s.records) for (let i = 0; i < recSize / 4; i++) words.push(r[i] ?? 0);
    }
    return words;
  };
  const blocks = [block(spec.funcInfo, 8), block(spec.lineInfo, 16), block(spec.coreRelo, 16)];
  const hdrLen = spec.hdrLen ?? 32;
  const header = [hdrLen];
  let off = 0;
  for (const words of blocks) {
    header.push(off, words.length * 4);
    off += words.length * 4;
  }
  const body = blocks.flat();
  const le = spec.littleEndian ?? true;
  const out = new Uint8Array(hdrLen + body.length * 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0xeb9f, le);
  v.setUint8(2, 1);
  header.slice(0, hdrLen / 4 - 1).forEach((w, i) => v.setUint32(4 + 4 * i, w >>> 0, le));
  body.forEach((w, i) => v.setUint32(hdrLen + 4 * i, w >>> 0, le));
  return out;
}
