// One verification job, as the worker thread runs it: an assembly text (assembled
// again here) or a compiled object (loaded with our loader), every program
// verified with recorded states, and the results as plain, cloneable data with
// document positions: the error and its causes, per-instruction states before
// and after (for hovers), counts (for CodeLens), the object's maps. Pure: no
// LSP, no worker API (verifyWorker.ts posts these).

import {
  assembleSource, formatInsn, writeElf, type LoadedObject, loadObject, parseVerifierLog, targetsOfAsm, targetsOfObject, verifyTarget,
  type AsmObject, type Diagnostic, type LineTable, type Span, type VerifyTarget,
} from '../../src-vm/index';
import type { AsmDialectSetting } from './settings';
import { causesOf, placeCauses, type PlacedCause } from './verifierCause';
import { runPrograms, type RunSummary } from './programRun';
import { runLogJob, type LogJobRequest, type LogJobResult } from './verifierLogJob';

export type VerifyJob = (
  | { kind: 'asm'; text: string; dialect: AsmDialectSetting; programType: string }
  /** `mainFile`: how the line info names the document (`<stdin>` for a buffer compiled from stdin). */
  | { kind: 'object'; bytes: Uint8Array; objectName: string; mainFile: string }
) & {
  /** Instead of verifying every program: one program's log for the log view (verifierLogJob.ts). */
  log?: LogJobRequest;
};

export interface InsnState {
  span?: Span;
  /** The state before the instruction, once per path that reached it (at most 16), as the kernel prints it. */
  before: string[];
  /** What the instruction changed, as the kernel prints after `;` at log level 2. */
  after?: string;
  /** The instruction as the kernel's log prints it (`r0 = *(u64 *)(r0 +0)`). */
  text?: string;
}

export interface ProgramResult {
  name: string;
  section: string;
  type?: string;
  insnCount: number;
  /** Where the program starts in the document (0-based line), for its CodeLens. */
  startLine?: number;
  outcome: 'accept' | 'reject' | 'unsupported';
  /** Why an unsupported program was not verified. */
  reason?: string;
  error?: { insnIdx: number; message: string; detail: string[]; code: string; span?: Span };
  causes: PlacedCause[];
  processedInsns: number;
  totalStates: number;
  timeUs: number;
  insns: InsnState[];
  /** The interpreter's run on the default packet, for accepted programs. */
  run?: RunSummary;
}

export interface MapInfo { name: string; type: string; keySize: number; valueSize: number; maxEntries: number }

export interface VerifyJobResult {
  programs: ProgramResult[];
  /** Loader and target problems (no program type, bad object), with positions where known. */
  diagnostics: Diagnostic[];
  maps: MapInfo[];
  /** The answer to a job with `log` (and then nothing else). */
  log?: LogJobResult;
}

type Locator = (insnIdx: number) => Span | undefined;

/** Processed instructions up to which a second, fully logged run (states for hovers, the failing path) is made. */
export const DETAILED_RUN_LIMIT = 200_000;

/** Per-instruction after-states from a level-2 log: the first `; …` printed for each instruction. */
function afterStates(log: readonly string[]): Map<number, string> {
  const after = new Map<number, string>();
  for (const line of parseVerifierLog(log.join('\n'))) {
    if (line.kind !== 'insn' || after.has(line.idx) || line.state.length === 0) continue;
    after.set(line.idx, line.state.map((s) => `${s.name}=${s.text}`).join(' '));
  }
  return after;
}

function verifyOne(target: VerifyTarget, locate: Locator): ProgramResult {
  const base = { name: target.name, section: target.section, type: target.type, insnCount: target.insns.length, startLine: locate(0)?.line };
  // The verdict first, without a log; the full log and states (hovers, causes) only when the run was small
  // enough that keeping them costs little: a program exhausting the budget would hold a million log lines.
  const quick = verifyTarget(target, { logLevel: 0 });
  const outcome = quick.kind === 'verified' && quick.report.processedInsns <= DETAILED_RUN_LIMIT
    ? verifyTarget(target, { logLevel: 2, recordStates: true }) : quick;
  if (outcome.kind === 'unsupported') {
    return { ...base, outcome: 'unsupported', reason: outcome.reason, causes: [], processedInsns: 0, totalStates: 0, timeUs: 0, insns: [] };
  }
  const { report } = outcome;
  const after = afterStates(report.log);
  const insns: InsnState[] = target.insns.map((insn, i) => ({
    span: locate(i), before: report.statesAt?.get(i) ?? [], after: after.get(i),
    text: insn.code === 0 && i > 0 ? undefined : formatInsn(target.insns, i, { dialect: 'kernel' }),
  }));
  const e = report.error;
  return {
    ...base,
    outcome: report.verdict,
    error: e && { insnIdx: e.insnIdx, message: e.message, detail: e.detail, code: `verifier/${e.code}`, span: locate(e.insnIdx) },
    causes: e ? placeCauses(causesOf(e, report.log), locate) : [],
    processedInsns: report.processedInsns,
    totalStates: report.totalStates,
    timeUs: quick.kind === 'verified' ? quick.timeUs : outcome.timeUs,
    insns,
  };
}

/** Runs the accepted programs in the interpreter and attaches the results; a crash becomes a warning, never a lost verification. */
function attachRuns(programs: ProgramResult[], diagnostics: Diagnostic[], object: () => LoadedObject): void {
  const accepted = programs.filter((p) => p.outcome === 'accept');
  if (accepted.length === 0) return;
  try {
    const runs = runPrograms(object(), accepted.map((p) => p.name), (name) => programs.find((p) => p.name === name)?.type);
    for (const p of accepted) p.run = runs.get(p.name);
  } catch (err) {
    diagnostics.push({ severity: 'warning', code: 'server/run-crashed', message: `the interpreter could not run the programs: ${err instanceof Error ? err.message : String(err)}` });
  }
}

function asmLocator(object: AsmObject, section: string): Locator {
  const spans = object.sections.find((s) => s.name === section)?.spans ?? [];
  return (i) => spans[i];
}

function runAsm(job: Extract<VerifyJob, { kind: 'asm' }>): VerifyJobResult {
  const { value } = assembleSource(job.text, job.dialect === 'auto' ? undefined : job.dialect);
  const { targets, diagnostics } = targetsOfAsm(value.object);
  const typed = targets.map((t) => (t.type === undefined && job.programType !== '' ? { ...t, type: job.programType } : t));
  // A section without a type is reported once, by its program's 'not verified' line.
  const rest = diagnostics.filter((d) => d.code !== 'verify/no-type');
  const programs = typed.map((t) => verifyOne(t, asmLocator(value.object, t.section)));
  attachRuns(programs, rest, () => loadObject(writeElf(value.object), { name: 'asm' }).value);
  return { programs, diagnostics: rest, maps: [] };
}

/** Slot -> document span from BTF line info, for records in the document itself (not headers). */
function lineLocator(table: LineTable | undefined, mainFile: string): Locator {
  if (!table) return () => undefined;
  return (i) => {
    const rec = table.records[table.recordOfSlot[i] ?? -1];
    if (!rec || !(rec.fileName === mainFile || rec.fileName.endsWith(`/${mainFile}`)) || rec.line === 0) return undefined;
    const col = Math.max(rec.column - 1, 0);
    return { line: rec.line - 1, col, endLine: rec.line - 1, endCol: col };
  };
}

function runObject(job: Extract<VerifyJob, { kind: 'object' }>): VerifyJobResult {
  const loaded = loadObject(job.bytes, { name: job.objectName });
  const diagnostics = loaded.diagnostics.filter((d) => d.severity !== 'info');
  const programs = targetsOfObject(loaded.value).map((t) => verifyOne(t, lineLocator(t.lineTable, job.mainFile)));
  attachRuns(programs, diagnostics, () => loaded.value);
  const maps = loaded.value.maps.map((m) => ({ name: m.realName, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries }));
  return { programs, diagnostics, maps };
}

export function runVerifyJob(job: VerifyJob): VerifyJobResult {
  if (job.log) return { programs: [], diagnostics: [], maps: [], log: runLogJob(job, job.log) };
  return job.kind === 'asm' ? runAsm(job) : runObject(job);
}
