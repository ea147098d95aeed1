// The CO-RE pass: applies a loaded object's CO-RE relocations against a
// target BTF (the kernel's /sys/kernel/btf/vmlinux, or a file the user
// names) the way libbpf's bpf_object__relocate_core does — records in
// .BTF.ext order, each resolved once on the function that owns it (so
// candidate pruning and the log follow libbpf), then written into every
// program that placed a copy of that function. Programs libbpf would not
// load (SEC("?…")) are relocated after all the others, as if enabled last.
// libbpf stops at the first relocation it cannot apply; this pass reports
// every one (errors, with libbpf's text) and leaves them pending. Pure.

import type { Diagnostic, WithDiagnostics } from '../diagnostics';
import type { Insn } from '../isa/insn';
import type { Btf } from './btf';
import type { BtfCoreRelo } from './btfExt';
import { CoreLog } from './coreLog';
import { POISON_HELPER_ID, patchInsn } from './corePatch';
import { formatTargetSpec, resolveRelo, type Resolution, type ResolveSession } from './coreResolve';
import type { AppliedCoreRelo, LoadedObject, LoadedProgram, PendingCoreRelo } from './loadedObject';

/** A function of the object as libbpf's CO-RE step sees it: its own code, before linking. */
export interface CoreFunction {
  name: string;
  /** The section name as written (`?` included), as .BTF.ext names it. */
  section: string;
  /** First slot in its section. */
  insnOffset: number;
  /** Its instructions as in the object (before CO-RE). */
  insns: readonly Insn[];
  /** False for an entry program in SEC("?…"); true for subprograms. */
  autoload: boolean;
}

export interface CoreOptions {
  /** How the log names the target BTF; default `vmlinux`. */
  targetName?: string;
  /** The object's functions; default: those the programs placed (from `sources`). */
  functions?: readonly CoreFunction[];
}

/** What happened to one record. */
type RecordOutcome =
  | { ok: true; resolution: Resolution; fn: CoreFunction; at: number; reloIdx: number }
  | { ok: false; reloIdx: number };

interface PassState {
  session: ResolveSession;
  diagnostics: Diagnostic[];
  /** Each function's code with the CO-RE patches applied so far (libbpf patches in place). */
  patched: Map<CoreFunction, Insn[]>;
  outcomes: Map<string, RecordOutcome[]>;
  failures: number;
  /** The errno of the first failure, which libbpf's load returns. */
  firstErrno: number;
}

function recordKey(section: string, r: { insnIdx: number; typeId: number; accessString: string; kind: number }): string {
  return `${section}\u0000${r.insnIdx}\u0000${r.typeId}\u0000${r.accessString}\u0000${r.kind}`;
}

function pendingKey(p: PendingCoreRelo): string {
  return recordKey(p.section, { ...p, insnIdx: p.sectionInsnIdx });
}

/** Every function some program placed, with the code of its first copy (the programs must not be CO-RE relocated yet). */
export function functionsOfPrograms(programs: readonly LoadedProgram[]): CoreFunction[] {
  const seen = new Map<string, CoreFunction>();
  for (const p of programs) {
    p.sources.forEach((r, i) => {
      const key = `${r.section}\u0000${r.insnOffset}`;
      if (seen.has(key)) return;
      const autoload = i === 0 ? p.autoload : true;
      seen.set(key, { name: r.function, section: r.section, insnOffset: r.insnOffset, insns: p.insns.slice(r.startSlot, r.startSlot + r.insnCount), autoload });
    });
  }
  return [...seen.values()];
}

/** Functions by section, each list sorted by offset, for finding a record's owner. */
function functionIndex(functions: readonly CoreFunction[]): Map<string, CoreFunction[]> {
  const index = new Map<string, CoreFunction[]>();
  for (const f of functions) {
    const list = index.get(f.section);
    if (list) list.push(f);
    else index.set(f.section, [f]);
  }
  for (const list of index.values()) list.sort((a, b) => a.insnOffset - b.insnOffset);
  return index;
}

/** libbpf's find_prog_by_sec_insn: the function of `section` whose code holds slot `insnIdx`. */
function ownerOf(index: Map<string, CoreFunction[]>, section: string, insnIdx: number): CoreFunction | undefined {
  const list = index.get(section) ?? [];
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = list[mid];
    if (insnIdx < f.insnOffset) hi = mid - 1;
    else if (insnIdx >= f.insnOffset + f.insns.length) lo = mid + 1;
    else return f;
  }
  return undefined;
}

function fail(state: PassState, errno: number, message: string): void {
  if (state.failures++ === 0) state.firstErrno = errno;
  state.diagnostics.push({ severity: 'error', code: 'core/relocation-failed', message });
}

/** Resolves and patches one record on its function's code, as libbpf's loop body does. */
function applyRecord(state: PassState, section: string, record: BtfCoreRelo, reloIdx: number, fn: CoreFunction): void {
  const { log } = state.session;
  const at = record.insnIdx - fn.insnOffset;
  const progName = fn.name;
  const key = recordKey(section, record);
  const outcomes = state.outcomes.get(key) ?? [];
  state.outcomes.set(key, outcomes);
  const before = log.warnings.length;
  const resolution = resolveRelo(state.session, { progName, reloIdx, typeId: record.typeId, accessString: record.accessString, kind: record.kind, sectionInsnIdx: record.insnIdx });
  if (typeof resolution === 'number') {
    log.warn(`prog '${progName}': relo #${reloIdx}: failed to relocate: ${resolution}`);
    fail(state, resolution, log.warnings.slice(before).join('; '));
    outcomes.push({ ok: false, reloIdx });
    return;
  }
  const code = state.patched.get(fn) ?? fn.insns.slice();
  state.patched.set(fn, code);
  const err = patchInsn(code, at, resolution.res, { progName, reloIdx, insnIdx: at, log });
  if (err) {
    log.warn(`prog '${progName}': relo #${reloIdx}: failed to patch insn #${at}: ${err}`);
    fail(state, err, log.warnings.slice(before).join('; '));
    outcomes.push({ ok: false, reloIdx });
    return;
  }
  for (const w of log.warnings.slice(before)) state.diagnostics.push({ severity: 'warning', code: 'core/relocation-warning', message: w });
  outcomes.push({ ok: true, resolution, fn, at, reloIdx });
}

/** Walks the records in libbpf's order; records of non-autoload programs are returned for later. */
function walkRecords(state: PassState, object: LoadedObject, functions: readonly CoreFunction[]): (() => void)[] {
  const { log } = state.session;
  const index = functionIndex(functions);
  const deferred: (() => void)[] = [];
  const seen = new Set<string>();
  for (const sec of object.btfExt?.coreRelos ?? []) {
    if (seen.has(sec.section)) continue; // libbpf (and the loader) use each section name once
    seen.add(sec.section);
    log.debug(`sec '${sec.section}': found ${sec.records.length} CO-RE relocations`);
    sec.records.forEach((record, i) => {
      const fn = ownerOf(index, sec.section, record.insnIdx);
      if (!fn) {
        log.debug(`sec '${sec.section}': skipping CO-RE relocation #${i} for insn #${record.insnIdx} belonging to eliminated weak subprogram`);
        return;
      }
      const apply = () => applyRecord(state, sec.section, record, i, fn);
      if (fn.autoload) apply();
      else deferred.push(apply);
    });
  }
  return deferred;
}

function isPoison(i: Insn | undefined): boolean {
  return i !== undefined && i.code === 0x85 && i.src === 0 && i.imm === POISON_HELPER_ID;
}

/** The program with every applicable outcome written into its slots. */
function relocateProgram(state: PassState, program: LoadedProgram): LoadedProgram {
  const insns = program.insns.slice();
  const applied: AppliedCoreRelo[] = [];
  const pending: PendingCoreRelo[] = [];
  const used = new Map<string, number>();
  for (const p of program.coreRelos) {
    const key = pendingKey(p);
    const n = used.get(key) ?? 0;
    used.set(key, n + 1);
    const outcome = state.outcomes.get(key)?.[n];
    if (!outcome?.ok) {
      pending.push(p);
      continue;
    }
    const { resolution, fn, at, reloIdx } = outcome;
    const code = state.patched.get(fn)!;
    const slots = fn.insns[at].code === 0x18 ? 2 : 1;
    for (let i = 0; i < slots && p.insnIdx + i < insns.length; i++) insns[p.insnIdx + i] = code[at + i];
    const poisoned = isPoison(code[at]) && !isPoison(fn.insns[at]);
    const entry: AppliedCoreRelo = {
      ...p, reloIdx, outcome: poisoned ? 'poisoned' : 'patched',
      local: formatTargetSpec(state.session.localBtf, resolution.local),
      origValue: resolution.res.origVal, newValue: resolution.res.newVal,
    };
    if (resolution.target) {
      entry.target = formatTargetSpec(state.session.target, resolution.target);
      entry.targetTypeId = resolution.target.rootTypeId;
    }
    if (poisoned) {
      state.diagnostics.push({
        severity: 'info', code: 'core/poisoned', insnIdx: p.insnIdx,
        message: `program '${program.name}': insn ${p.insnIdx}: failed to resolve CO-RE relocation ${entry.local}; `
          + `libbpf replaced it with 'call unknown#${POISON_HELPER_ID}', which the verifier rejects if it is reachable`,
      });
    }
    applied.push(entry);
  }
  return { ...program, insns, coreRelos: pending, coreApplied: applied };
}

/**
 * Applies the object's CO-RE relocations against `target`. The value is a
 * copy of the object with patched programs (`coreApplied`, `coreRelos` left
 * with what could not be applied) and libbpf's log in `coreLog`.
 */
export function relocateCore(object: LoadedObject, target: Btf, opts: CoreOptions = {}): WithDiagnostics<LoadedObject> {
  if (!object.btf || !object.btfExt || object.btfExt.coreRelos.length === 0) return { value: object, diagnostics: [] };
  if (object.coreLog) {
    return {
      value: object,
      diagnostics: [{ severity: 'warning', code: 'core/already-relocated', message: 'the object\'s CO-RE relocations were already applied; load it again to apply them against another target' }],
    };
  }
  const log = new CoreLog();
  const state: PassState = {
    session: { localBtf: object.btf, target, targetName: opts.targetName ?? 'vmlinux', log, candidates: new Map() },
    diagnostics: [], patched: new Map(), outcomes: new Map(), failures: 0, firstErrno: 0,
  };
  const functions = opts.functions ?? functionsOfPrograms(object.programs);
  const deferred = walkRecords(state, object, functions);
  const failedBeforeDeferred = state.failures;
  for (const apply of deferred) apply();
  if (failedBeforeDeferred > 0) {
    state.diagnostics.push({
      severity: 'error', code: 'core/load-fails',
      message: `libbpf stops at the first of these and fails the load: failed to perform CO-RE relocations: ${state.firstErrno} `
        + `(${failedBeforeDeferred} relocation${failedBeforeDeferred === 1 ? '' : 's'} cannot be applied)`,
    });
  }
  const programs = object.programs.map((p) => relocateProgram(state, p));
  return { value: { ...object, programs, coreLog: log.lines }, diagnostics: state.diagnostics };
}

/**
 * libbpf's rewrite of the verifier's complaint about a poisoned instruction
 * (fixup_log_failed_core_relo): the two lines that replace
 * `N: (85) call unknown#195896080` / `invalid func unknown#195896080`.
 */
export function poisonedRelocationLog(applied: AppliedCoreRelo): [string, string] {
  return [`${applied.insnIdx}: <invalid CO-RE relocation>`, `failed to resolve CO-RE relocation ${applied.local}`];
}
