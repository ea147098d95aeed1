// The special fields of a map's value the kernel finds in its BTF when the
// map is created (btf_parse_fields): a bpf_spin_lock, bpf_timer, bpf_wq and
// the graph roots bpf_list_head and bpf_rb_root, found by their struct's
// name in the value struct, in structs nested in it and in arrays of them, or
// in the variables of a global-data section. What programs may do with such
// a map depends on them (check_map_prog_compatibility). Pure; reads BTF only.

import { MAX_RESOLVE_DEPTH, type Btf, type BtfType } from '../elf/btf';

export type MapValueFieldKind = 'spin_lock' | 'timer' | 'wq' | 'list_head' | 'rb_root';

export interface MapValueField {
  kind: MapValueFieldKind;
  /** Byte offset in the value. */
  offset: number;
}

/** The kernel's struct name and size of each kind; a struct of another size is not the field. */
const FIELD_STRUCTS: Readonly<Record<string, { kind: MapValueFieldKind; size: number }>> = {
  bpf_spin_lock: { kind: 'spin_lock', size: 4 },
  bpf_timer: { kind: 'timer', size: 16 },
  bpf_wq: { kind: 'wq', size: 16 },
  bpf_list_head: { kind: 'list_head', size: 16 },
  bpf_rb_root: { kind: 'rb_root', size: 16 },
};

/** Special fields of the value type `valueTypeId` (a struct or a DATASEC); none without BTF. */
export function mapValueFields(btf: Btf | undefined, valueTypeId: number): MapValueField[] {
  const t = btf?.typeById(valueTypeId);
  if (!btf || !t) return [];
  const out: MapValueField[] = [];
  if (t.kind === 'STRUCT' || t.kind === 'UNION') structFields(btf, t, 0, 0, out);
  else if (t.kind === 'DATASEC') {
    for (const v of t.vars) {
      const variable = btf.typeById(v.type);
      if (variable?.kind === 'VAR') fieldsOf(btf, btf.typeById(variable.type), v.offset, 0, out);
    }
  }
  return out;
}

function structFields(btf: Btf, t: Extract<BtfType, { kind: 'STRUCT' | 'UNION' }>, base: number, level: number, out: MapValueField[]): void {
  for (const m of t.members) {
    if (m.bitOffset % 8 !== 0) continue;
    fieldsOf(btf, btf.typeById(m.type), base + m.bitOffset / 8, level, out);
  }
}

/** btf_find_field_one: arrays are walked to their element, named structs are fields, other structs are searched. */
function fieldsOf(btf: Btf, type: BtfType | undefined, off: number, level: number, out: MapValueField[]): void {
  let t = type;
  let nelems = 1;
  for (let depth = 0; t?.kind === 'ARRAY'; depth++) {
    if (depth >= MAX_RESOLVE_DEPTH) return;
    nelems *= t.nelems;
    t = btf.typeById(t.type);
  }
  if (!t || nelems === 0 || (t.kind !== 'STRUCT' && t.kind !== 'UNION')) return;
  const special = FIELD_STRUCTS[t.name];
  if (special) {
    if (t.size === special.size) {
      for (let k = 0; k < nelems; k++) out.push({ kind: special.kind, offset: off + k * t.size });
    }
    return;
  }
  if (level + 1 >= MAX_RESOLVE_DEPTH) return;
  for (let k = 0; k < nelems; k++) structFields(btf, t, off + k * t.size, level + 1, out);
}
