// Externs as libbpf collects them (bpf_object__collect_externs): undefined
// global symbols described by a BTF VAR or FUNC in a `.kconfig` or `.ksyms`
// DATASEC. Kconfig values are laid out in the `.kconfig` map (largest
// alignment first); ksyms and kfuncs are recorded for a later resolver.
// Nothing is resolved against a kernel here. Pure.

import type { Btf, BtfType } from './btf';
import { BTF_INT_BOOL } from './btf';
import type { ElfFile } from './elf';
import { STB } from './elfConstants';
import { ElfReport } from './elfReport';
import type { ExternDef, KconfigValueType } from './loadedObject';
import { isExternSymbol } from './relocations';

const VAR_EXTERN = 2;
const FUNC_EXTERN = 2;
/** Alignment and size chains longer than this are not followed (libbpf's own limit is the same order). */
const MAX_DEPTH = 32;

/** libbpf's find_extern_btf_id: the first VAR or FUNC with this name; it must have extern linkage. */
function externType(btf: Btf, name: string): BtfType | string {
  const t = btf.findAllByName(name).find((x) => x.kind === 'VAR' || x.kind === 'FUNC');
  if (!t) return `failed to find BTF for extern '${name}'`;
  if ((t.kind === 'VAR' && t.linkage !== VAR_EXTERN) || (t.kind === 'FUNC' && t.linkage !== FUNC_EXTERN)) {
    return `BTF for extern '${name}' (type ${t.id}) is not an extern ${t.kind === 'VAR' ? 'variable' : 'function'}`;
  }
  return t;
}

/** The DATASEC listing type `id` (libbpf's find_extern_sec_btf_id). */
function datasecOf(btf: Btf, id: number, index: Map<number, string>): string | undefined {
  if (index.size === 0) {
    for (const t of btf.types) if (t.kind === 'DATASEC') for (const v of t.vars) if (!index.has(v.type)) index.set(v.type, t.name);
  }
  return index.get(id);
}

/** libbpf's find_kcfg_type. */
function kconfigType(btf: Btf, id: number, depth = 0): { type: KconfigValueType; signed: boolean } | undefined {
  const t = btf.resolveModifiers(id);
  if (!t || depth > MAX_DEPTH) return undefined;
  switch (t.kind) {
    case 'INT':
      if (t.encoding & BTF_INT_BOOL) return t.size === 1 ? { type: 'bool', signed: false } : undefined;
      if (t.size === 1) return { type: 'char', signed: t.signed };
      return t.size >= 1 && t.size <= 8 && (t.size & (t.size - 1)) === 0 ? { type: 'int', signed: t.signed } : undefined;
    case 'ENUM':
      return t.size === 4 && t.name === 'libbpf_tristate' ? { type: 'tristate', signed: false } : undefined;
    case 'ENUM64':
      return t.name === 'libbpf_tristate' ? { type: 'tristate', signed: false } : undefined;
    case 'ARRAY':
      return t.nelems > 0 && kconfigType(btf, t.type, depth + 1)?.type === 'char' ? { type: 'char_array', signed: false } : undefined;
    default:
      return undefined;
  }
}

/** btf__align_of for the kinds a kconfig value can have. */
function alignOf(btf: Btf, id: number): number | undefined {
  let t = btf.typeById(id);
  for (let depth = 0; t && depth < MAX_DEPTH; depth++) {
    if (t.kind === 'INT' || t.kind === 'ENUM' || t.kind === 'ENUM64' || t.kind === 'FLOAT') return Math.min(8, t.size);
    if (t.kind === 'PTR') return 8;
    if (t.kind === 'ARRAY' || t.kind === 'TYPEDEF' || t.kind === 'CONST' || t.kind === 'VOLATILE'
      || t.kind === 'RESTRICT' || t.kind === 'TYPE_TAG') t = btf.typeById(t.type);
    else return undefined;
  }
  return undefined;
}

function describeKconfig(btf: Btf, ext: ExternDef, t: BtfType): string | undefined {
  if (t.kind !== 'VAR') return `extern function ${ext.name} is unsupported under .kconfig section`;
  const size = btf.sizeOf(t.type);
  if (!size) return `failed to resolve size of extern (kcfg) '${ext.name}'`;
  const align = alignOf(btf, t.type);
  const kind = kconfigType(btf, t.type);
  if (!align || !kind) return `extern (kcfg) '${ext.name}': type is unsupported`;
  ext.kconfig = { offset: 0, size, align, valueType: kind.type, signed: kind.signed };
  return undefined;
}

function describe(btf: Btf, name: string, symbolIndex: number, weak: boolean, secIndex: Map<number, string>): ExternDef | string {
  const t = externType(btf, name);
  if (typeof t === 'string') return t;
  const sec = datasecOf(btf, t.id, secIndex);
  if (sec === undefined) return `failed to find BTF for extern '${name}' [${t.id}] section`;
  const ext: ExternDef = { name, kind: 'ksym', weak, symbolIndex, btfId: t.id, isFunction: t.kind === 'FUNC' };
  if (sec === '.kconfig') {
    ext.kind = 'kconfig';
    return describeKconfig(btf, ext, t) ?? ext;
  }
  if (sec !== '.ksyms') return `unrecognized extern section '${sec}'`;
  if (t.kind === 'VAR') ext.ksymTypeId = btf.resolveModifiers(t.type)?.id ?? 0;
  return ext;
}

/** libbpf's cmp_externs: kconfig before ksym; kconfig by alignment (largest first), then size; then name. */
function compareExterns(a: ExternDef, b: ExternDef): number {
  if (a.kind !== b.kind) return a.kind === 'kconfig' ? -1 : 1;
  if (a.kconfig && b.kconfig) {
    if (a.kconfig.align !== b.kconfig.align) return b.kconfig.align - a.kconfig.align;
    if (a.kconfig.size !== b.kconfig.size) return a.kconfig.size - b.kconfig.size;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Every extern of the object, sorted as libbpf sorts them, with kconfig offsets laid out; returns the .kconfig size. */
export function collectExterns(elf: ElfFile, btf: Btf | undefined, report: ElfReport): { externs: ExternDef[]; kconfigSize: number } {
  const externs: ExternDef[] = [];
  const secIndex = new Map<number, string>();
  elf.symbols.forEach((sym, i) => {
    if (!isExternSymbol(sym) || !sym.name) return;
    if (!btf) return report.error('loader/extern-without-btf', `extern '${sym.name}' (symbol ${i}): the object has no BTF to describe it`);
    const ext = describe(btf, sym.name, i, sym.binding === STB.WEAK, secIndex);
    if (typeof ext === 'string') report.error('loader/bad-extern', ext);
    else externs.push(ext);
  });
  externs.sort(compareExterns);
  let offset = 0;
  for (const e of externs) {
    if (!e.kconfig) continue;
    e.kconfig.offset = Math.ceil(offset / e.kconfig.align) * e.kconfig.align;
    offset = e.kconfig.offset + e.kconfig.size;
  }
  return { externs, kconfigSize: offset };
}
