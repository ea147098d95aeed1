// The Maps scope: every map the object defines (global-data sections are the
// Globals scope's), with its type, key and value sizes, and its elements as
// user space lists them (BPF_MAP_GET_NEXT_KEY, then a lookup that never
// disturbs an LRU's order) — the first MAX_CHILDREN, then "… N more". Keys and
// values are decoded with their BTF types when the object has BTF, else shown
// as hex; per-CPU values per CPU. Values of data maps (array, hash, LRU, LPM
// trie) are edited through the map, as BPF_MAP_UPDATE_ELEM would. Pure.

import type { Btf } from '../../elf/btf';
import { btfTypeName } from '../../elf/btfPrint';
import type { MapDef } from '../../elf/loadedObject';
import { ENOENT, errnoName, keyOfIndex, type BpfMap } from '../maps';
import { formatBytes } from '../runtimeInspect';
import { btfValueNode, type EditAt } from './btfValue';
import { capped, infoNode, MAX_CHILDREN, type ValueFormat, type VarNode } from './varNode';

export interface MapsInput {
  /** The loader's definitions, by map index. */
  defs: readonly MapDef[];
  /** The run's maps, by the same index (undefined where a map could not be built). */
  maps: readonly (BpfMap | undefined)[];
  btf?: Btf;
}

/** Map types whose values are plain data a user may rewrite (fd and redirect maps name other objects). */
const EDITABLE = new Set(['array', 'percpu_array', 'hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'lpm_trie']);
const ARRAYS = new Set(['array', 'percpu_array']);

/** Up to `max` keys in get_next_key order, and how many there are in all (or undefined when the type lists none). */
export function mapKeys(map: BpfMap, max = MAX_CHILDREN): { keys: Uint8Array[]; total: number } | undefined {
  if (ARRAYS.has(map.type)) return { keys: Array.from({ length: Math.min(max, map.maxEntries) }, (_, i) => keyOfIndex(i)), total: map.maxEntries };
  const first = map.getNextKey(null);
  if (first.err !== 0 && first.err !== -ENOENT) return undefined;
  const keys: Uint8Array[] = [];
  let total = 0;
  for (let next = first; next.err === 0 && next.key && total <= map.maxEntries; next = map.getNextKey(next.key)) {
    if (keys.length < max) keys.push(next.key);
    total++;
  }
  return { keys, total };
}

function keyName(map: BpfMap, def: MapDef, btf: Btf | undefined, key: Uint8Array): string {
  if (ARRAYS.has(map.type) || (map.keySize === 4 && !def.keyTypeId)) return `[${new DataView(key.buffer, key.byteOffset).getUint32(0, true)}]`;
  if (btf && def.keyTypeId) return `[${btfValueNode({ btf }, 'key', def.keyTypeId, key).value}]`;
  return `[${formatBytes(key)}]`;
}

function valueNode(name: string, def: MapDef, map: BpfMap, btf: Btf | undefined, key: Uint8Array, cpu: number, bytes: Uint8Array): VarNode {
  const editable = EDITABLE.has(map.type);
  const edit: EditAt | undefined = editable ? (offset, format) => ({ kind: 'map', map, key, cpu, offset, format }) : undefined;
  const readOnly = editable ? undefined : `values of a ${map.type} map name other objects; they are not edited here`;
  if (btf && def.valueTypeId) return btfValueNode({ btf, edit, readOnly }, name, def.valueTypeId, bytes);
  const format: ValueFormat = bytes.length <= 8 ? { size: bytes.length } : { size: bytes.length, notation: 'bytes' };
  const number = bytes.length <= 8 ? ` (${bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n)})` : '';
  const target = edit?.(0, format);
  return { name, value: formatBytes(bytes) + number, type: `${bytes.length} bytes`, ...(target ? { edit: target } : { readOnly }) };
}

function entryNode(def: MapDef, map: BpfMap, btf: Btf | undefined, key: Uint8Array): VarNode {
  const name = keyName(map, def, btf, key);
  const got = map.sysLookup(key);
  if (got.err === -ENOENT) return { name, value: '(empty slot)', readOnly: 'the slot holds nothing to change' };
  if (got.err !== 0 || !got.value) return { name, value: `not readable from user space (lookup fails with ${errnoName(got.err)})`, readOnly: 'the kernel does not hand this value to user space' };
  const perCpu = map.sysValueSize > map.valueSize;
  if (!perCpu) return valueNode(name, def, map, btf, key, 0, got.value.subarray(0, map.valueSize));
  const stride = map.sysValueSize / map.nCpus;
  const cpus = Array.from({ length: map.nCpus }, (_, cpu) => valueNode(`cpu${cpu}`, def, map, btf, key, cpu, got.value!.subarray(cpu * stride, cpu * stride + map.valueSize)));
  if (cpus.length === 1) return { ...cpus[0], name, type: `${cpus[0].type ?? ''} (per-CPU: CPU 0's copy)` };
  return { name, value: cpus.map((c) => c.value).join(' | '), type: `per-CPU, ${map.nCpus} CPUs`, children: cpus };
}

function typeText(def: MapDef, btf: Btf | undefined): string {
  const of = (id: number, size: number): string => (btf && id ? btfTypeName(btf, id) : `${size} bytes`);
  return `${def.type}<${of(def.keyTypeId, def.keySize)}, ${of(def.valueTypeId, def.valueSize)}>`;
}

function mapNode(def: MapDef, map: BpfMap | undefined, btf: Btf | undefined): VarNode {
  const type = typeText(def, btf);
  if (!map) return { name: def.name, value: `not emulated: map type ${def.type} could not be built`, type };
  const listed = mapKeys(map);
  const sizes = `key ${def.keySize} B, value ${def.valueSize} B`;
  if (!listed) return { name: def.name, value: `${def.type}, ${sizes}, max ${def.maxEntries}: elements have no keys to list`, type };
  const entries = listed.keys.map((key) => entryNode(def, map, btf, key));
  const children = capped(entries, listed.total);
  return {
    name: def.name,
    value: `${def.type}, ${sizes}, ${listed.total} of ${def.maxEntries} entries`,
    type,
    children: children.length > 0 ? children : [infoNode('(empty)', 'no elements')],
  };
}

/** One row per map of the object that is not global data. */
export function mapNodes(input: MapsInput): VarNode[] {
  const nodes = input.defs.flatMap((def, i) => (def.kind === 'btf' || def.kind === 'legacy' ? [mapNode(def, input.maps[i], input.btf)] : []));
  return nodes.length > 0 ? nodes : [infoNode('maps', 'the object defines no maps')];
}
