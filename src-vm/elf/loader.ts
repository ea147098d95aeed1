// loadObject: an ELF object as libbpf sees it after bpf_object__open and the
// relocation step of bpf_object__load — entry programs with their program
// types and linked, relocated instructions; maps (BTF-defined, legacy, global
// data, .kconfig); externs; license and version. Every problem is a
// diagnostic naming the section and offset; hostile input never throws, and
// the work stays linear in the object's size (linking is capped, see
// LINK_SLOTS_PER_CODE_SLOT). Pure.

import type { Diagnostic, WithDiagnostics } from '../diagnostics';
import { parseBtf, type Btf } from './btf';
import { parseBtfExt, type BtfExt } from './btfExt';
import { fixupDatasecs } from './btfFixup';
import { indexExt } from './extInfo';
import { btfDefinedMaps, DEFAULT_PAGE_SIZE } from './btfMaps';
import { readElf, sectionBytes, type ElfFile } from './elf';
import { ElfReport } from './elfReport';
import { SHT } from './elfConstants';
import { exceptionCallbackFor, exceptionCallbackTags } from './exceptionCallbacks';
import { collectExterns } from './externs';
import { globalDataMaps, internalMap, ZERO_FILL_LIMIT, type DatasecLookup } from './globalData';
import { legacyMaps } from './legacyMaps';
import type { ExternDef, LoadedObject, MapDef } from './loadedObject';
import { collectMapSlots } from './mapSlots';
import { classifySections, type ObjectSections } from './objectSections';
import { buildProgram, type ProgramInputs } from './programs';
import { collectUnits, type ProgramUnit } from './programUnits';
import { collectCodeRelocs, markPseudoFuncs } from './relocations';
import { relocateCore, type CoreFunction } from './coreRelocate';

export interface LoadOptions {
  /**
   * libbpf's object name, which prefixes internal map names (`xdp_prog.rodata`);
   * use `objectNameFromPath(file)`. Without it internal maps take their section names.
   */
  name?: string;
  /** Page size ring buffers are rounded to (libbpf uses the host's); default 4096. */
  pageSize?: number;
  /**
   * CO-RE target: the kernel's BTF (/sys/kernel/btf/vmlinux) or one the user
   * names. When given, CO-RE relocations are applied as libbpf applies them
   * (coreRelocate.ts); without it they stay pending in `coreRelos`.
   */
  targetBtf?: Btf;
  /** How the CO-RE log names the target; default `vmlinux`. */
  targetName?: string;
}

/**
 * Linked slots the loader produces across all programs, per slot of code in
 * the object, plus one kernel-size program: each program gets its own copy
 * of the subprograms it reaches, so a hostile object with many programs
 * calling one big function could otherwise ask for quadratic output.
 */
const LINK_SLOTS_PER_CODE_SLOT = 32;
const LINK_SLOTS_FLOOR = 1 << 20;

interface Context {
  elf: ElfFile;
  sections: ObjectSections;
  name: string;
  btf: Btf | undefined;
  report: ElfReport;
  pageSize: number;
}

function datasecLookup(btf: Btf): DatasecLookup {
  return {
    typeIdByName: (name) => btf.findAllByName(name)[0]?.id ?? 0,
    hasNonStaticVar: (id) => {
      const sec = btf.typeOfKind(id, 'DATASEC');
      return sec?.vars.some((v) => { const t = btf.typeById(v.type); return t?.kind === 'VAR' && t.linkage !== 0; }) ?? false;
    },
  };
}

/**
 * The object's BTF, when it has a .BTF section, with libbpf's DATASEC fix-ups
 * applied; its problems become diagnostics.
 */
function readBtf(elf: ElfFile, sections: ObjectSections, diagnostics: Diagnostic[], report: ElfReport): Btf | undefined {
  if (!sections.btf) return undefined;
  const parsed = parseBtf(sectionBytes(elf, sections.btf));
  for (const d of parsed.diagnostics) diagnostics.push({ ...d, message: `.BTF: ${d.message}` });
  fixupDatasecs(parsed.value, elf, report);
  return parsed.value;
}

/** The object's .BTF.ext, read against its BTF (without BTF it cannot be read). */
function readBtfExt(elf: ElfFile, sections: ObjectSections, btf: Btf | undefined, diagnostics: Diagnostic[]): BtfExt | undefined {
  if (!sections.btfExt) return undefined;
  if (!btf) {
    diagnostics.push({ severity: 'warning', code: 'loader/btf-ext-without-btf', message: 'the object has .BTF.ext but no .BTF: its line and CO-RE records cannot be read' });
    return undefined;
  }
  const parsed = parseBtfExt(sectionBytes(elf, sections.btfExt), btf);
  diagnostics.push(...parsed.diagnostics);
  return parsed.value;
}

/** Maps in libbpf's order: legacy, BTF-defined, global data, then .kconfig. */
function collectMaps(ctx: Context, kconfigSize: number): { maps: MapDef[]; datasecId: number } {
  const { elf, sections, name, btf, report } = ctx;
  const maps: MapDef[] = [];
  let datasecId = 0;
  if (sections.legacyMaps) maps.push(...legacyMaps(elf, sections.legacyMaps, report));
  if (sections.btfMaps) {
    const sec = sections.btfMaps;
    const size = sec.type === SHT.NOBITS ? sec.size : sectionBytes(elf, sec).length;
    const found = btfDefinedMaps(btf, sec, size, report, ctx.pageSize);
    maps.push(...found.maps);
    datasecId = found.datasecId;
  }
  const lookup = btf && datasecLookup(btf);
  maps.push(...globalDataMaps(elf, sections, name, lookup, report));
  if (kconfigSize > 0) {
    const symtab = elf.sections.find((s) => s.type === SHT.SYMTAB)?.index ?? 0;
    const kconfig = internalMap(name, '.kconfig', 'kconfig', symtab, kconfigSize, lookup);
    if (kconfigSize <= ZERO_FILL_LIMIT) kconfig.initialValue = new Uint8Array(kconfigSize);
    maps.push(kconfig);
  }
  return { maps, datasecId };
}

function subprogramsByName(units: readonly ProgramUnit[]): Map<string, ProgramUnit[]> {
  const byName = new Map<string, ProgramUnit[]>();
  for (const u of units) {
    if (!u.isSubprogram) continue;
    const list = byName.get(u.name);
    if (list) list.push(u);
    else byName.set(u.name, [u]);
  }
  return byName;
}

function buildPrograms(ctx: Context, units: ProgramUnit[], maps: MapDef[], externs: ExternDef[], ext: BtfExt | undefined): LoadedObject['programs'] {
  const inputs: ProgramInputs = {
    units, textIndex: ctx.sections.textIndex, sections: ctx.elf.sections, maps, externs, report: ctx.report, suggested: new Map(),
  };
  if (ext) inputs.ext = indexExt(ext, ctx.report);
  const tags = exceptionCallbackTags(ctx.btf, ctx.report);
  const subs = tags.size > 0 ? subprogramsByName(units) : new Map<string, ProgramUnit[]>();
  let budget = LINK_SLOTS_FLOOR + LINK_SLOTS_PER_CODE_SLOT * units.reduce((n, u) => n + u.insnCount, 0);
  const programs: LoadedObject['programs'] = [];
  for (const unit of units) {
    if (unit.isSubprogram) continue;
    const cb = tags.size > 0 ? exceptionCallbackFor(unit, tags, subs, ctx.report) : undefined;
    const program = buildProgram(unit, inputs, budget, cb ? [cb] : []);
    budget = Math.max(0, budget - program.insns.length);
    programs.push(program);
  }
  if (programs.length === 0 && units.length > 0) {
    ctx.report.warning('loader/no-programs', 'the object has only .text functions: libbpf treats them as subprograms and loads no program');
  }
  return programs;
}

/** Loads an ELF object the way libbpf does; the value is as complete as the damage allows. */
export function loadObject(bytes: Uint8Array, opts: LoadOptions = {}): WithDiagnostics<LoadedObject> {
  const read = readElf(bytes);
  const elf = read.value;
  const diagnostics = [...read.diagnostics];
  const name = opts.name ?? '';
  const object: LoadedObject = { name, programs: [], maps: [], externs: [], littleEndian: elf.header?.littleEndian ?? true };
  if (!elf.header) return { value: object, diagnostics };
  const report = new ElfReport();
  if (!object.littleEndian) {
    report.warning('loader/big-endian',
      'the object is big-endian: libbpf on a little-endian host refuses it (endianness mismatch); it is described here in its own byte order');
  }
  const sections = classifySections(elf, report);
  if (sections.license !== undefined) object.license = sections.license;
  if (sections.kernelVersion !== undefined) object.kernelVersion = sections.kernelVersion;
  const btf = readBtf(elf, sections, diagnostics, report);
  const ctx: Context = { elf, sections, name, btf, report, pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE };
  const units = collectUnits(elf, sections.code, sections.textIndex, report);
  const { externs, kconfigSize } = collectExterns(elf, btf, report);
  const { maps, datasecId } = collectMaps(ctx, kconfigSize);
  object.maps = maps;
  object.externs = externs;
  collectMapSlots({ elf, sections, btf, datasecId, maps, units, report });
  collectCodeRelocs({ elf, sections, units, maps, externs, report });
  markPseudoFuncs(units);
  const ext = readBtfExt(elf, sections, btf, diagnostics);
  object.programs = buildPrograms(ctx, units, maps, externs, ext);
  if (btf) object.btf = btf;
  if (ext) object.btfExt = ext;
  diagnostics.push(...report.finish());
  // --- CO-RE (coreRelocate.ts): applied only against a target BTF; otherwise left pending ---
  if (!opts.targetBtf) return { value: object, diagnostics };
  const core = relocateCore(object, opts.targetBtf, { targetName: opts.targetName, functions: coreFunctions(units) });
  return { value: core.value, diagnostics: [...diagnostics, ...core.diagnostics] };
}

/** Every function of the object with its own code, as libbpf's CO-RE step patches it (before linking). */
function coreFunctions(units: readonly ProgramUnit[]): CoreFunction[] {
  return units.map((u) => ({
    name: u.name, section: u.sectionName, insnOffset: u.insnOffset, insns: u.insns, autoload: u.isSubprogram || !u.sectionName.startsWith('?'),
  }));
}
