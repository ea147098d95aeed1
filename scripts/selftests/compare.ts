// One selftest program's two verdicts side by side: the live kernel's (from
// the libbpf oracle's status and log) and ours, whether they agree on the
// verdict and on the first error line, and, when they do not, the category
// the disagreement is counted under. Pure.

import { kernelOutcome } from '../../test/vm/verifier/verifierHarness';
import type { KernelLoad } from './kernelLoader';
import type { OursProgram, OursResult } from './ours';

export type KernelResult =
  | { kind: 'accept' }
  | { kind: 'reject'; errno: number; insn: number; message: string }
  | { kind: 'eperm' }
  | { kind: 'error'; detail: string };

export interface ProgramRecord {
  file: string;
  name: string;
  section: string;
  type?: string;
  expect?: 'success' | 'failure';
  messages: string[];
  flags: string[];
  kernel: KernelResult;
  ours: OursResult;
  verdictAgrees?: boolean;
  lineAgrees?: boolean;
  /** Set when the two disagree (or ours could not answer): what the disagreement is counted under. */
  category?: string;
}

const EPERM = 1;

/** Level-2 log lines that are neither the error nor an instruction of the failing path. */
const NOT_THE_ERROR = /^from \d+ to \d+: safe$/;

/** The kernel's result from the loader's status and the test program's log. */
export function kernelResult(load: KernelLoad): KernelResult {
  if (load.status === 'ok') return { kind: 'accept' };
  const log = load.log.filter((l) => !NOT_THE_ERROR.test(l));
  if (load.status !== 'error') return { kind: 'error', detail: `loader: ${load.status}` };
  if (log.every((l) => l.trim() === '')) {
    if (load.errno === EPERM) return { kind: 'eperm' };
    const why = load.libbpfWarnings.split('\n').find((l) => l.trim() !== '') ?? `errno ${load.errno}`;
    return { kind: 'error', detail: `no verifier log, errno ${load.errno}: ${messageShape(why.replace(/^libbpf: /, ''))}` };
  }
  const outcome = kernelOutcome(false, log.join('\n'));
  if (outcome === 'accept') return { kind: 'error', detail: 'unreadable log' };
  return { kind: 'reject', errno: load.errno, insn: outcome.insn, message: outcome.message };
}

/** A message with its numbers, register names and quoted parts made generic, cut short: a category key. */
export function messageShape(message: string): string {
  const generic = message.replace(/\bR\d+/g, 'Rn').replace(/-?\b(0x[0-9a-f]+|\d+)\b/gi, 'N').replace(/'[^']*'/g, "'…'");
  return generic.length > 70 ? `${generic.slice(0, 70)}…` : generic;
}

function categoryOf(k: KernelResult, o: OursResult, lineAgrees: boolean): string | undefined {
  if (o.kind === 'unsupported') return o.reason;
  if (o.kind === 'internal') return `internal error: ${messageShape(o.error)}`;
  if (o.kind === 'timeout') return 'timeout (our verifier)';
  if (k.kind === 'eperm') return `kernel EPERM (program type not offered by this kernel); ours ${o.kind}s`;
  if (k.kind === 'error') return `kernel oracle error: ${k.detail}`;
  if (k.kind === 'accept' && o.kind === 'reject') return `ours rejects, kernel accepts: ${messageShape(o.message)}`;
  if (k.kind === 'reject' && o.kind === 'accept') return `ours accepts, kernel rejects: ${messageShape(k.message)}`;
  if (k.kind === 'reject' && o.kind === 'reject' && !lineAgrees) {
    return k.message === o.message ? 'same message, different instruction' : `different first error: kernel "${messageShape(k.message)}"`;
  }
  return undefined;
}

function sameLine(k: KernelResult, o: OursResult): boolean {
  if (k.kind !== 'reject' || o.kind !== 'reject') return false;
  return (k.insn === o.insn || k.insn === -1) && k.message === o.message;
}

export function compareProgram(file: string, ours: OursProgram, o: OursResult, kernel: KernelResult): ProgramRecord {
  const comparable = (k: KernelResult): boolean => k.kind === 'accept' || k.kind === 'reject';
  const bothAnswered = comparable(kernel) && (o.kind === 'accept' || o.kind === 'reject');
  const verdictAgrees = bothAnswered ? (kernel.kind === 'accept') === (o.kind === 'accept') : undefined;
  const lineAgrees = kernel.kind === 'reject' && o.kind === 'reject' ? sameLine(kernel, o) : undefined;
  return {
    file, name: ours.name, section: ours.section, type: ours.type, expect: ours.annotations.expect,
    messages: ours.annotations.messages, flags: ours.annotations.flags, kernel, ours: o, verdictAgrees, lineAgrees,
    category: categoryOf(kernel, o, lineAgrees ?? true),
  };
}
