// BTF.ext records moved to a linked program's final slots, as libbpf's
// adjust_prog_btf_ext_info does for func_info and line_info (the records of
// each placed function, in placement order, with offsets rebased), and the
// CO-RE relocation records of every placed function, left pending for a CO-RE
// pass to apply on the final instructions. Pure.

import type { BtfCoreRelo, BtfExt, BtfExtSection, BtfFuncInfo, BtfLineInfo } from './btfExt';
import { ElfReport } from './elfReport';
import type { PendingCoreRelo, SlotFuncInfo } from './loadedObject';
import type { LineRecord } from './lineTable';
import type { Placed } from './subprograms';

interface Indexed<T> {
  /** Records sorted by instruction index (stable). */
  records: T[];
  /** Their instruction indexes, for binary search. */
  at: Int32Array;
}

/** BTF.ext records indexed by code section name, each list sorted by instruction. */
export interface ExtIndex {
  funcInfo: Map<string, Indexed<BtfFuncInfo>>;
  lineInfo: Map<string, Indexed<BtfLineInfo>>;
  coreRelos: Map<string, Indexed<BtfCoreRelo>>;
}

function index<T extends { insnIdx: number }>(list: readonly BtfExtSection<T>[], what: string, report: ElfReport): Map<string, Indexed<T>> {
  const out = new Map<string, Indexed<T>>();
  for (const s of list) {
    if (out.has(s.section)) continue; // libbpf maps each section name once
    const sorted = s.records.every((r, i) => i === 0 || s.records[i - 1].insnIdx <= r.insnIdx);
    if (!sorted) report.warning('loader/unsorted-ext-info', `.BTF.ext ${what} records of section '${s.section}' are not in instruction order; they are sorted`);
    const records = sorted ? s.records : [...s.records].sort((a, b) => a.insnIdx - b.insnIdx);
    out.set(s.section, { records, at: Int32Array.from(records, (r) => r.insnIdx) });
  }
  return out;
}

export function indexExt(ext: BtfExt, report: ElfReport): ExtIndex {
  return {
    funcInfo: index(ext.funcInfo, 'func_info', report),
    lineInfo: index(ext.lineInfo, 'line_info', report),
    coreRelos: index(ext.coreRelos, 'core_relo', report),
  };
}

function lowerBound(at: Int32Array, value: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The records of one placed function, with their final slots. */
function placedRecords<T>(idx: Map<string, Indexed<T>>, p: Placed): { record: T; slot: number }[] {
  const list = idx.get(p.unit.sectionName);
  if (!list) return [];
  const from = lowerBound(list.at, p.unit.insnOffset);
  const to = lowerBound(list.at, p.unit.insnOffset + p.unit.insnCount);
  const shift = p.start - p.unit.insnOffset;
  const out: { record: T; slot: number }[] = [];
  for (let i = from; i < to; i++) out.push({ record: list.records[i], slot: list.at[i] + shift });
  return out;
}

/**
 * libbpf's rule for func_info and line_info: the entry program's records
 * first; if it has none, the program gets none of that kind (a warning); if a
 * subprogram has none while the entry program had some, libbpf fails (an error).
 */
function infoFor<T>(idx: Map<string, Indexed<T>>, placed: readonly Placed[], what: string, report: ElfReport): { record: T; slot: number }[] {
  const main = placed[0];
  const out = placedRecords(idx, main);
  if (out.length === 0) {
    if (idx.size > 0) report.warning('loader/missing-ext-info', `program '${main.unit.name}': missing .BTF.ext ${what} for the main program, skipping all of .BTF.ext ${what}`);
    return [];
  }
  for (const p of placed.slice(1)) {
    const more = placedRecords(idx, p);
    if (more.length === 0) report.error('loader/missing-ext-info', `program '${main.unit.name}': missing .BTF.ext ${what} for subprogram '${p.unit.name}'; libbpf refuses to load the program`);
    out.push(...more);
  }
  return out;
}

export interface ProgramExtInfo {
  funcInfo: SlotFuncInfo[];
  lineInfo: LineRecord[];
  coreRelos: PendingCoreRelo[];
}

/** func_info, line_info and pending CO-RE relocations of one linked program. */
export function programExtInfo(idx: ExtIndex, placed: readonly Placed[], report: ElfReport): ProgramExtInfo {
  const funcInfo = infoFor(idx.funcInfo, placed, 'func_info', report)
    .map(({ record, slot }) => ({ insnIdx: slot, typeId: record.typeId, name: record.name }));
  const lineInfo = infoFor(idx.lineInfo, placed, 'line_info', report)
    .map(({ record, slot }) => ({ insnIdx: slot, fileName: record.fileName, line: record.line, column: record.column, lineText: record.lineText }));
  const coreRelos = placed.flatMap((p) => placedRecords(idx.coreRelos, p).map(({ record, slot }) => ({
    insnIdx: slot, section: p.unit.sectionName, sectionInsnIdx: record.insnIdx, typeId: record.typeId,
    accessString: record.accessString, kind: record.kind, kindName: record.kindName,
  })));
  return { funcInfo, lineInfo, coreRelos };
}
