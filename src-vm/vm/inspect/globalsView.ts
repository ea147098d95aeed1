// The Globals scope: the object's global variables, read live from the
// one-element map that holds each global-data section (.data, .bss, .rodata,
// their .x variants, .kconfig) and decoded per variable through the section's
// BTF DATASEC (`counter = 3`). Sections without a DATASEC (string literals,
// objects without BTF) show as hex. Writable sections are edited through
// their map, as user space would before a run; read-only ones (.rodata,
// .kconfig: the program may have their values built into its code) are not.
// Pure.

import type { Btf } from '../../elf/btf';
import type { MapDef } from '../../elf/loadedObject';
import { keyOfIndex, type BpfMap } from '../maps';
import { formatBytes } from '../runtimeInspect';
import { btfValueNode, type EditAt } from './btfValue';
import type { MapsInput } from './mapView';
import { capped, infoNode, type VarNode } from './varNode';

const PREVIEW_BYTES = 16;

function sectionEdit(def: MapDef, map: BpfMap): { edit?: (base: number) => EditAt; readOnly?: string } {
  if (def.readOnly) return { readOnly: `${def.realName} is read-only to the program (BPF_F_RDONLY_PROG, frozen at load): its values may be built into the code` };
  const key = keyOfIndex(0);
  return { edit: (base) => (offset, format) => ({ kind: 'map', map, key, cpu: 0, offset: base + offset, format }) };
}

function rawSection(def: MapDef, bytes: Uint8Array, access: ReturnType<typeof sectionEdit>): VarNode {
  const rows: VarNode[] = [];
  for (let off = 0; off < bytes.length; off += PREVIEW_BYTES) {
    const row = bytes.subarray(off, off + PREVIEW_BYTES);
    const edit = access.edit?.(off)(0, { size: row.length, notation: 'bytes' });
    rows.push({ name: `+${off}`, value: formatBytes(row), ...(edit ? { edit } : { readOnly: access.readOnly }) });
  }
  const preview = formatBytes(bytes.subarray(0, PREVIEW_BYTES)) + (bytes.length > PREVIEW_BYTES ? ' …' : '');
  return { name: def.realName, value: preview, type: `${bytes.length} bytes (no BTF variables)`, children: capped(rows, rows.length) };
}

function sectionNodes(def: MapDef, map: BpfMap | undefined, btf: Btf | undefined): VarNode[] {
  if (!map) return [{ name: def.realName, value: 'not emulated: the section\'s map could not be built' }];
  const got = map.sysLookup(keyOfIndex(0));
  if (got.err !== 0 || !got.value) return [{ name: def.realName, value: `unreadable (lookup fails with ${got.err})` }];
  const bytes = got.value;
  const access = sectionEdit(def, map);
  const sec = btf?.findByName('DATASEC', def.realName);
  if (!btf || !sec || sec.vars.length === 0) return bytes.length > 0 ? [rawSection(def, bytes, access)] : [];
  return sec.vars.flatMap((v) => {
    const variable = btf.typeOfKind(v.type, 'VAR');
    if (!variable) return [];
    const node = btfValueNode({ btf, edit: access.edit?.(v.offset), readOnly: access.readOnly }, variable.name, variable.type, bytes.subarray(v.offset, v.offset + v.size));
    return [{ ...node, type: `${node.type ?? ''} (${def.realName})` }];
  });
}

/** One row per global variable of the object, section by section. */
export function globalNodes(input: MapsInput): VarNode[] {
  const nodes = input.defs.flatMap((def, i) => (def.kind === 'btf' || def.kind === 'legacy' ? [] : sectionNodes(def, input.maps[i], input.btf)));
  return nodes.length > 0 ? nodes : [infoNode('globals', 'the object has no global variables')];
}
