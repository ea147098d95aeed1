// The kernel's verdict on a deployed document as diagnostics on its source
// lines: each rejection where the kernel log's BTF line info puts it (C), or
// through our assembler's instruction-to-line map (assembly, whose objects
// carry no line info), or at the program when neither says; plus one warning
// per place the kernel and our verifier disagree, and libbpf's errors about
// the object as a whole. Pure: plain data in, plain diagnostics out; the
// VS Code layer only converts them.

import { kernelDiagnostic, type KernelLoadLog, type Span, type VerifyJsonProgram } from '../../../src-vm/index';
import { pairPrograms } from '../../../src-vm/cli/remoteCompare';
import type { DocumentProgram } from './documentPrograms';

export interface RemoteDiagnostic {
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: string;
  /** 0-based; a whole line is `{line, col: 0, endLine: line + 1, endCol: 0}`. */
  span: Span;
  /** `kernel (host, uname -r)`: who said it. */
  source: string;
}

export interface KernelVerdictInput {
  /** Base name of the document (`xdp_count.c`), to tell its lines from a header's. */
  fileName: string;
  kernel: KernelLoadLog;
  /** Our verifier on the same object (`verify --json` programs). */
  ours: readonly VerifyJsonProgram[];
  programs: readonly DocumentProgram[];
  /** Host name as the user knows it. */
  host: string;
  release: string;
}

const wholeLine = (line: number): Span => ({ line, col: 0, endLine: line + 1, endCol: 0 });

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `kernel (host, release)`: the label of every diagnostic the kernel's verdict gives. */
export function kernelOrigin(host: string, release: string): string {
  return `kernel (${host}, ${release})`;
}

/** The line a program's error belongs on: the log's source line in this file, else the instruction's line, else the program. */
function errorLine(input: KernelVerdictInput, name: string, insn: number, source?: { file: string; line: number }): { line: number; elsewhere?: string } {
  const prog = input.programs.find((p) => p.name === name);
  const fallback = prog?.line ?? 0;
  if (source) {
    if (baseName(source.file) === input.fileName) return { line: source.line - 1 };
    return { line: fallback, elsewhere: `${source.file}:${source.line}` };
  }
  const viaAsm = insn >= 0 ? prog?.insnLines?.[insn] : undefined;
  return { line: viaAsm ?? fallback };
}

/** Every diagnostic the kernel's verdict gives this document. */
export function kernelVerdictDiagnostics(input: KernelVerdictInput): RemoteDiagnostic[] {
  const source = kernelOrigin(input.host, input.release);
  const out: RemoteDiagnostic[] = [];
  for (const k of input.kernel.programs) {
    const d = kernelDiagnostic(k, source);
    if (!d || !k.error) continue;
    const at = errorLine(input, k.name, k.error.insn, k.error.source);
    const where = at.elsewhere ? ` (in ${at.elsewhere})` : '';
    out.push({ severity: 'error', code: d.code, message: `${d.message.split('\n')[0].slice(source.length + 2)}${where}${detailOf(d.message)}`, span: wholeLine(at.line), source });
  }
  for (const p of pairPrograms(input.kernel.programs, input.ours)) {
    if (p.differences.length === 0) continue;
    const err = p.kernel?.error ?? p.ours?.error;
    const line = err ? errorLine(input, p.name, err.insn, err.line !== undefined && err.file ? { file: err.file, line: err.line } : undefined).line
      : input.programs.find((x) => x.name === p.name)?.line ?? 0;
    const message = `the kernel and our verifier disagree: ${p.differences.join('; ')}. Where they differ the kernel is right: this is a bug in eBPF Workbench's verifier.`;
    out.push({ severity: 'warning', code: 'kernel/disagrees', message, span: wholeLine(line), source });
  }
  const rejected = input.kernel.programs.some((k) => k.verdict === 'reject');
  if (!rejected && input.kernel.objectErrors.length > 0) {
    const line = input.programs[0]?.line ?? 0;
    out.push({ severity: 'error', code: 'kernel/object', message: `the object did not load: ${input.kernel.objectErrors.join('\n')}`, span: wholeLine(line), source });
  }
  return out;
}

/** The detail lines of a kernelDiagnostic message, after its first line. */
function detailOf(message: string): string {
  const nl = message.indexOf('\n');
  return nl < 0 ? '' : message.slice(nl);
}
