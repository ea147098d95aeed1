// Exception callbacks (libbpf 1.3+, bpf_prog_assign_exc_cb): a decl tag
// `exception_callback:<name>` on an entry program's BTF FUNC names a global
// .text function that libbpf appends to that program after its subprograms,
// since nothing calls it. Pure.

import type { Btf } from './btf';
import { ElfReport } from './elfReport';
import type { ProgramUnit } from './programUnits';

const PREFIX = 'exception_callback:';
const FUNC_GLOBAL = 1;

/** Entry program name -> callback names tagged on it, read once from the BTF. */
export function exceptionCallbackTags(btf: Btf | undefined, report: ElfReport): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  if (!btf) return tags;
  for (const t of btf.types) {
    if (t.kind !== 'DECL_TAG' || t.componentIdx !== -1 || !t.name.startsWith(PREFIX)) continue;
    const fn = btf.typeById(t.type);
    if (fn?.kind !== 'FUNC' || fn.linkage !== FUNC_GLOBAL) {
      report.error('loader/bad-exception-callback', `decl tag '${t.name}' (BTF type ${t.id}): exception_callback:<value> decl tag not applied to the main program`);
      continue;
    }
    const list = tags.get(fn.name) ?? [];
    list.push(t.name.slice(PREFIX.length));
    tags.set(fn.name, list);
  }
  return tags;
}

/** The .text function to append to `main` as its exception callback, if one is tagged and valid. */
export function exceptionCallbackFor(main: ProgramUnit, tags: ReadonlyMap<string, string[]>,
  subprogramsByName: ReadonlyMap<string, ProgramUnit[]>, report: ElfReport): ProgramUnit | undefined {
  const names = tags.get(main.name);
  // Several callbacks for one program: libbpf appends none and leaves the verifier to complain.
  if (!names || names.length !== 1) return undefined;
  const name = names[0];
  if (name === '') {
    report.error('loader/bad-exception-callback', `program '${main.name}': exception_callback:<value> decl tag contains empty value`);
    return undefined;
  }
  const found = subprogramsByName.get(name) ?? [];
  if (found.length === 0) {
    report.error('loader/bad-exception-callback', `program '${main.name}': cannot find exception callback '${name}'`);
    return undefined;
  }
  const cb = found[0];
  if (!cb.global || cb.hidden) {
    report.error('loader/bad-exception-callback', `program '${main.name}': exception callback ${name} must be a global non-hidden function`);
    return undefined;
  }
  if (found.length > 1) {
    report.error('loader/bad-exception-callback', `program '${main.name}': multiple subprogs with same name as exception callback '${name}'`);
    return undefined;
  }
  return cb;
}
