// BTF-defined maps, as libbpf reads them (parse_btf_map_def and
// bpf_object__init_user_btf_maps): each VAR of the `.maps` DATASEC is a struct
// whose members say the map's attributes — `__uint(x, N)` is a pointer to an
// array of N elements, `__type(x, T)` a pointer to T, `__array(values, T)` a
// zero-length array of pointers (map-in-map inner definition or prog array).
// Ring buffers are rounded up to a power-of-two number of pages. Pure.

import type { Btf, BtfComposite, BtfMember, BtfType } from './btf';
import { ElfReport } from './elfReport';
import type { ElfSection } from './elf';
import type { MapDef } from './loadedObject';
import { mapTypeName } from './mapTypeNames';

const MAP_TYPE = { PROG_ARRAY: 3, ARRAY_OF_MAPS: 12, HASH_OF_MAPS: 13, RINGBUF: 27, USER_RINGBUF: 31 } as const;
/** libbpf's LIBBPF_PIN_NONE / LIBBPF_PIN_BY_NAME. */
const PIN_BY_NAME = 1;
const BTF_VAR_GLOBAL_ALLOCATED = 1;
/** The page size ring buffers are rounded to (libbpf uses the host's: 4 KiB on x86-64 and arm64 by default). */
export const DEFAULT_PAGE_SIZE = 4096;

/** Raised inside one map definition to abandon it with libbpf's message. */
class MapDefError {
  constructor(readonly message: string) {}
}

interface ParsedDef {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
  numaNode: number;
  mapExtra?: bigint;
  pinning: number;
  keyTypeId: number;
  valueTypeId: number;
  inner?: ParsedDef;
}

function emptyDef(): ParsedDef {
  return { mapType: 0, keySize: 0, valueSize: 0, maxEntries: 0, mapFlags: 0, numaNode: 0, pinning: 0, keyTypeId: 0, valueTypeId: 0 };
}

/** libbpf's get_map_field_int: `int (*name)[N]` means N. */
function fieldInt(btf: Btf, mapName: string, m: BtfMember): number {
  const t = btf.resolveModifiers(m.type);
  if (t?.kind !== 'PTR') throw new MapDefError(`map '${mapName}': attr '${m.name}': expected PTR, got ${t?.kind ?? 'an invalid type'}`);
  const arr = btf.typeById(t.type);
  if (!arr) throw new MapDefError(`map '${mapName}': attr '${m.name}': type [${t.type}] not found`);
  if (arr.kind !== 'ARRAY') throw new MapDefError(`map '${mapName}': attr '${m.name}': expected ARRAY, got ${arr.kind}`);
  return arr.nelems;
}

/** libbpf's get_map_field_long: `__ulong(name, N)` is an enum with one value N (or a __uint). */
function fieldLong(btf: Btf, mapName: string, m: BtfMember): bigint {
  const t = btf.resolveModifiers(m.type);
  if (t?.kind === 'PTR') return BigInt(fieldInt(btf, mapName, m));
  if (t?.kind !== 'ENUM' && t?.kind !== 'ENUM64') throw new MapDefError(`map '${mapName}': attr '${m.name}': expected ENUM or ENUM64, got ${t?.kind ?? 'an invalid type'}`);
  if (t.values.length !== 1) throw new MapDefError(`map '${mapName}': attr '${m.name}': invalid __ulong`);
  return BigInt.asUintN(64, BigInt(t.values[0].value));
}

/** `__type(key, T)`: the size and type id of T. */
function typeField(btf: Btf, mapName: string, m: BtfMember, what: 'key' | 'value', known: number): { size: number; typeId: number } {
  const t = btf.typeById(m.type);
  if (!t) throw new MapDefError(`map '${mapName}': ${what} type [${m.type}] not found`);
  if (t.kind !== 'PTR') throw new MapDefError(`map '${mapName}': ${what} spec is not PTR: ${t.kind}`);
  const size = btf.sizeOf(t.type);
  if (size === undefined) throw new MapDefError(`map '${mapName}': can't determine ${what} size for type [${t.type}]`);
  if (known && known !== size) throw new MapDefError(`map '${mapName}': conflicting ${what} size ${known} != ${size}`);
  return { size, typeId: t.type };
}

function sizeField(btf: Btf, mapName: string, m: BtfMember, what: 'key' | 'value', known: number): number {
  const size = fieldInt(btf, mapName, m);
  if (known && known !== size) throw new MapDefError(`map '${mapName}': conflicting ${what} size ${known} != ${size}`);
  return size;
}

/** `__array(values, …)`: a zero-length array of pointers to an inner map definition or to a function (prog array). */
function valuesField(btf: Btf, mapName: string, m: BtfMember, def: ParsedDef, last: boolean, isInner: boolean): void {
  const inMap = def.mapType === MAP_TYPE.ARRAY_OF_MAPS || def.mapType === MAP_TYPE.HASH_OF_MAPS;
  const progArray = def.mapType === MAP_TYPE.PROG_ARRAY;
  const desc = inMap ? 'map-in-map inner' : 'prog-array value';
  if (isInner) throw new MapDefError(`map '${mapName}': multi-level inner maps not supported`);
  if (!last) throw new MapDefError(`map '${mapName}': '${m.name}' member should be last`);
  if (!inMap && !progArray) throw new MapDefError(`map '${mapName}': should be map-in-map or prog-array`);
  if (def.valueSize && def.valueSize !== 4) throw new MapDefError(`map '${mapName}': conflicting value size ${def.valueSize} != 4`);
  def.valueSize = 4;
  const arr = btf.typeById(m.type);
  if (!arr) throw new MapDefError(`map '${mapName}': ${desc} type [${m.type}] not found`);
  if (arr.kind !== 'ARRAY' || arr.nelems !== 0) throw new MapDefError(`map '${mapName}': ${desc} spec is not a zero-sized array`);
  const ptr = btf.resolveModifiers(arr.type);
  if (ptr?.kind !== 'PTR') throw new MapDefError(`map '${mapName}': ${desc} def is of unexpected kind ${ptr?.kind ?? 'invalid'}`);
  const target = btf.resolveModifiers(ptr.type);
  if (progArray) {
    if (target?.kind !== 'FUNC_PROTO') throw new MapDefError(`map '${mapName}': prog-array value def is of unexpected kind ${target?.kind ?? 'invalid'}`);
    return;
  }
  if (target?.kind !== 'STRUCT') throw new MapDefError(`map '${mapName}': map-in-map inner def is of unexpected kind ${target?.kind ?? 'invalid'}`);
  def.inner = parseDef(btf, `${mapName}.inner`, target, true);
}

function parseMember(btf: Btf, mapName: string, m: BtfMember, def: ParsedDef, last: boolean, isInner: boolean): void {
  switch (m.name) {
    case 'type': def.mapType = fieldInt(btf, mapName, m); break;
    case 'max_entries': def.maxEntries = fieldInt(btf, mapName, m); break;
    case 'map_flags': def.mapFlags = fieldInt(btf, mapName, m); break;
    case 'numa_node': def.numaNode = fieldInt(btf, mapName, m); break;
    case 'key_size': def.keySize = sizeField(btf, mapName, m, 'key', def.keySize); break;
    case 'value_size': def.valueSize = sizeField(btf, mapName, m, 'value', def.valueSize); break;
    case 'key': ({ size: def.keySize, typeId: def.keyTypeId } = typeField(btf, mapName, m, 'key', def.keySize)); break;
    case 'value': ({ size: def.valueSize, typeId: def.valueTypeId } = typeField(btf, mapName, m, 'value', def.valueSize)); break;
    case 'values': valuesField(btf, mapName, m, def, last, isInner); break;
    case 'pinning': {
      if (isInner) throw new MapDefError(`map '${mapName}': inner def can't be pinned`);
      const pin = fieldInt(btf, mapName, m);
      if (pin !== 0 && pin !== PIN_BY_NAME) throw new MapDefError(`map '${mapName}': invalid pinning value ${pin}`);
      def.pinning = pin;
      break;
    }
    case 'map_extra': def.mapExtra = fieldLong(btf, mapName, m); break;
    default: throw new MapDefError(`map '${mapName}': unknown field '${m.name}'`);
  }
}

/** libbpf's parse_btf_map_def in strict mode (the default: unknown fields are errors). */
function parseDef(btf: Btf, mapName: string, def: BtfComposite, isInner: boolean): ParsedDef {
  const out = emptyDef();
  def.members.forEach((m, i) => parseMember(btf, mapName, m, out, i === def.members.length - 1, isInner));
  if (out.mapType === 0) throw new MapDefError(`map '${mapName}': map type isn't specified`);
  return out;
}

/** libbpf's adjust_ringbuf_sz: the smallest power-of-two number of pages holding `size` bytes. */
export function ringbufSize(size: number, pageSize: number): number {
  if (size === 0) return 0;
  const pages = size / pageSize;
  if (size % pageSize === 0 && (pages & (pages - 1)) === 0) return size;
  for (let mul = 1; mul <= Math.floor(0xffffffff / pageSize); mul *= 2) {
    if (mul * pageSize > size) return mul * pageSize;
  }
  return size;
}

function toMapDef(name: string, d: ParsedDef, section: ElfSection, offset: number, pageSize: number): MapDef {
  const ringbuf = d.mapType === MAP_TYPE.RINGBUF || d.mapType === MAP_TYPE.USER_RINGBUF;
  const map: MapDef = {
    name, realName: name, kind: 'btf', type: mapTypeName(d.mapType), typeId: d.mapType,
    keySize: d.keySize, valueSize: d.valueSize, maxEntries: ringbuf ? ringbufSize(d.maxEntries, pageSize) : d.maxEntries,
    flags: d.mapFlags, numaNode: d.numaNode, sectionIndex: section.index, sectionOffset: offset,
    keyTypeId: d.keyTypeId, valueTypeId: d.valueTypeId, readOnly: false,
  };
  if (d.mapExtra !== undefined) map.mapExtra = d.mapExtra;
  if (d.pinning !== 0) map.pinning = 'by_name';
  return map;
}

/** One VAR of the `.maps` DATASEC as a map, or libbpf's reason to refuse it. */
function mapOfVar(btf: Btf, section: ElfSection, sectionSize: number, index: number, varId: number, offset: number, size: number, pageSize: number): MapDef | string {
  const v: BtfType | undefined = btf.typeById(varId);
  const name = v?.name ?? '';
  if (!name) return `map #${index}: empty name`;
  if (offset + size > sectionSize) return `map '${name}' BTF data is corrupted: offset ${offset} + size ${size} is past the ${sectionSize} bytes of ${section.name}`;
  if (v?.kind !== 'VAR') return `map '${name}': unexpected var kind ${v?.kind}`;
  if (v.linkage !== BTF_VAR_GLOBAL_ALLOCATED) return `map '${name}': unsupported map linkage ${['static', 'global', 'extern'][v.linkage] ?? 'unknown'}`;
  const def = btf.resolveModifiers(v.type);
  if (def?.kind !== 'STRUCT') return `map '${name}': unexpected def kind ${def?.kind ?? 'invalid'}`;
  if (def.size > size) return `map '${name}': invalid def size`;
  try {
    const parsed = parseDef(btf, name, def, false);
    const map = toMapDef(name, parsed, section, offset, pageSize);
    if (parsed.inner) map.inner = toMapDef(`${name}.inner`, parsed.inner, section, offset, pageSize);
    return map;
  } catch (e) {
    if (e instanceof MapDefError) return e.message;
    throw e;
  }
}

/**
 * The maps of `.maps`, in the order of its DATASEC's variables. `sectionSize`
 * is how many bytes of definitions the section really holds (its bytes in the
 * file; sh_size for NOBITS).
 */
export function btfDefinedMaps(btf: Btf | undefined, section: ElfSection, sectionSize: number, report: ElfReport,
  pageSize = DEFAULT_PAGE_SIZE): { maps: MapDef[]; datasecId: number } {
  const datasec = btf?.findByName('DATASEC', '.maps');
  if (!btf || !datasec) {
    report.error('loader/no-maps-datasec', `section '${section.name}': DATASEC '.maps' not found in BTF${btf ? '' : ' (the object has no .BTF: compile with -g)'}; libbpf cannot read the map definitions`);
    return { maps: [], datasecId: 0 };
  }
  const maps: MapDef[] = [];
  datasec.vars.forEach((vi, i) => {
    const map = mapOfVar(btf, section, sectionSize, i, vi.type, vi.offset, vi.size, pageSize);
    if (typeof map === 'string') report.error('loader/bad-map-def', `section '${section.name}': ${map}`);
    else maps.push(map);
  });
  return { maps, datasecId: datasec.id };
}
