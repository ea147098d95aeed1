// libbpf's CO-RE matching rules between a local spec and one candidate
// target type (bpf_core_spec_match): named fields are found by name through
// anonymous members (bpf_core_match_member), array steps stay within bounds
// (flexible arrays excepted), field types must be compatible
// (bpf_core_fields_are_compat); type-based relocations use
// bpf_core_types_are_compat, or types_match for TYPE_MATCHES; enumerators
// match by essential name. Answers are libbpf's: 1, 0 or a negative errno.
// Pure; no I/O.

import type { Btf, BtfArray, BtfType } from './btf';
import { CORE_SPEC_MAX_LEN, type CoreAccessor, type CoreSpec } from './btfCoreSpec';
import { CORE_RELO_KINDS } from './btfCoreKinds';
import { essentialNameLength, kindsCoreCompatible, libbpfKindName } from './coreCandidates';
import { ERRNO, type CoreLog, type Tri } from './coreLog';
import { typesMatch } from './coreTypesMatch';

/** The two BTFs a match compares, and where its warnings go. */
export interface MatchContext {
  local: Btf;
  target: Btf;
  log: CoreLog;
}

const EINVAL = -ERRNO.EINVAL;
const E2BIG = -ERRNO.E2BIG;

function isComposite(t: BtfType): t is Extract<BtfType, { kind: 'STRUCT' | 'UNION' }> {
  return t.kind === 'STRUCT' || t.kind === 'UNION';
}

/** Two names equal once flavour suffixes are dropped, or one of them anonymous (fields' enums and fwds). */
function essentialNamesCompatible(a: string, b: string): boolean {
  const la = essentialNameLength(a);
  const lb = essentialNameLength(b);
  return la === 0 || lb === 0 || (la === lb && a.slice(0, la) === b.slice(0, lb));
}

/** libbpf's bpf_core_fields_are_compat: can a field of local type `localId` be read as target type `targId`? */
export function fieldsAreCompat(ctx: MatchContext, localId: number, targId: number): Tri {
  for (let depth = 0; depth < 32; depth++) {
    if (!ctx.log.step()) return E2BIG;
    const lt = ctx.local.resolveModifiers(localId);
    const tt = ctx.target.resolveModifiers(targId);
    if (!lt || !tt) return EINVAL;
    if (isComposite(lt) && isComposite(tt)) return 1;
    if (!kindsCoreCompatible(lt, tt)) return 0;
    switch (lt.kind) {
      case 'PTR': case 'FLOAT':
        return 1;
      case 'FWD': case 'ENUM': case 'ENUM64':
        return essentialNamesCompatible(lt.name, tt.name) ? 1 : 0;
      case 'INT':
        return lt.bitsOffset === 0 && tt.kind === 'INT' && tt.bitsOffset === 0 ? 1 : 0;
      case 'ARRAY':
        localId = lt.type;
        targId = (tt as BtfArray).type;
        break;
      default:
        return 0;
    }
  }
  return EINVAL;
}

/** The id `id` resolves to once modifiers and typedefs are skipped (-1 when it cannot be resolved). */
function skipModsId(btf: Btf, id: number): number {
  return btf.resolveModifiers(id)?.id ?? -1;
}

/**
 * libbpf's bpf_core_types_are_compat, for type-based relocations: the same
 * kinds all the way down (modifiers and typedefs skipped), integers without
 * bit offsets, pointers and arrays by what they hold, function prototypes
 * by arity, parameters and return type. `level` bounds the recursion.
 */
export function typesAreCompat(ctx: MatchContext, localId: number, targId: number, level = 32): Tri {
  const l0 = ctx.local.typeById(localId);
  const t0 = ctx.target.typeById(targId);
  if (!l0 || !t0) return EINVAL;
  if (!kindsCoreCompatible(l0, t0)) return 0;
  for (let depth = 32; ; ) {
    if (--depth < 0 || !ctx.log.step()) return EINVAL;
    const lt = ctx.local.resolveModifiers(localId);
    const tt = ctx.target.resolveModifiers(targId);
    if (!lt || !tt) return EINVAL;
    if (!kindsCoreCompatible(lt, tt)) return 0;
    switch (lt.kind) {
      case 'VOID': case 'STRUCT': case 'UNION': case 'ENUM': case 'FWD': case 'ENUM64':
        return 1;
      case 'INT':
        return lt.bitsOffset === 0 && tt.kind === 'INT' && tt.bitsOffset === 0 ? 1 : 0;
      case 'PTR': case 'ARRAY':
        localId = lt.type;
        targId = (tt as { type: number }).type;
        break;
      case 'FUNC_PROTO': {
        if (tt.kind !== 'FUNC_PROTO' || lt.params.length !== tt.params.length) return 0;
        for (let i = 0; i < lt.params.length; i++) {
          if (level <= 0) return EINVAL;
          const r = typesAreCompat(ctx, skipModsId(ctx.local, lt.params[i].type), skipModsId(ctx.target, tt.params[i].type), level - 1);
          if (r <= 0) return r;
        }
        localId = lt.returnType;
        targId = tt.returnType;
        break;
      }
      default:
        ctx.log.warn(`unexpected kind ${libbpfKindName(lt)} relocated, local [${lt.id}], target [${tt.id}]`);
        return 0;
    }
  }
}

/** libbpf's is_flex_arr: a zero-length array that is the last member of the struct the accessor `acc` named. */
export function isFlexArray(btf: Btf, acc: CoreAccessor | undefined, arr: BtfArray): boolean {
  if (!acc || acc.name === undefined || arr.nelems > 0) return false;
  const t = btf.typeById(acc.typeId);
  return t !== undefined && isComposite(t) && acc.idx === t.members.length - 1;
}

/**
 * libbpf's bpf_core_match_member: finds the local named member `localAcc`
 * among the members of target type `targId`, descending into anonymous
 * members, extending `spec` (raw steps, bit offset, the named accessor).
 */
function matchMember(ctx: MatchContext, localAcc: CoreAccessor, targId: number, spec: CoreSpec): { result: Tri; next: number } {
  const tt = ctx.target.resolveModifiers(targId);
  if (!tt || !ctx.log.step()) return { result: tt ? E2BIG : EINVAL, next: 0 };
  if (!isComposite(tt)) return { result: 0, next: 0 };
  const lt = ctx.local.typeById(localAcc.typeId);
  const lm = lt && isComposite(lt) ? lt.members[localAcc.idx] : undefined;
  if (!lm) return { result: EINVAL, next: 0 };
  for (let i = 0; i < tt.members.length; i++) {
    const m = tt.members[i];
    if (spec.raw.length === CORE_SPEC_MAX_LEN) return { result: E2BIG, next: 0 };
    spec.bitOffset += m.bitOffset;
    spec.raw.push(i);
    if (!m.name) {
      const found = matchMember(ctx, localAcc, m.type, spec);
      if (found.result !== 0) return found;
    } else if (m.name === lm.name) {
      spec.accessors.push({ typeId: tt.id, idx: i, name: m.name });
      const result = fieldsAreCompat(ctx, lm.type, m.type);
      if (result === 0) spec.accessors.pop();
      return { result, next: m.type };
    }
    spec.bitOffset -= m.bitOffset;
    spec.raw.pop();
  }
  return { result: 0, next: 0 };
}

/** One unnamed (array or root) step of a field match. */
function matchIndexStep(ctx: MatchContext, acc: CoreAccessor, step: number, t: BtfType, spec: CoreSpec): { result: Tri; next: number } {
  let id = t.id;
  if (step > 0) {
    if (t.kind !== 'ARRAY') return { result: 0, next: 0 };
    const flex = isFlexArray(ctx.target, spec.accessors[spec.accessors.length - 1], t);
    if (!flex && acc.idx >= t.nelems) return { result: 0, next: 0 };
    const elem = ctx.target.resolveModifiers(t.type);
    if (!elem) return { result: EINVAL, next: 0 };
    id = elem.id;
  }
  if (spec.raw.length === CORE_SPEC_MAX_LEN) return { result: E2BIG, next: 0 };
  spec.accessors.push({ typeId: id, idx: acc.idx });
  spec.raw.push(acc.idx);
  const size = ctx.target.sizeOf(id);
  if (size === undefined) return { result: EINVAL, next: 0 };
  spec.bitOffset += acc.idx * size * 8;
  return { result: 1, next: id };
}

function matchField(ctx: MatchContext, local: CoreSpec, spec: CoreSpec): Tri {
  let targId = spec.rootTypeId;
  for (let i = 0; i < local.accessors.length; i++) {
    const t = ctx.target.resolveModifiers(targId);
    if (!t) return EINVAL;
    const acc = local.accessors[i];
    const step = acc.name !== undefined ? matchMember(ctx, acc, t.id, spec) : matchIndexStep(ctx, acc, i, t, spec);
    if (step.result <= 0) return step.result;
    targId = step.next;
  }
  return 1;
}

function matchEnumerator(ctx: MatchContext, local: CoreSpec, spec: CoreSpec): Tri {
  const t = ctx.target.resolveModifiers(spec.rootTypeId);
  if (!t || (t.kind !== 'ENUM' && t.kind !== 'ENUM64')) return 0;
  const name = local.accessors[0]?.name ?? '';
  const len = essentialNameLength(name);
  const idx = t.values.findIndex((v) => essentialNameLength(v.name) === len && v.name.slice(0, len) === name.slice(0, len));
  if (idx < 0) return 0;
  spec.accessors.push({ typeId: t.id, idx, name: t.values[idx].name });
  spec.raw.push(idx);
  return 1;
}

/**
 * libbpf's bpf_core_spec_match: does candidate `targId` of the target BTF
 * match the local spec? The returned spec is the target's (complete when
 * the answer is 1, as far as matching got otherwise).
 */
export function matchSpec(ctx: MatchContext, local: CoreSpec, targId: number): { result: Tri; spec: CoreSpec } {
  const spec: CoreSpec = { rootTypeId: targId, kind: local.kind, basis: local.basis, raw: [], accessors: [], bitOffset: 0 };
  if (local.basis === 'type') {
    const result = CORE_RELO_KINDS[local.kind]?.name === 'type_matches'
      ? typesMatch(ctx, local.rootTypeId, targId)
      : typesAreCompat(ctx, local.rootTypeId, targId);
    return { result, spec };
  }
  if (local.basis === 'enumval') return { result: matchEnumerator(ctx, local, spec), spec };
  return { result: matchField(ctx, local, spec), spec };
}

