// The named things of a loaded object for debugger expressions: global
// variables found through the BTF DATASEC of each global-data map (.data,
// .rodata, .bss, their .x variants, .kconfig), read live from that map's one
// element; the object's maps by name, looked up as user space would
// (BPF_MAP_LOOKUP_ELEM, so hovering never disturbs an LRU's order); and the
// constants of its BTF enums. Pure: reads the loader's data and the run's maps.

import type { Btf, BtfType } from '../../elf/btf';
import { btfTypeName } from '../../elf/btfPrint';
import type { LoadedObject } from '../../elf/loadedObject';
import { keyOfIndex } from '../maps/arrayMap';
import { ENOENT, errnoName } from '../maps/errno';
import type { RunMaps } from '../linux/runMaps';
import type { IntType } from './cTypes';
import type { ExprGlobal, ExprMap, ExprSymbols, GlobalShape } from './scope';

interface GlobalSlot {
  name: string;
  mapIndex: number;
  section: string;
  offset: number;
  size: number;
  typeId: number;
}

function intOf(t: BtfType | undefined, btf: Btf): IntType | undefined {
  if (!t) return undefined;
  const size = t.kind === 'INT' || t.kind === 'ENUM' || t.kind === 'ENUM64' ? t.size : t.kind === 'PTR' ? 8 : 0;
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return undefined;
  const signed = t.kind === 'INT' || t.kind === 'ENUM' || t.kind === 'ENUM64' ? t.signed : false;
  return { kind: 'int', size, signed, name: btfTypeName(btf, t.id) };
}

function shapeOf(btf: Btf, typeId: number, size: number): GlobalShape {
  const t = btf.resolveModifiers(typeId);
  const scalar = intOf(t, btf);
  if (scalar && scalar.size === size) return { kind: 'int', type: { ...scalar, name: btfTypeName(btf, typeId) } };
  if (t?.kind === 'ARRAY') {
    const element = intOf(btf.resolveModifiers(t.type), btf);
    return { kind: 'array', element: element && element.size * t.nelems === size ? element : undefined, count: t.nelems };
  }
  return { kind: 'bytes' };
}

/** Every variable of every global-data map's DATASEC, by name (the first of a name wins). */
function globalSlots(object: LoadedObject, btf: Btf): Map<string, GlobalSlot> {
  const out = new Map<string, GlobalSlot>();
  object.maps.forEach((def, mapIndex) => {
    if (def.kind === 'btf' || def.kind === 'legacy') return;
    const sec = btf.findByName('DATASEC', def.realName);
    for (const v of sec?.vars ?? []) {
      const variable = btf.typeOfKind(v.type, 'VAR');
      if (!variable || out.has(variable.name)) continue;
      out.set(variable.name, { name: variable.name, mapIndex, section: def.realName, offset: v.offset, size: v.size, typeId: variable.type });
    }
  });
  return out;
}

function enumConstants(btf: Btf): Map<string, { value: bigint; type: IntType }> {
  const out = new Map<string, { value: bigint; type: IntType }>();
  for (const t of btf.types) {
    if (t.kind !== 'ENUM' && t.kind !== 'ENUM64') continue;
    const type: IntType = t.kind === 'ENUM64' || t.size === 8
      ? { kind: 'int', size: 8, signed: t.signed, name: t.signed ? 's64' : 'u64' }
      : { kind: 'int', size: 4, signed: t.signed, name: t.signed ? 'int' : 'unsigned int' };
    for (const v of t.values) if (!out.has(v.name)) out.set(v.name, { value: BigInt(v.value), type });
  }
  return out;
}

/** The symbols of `object` whose maps `maps()` gives (a LinuxMachine's, read at each use). */
export function objectSymbols(object: LoadedObject, maps: () => RunMaps): ExprSymbols {
  const btf = object.btf;
  const globals = btf ? globalSlots(object, btf) : new Map<string, GlobalSlot>();
  let constants: Map<string, { value: bigint; type: IntType }> | undefined;
  return {
    global(name: string): ExprGlobal | undefined {
      const slot = globals.get(name);
      if (!slot || !btf) return undefined;
      return {
        name, section: slot.section, typeName: btfTypeName(btf, slot.typeId), shape: shapeOf(btf, slot.typeId, slot.size),
        bytes: () => {
          const value = maps().at(slot.mapIndex)?.lookup(keyOfIndex(0));
          if (!value) return `the map of ${slot.section} (which holds '${name}') could not be built`;
          return value.slice(slot.offset, slot.offset + slot.size);
        },
      };
    },
    map(name: string): ExprMap | undefined {
      const index = object.maps.findIndex((d) => (d.kind === 'btf' || d.kind === 'legacy') && d.name === name);
      const map = index < 0 ? undefined : maps().at(index);
      if (!map) return undefined;
      return {
        name, type: map.type, keySize: map.keySize, valueSize: map.valueSize, maxEntries: map.maxEntries,
        lookup: (key) => {
          const got = map.sysLookup(key);
          if (got.err === -ENOENT) return undefined;
          if (got.err !== 0 || !got.value) return errnoName(got.err);
          return got.value.subarray(0, map.valueSize);
        },
        count: () => map.entries().length,
      };
    },
    constant(name: string) {
      if (!btf) return undefined;
      constants ??= enumConstants(btf);
      return constants.get(name);
    },
  };
}
