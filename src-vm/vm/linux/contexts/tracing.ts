// Contexts of tracing programs, as plain read-only memory: kprobe's struct
// pt_regs (x86-64 layout) from named register values, perf_event's
// bpf_perf_event_data (pt_regs, sample_period, addr), raw_tracepoint's u64
// argument array, and a tracepoint's raw record bytes. Pure.

import { Memory, regionAddress } from '../../memory';

/** struct pt_regs on x86-64, in order. */
/** The longest tracepoint record a program may read (the verifier's bound for tracepoint contexts). */
const PERF_MAX_TRACE_SIZE = 2048;
/** The raw tracepoint arguments a program may read (MAX_BPF_FUNC_ARGS). */
const MAX_RAW_TP_ARGS = 12;

export const PT_REGS = ['r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di', 'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss'] as const;
export type PtRegName = (typeof PT_REGS)[number];

export interface TracingInput {
  /** kprobe / perf_event: register values by pt_regs name. */
  regs?: Partial<Record<PtRegName, bigint>>;
  /** raw_tracepoint: the u64 arguments. */
  args?: bigint[];
  /** tracepoint: the record as the tracepoint's format lays it out. */
  raw?: Uint8Array;
  /** perf_event: sample_period and addr. */
  samplePeriod?: bigint;
  addr?: bigint;
}

function ptRegs(regs: TracingInput['regs'], extra = 0): Uint8Array {
  const bytes = new Uint8Array(PT_REGS.length * 8 + extra);
  const view = new DataView(bytes.buffer);
  PT_REGS.forEach((name, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, regs?.[name] ?? 0n), true));
  return bytes;
}

/** The context bytes for a tracing program type, or undefined when the type is not a tracing one. */
export function tracingContextBytes(type: string, input: TracingInput): Uint8Array | undefined {
  switch (type) {
    case 'kprobe': return ptRegs(input.regs);
    case 'perf_event': {
      const bytes = ptRegs(input.regs, 16);
      const view = new DataView(bytes.buffer);
      view.setBigUint64(PT_REGS.length * 8, input.samplePeriod ?? 0n, true);
      view.setBigUint64(PT_REGS.length * 8 + 8, input.addr ?? 0n, true);
      return bytes;
    }
    case 'raw_tracepoint': case 'raw_tracepoint_writable': case 'tracing': {
      // Without arguments given: as many zero arguments as the verifier lets a program read.
      const args = input.args ?? new Array<bigint>(MAX_RAW_TP_ARGS).fill(0n);
      const bytes = new Uint8Array(Math.max(8, args.length * 8));
      args.forEach((a, i) => new DataView(bytes.buffer).setBigUint64(i * 8, BigInt.asUintN(64, a), true));
      return bytes;
    }
    // Without a record given: a zero record as long as the verifier lets a program read (PERF_MAX_TRACE_SIZE).
    case 'tracepoint': return (input.raw ?? new Uint8Array(PERF_MAX_TRACE_SIZE)).slice();
    default: return undefined;
  }
}

/** Puts the context in memory; returns its address. */
export function addTracingContext(memory: Memory, type: string, bytes: Uint8Array): bigint {
  return regionAddress(memory.add(`${type} context`, 'ctx', bytes, false));
}
