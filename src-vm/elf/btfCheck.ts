// Checks on parsed BTF that need every type: references to type ids that do
// not exist, kinds that must (or must not) have names, kind-specific rules the
// kernel enforces (INT widths, FUNC -> FUNC_PROTO, decl tag components,
// members inside their struct), and reference loops. Each rule is linear in
// the number of types and members. Pure; reports into an ElfReport.

import type { ElfReport } from './elfReport';
import { typeWhere } from './btfParse';
import type { Btf } from './btf';
import { findLoops } from './btfLoops';
import { refAt, refCount, refRole } from './btfRefs';
import { BTF_LINKAGE_NAMES, type BtfKind, type BtfType } from './btfTypes';

/** Kinds the kernel requires to be named, and kinds it requires to be anonymous. */
const NAMED_KINDS: ReadonlySet<BtfKind> = new Set(['INT', 'FWD', 'TYPEDEF', 'FUNC', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG']);
const ANONYMOUS_KINDS: ReadonlySet<BtfKind> = new Set(['PTR', 'ARRAY', 'VOLATILE', 'CONST', 'RESTRICT', 'FUNC_PROTO']);
const INT_SIZES: ReadonlySet<number> = new Set([1, 2, 4, 8, 16]);

function where(t: BtfType): string {
  return typeWhere(t.id, t.name, t.offset);
}

function checkRefs(btf: Btf, t: BtfType, report: ElfReport): void {
  const count = btf.types.length;
  for (let i = 0, n = refCount(t); i < n; i++) {
    const id = refAt(t, i);
    if (id >= count) {
      report.error('btf/bad-type-id', `${where(t)} ${t.kind}: its ${refRole(t, i)} is type [${id}], but the BTF has only ${count - 1} types`);
    }
  }
}

function checkName(t: BtfType, report: ElfReport): void {
  if (NAMED_KINDS.has(t.kind) && t.name === '' && t.nameOff === 0) {
    report.error('btf/missing-name', `${where(t)}: a ${t.kind} must have a name`);
  } else if (ANONYMOUS_KINDS.has(t.kind) && t.nameOff !== 0) {
    report.error('btf/unexpected-name', `${where(t)}: a ${t.kind} must not have a name`);
  }
}

function checkInt(t: Extract<BtfType, { kind: 'INT' }>, report: ElfReport): void {
  if (!INT_SIZES.has(t.size)) report.error('btf/bad-int', `${where(t)}: INT size ${t.size} is not 1, 2, 4, 8 or 16`);
  if (t.bits > 128 || t.bitsOffset + t.bits > t.size * 8) {
    report.error('btf/bad-int', `${where(t)}: INT of ${t.bits} bits at bit ${t.bitsOffset} does not fit its ${t.size} bytes`);
  }
  if (t.encoding !== 0 && t.encoding !== 1 && t.encoding !== 2 && t.encoding !== 4) {
    report.error('btf/bad-int', `${where(t)}: INT encoding ${t.encoding} combines or invents flags (allowed: signed 1, char 2, bool 4)`);
  }
}

function checkComposite(btf: Btf, t: Extract<BtfType, { kind: 'STRUCT' | 'UNION' }>, report: ElfReport): void {
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i];
    const bits = m.bitfieldSize || (btf.sizeOf(m.type) ?? 0) * 8;
    if (m.bitOffset + bits > t.size * 8) {
      report.error('btf/member-out-of-range', `${where(t)}: ${refRole(t, i)} ends at bit ${m.bitOffset + bits}, past the ${t.kind}'s ${t.size} bytes`);
    }
  }
}

function checkDeclTag(btf: Btf, t: Extract<BtfType, { kind: 'DECL_TAG' }>, report: ElfReport): void {
  const target = btf.typeById(t.type);
  if (!target) return;
  const allowed = ['STRUCT', 'UNION', 'VAR', 'FUNC', 'TYPEDEF'];
  if (allowed.indexOf(target.kind) < 0) {
    report.error('btf/bad-decl-tag', `${where(t)}: a DECL_TAG may tag a struct, union, variable, function or typedef, not a ${target.kind}`);
    return;
  }
  if (t.componentIdx === -1) return;
  const proto = target.kind === 'FUNC' ? btf.typeOfKind(target.type, 'FUNC_PROTO') : undefined;
  const components = target.kind === 'STRUCT' || target.kind === 'UNION' ? target.members.length : proto ? proto.params.length : 0;
  if (t.componentIdx < -1 || t.componentIdx >= components) {
    report.error('btf/bad-decl-tag', `${where(t)}: component_idx ${t.componentIdx} is not -1 or a member/parameter index of [${target.id}] (which has ${components})`);
  }
}

function checkLinkage(btf: Btf, t: Extract<BtfType, { kind: 'FUNC' | 'VAR' }>, report: ElfReport): void {
  if (t.linkage >= BTF_LINKAGE_NAMES.length) {
    report.error('btf/bad-linkage', `${where(t)}: ${t.kind} linkage ${t.linkage} is not static (0), global (1) or extern (2)`);
  }
  if (t.kind === 'FUNC') {
    const proto = btf.typeById(t.type);
    if (proto && proto.kind !== 'FUNC_PROTO') {
      report.error('btf/bad-func', `${where(t)}: a FUNC must refer to a FUNC_PROTO, but [${proto.id}] is a ${proto.kind}`);
    }
  }
}

/** Runs every check on `btf`, reporting into `report`. */
export function checkBtf(btf: Btf, report: ElfReport): void {
  for (const t of btf.types) {
    if (t.kind === 'VOID') continue;
    checkRefs(btf, t, report);
    checkName(t, report);
    switch (t.kind) {
      case 'INT': checkInt(t, report); break;
      case 'STRUCT': case 'UNION': checkComposite(btf, t, report); break;
      case 'DECL_TAG': checkDeclTag(btf, t, report); break;
      case 'FUNC': case 'VAR': checkLinkage(btf, t, report); break;
      default: break;
    }
  }
  for (const loop of findLoops(btf.types)) {
    const path = loop.map((id) => `[${id}] ${btf.types[id].kind}${btf.types[id].name ? ` '${btf.types[id].name}'` : ''}`).join(' -> ');
    report.error('btf/type-loop', `${where(btf.types[loop[0]])} is part of a reference loop that no pointer-to-struct breaks: ${path} -> [${loop[0]}]`);
  }
}
