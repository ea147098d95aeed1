// Legacy map definitions: `struct bpf_map_def` records in a section called
// `maps`, one per symbol. libbpf 1.x refuses them (reported when the sections
// are classified); they are still described here the way libbpf 0.x read them
// (bpf_object__init_user_maps) so old objects can be inspected. Pure.

import { sectionBytes, sectionLabel, type ElfFile, type ElfSection } from './elf';
import { STT } from './elfConstants';
import { ElfReport, hex } from './elfReport';
import { mapTypeName } from './mapTypeNames';
import type { MapDef } from './loadedObject';

/** struct bpf_map_def: type, key_size, value_size, max_entries, map_flags — five u32. */
const MAP_DEF_FIELDS = 5;
const MAP_DEF_SIZE = MAP_DEF_FIELDS * 4;

function readFields(bytes: Uint8Array, at: number, size: number, littleEndian: boolean): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: number[] = [];
  for (let f = 0; f < MAP_DEF_FIELDS; f++) {
    fields.push(f * 4 + 4 <= size ? view.getUint32(at + f * 4, littleEndian) : 0);
  }
  return fields;
}

function extraBytesZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The maps of a legacy `maps` section, in symbol-table order. */
export function legacyMaps(elf: ElfFile, s: ElfSection, report: ElfReport): MapDef[] {
  const symbols = elf.symbols.filter((y) => y.sectionIndex === s.index && y.type !== STT.SECTION);
  const bytes = sectionBytes(elf, s);
  if (symbols.length === 0 || bytes.length === 0 || bytes.length % symbols.length !== 0) {
    report.error('loader/legacy-map-size',
      `section ${sectionLabel(s)}: unable to determine the legacy map definition size (${bytes.length} bytes for ${symbols.length} map symbols)`);
    return [];
  }
  const defSize = bytes.length / symbols.length;
  const little = elf.header?.littleEndian ?? true;
  const maps: MapDef[] = [];
  for (const sym of symbols) {
    if (sym.value + defSize > bytes.length) {
      report.error('loader/legacy-map-corrupted', `section ${sectionLabel(s)}: map '${sym.name}' at ${hex(sym.value)} runs past the section`);
      continue;
    }
    if (defSize > MAP_DEF_SIZE && !extraBytesZero(bytes, sym.value + MAP_DEF_SIZE, sym.value + defSize)) {
      report.error('loader/legacy-map-unknown-fields',
        `section ${sectionLabel(s)}: map '${sym.name}' has non-zero fields past struct bpf_map_def (${defSize} bytes per definition)`);
      continue;
    }
    const [typeId, keySize, valueSize, maxEntries, flags] = readFields(bytes, sym.value, defSize, little);
    maps.push({
      name: sym.name, realName: sym.name, kind: 'legacy', type: mapTypeName(typeId), typeId,
      keySize, valueSize, maxEntries, flags, numaNode: 0, sectionIndex: s.index, sectionOffset: sym.value,
      keyTypeId: 0, valueTypeId: 0, readOnly: false,
    });
  }
  return maps;
}
