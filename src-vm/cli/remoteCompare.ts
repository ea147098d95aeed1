// The kernel's answers next to ours, as `remote load --json` and `remote run
// --json` print them: the kernel's verdict read from bpftool (kernelLog.ts) in
// the `verify --json` program shape, paired by program name with our
// verifier's, and every disagreement said in words. Pure.

import type { KernelProgramLog } from '../kernelLog';
import type { VerifyJsonProgram } from './verifyCommand';

/** One program in `remote load --json`: keep these names, extend only. */
export interface RemoteLoadProgram {
  name: string;
  /** null: the kernel never got to this program (an earlier one in the object was rejected). */
  kernel: VerifyJsonProgram | null;
  /** null: our verifier does not model this program type. */
  ours: VerifyJsonProgram | null;
  /** Disagreements between the two; empty when they agree (or one side has no verdict). */
  differences: string[];
}

export interface RemoteLoadJson {
  host: string;
  release: string;
  name: string;
  /** Whether the kernel loaded (and we pinned) the whole object. */
  loaded: boolean;
  programs: RemoteLoadProgram[];
  /** libbpf/bpftool errors about the object as a whole. */
  objectErrors: string[];
}

/** A kernel program log in the `verify --json` shape (section and type from our view of the object). */
export function kernelAsVerifyJson(k: KernelProgramLog, ours: VerifyJsonProgram | undefined): VerifyJsonProgram | null {
  if (k.verdict === 'not-loaded') return null;
  const e = k.error;
  return {
    name: k.name, section: ours?.section ?? '', type: ours?.type ?? null, verdict: k.verdict,
    error: e ? { insn: e.insn, message: e.message, detail: e.detail, ...(e.source ? { file: e.source.file, line: e.source.line } : {}) } : null,
    processedInsns: k.processedInsns ?? 0, totalStates: k.totalStates ?? 0, peakStates: k.peakStates ?? 0, timeUs: k.timeUs ?? 0,
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** What differs between the kernel's verdict and ours, in sentences. */
export function verdictDifferences(kernel: VerifyJsonProgram, ours: VerifyJsonProgram): string[] {
  const out: string[] = [];
  if (kernel.verdict !== ours.verdict) {
    const why = kernel.error ? `: ${kernel.error.message}` : ours.error ? ` (we said: ${ours.error.message})` : '';
    out.push(`the kernel ${kernel.verdict === 'accept' ? 'accepts' : 'rejects'} ${kernel.name} but our verifier ${ours.verdict === 'accept' ? 'accepts' : 'rejects'} it${why}`);
    return out;
  }
  const k = kernel.error;
  const o = ours.error;
  if (!k || !o) return out;
  if (k.insn !== o.insn) out.push(`both reject ${kernel.name}, the kernel at insn ${k.insn}, ours at insn ${o.insn}`);
  else if (k.line !== undefined && o.line !== undefined && (k.line !== o.line || (k.file && o.file && baseName(k.file) !== baseName(o.file)))) {
    out.push(`both reject ${kernel.name} at insn ${k.insn}, but on different source lines (kernel ${k.file}:${k.line}, ours ${o.file}:${o.line})`);
  }
  if (k.message !== o.message) out.push(`different messages for ${kernel.name}: kernel '${k.message}', ours '${o.message}'`);
  return out;
}

/** Pairs the kernel's programs with ours by name, kernel order first. */
export function pairPrograms(kernel: readonly KernelProgramLog[], ours: readonly VerifyJsonProgram[]): RemoteLoadProgram[] {
  const byName = new Map(ours.map((p) => [p.name, p]));
  const out: RemoteLoadProgram[] = kernel.map((k) => {
    const o = byName.get(k.name);
    const kj = kernelAsVerifyJson(k, o);
    return { name: k.name, kernel: kj, ours: o ?? null, differences: kj && o ? verdictDifferences(kj, o) : [] };
  });
  for (const o of ours) if (!kernel.some((k) => k.name === o.name)) out.push({ name: o.name, kernel: null, ours: o, differences: [] });
  return out;
}

/** One BPF_PROG_TEST_RUN next to our interpreter, as `remote run --json` prints it. */
export interface RemoteRunJson {
  host: string;
  release: string;
  program: string;
  packet: string;
  repeat: number;
  kernel: { retval: number; dataOut: string; durationNs: number };
  /** Our interpreter on the same input, in the program type's context as BPF_PROG_TEST_RUN builds it; null when it could not run. */
  ours: { r0: string; retval: number; dataOut: string; steps: number; fault: string | null } | null;
  differences: string[];
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function runDifferences(kernel: RemoteRunJson['kernel'], ours: RemoteRunJson['ours']): string[] {
  if (!ours) return [];
  if (ours.fault) return [`our interpreter faulted: ${ours.fault}`];
  const out: string[] = [];
  if (kernel.retval !== ours.retval) out.push(`return value: kernel ${kernel.retval}, ours ${ours.retval}`);
  if (kernel.dataOut !== ours.dataOut) out.push(`output packet differs: kernel ${kernel.dataOut}, ours ${ours.dataOut}`);
  return out;
}
