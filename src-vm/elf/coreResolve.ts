// One CO-RE relocation resolved as libbpf's bpf_core_resolve_relo and
// bpf_core_calc_relo_insn do it: the local spec parsed, the candidates for
// the root type found once per object (and pruned to those that matched, a
// list later relocations of the same type share), every candidate matched,
// all matches required to agree on offset and value, and the result
// computed — or, with no match, the "not found" result (zero, or poison).
// Log lines and warnings are libbpf's. Pure; no I/O.

import type { Btf, BtfType } from './btf';
import { CORE_RELO_KINDS } from './btfCoreKinds';
import { CORE_SPEC_MAX_LEN, coreSpec, formatCoreSpec, type CoreSpec } from './btfCoreSpec';
import { calcRelo, type CalcContext, type CoreReloRes } from './coreCalc';
import { findCandidates, libbpfKindName } from './coreCandidates';
import { ERRNO, type CoreLog } from './coreLog';
import { matchSpec, type MatchContext } from './coreMatch';

/** What stays the same for every relocation of one object. */
export interface ResolveSession {
  localBtf: Btf;
  target: Btf;
  /** How the log names the target (`vmlinux`). */
  targetName: string;
  log: CoreLog;
  /** Candidates per local root type id, pruned as relocations match (libbpf's cand_cache). */
  candidates: Map<number, BtfType[]>;
}

/** A relocation record and who it belongs to, as libbpf's messages name them. */
export interface ReloToResolve {
  progName: string;
  /** libbpf's relo #N: the record's index in its section. */
  reloIdx: number;
  typeId: number;
  accessString: string;
  kind: number;
  sectionInsnIdx: number;
}

export interface Resolution {
  res: CoreReloRes;
  local: CoreSpec;
  /** The spec of the (first) matching candidate; undefined when none matched. */
  target?: CoreSpec;
}

const TYPE_ID_LOCAL = 6;

/** libbpf's bpf_core_format_spec for a target spec (an unmatched enumerator spec shows enumerator 0, as libbpf's zeroed one does). */
export function formatTargetSpec(btf: Btf, spec: CoreSpec): string {
  return formatCoreSpec(btf, spec.basis === 'enumval' && spec.raw.length === 0 ? { ...spec, raw: [0] } : spec);
}

function typeLabel(t: BtfType): string {
  return `${libbpfKindName(t)} ${t.name || '<anon>'}`;
}

/** The candidate list for `local`, searched (and logged) on first use. */
function candidatesFor(s: ResolveSession, relo: ReloToResolve, local: BtfType): BtfType[] | number {
  const cached = s.candidates.get(local.id);
  if (cached) return cached;
  if (!local.name) {
    s.log.warn(`prog '${relo.progName}': relo #${relo.reloIdx}: target candidate search failed for [${local.id}] ${libbpfKindName(local)} : ${-ERRNO.EINVAL}`);
    return -ERRNO.EINVAL;
  }
  const found = findCandidates(local, s.target);
  for (const c of found) {
    s.log.debug(`CO-RE relocating [${local.id}] ${libbpfKindName(local)} ${local.name}: found target candidate [${c.id}] ${libbpfKindName(c)} ${c.name} in [${s.targetName}]`);
  }
  s.candidates.set(local.id, found);
  return found;
}

function parseLocal(s: ResolveSession, relo: ReloToResolve, local: BtfType): CoreSpec | number {
  const parsed = coreSpec(s.localBtf, relo);
  if (parsed.ok) return parsed.spec;
  const err = relo.accessString.split(':').length > CORE_SPEC_MAX_LEN && CORE_RELO_KINDS[relo.kind]?.basis !== 'type' ? -ERRNO.E2BIG : -ERRNO.EINVAL;
  s.log.warn(`prog '${relo.progName}': relo #${relo.reloIdx}: parsing [${relo.typeId}] ${typeLabel(local)} + ${relo.accessString} failed: ${err}`);
  return -ERRNO.EINVAL;
}

/** Matches every candidate, keeps those that match (pruning the shared list), and checks they agree. */
function matchCandidates(s: ResolveSession, relo: ReloToResolve, local: CoreSpec, cands: BtfType[]): Resolution | number {
  const ctx: MatchContext = { local: s.localBtf, target: s.target, log: s.log };
  const calc: CalcContext = { progName: relo.progName, reloIdx: relo.reloIdx, kind: relo.kind, sectionInsnIdx: relo.sectionInsnIdx, log: s.log };
  const where = `prog '${relo.progName}': relo #${relo.reloIdx}:`;
  let chosen: Resolution | undefined;
  let kept = 0;
  for (let i = 0; i < cands.length; i++) {
    s.log.resetSteps();
    const { result, spec } = matchSpec(ctx, local, cands[i].id);
    if (result < 0) {
      s.log.warn(`${where} error matching candidate #${i} ${formatTargetSpec(s.target, spec)}: ${result}`);
      return result;
    }
    s.log.debug(`${where} ${result === 0 ? 'non-matching' : 'matching'} candidate #${i} ${formatTargetSpec(s.target, spec)}`);
    if (result === 0) continue;
    const res = calcRelo(calc, { localBtf: s.localBtf, local, targetBtf: s.target, target: spec });
    if (typeof res === 'number') return res;
    if (!chosen) {
      chosen = { res, local, target: spec };
    } else if (spec.bitOffset !== chosen.target!.bitOffset) {
      s.log.warn(`${where} field offset ambiguity: ${spec.bitOffset} != ${chosen.target!.bitOffset}`);
      return -ERRNO.EINVAL;
    } else if (res.poison !== chosen.res.poison || res.newVal !== chosen.res.newVal) {
      const word = (r: CoreReloRes) => (r.poison ? 'failure' : 'success');
      s.log.warn(`${where} relocation decision ambiguity: ${word(res)} ${res.newVal} != ${word(chosen.res)} ${chosen.res.newVal}`);
      return -ERRNO.EINVAL;
    }
    cands[kept++] = cands[i];
  }
  if (kept > 0) cands.length = kept;
  if (chosen) return chosen;
  s.log.debug(`${where} no matching targets found`);
  const res = calcRelo(calc, { localBtf: s.localBtf, local, targetBtf: s.target, target: undefined });
  return typeof res === 'number' ? res : { res, local };
}

/**
 * Resolves one relocation against the session's target; a negative errno
 * (after libbpf's warning) when libbpf would fail the object's load.
 */
export function resolveRelo(s: ResolveSession, relo: ReloToResolve): Resolution | number {
  const localType = s.localBtf.typeById(relo.typeId);
  if (!localType) return -ERRNO.EINVAL;
  let cands: BtfType[] | undefined;
  if (relo.kind !== TYPE_ID_LOCAL) {
    const found = candidatesFor(s, relo, localType);
    if (typeof found === 'number') return found;
    cands = found;
  }
  const local = parseLocal(s, relo, localType);
  if (typeof local === 'number') return local;
  s.log.debug(`prog '${relo.progName}': relo #${relo.reloIdx}: ${formatCoreSpec(s.localBtf, local)}`);
  if (relo.kind === TYPE_ID_LOCAL) {
    const id = BigInt(local.rootTypeId);
    return {
      local,
      res: { origVal: id, newVal: id, poison: false, validate: false, failMemszAdjust: false, origSize: 0, newSize: 0, origTypeId: 0, newTypeId: 0 },
    };
  }
  if (!localType.name) {
    s.log.warn(`prog '${relo.progName}': relo #${relo.reloIdx}: <${CORE_RELO_KINDS[relo.kind]?.name ?? 'unknown'}> (${relo.kind}) relocation doesn't support anonymous types`);
    return -ERRNO.EOPNOTSUPP;
  }
  return matchCandidates(s, relo, local, cands ?? []);
}
