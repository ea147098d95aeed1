// Unit tests for src-vm/verifier/progTypes/tracing.ts: the tracing program
// types' context rules (kprobe, tracepoint, raw_tracepoint(_writable),
// perf_event, syscall) at their edges, and kprobe.session's return range
// (confirmed against the live kernel with an explicit expected attach type,
// which Debian's bpftool cannot give), as tables of accesses and decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttachTypeName, ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import { TRACING_PROG_TYPES } from '../../../../src-vm/verifier/progTypes/tracing';
import type { CtxAccess, RetRange } from '../../../../src-vm/verifier/progTypes';
import { NO, OK, parseAccess } from './accessKit';

const TP_BUFFER: CtxAccess = { ok: true, yields: { type: 'tp_buffer' } };

const ACCESSES: [ProgTypeName, string, CtxAccess][] = [
  // kprobe: struct pt_regs (168 bytes), read only, aligned to the access size.
  ['kprobe', 'r8@0', OK],
  ['kprobe', 'r8@160', OK],
  ['kprobe', 'r4@164', OK],
  ['kprobe', 'r1@167', OK],
  ['kprobe', 'r8@168', NO],
  ['kprobe', 'r8@4', NO],
  ['kprobe', 'r4@-4', NO],
  ['kprobe', 's4@80', OK],
  ['kprobe', 'w8@112', NO],
  // tracepoint: the common header (first 8 bytes) hidden; up to PERF_MAX_TRACE_SIZE.
  ['tracepoint', 'r8@8', OK],
  ['tracepoint', 'r8@0', NO],
  ['tracepoint', 'r4@4', NO],
  ['tracepoint', 'r1@9', OK],
  ['tracepoint', 'r4@10', NO],
  ['tracepoint', 'r8@8184', OK],
  ['tracepoint', 'r1@8191', OK],
  ['tracepoint', 'r8@8192', NO],
  ['tracepoint', 'w8@8', NO],
  // raw_tracepoint: 12 u64 arguments.
  ['raw_tracepoint', 'r8@0', OK],
  ['raw_tracepoint', 'r8@88', OK],
  ['raw_tracepoint', 'r4@92', OK],
  ['raw_tracepoint', 'r8@96', NO],
  ['raw_tracepoint', 'r8@4', NO],
  ['raw_tracepoint', 'w8@0', NO],
  // raw_tracepoint_writable: word 0 is the buffer, loaded whole; the rest as raw_tracepoint.
  ['raw_tracepoint_writable', 'r8@0', TP_BUFFER],
  ['raw_tracepoint_writable', 'r4@0', NO],
  ['raw_tracepoint_writable', 'w8@0', NO],
  ['raw_tracepoint_writable', 'r8@8', OK],
  ['raw_tracepoint_writable', 'r4@4', OK],
  ['raw_tracepoint_writable', 'r8@96', NO],
  // perf_event: registers as whole longs; sample_period (168) and addr (176) also narrower.
  ['perf_event', 'r8@128', OK],
  ['perf_event', 'r4@128', NO],
  ['perf_event', 'r8@168', OK],
  ['perf_event', 'r4@172', OK],
  ['perf_event', 'r2@178', OK],
  ['perf_event', 'r1@183', OK],
  ['perf_event', 'r8@184', NO],
  ['perf_event', 'r4@170', NO],
  ['perf_event', 'w8@168', NO],
  // syscall: reads and writes below U16_MAX.
  ['syscall', 'r8@0', OK],
  ['syscall', 'w4@16', OK],
  ['syscall', 'r8@65520', OK],
  ['syscall', 'r1@65534', OK],
  ['syscall', 'r1@65535', NO],
  ['syscall', 'r8@-8', NO],
  ['syscall', 'r8@4', NO],
];

for (const [type, access, expect] of ACCESSES) {
  test(`tracing ctx: ${type} ${access}`, () => {
    assert.deepEqual(TRACING_PROG_TYPES[type]!.ctxAccess(parseAccess(access)), expect);
  });
}

const RANGES: [ProgTypeName, AttachTypeName | undefined, RetRange | undefined][] = [
  ['kprobe', undefined, undefined],
  ['kprobe', 'trace_kprobe_multi', undefined],
  ['kprobe', 'trace_kprobe_session', { min: 0, max: 1 }],
  ['tracepoint', undefined, undefined],
  ['raw_tracepoint', undefined, undefined],
  ['raw_tracepoint_writable', undefined, undefined],
  ['perf_event', undefined, undefined],
  ['syscall', undefined, undefined],
];

for (const [type, attach, expect] of RANGES) {
  test(`tracing return range: ${type} ${attach ?? '(no attach type)'}`, () => {
    assert.deepEqual(TRACING_PROG_TYPES[type]!.returnRange?.(attach), expect);
  });
}
