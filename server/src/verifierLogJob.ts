// One program's verifier log, as the worker thread makes it for the log view:
// the same input the document was verified from (assembly text or compiled
// object), the chosen program verified again at log level 1 or 2, the kernel's
// `verification time N usec` statistics line put where `bpftool -d` prints it,
// and the files its BTF line info names (so `; … @ file.h:12` can be linked).
// Pure: no LSP, no worker API, no fs.

import {
  assembleSource, loadObject, targetsOfAsm, targetsOfObject, verifyTarget, type VerifyTarget,
} from '../../src-vm/index';
import type { VerifierLogLevel } from './protocol';
import type { VerifyJob } from './verifyJob';

export interface LogJobRequest {
  program: string;
  level: VerifierLogLevel;
}

export type LogJobResult =
  | { kind: 'log'; lines: string[]; timeUs: number; files: string[] }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'missing'; programs: string[] };

function targetsOf(job: VerifyJob): VerifyTarget[] {
  if (job.kind === 'object') return targetsOfObject(loadObject(job.bytes, { name: job.objectName }).value);
  const { value } = assembleSource(job.text, job.dialect === 'auto' ? undefined : job.dialect);
  // As verifyJob.ts does: the setting's type for sections whose name gives none.
  return targetsOfAsm(value.object).targets.map((t) => (t.type === undefined && job.programType !== '' ? { ...t, type: job.programType } : t));
}

/** The kernel prints its statistics (log level 4, which `bpftool -d` sets) as `verification time`, then `stack depth`. */
export function withVerificationTime(lines: readonly string[], timeUs: number): string[] {
  const at = lines.findIndex((l) => l.startsWith('stack depth '));
  if (at < 0) return [...lines];
  return [...lines.slice(0, at), `verification time ${timeUs} usec`, ...lines.slice(at)];
}

export function runLogJob(job: VerifyJob, req: LogJobRequest): LogJobResult {
  const targets = targetsOf(job);
  const target = targets.find((t) => t.name === req.program);
  if (!target) return { kind: 'missing', programs: targets.map((t) => t.name) };
  const outcome = verifyTarget(target, { logLevel: req.level });
  if (outcome.kind === 'unsupported') return { kind: 'unsupported', reason: outcome.reason };
  const files = [...new Set(target.lineTable?.records.map((r) => r.fileName) ?? [])];
  return { kind: 'log', lines: withVerificationTime(outcome.report.log, outcome.timeUs), timeUs: outcome.timeUs, files };
}
