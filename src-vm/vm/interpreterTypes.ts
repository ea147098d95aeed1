// The interpreter's vocabulary: its limits (budget, stack, frames, may_goto),
// run status and stop reasons, faults, options and call frames. Shared by
// interpreter.ts and the modules it delegates to; no behaviour here. Pure.

import type { HelperTable } from './helpers';
import type { MemoryAccess, Region } from './memory';

export const DEFAULT_BUDGET = 1_000_000;
export const STACK_SIZE = 512;
/** The kernel's MAX_CALL_FRAMES. */
export const MAX_FRAMES = 8;
/** The kernel's BPF_MAX_LOOPS: how often `may_goto` falls through before it jumps. */
export const MAY_GOTO_LIMIT = 8 * 1024 * 1024;

export type VmStatus = 'ready' | 'exited' | 'faulted';
export type StopReason = 'exit' | 'fault' | 'steps' | 'breakpoint';

export interface VmFault {
  pc: number;
  /** Stable code: `vm/memory`, `vm/budget`, `vm/helper`, `vm/call-depth`, `vm/pc`, `vm/lddw`, `vm/div`… */
  code: string;
  message: string;
  access?: MemoryAccess;
}

export interface VmOptions {
  /** Most instructions one run may execute in all (default 1,000,000). */
  budget?: number;
  helpers?: HelperTable;
  /**
   * Resolves `lddw` with src != 0 (map handles and map values, after the
   * loader's relocation): the 64-bit value to load, or a sentence saying why
   * it cannot be. Without it such an lddw stops the run.
   */
  resolveLddw?: (src: number, imm: number, nextImm: number, pc: number) => bigint | string;
}

export interface CallFrame {
  /** Slot the callee returns to. */
  returnPc: number;
  /** Caller's r6..r10 (lo, hi pairs). */
  saved: Uint32Array;
  stack: Region;
}
