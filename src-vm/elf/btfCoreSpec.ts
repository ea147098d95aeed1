// A CO-RE relocation's local side, as libbpf's bpf_core_parse_spec reads it:
// the access string "0:1:2" as numbers, followed through the object's own
// BTF into accessors (struct member, array element, enumerator) and a bit
// offset; and libbpf's one-line description of it, e.g.
// `<byte_off> [7] struct task_struct.pid (0:23 @ offset 2456)`.
// Matching against a target BTF is a later step. Pure.

import type { Btf } from './btf';
import { CORE_RELO_KINDS, type CoreReloBasis } from './btfCoreKinds';
import type { BtfType } from './btfTypes';

/** libbpf's BPF_CORE_SPEC_MAX_LEN: longest access path. */
export const CORE_SPEC_MAX_LEN = 64;

/** libbpf's lower-case kind names, as its CO-RE messages print them. */
const LIBBPF_KIND_NAMES: Readonly<Record<BtfType['kind'], string>> = {
  VOID: 'void', INT: 'int', PTR: 'ptr', ARRAY: 'array', STRUCT: 'struct', UNION: 'union', ENUM: 'enum', FWD: 'fwd',
  TYPEDEF: 'typedef', VOLATILE: 'volatile', CONST: 'const', RESTRICT: 'restrict', FUNC: 'func', FUNC_PROTO: 'func_proto',
  VAR: 'var', DATASEC: 'datasec', FLOAT: 'float', DECL_TAG: 'decl_tag', TYPE_TAG: 'type_tag', ENUM64: 'enum64',
};

/** The fields of a relocation record the spec needs. */
export interface CoreReloInput {
  typeId: number;
  accessString: string;
  kind: number;
}

/** One step of the access path. */
export interface CoreAccessor {
  /** The struct/union (for a member), the element type (for an array step), or the root. */
  typeId: number;
  /** Member, element or enumerator index. */
  idx: number;
  /** Member or enumerator name; absent for array steps and the root. */
  name?: string;
}

export interface CoreSpec {
  rootTypeId: number;
  kind: number;
  basis: CoreReloBasis;
  /** The access string as numbers. */
  raw: number[];
  /** Named steps (anonymous members are followed but not listed, as in libbpf). */
  accessors: CoreAccessor[];
  /** Offset of the accessed field from the root, in bits (fields only). */
  bitOffset: number;
}

export type CoreSpecResult = { ok: true; spec: CoreSpec } | { ok: false; error: string };

/** "0:1:2" -> [0, 1, 2]; a string naming the problem for anything libbpf would reject. */
export function parseAccessString(access: string): number[] | string {
  if (!/^\d+(:\d+)*$/.test(access)) return `access string '${access}' is not a ':'-separated list of non-negative numbers`;
  const raw = access.split(':').map(Number);
  if (raw.length > CORE_SPEC_MAX_LEN) return `access string '${access}' has ${raw.length} steps; libbpf allows at most ${CORE_SPEC_MAX_LEN}`;
  if (raw.some((n) => n > 0x7fffffff)) return `access string '${access}' has an index past 2^31`;
  return raw;
}

function kindOf(t: BtfType | undefined): string {
  return t ? t.kind : 'missing type';
}

/** Follows the field access path `raw` from `rootId` (libbpf's rules, flexible arrays included). */
function fieldSpec(btf: Btf, spec: CoreSpec): string | undefined {
  const { raw } = spec;
  let t = btf.resolveModifiers(spec.rootTypeId);
  if (!t) return `root type [${spec.rootTypeId}] cannot be resolved`;
  const rootSize = btf.sizeOf(t.id);
  if (rootSize === undefined) return `root type [${spec.rootTypeId}] has no size`;
  spec.accessors.push({ typeId: t.id, idx: raw[0] });
  spec.bitOffset = raw[0] * rootSize * 8;
  let id = t.id;
  for (let i = 1; i < raw.length; i++) {
    t = btf.resolveModifiers(id);
    if (!t) return `type [${id}] at step ${i} cannot be resolved`;
    const idx = raw[i];
    if (t.kind === 'STRUCT' || t.kind === 'UNION') {
      const m = t.members[idx];
      if (!m) return `step ${i} asks for member ${idx} of [${t.id}] ${t.kind.toLowerCase()} ${t.name || '<anon>'}, which has ${t.members.length}`;
      spec.bitOffset += m.bitOffset;
      if (m.name) spec.accessors.push({ typeId: t.id, idx, name: m.name });
      id = m.type;
    } else if (t.kind === 'ARRAY') {
      const elem = btf.resolveModifiers(t.type);
      if (!elem) return `array [${t.id}] has an element type [${t.type}] that cannot be resolved`;
      const prev = spec.accessors[spec.accessors.length - 1];
      const parent = btf.typeById(prev.typeId);
      const flexible = prev.name !== undefined && t.nelems === 0
        && (parent?.kind === 'STRUCT' || parent?.kind === 'UNION') && prev.idx === parent.members.length - 1;
      if (!flexible && idx >= t.nelems) return `step ${i} asks for element ${idx} of array [${t.id}], which has ${t.nelems}`;
      spec.accessors.push({ typeId: elem.id, idx });
      const size = btf.sizeOf(elem.id);
      if (size === undefined) return `array element type [${elem.id}] has no size`;
      spec.bitOffset += idx * size * 8;
      id = elem.id;
    } else {
      return `step ${i} of '${spec.raw.join(':')}' reaches [${t.id}], a ${t.kind}, which has no members or elements`;
    }
  }
  return undefined;
}

/** The local spec of a relocation, or why libbpf would refuse it. */
export function coreSpec(btf: Btf, relo: CoreReloInput): CoreSpecResult {
  const info = CORE_RELO_KINDS[relo.kind];
  if (!info) return { ok: false, error: `relocation kind ${relo.kind} is unknown (known: 0..${CORE_RELO_KINDS.length - 1})` };
  if (!btf.typeById(relo.typeId) || relo.typeId === 0) return { ok: false, error: `root type [${relo.typeId}] does not exist` };
  const raw = parseAccessString(relo.accessString);
  if (typeof raw === 'string') return { ok: false, error: raw };
  const spec: CoreSpec = { rootTypeId: relo.typeId, kind: relo.kind, basis: info.basis, raw, accessors: [], bitOffset: 0 };
  if (info.basis === 'type') {
    return relo.accessString === '0' ? { ok: true, spec } : { ok: false, error: `a ${info.name} relocation needs access string '0', not '${relo.accessString}'` };
  }
  if (info.basis === 'enumval') {
    const t = btf.resolveModifiers(relo.typeId);
    if (t?.kind !== 'ENUM' && t?.kind !== 'ENUM64') return { ok: false, error: `a ${info.name} relocation needs an enum, but [${relo.typeId}] resolves to ${kindOf(t)}` };
    if (raw.length > 1 || raw[0] >= t.values.length) return { ok: false, error: `access '${relo.accessString}' is not an enumerator index of [${t.id}] (it has ${t.values.length})` };
    spec.accessors.push({ typeId: t.id, idx: raw[0], name: t.values[raw[0]].name });
    return { ok: true, spec };
  }
  const error = fieldSpec(btf, spec);
  return error ? { ok: false, error } : { ok: true, spec };
}

/** Why a relocation's local side is unusable, or undefined when libbpf could parse it. */
export function checkCoreRelo(btf: Btf, relo: CoreReloInput): string | undefined {
  const r = coreSpec(btf, relo);
  return r.ok ? undefined : r.error;
}

/** libbpf's bpf_core_format_spec text for a parsed spec. */
export function formatCoreSpec(btf: Btf, spec: CoreSpec): string {
  const root = btf.typeById(spec.rootTypeId);
  const kindName = CORE_RELO_KINDS[spec.kind]?.name ?? 'unknown';
  let text = `<${kindName}> [${spec.rootTypeId}] ${root ? LIBBPF_KIND_NAMES[root.kind] : 'unknown'} ${root?.name || '<anon>'}`;
  if (spec.basis === 'type') return text;
  if (spec.basis === 'enumval') {
    const t = btf.resolveModifiers(spec.rootTypeId);
    const value = t?.kind === 'ENUM' || t?.kind === 'ENUM64' ? t.values[spec.raw[0]] : undefined;
    return value ? `${text}::${value.name} = ${value.value}` : text;
  }
  spec.accessors.forEach((acc, i) => {
    if (acc.name !== undefined) text += `.${acc.name}`;
    else if (i > 0 || acc.idx > 0) text += `[${acc.idx}]`;
  });
  const bytes = Math.floor(spec.bitOffset / 8);
  const bits = spec.bitOffset % 8;
  return `${text} (${spec.raw.join(':')} @ offset ${bits ? `${bytes}.${bits}` : bytes})`;
}

/**
 * libbpf's description of a relocation's local side, as its debug log prints
 * it (`<byte_off> [7] struct task_struct.pid (0:23 @ offset 2456)`); for a
 * record libbpf cannot parse, the kind, root and access string and why.
 */
export function describeCoreRelo(btf: Btf, relo: CoreReloInput): string {
  const r = coreSpec(btf, relo);
  if (r.ok) return formatCoreSpec(btf, r.spec);
  const kindName = CORE_RELO_KINDS[relo.kind]?.name ?? `kind ${relo.kind}`;
  return `<${kindName}> [${relo.typeId}] '${relo.accessString}': ${r.error}`;
}
