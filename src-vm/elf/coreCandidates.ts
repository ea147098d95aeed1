// CO-RE candidate target types, as libbpf's bpf_core_find_cands picks them:
// every named type of the target BTF whose essential name — the name without
// its last `___flavour` suffix — equals the local type's, and whose kind is
// compatible (the same kind; enum and enum64 stand for each other), in id
// order. The target's names are indexed once per Btf. Pure; no I/O.

import type { Btf, BtfType } from './btf';

/** `X___Y` at `i`, where X and Y are not underscores: libbpf's flavour separator. */
function isFlavorSeparator(s: string, i: number): boolean {
  return s[i] !== '_' && s[i + 1] === '_' && s[i + 2] === '_' && s[i + 3] === '_' && s[i + 4] !== '_';
}

/**
 * libbpf's bpf_core_essential_name_len: the length of `name` up to its last
 * triple underscore (`task_struct___local` -> 11), or the whole length.
 */
export function essentialNameLength(name: string): number {
  for (let i = name.length - 5; i >= 0; i--) {
    if (isFlavorSeparator(name, i)) return i + 1;
  }
  return name.length;
}

/** The name without its flavour suffix (`task_struct___local` -> `task_struct`). */
export function essentialName(name: string): string {
  return name.slice(0, essentialNameLength(name));
}

export function isAnyEnum(t: BtfType): boolean {
  return t.kind === 'ENUM' || t.kind === 'ENUM64';
}

/** libbpf's btf_kind_core_compat: the same kind, or both enums of either width. */
export function kindsCoreCompatible(a: BtfType, b: BtfType): boolean {
  return a.kind === b.kind || (isAnyEnum(a) && isAnyEnum(b));
}

/** libbpf's kind names (btf_kind_str): the kind in lower case (`func_proto`, `enum64`, `void`). */
export function libbpfKindName(t: BtfType | undefined): string {
  return t ? t.kind.toLowerCase() : 'unknown';
}

const INDEXES = new WeakMap<Btf, Map<string, BtfType[]>>();

/** Named types of `btf` by essential name, each list in id order (void excluded). */
function essentialIndex(btf: Btf): Map<string, BtfType[]> {
  let index = INDEXES.get(btf);
  if (index) return index;
  index = new Map();
  for (let id = 1; id < btf.types.length; id++) {
    const t = btf.types[id];
    if (!t.name) continue;
    const key = essentialName(t.name);
    const list = index.get(key);
    if (list) list.push(t);
    else index.set(key, [t]);
  }
  INDEXES.set(btf, index);
  return index;
}

/**
 * The candidates in `target` for local type `local` (which must be named):
 * libbpf's bpf_core_add_cands over the whole target, in id order.
 */
export function findCandidates(local: BtfType, target: Btf): BtfType[] {
  const list = essentialIndex(target).get(essentialName(local.name)) ?? [];
  return list.filter((t) => kindsCoreCompatible(t, local));
}
