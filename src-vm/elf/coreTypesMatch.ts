// libbpf's stricter type relation for TYPE_MATCHES relocations
// (bpf_core_types_match): names must agree at every level (flavours
// ignored), kinds must be the same (a struct or union behind a pointer may
// match a forward declaration of it, an enum an enum64), integers agree in
// size and signedness, arrays in length, structs in every local member
// (recursively, shallowly once behind a pointer), enums in size and every
// local enumerator name, function prototypes in arity, parameters and
// return type. Answers are 1, 0 or a negative errno. Pure; no I/O.

import type { BtfComposite, BtfEnum, BtfEnum64, BtfType } from './btf';
import { essentialNameLength, libbpfKindName } from './coreCandidates';
import { ERRNO, type Tri } from './coreLog';
import type { MatchContext } from './coreMatch';

const EINVAL = -ERRNO.EINVAL;

/** libbpf's bpf_core_names_match: both anonymous, or equal once flavour suffixes are dropped. */
export function namesMatch(local: string, target: string): boolean {
  if (!target) return !local;
  const lt = essentialNameLength(target);
  const ll = essentialNameLength(local);
  return lt === ll && local.slice(0, ll) === target.slice(0, lt);
}

/** Same size, and every local enumerator has a namesake in the target (values may differ). */
function enumsMatch(local: BtfEnum | BtfEnum64, target: BtfEnum | BtfEnum64): Tri {
  if (local.size !== target.size || local.values.length > target.values.length) return 0;
  for (const lv of local.values) {
    if (!target.values.some((tv) => namesMatch(lv.name, tv.name))) return 0;
  }
  return 1;
}

/** Every local member has a target member of matching name whose type matches. */
function compositesMatch(ctx: MatchContext, local: BtfComposite, target: BtfComposite, behindPtr: boolean, level: number): Tri {
  if (local.members.length > target.members.length) return 0;
  for (const lm of local.members) {
    let matched = false;
    for (const tm of target.members) {
      if (!namesMatch(lm.name, tm.name)) continue;
      const r = typesMatch(ctx, lm.type, tm.type, behindPtr, level - 1);
      if (r < 0) return r;
      if (r > 0) {
        matched = true;
        break;
      }
    }
    if (!matched) return 0;
  }
  return 1;
}

/** A forward declaration against the target: of the same struct/union flavour (or, behind a pointer, the definition). */
function fwdMatches(local: Extract<BtfType, { kind: 'FWD' }>, target: BtfType, behindPtr: boolean): Tri {
  if (target.kind === 'FWD') return local.union === target.union ? 1 : 0;
  if (!behindPtr) return 0;
  return (target.kind === 'STRUCT' && !local.union) || (target.kind === 'UNION' && local.union) ? 1 : 0;
}

function compositeMatches(ctx: MatchContext, local: BtfComposite, target: BtfType, behindPtr: boolean, level: number): Tri {
  if (behindPtr) {
    if (local.kind === target.kind) return 1;
    if (target.kind !== 'FWD') return 0;
    return (local.kind === 'UNION') === target.union ? 1 : 0;
  }
  if (local.kind !== target.kind) return 0;
  return compositesMatch(ctx, local, target as BtfComposite, behindPtr, level);
}

/**
 * libbpf's __bpf_core_types_match. The root types' names were already
 * matched by the candidate search; below it names are checked at each level.
 */
export function typesMatch(ctx: MatchContext, localId: number, targId: number, behindPtr = false, level = 32): Tri {
  if (level <= 0) return EINVAL;
  for (let depth = 32; ; ) {
    if (--depth < 0 || !ctx.log.step()) return EINVAL;
    const lt = ctx.local.resolveModifiers(localId);
    const tt = ctx.target.resolveModifiers(targId);
    if (!lt || !tt) return EINVAL;
    if (!namesMatch(lt.name, tt.name)) return 0;
    switch (lt.kind) {
      case 'VOID':
        return tt.kind === 'VOID' ? 1 : 0;
      case 'FWD':
        return fwdMatches(lt, tt, behindPtr);
      case 'ENUM': case 'ENUM64':
        return tt.kind === 'ENUM' || tt.kind === 'ENUM64' ? enumsMatch(lt, tt) : 0;
      case 'STRUCT': case 'UNION':
        return compositeMatches(ctx, lt, tt, behindPtr, level);
      case 'INT':
        return tt.kind === 'INT' && lt.size === tt.size && lt.signed === tt.signed ? 1 : 0;
      case 'PTR':
        if (tt.kind !== 'PTR') return 0;
        behindPtr = true;
        localId = lt.type;
        targId = tt.type;
        break;
      case 'ARRAY':
        if (tt.kind !== 'ARRAY' || lt.nelems !== tt.nelems) return 0;
        localId = lt.type;
        targId = tt.type;
        break;
      case 'FUNC_PROTO': {
        if (tt.kind !== 'FUNC_PROTO' || lt.params.length !== tt.params.length) return 0;
        for (let i = 0; i < lt.params.length; i++) {
          const r = typesMatch(ctx, lt.params[i].type, tt.params[i].type, behindPtr, level - 1);
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
