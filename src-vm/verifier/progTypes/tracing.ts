// The tracing family of program types: kprobe (struct pt_regs), tracepoint
// (the raw trace record, its first 8 bytes hidden), raw_tracepoint and
// raw_tracepoint_writable (up to 12 u64 arguments; the writable one's first
// word is the tracepoint buffer), perf_event (struct bpf_perf_event_data) and
// syscall (an opaque user buffer) — the kernel's is_valid_access of each
// (kernel/trace/bpf_trace.c, kernel/bpf/syscall.c) and check_return_code's
// range where it has one (kprobe.session). Sizes are x86_64's. Imports only types.

import type { AttachTypeName, ProgTypeName } from '../../elf/bpfEnums';
import { allow, narrowOk, spanAt, spans } from './ctxSpans';
import type { CtxAccess, CtxAccessQuery, ProgTypeRules, RetRange } from './rules';

/** sizeof(struct pt_regs) on x86_64: 21 registers of 8 bytes. */
export const PT_REGS_SIZE = 168;
/** PERF_MAX_TRACE_SIZE: how far a tracepoint program may read into its record. */
export const PERF_MAX_TRACE_SIZE = 8192;
/** MAX_BPF_FUNC_ARGS u64 slots of a raw tracepoint's arguments. */
export const RAW_TP_ARGS_SIZE = 12 * 8;
/** syscall programs: any offset below U16_MAX (the buffer's size is only known at run time). */
export const SYSCALL_CTX_LIMIT = 0xffff;

/** A read-only context of `limit` bytes from `first`, any power-of-two size aligned to itself. */
function readOnlyWindow(first: number, limit: number) {
  return (q: CtxAccessQuery): CtxAccess => {
    const { off, size } = q;
    return allow(off >= first && off < limit && !q.write && off % size === 0 && off + size <= limit);
  };
}

/** raw_tp_writable_prog_is_valid_access: word 0 is the tracepoint's buffer, loaded whole. */
function rawTpWritableAccess(q: CtxAccessQuery): CtxAccess {
  if (q.off === 0) return allow(q.size === 8 && !q.write, { type: 'tp_buffer' });
  return readOnlyWindow(0, RAW_TP_ARGS_SIZE)(q);
}

// struct bpf_perf_event_data { bpf_user_pt_regs_t regs; __u64 sample_period; __u64 addr; }
const PERF_EVENT_DATA = spans([['regs', 0, PT_REGS_SIZE], ['sample_period', PT_REGS_SIZE, 8], ['addr', PT_REGS_SIZE + 8, 8]]);
const PERF_EVENT_DATA_SIZE = PT_REGS_SIZE + 16;

/** pe_prog_is_valid_access: registers are read as whole longs; sample_period and addr also narrower. */
function perfEventAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (off < 0 || off >= PERF_EVENT_DATA_SIZE || q.write || off % size !== 0) return { ok: false };
  const field = spanAt(PERF_EVENT_DATA, off)!;
  return allow(field.name === 'regs' ? size === 8 : narrowOk(size, 8));
}

/** syscall_prog_is_valid_access: reads and writes anywhere below U16_MAX, aligned to their size. */
function syscallAccess(q: CtxAccessQuery): CtxAccess {
  return allow(q.off >= 0 && q.off < SYSCALL_CTX_LIMIT && q.off % q.size === 0);
}

/** check_return_code: only kprobe.session programs have a range (0 runs the return probe, 1 skips it). */
function kprobeRange(attach?: AttachTypeName): RetRange | undefined {
  return attach === 'trace_kprobe_session' ? { min: 0, max: 1 } : undefined;
}

export const TRACING_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  kprobe: { ctxAccess: readOnlyWindow(0, PT_REGS_SIZE), returnRange: kprobeRange },
  tracepoint: { ctxAccess: readOnlyWindow(8, PERF_MAX_TRACE_SIZE) },
  raw_tracepoint: { ctxAccess: readOnlyWindow(0, RAW_TP_ARGS_SIZE) },
  raw_tracepoint_writable: { ctxAccess: rawTpWritableAccess },
  perf_event: { ctxAccess: perfEventAccess },
  syscall: { ctxAccess: syscallAccess },
};
