// Unit tests for src-vm/verifier/mapProgCompat.ts: the maps a program may
// not name (special value fields by program type, sleepable programs' map
// types) and the pre-verification pass over a program's map lddws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgTypeName } from '../../../src-vm/elf/bpfEnums';
import type { Insn } from '../../../src-vm/isa/insn';
import { checkMapProgCompat, mapProgRefusal } from '../../../src-vm/verifier/mapProgCompat';
import type { MapValueFieldKind } from '../../../src-vm/verifier/mapValueFields';
import type { MapRef } from '../../../src-vm/verifier/regState';

const map = (type: string, ...kinds: MapValueFieldKind[]): MapRef =>
  ({ name: 'm', type, keySize: 4, valueSize: 32, maxEntries: 1, valueFields: kinds.map((kind, k) => ({ kind, offset: 16 * k })) });

const TRACING_LOCK = 'tracing progs cannot use bpf_spin_lock yet';
const SLEEPABLE = 'Sleepable programs can only use array, hash, ringbuf and local storage maps';

const ROWS: [MapRef, ProgTypeName, boolean, string | undefined][] = [
  [map('array', 'spin_lock'), 'kprobe', false, TRACING_LOCK],
  [map('array', 'spin_lock'), 'raw_tracepoint_writable', false, TRACING_LOCK],
  [map('array', 'spin_lock'), 'xdp', false, undefined],
  [map('array', 'spin_lock'), 'socket_filter', false, 'socket filter progs cannot use bpf_spin_lock yet'],
  [map('array', 'spin_lock'), 'syscall', true, undefined],
  [map('hash', 'timer'), 'tracepoint', false, 'tracing progs cannot use bpf_timer yet'],
  [map('hash', 'timer'), 'socket_filter', false, undefined],
  [map('hash', 'wq'), 'perf_event', false, 'tracing progs cannot use bpf_wq yet'],
  [map('hash', 'timer', 'list_head'), 'kprobe', false, 'tracing progs cannot use bpf_{list_head,rb_root} yet'],
  [map('hash', 'spin_lock', 'timer'), 'kprobe', false, TRACING_LOCK],
  [map('hash'), 'kprobe', false, undefined],
  [map('lpm_trie'), 'syscall', true, SLEEPABLE],
  [map('perf_event_array'), 'kprobe', true, SLEEPABLE],
  [map('perf_event_array'), 'kprobe', false, undefined],
  [map('ringbuf'), 'syscall', true, undefined],
  [map('task_storage'), 'syscall', true, undefined],
  [map('struct_ops'), 'xdp', false, 'bpf_struct_ops map cannot be used in prog'],
];

for (const [m, prog, sleepable, expect] of ROWS) {
  test(`map/program compatibility: ${m.type} [${m.valueFields!.map((f) => f.kind).join(',')}] in ${prog}${sleepable ? ' (sleepable)' : ''}`, () => {
    assert.equal(mapProgRefusal(m, prog, sleepable), expect);
  });
}

const insn = (code: number, src: number, imm: number): Insn => ({ code, dst: 1, src, off: 0, imm });
/** r1 = 5 ll; r1 = map[0] ll (plain); r1 = map[1] ll (the locked map, as a value address); exit. */
const PROGRAM: Insn[] = [
  insn(0x18, 0, 5), insn(0, 0, 0),
  insn(0x18, 1, 0), insn(0, 0, 0),
  insn(0x18, 2, 1), insn(0, 0, 0),
  insn(0x95, 0, 0),
];

test('map/program compatibility: the first refused map lddw, in program order, before verification', () => {
  const err = checkMapProgCompat(PROGRAM, [map('hash'), map('array', 'spin_lock')], 'kprobe', false);
  assert.deepEqual(err && { pc: err.insnIdx, message: err.message }, { pc: 4, message: TRACING_LOCK });
  assert.equal(checkMapProgCompat(PROGRAM, [map('hash'), map('array', 'spin_lock')], 'sched_cls', false), undefined);
  assert.equal(checkMapProgCompat(PROGRAM.slice(0, 2), [], 'kprobe', false), undefined);
});
