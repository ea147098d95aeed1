// Runs one parsed conformance vector the way the bpf_conformance runner does:
// `-- raw` (else the assembled `-- asm`) on the interpreter with `-- mem` as
// input, then the final r0 compared with `-- result` as a full 64-bit value,
// or a rejection/fault compared with `-- error`. Pure; imports the conformance
// assembler and the interpreter's entry point, nothing that does I/O.

import { hasErrors, type Diagnostic } from '../diagnostics';
import { assembleConformance } from '../asm/conformanceAsm';
import type { Insn } from '../isa/insn';
import type { HelperTable } from '../vm/helpers';
import { runProgram } from '../vm/runProgram';
import type { Vector } from './vectorFile';

export type VectorStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface VectorOutcome {
  status: VectorStatus;
  /** One sentence saying why: the mismatch, the error, or why it was skipped. */
  message: string;
  /** The r0 the vector expects, when the program ran. */
  expected?: bigint;
  /** The r0 the program returned, when it ran to `exit`. */
  actual?: bigint;
  /** Instructions executed (0 when it never ran). */
  steps: number;
  /** Assembler errors, encoding problems, or the fault, as diagnostics. */
  diagnostics: Diagnostic[];
}

export interface RunVectorOptions {
  budget?: number;
  helpers?: HelperTable;
}

export function formatR0(value: bigint): string {
  return '0x' + value.toString(16);
}

function outcome(status: VectorStatus, message: string, extra: Partial<VectorOutcome> = {}): VectorOutcome {
  return { status, message, steps: 0, diagnostics: [], ...extra };
}

/** The slots to run: `-- raw` wins over `-- asm`; assembler errors end the vector here. */
function programOf(vector: Vector): { insns?: Insn[]; failure?: VectorOutcome } {
  if (vector.raw && vector.raw.length > 0) return { insns: vector.raw };
  if (vector.asm === undefined) return { insns: [] };
  const assembled = assembleConformance(vector.asm);
  if (!hasErrors(assembled.diagnostics)) return { insns: assembled.value.insns };
  const first = assembled.diagnostics.find((d) => d.severity === 'error');
  const where = first?.span ? `line ${first.span.line + 1}: ` : '';
  return { failure: outcome('error', `assembly failed: ${where}${first?.message}`, { diagnostics: assembled.diagnostics }) };
}

/**
 * A program that was rejected or faulted: passes only when the vector expects
 * an error with exactly this text (an empty `-- error` accepts any rejection).
 */
function judgeError(vector: Vector, message: string, diagnostics: Diagnostic[], steps: number): VectorOutcome {
  const extra = { diagnostics, steps };
  if (vector.error === undefined) return outcome('error', `program did not run to exit: ${message}`, extra);
  if (vector.error === '' || vector.error === message) return outcome('pass', `failed as expected: ${message}`, extra);
  return outcome('fail', `expected error "${vector.error}", got "${message}"`, extra);
}

/** A program that ran to `exit`: r0 must equal `-- result` (absent counts as 0, as upstream). */
function judgeResult(vector: Vector, actual: bigint, steps: number): VectorOutcome {
  if (vector.error === '' && vector.result === undefined) {
    return outcome('fail', `expected the program to be rejected, but it ran and returned ${formatR0(actual)}`, { actual, steps });
  }
  const expected = vector.result ?? 0n;
  const extra = { expected, actual, steps };
  if (actual === expected) return outcome('pass', `r0 = ${formatR0(actual)}`, extra);
  return outcome('fail', `incorrect return value: expected ${formatR0(expected)}, got ${formatR0(actual)}`, extra);
}

export function runVector(vector: Vector, opts: RunVectorOptions = {}): VectorOutcome {
  if (vector.result === undefined && vector.error === undefined) return outcome('skip', 'No result or error in test file');
  const { insns, failure } = programOf(vector);
  if (failure) return failure;
  if (!insns || insns.length === 0) return outcome('skip', 'Test file has no BPF instructions');
  const run = runProgram(insns, { mem: vector.mem, budget: opts.budget, helpers: opts.helpers });
  if (run.invalid && run.invalid.length > 0) {
    return judgeError(vector, run.invalid[0].message, run.invalid, 0);
  }
  if (run.fault) {
    const fault: Diagnostic = { severity: 'error', code: run.fault.code, message: run.fault.message, insnIdx: run.fault.pc };
    return judgeError(vector, run.fault.message, [fault], run.steps);
  }
  return judgeResult(vector, run.r0, run.steps);
}
