// BTF, the BPF type format: `parseBtf(bytes)` reads a .BTF section (or a raw
// file such as /sys/kernel/btf/vmlinux) into a `Btf` — the types by id and
// queries the loader, CO-RE and the verifier share (typeById,
// resolveModifiers, sizeOf, findByName). Never throws; every problem becomes a
// diagnostic with the type id and byte offset. Pure; imports no I/O.

import type { Diagnostic, WithDiagnostics } from '../diagnostics';
import { ElfReport } from './elfReport';
import { checkBtf } from './btfCheck';
import { btfSections, readBtfHeader, readBtfTypes } from './btfParse';
import { BtfStrings } from './btfStrings';
import {
  MAX_RESOLVE_DEPTH, MODIFIER_KINDS, type BtfHeader, type BtfKind, type BtfRefType, type BtfType, type BtfTypeOfKind,
} from './btfTypes';

export * from './btfTypes';
export { BtfStrings } from './btfStrings';

/** Size of a pointer in BPF programs. */
export const BTF_POINTER_SIZE = 8;

export class Btf {
  private byName: Map<string, BtfType[]> | undefined;

  constructor(
    /** Every type; the index is the type id and entry 0 is void. */
    readonly types: readonly BtfType[],
    readonly strings: BtfStrings,
    /** The header as read; undefined when the bytes had none (then `types` is only void). */
    readonly header: BtfHeader | undefined,
  ) {}

  get littleEndian(): boolean {
    return this.header?.littleEndian ?? true;
  }

  /** The type with id `id` (0 is void); undefined when out of range. */
  typeById(id: number): BtfType | undefined {
    return this.types[id];
  }

  /** The type with id `id` if it is of kind `kind`. */
  typeOfKind<K extends BtfKind>(id: number, kind: K): BtfTypeOfKind<K> | undefined {
    const t = this.types[id];
    return t?.kind === kind ? (t as BtfTypeOfKind<K>) : undefined;
  }

  /**
   * The type `id` names once typedefs, const, volatile, restrict and type tags
   * are skipped (itself if none); undefined for a bad id or a chain longer
   * than MAX_RESOLVE_DEPTH (which includes any loop).
   */
  resolveModifiers(id: number): BtfType | undefined {
    let t: BtfType | undefined = this.types[id];
    for (let depth = 0; t && MODIFIER_KINDS.has(t.kind); depth++) {
      if (depth >= MAX_RESOLVE_DEPTH) return undefined;
      t = this.types[(t as BtfRefType).type];
    }
    return t;
  }

  /**
   * The size in bytes of a value of type `id`, as libbpf's btf__resolve_size
   * computes it: modifiers, VARs and decl tags are followed, arrays multiply,
   * pointers are 8. Undefined for void, functions, forward declarations, bad
   * ids, loops and sizes past 4 GiB.
   */
  sizeOf(id: number): number | undefined {
    let t = this.types[id];
    let count = 1;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH && t; depth++) {
      switch (t.kind) {
        case 'INT': case 'STRUCT': case 'UNION': case 'ENUM': case 'ENUM64': case 'DATASEC': case 'FLOAT':
          return scaled(t.size, count);
        case 'PTR':
          return scaled(BTF_POINTER_SIZE, count);
        case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'VAR': case 'DECL_TAG': case 'TYPE_TAG':
          t = this.types[t.type];
          break;
        case 'ARRAY':
          count *= t.nelems;
          if (count > 0xffffffff) return undefined;
          t = this.types[t.type];
          break;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  /** The first type of kind `kind` called `name` (lowest id). */
  findByName<K extends BtfKind>(kind: K, name: string): BtfTypeOfKind<K> | undefined {
    return this.findAllByName(name).find((t): t is BtfTypeOfKind<K> => t.kind === kind);
  }

  /** Every type called `name`, in id order. */
  findAllByName(name: string): readonly BtfType[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const t of this.types) {
        if (!t.name) continue;
        const list = this.byName.get(t.name);
        if (list) list.push(t);
        else this.byName.set(t.name, [t]);
      }
    }
    return this.byName.get(name) ?? [];
  }
}

function scaled(size: number, count: number): number | undefined {
  const total = size * count;
  return total > 0xffffffff ? undefined : total;
}

/** An empty BTF: only void. */
export function emptyBtf(): Btf {
  return new Btf([{ kind: 'VOID', id: 0, name: '', nameOff: 0, offset: -1 }], new BtfStrings(new Uint8Array(1)), undefined);
}

/**
 * Parses BTF bytes. The value holds every type that could be read; the
 * diagnostics list every problem (capped per kind), each naming the type id
 * and its byte offset in `bytes`.
 */
export function parseBtf(bytes: Uint8Array): WithDiagnostics<Btf> {
  const report = new ElfReport();
  const header = readBtfHeader(bytes, report);
  if (!header) return { value: emptyBtf(), diagnostics: report.finish() };
  const sections = btfSections(bytes, header, report);
  const strings = new BtfStrings(sections.strings);
  const types = readBtfTypes(sections.types, sections.typesAt, header.littleEndian, strings, report);
  const btf = new Btf(types, strings, header);
  checkBtf(btf, report);
  const diagnostics: Diagnostic[] = report.finish();
  return { value: btf, diagnostics };
}
