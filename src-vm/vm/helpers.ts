// Helper-call plumbing: the table type the interpreter calls through, and the
// helper set of the bpf_conformance runtime (uBPF's numbering). Linux helper
// implementations live in their own tables (later issues). Pure.

import type { Vm } from './interpreter';

/**
 * A helper reads its arguments from r1..r5 of `vm` and returns r0 as a bigint
 * (taken modulo 2^64). It may stop the program with `vm.fail(...)` or, like
 * uBPF's unwind helper, end it with `vm.exitProgram(r0)`.
 */
export type HelperImpl = (vm: Vm) => bigint;

export interface HelperEntry {
  name: string;
  impl: HelperImpl;
}

export type HelperTable = ReadonlyMap<number, HelperEntry>;

/**
 * uBPF's helper 5, `unwind`: returns its argument, and when that is 0 the
 * program ends at once with r0 = 0 (the bpf_conformance vectors call it).
 */
const unwind: HelperImpl = (vm) => {
  const arg = vm.getReg(1);
  if (arg === 0n) vm.exitProgram(0n);
  return arg;
};

export const CONFORMANCE_HELPERS: HelperTable = new Map([[5, { name: 'unwind', impl: unwind }]]);
