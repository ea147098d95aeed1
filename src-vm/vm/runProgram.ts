// Run a program to completion on the bpf_conformance contract: r1 points at a
// private copy of the input memory, r2 holds its length, r10 is the frame
// pointer. Validates the encoding first, so a malformed program is reported,
// never run. Pure.

import type { Diagnostic } from '../diagnostics';
import type { Insn } from '../isa/insn';
import { validateProgram } from '../isa/validate';
import type { HelperTable } from './helpers';
import { Vm, type VmFault } from './interpreter';
import { regionAddress } from './memory';

export interface RunOptions {
  /** Input memory; r1 = its address (0 when absent), r2 = its length. */
  mem?: Uint8Array;
  budget?: number;
  helpers?: HelperTable;
}

export interface RunResult {
  /** Final r0, as an unsigned 64-bit value (0 when the run faulted). */
  r0: bigint;
  /** Instructions executed. */
  steps: number;
  fault?: VmFault;
  /** Encoding problems that kept the program from running at all. */
  invalid?: Diagnostic[];
}

/** A Vm ready to run `insns` with `mem` as input, or the encoding problems that forbid it. */
export function createVm(insns: readonly Insn[], opts: RunOptions = {}): { vm?: Vm; invalid: Diagnostic[] } {
  const invalid = validateProgram(insns);
  if (insns.length === 0) invalid.push({ severity: 'error', code: 'isa/empty', message: 'program has no instructions' });
  if (invalid.length > 0) return { invalid };
  const vm = new Vm(insns, { budget: opts.budget, helpers: opts.helpers });
  if (opts.mem && opts.mem.byteLength > 0) {
    const region = vm.memory.add('input memory', 'mem', opts.mem.slice(), true);
    vm.setReg(1, regionAddress(region));
    vm.packet = region;
  }
  vm.setReg(2, BigInt(opts.mem?.byteLength ?? 0));
  return { vm, invalid };
}

export function runProgram(insns: readonly Insn[], opts: RunOptions = {}): RunResult {
  const { vm, invalid } = createVm(insns, opts);
  if (!vm) return { r0: 0n, steps: 0, invalid };
  vm.run();
  return vm.status === 'exited'
    ? { r0: vm.getReg(0), steps: vm.steps }
    : { r0: 0n, steps: vm.steps, fault: vm.fault };
}
