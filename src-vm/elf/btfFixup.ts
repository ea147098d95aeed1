// libbpf's BTF fix-ups at open time (bpf_object_fixup_btf): clang leaves
// every DATASEC's size and its variables' offsets zero, so they are filled
// from the ELF section sizes and symbol values; global variables with hidden
// visibility become static; each DATASEC's variables are sorted by offset
// (which is also the order of the maps in `.maps`). Applied to the loader's
// own parse of the object's BTF, as libbpf applies them to its copy. Pure.

import type { Btf, BtfDatasec } from './btf';
import type { ElfFile, ElfSymbol } from './elf';
import { STB, STT, STV } from './elfConstants';
import { ElfReport } from './elfReport';

const VAR_STATIC = 0;
const VAR_EXTERN = 2;

/** Global or weak OBJECT symbols by name (the first of each name), as libbpf's find_elf_var_sym finds them. */
function variableSymbols(elf: ElfFile): Map<string, ElfSymbol> {
  const byName = new Map<string, ElfSymbol>();
  for (const sym of elf.symbols) {
    if (sym.type !== STT.OBJECT || (sym.binding !== STB.GLOBAL && sym.binding !== STB.WEAK)) continue;
    if (!byName.has(sym.name)) byName.set(sym.name, sym);
  }
  return byName;
}

/** Sizes of sections by name (the first of each name). */
function sectionSizes(elf: ElfFile): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const s of elf.sections) if (s.index !== 0 && !sizes.has(s.name)) sizes.set(s.name, s.size);
  return sizes;
}

function fixOne(btf: Btf, sec: BtfDatasec, symbols: Map<string, ElfSymbol>, sizes: Map<string, number>): string | undefined {
  if (sec.name === '.kconfig' || sec.name === '.ksyms') return undefined;
  let fixOffsets = false;
  if (sec.size === 0) {
    const size = sizes.get(sec.name);
    if (!size) return `DATASEC '${sec.name}' (BTF type ${sec.id}): failed to determine its size from an ELF section of that name`;
    sec.size = size;
    fixOffsets = true;
  }
  for (const vs of sec.vars) {
    const v = btf.typeById(vs.type);
    if (v?.kind !== 'VAR') return `DATASEC '${sec.name}' (BTF type ${sec.id}): unexpected non-VAR type ${vs.type} among its variables`;
    if (v.linkage === VAR_STATIC || v.linkage === VAR_EXTERN) continue;
    const sym = symbols.get(v.name);
    if (!sym) return `DATASEC '${sec.name}': failed to find the ELF symbol of variable '${v.name}'`;
    if (fixOffsets) vs.offset = sym.value;
    if (sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL) v.linkage = VAR_STATIC;
  }
  return undefined;
}

/** Fixes every DATASEC of `btf` in place; a DATASEC libbpf cannot fix makes it refuse the object (an error). */
export function fixupDatasecs(btf: Btf, elf: ElfFile, report: ElfReport): void {
  const symbols = variableSymbols(elf);
  const sizes = sectionSizes(elf);
  for (const t of btf.types) {
    if (t.kind !== 'DATASEC') continue;
    const problem = fixOne(btf, t, symbols, sizes);
    if (problem) report.error('loader/btf-datasec', `${problem}; libbpf refuses the object`);
    t.vars.sort((a, b) => a.offset - b.offset);
  }
}
