// Unit tests for src-vm/verifier/mapFuncCompat.ts: map types and helpers
// refused to each other from either side, and the program types that may
// update sockmaps, as a table of the kernel's decisions and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttachTypeName, ProgTypeName } from '../../../src-vm/elf/bpfEnums';
import { checkMapFuncCompat } from '../../../src-vm/verifier/mapFuncCompat';
import type { MapRef } from '../../../src-vm/verifier/regState';

const HELPER_IDS: Readonly<Record<string, number>> = {
  map_lookup_elem: 1, map_update_elem: 2, map_delete_elem: 3, tail_call: 12, perf_event_output: 25, get_stackid: 27,
  redirect_map: 51, map_push_elem: 87, map_pop_elem: 88, ringbuf_output: 130,
};

const map = (type: string): MapRef => ({ name: 'm', type, keySize: 4, valueSize: 8, maxEntries: 1 });

type Row = [mapType: string, helper: string, prog: ProgTypeName, attach: AttachTypeName | undefined, expect: string[] | undefined];

const ROWS: Row[] = [
  ['hash', 'map_lookup_elem', 'kprobe', undefined, undefined],
  ['stack_trace', 'map_lookup_elem', 'perf_event', undefined, ['cannot pass map_type 7 into func bpf_map_lookup_elem#1']],
  ['stack_trace', 'get_stackid', 'perf_event', undefined, undefined],
  ['hash', 'get_stackid', 'kprobe', undefined, ['cannot pass map_type 1 into func bpf_get_stackid#27']],
  ['prog_array', 'map_lookup_elem', 'socket_filter', undefined, ['cannot pass map_type 3 into func bpf_map_lookup_elem#1']],
  ['prog_array', 'tail_call', 'kprobe', undefined, undefined],
  ['array', 'tail_call', 'kprobe', undefined, ['cannot pass map_type 2 into func bpf_tail_call#12']],
  ['perf_event_array', 'perf_event_output', 'tracepoint', undefined, undefined],
  ['array', 'perf_event_output', 'tracepoint', undefined, ['cannot pass map_type 2 into func bpf_perf_event_output#25']],
  ['ringbuf', 'map_lookup_elem', 'kprobe', undefined, ['cannot pass map_type 27 into func bpf_map_lookup_elem#1']],
  ['ringbuf', 'ringbuf_output', 'kprobe', undefined, undefined],
  ['queue', 'map_pop_elem', 'xdp', undefined, undefined],
  ['bloom_filter', 'map_pop_elem', 'xdp', undefined, ['cannot pass map_type 30 into func bpf_map_pop_elem#88']],
  ['cpumap', 'map_lookup_elem', 'xdp', undefined, ['cannot pass map_type 16 into func bpf_map_lookup_elem#1']],
  ['devmap', 'redirect_map', 'xdp', undefined, undefined],
  ['sockmap', 'map_update_elem', 'sched_cls', undefined, undefined],
  ['sockmap', 'map_update_elem', 'kprobe', undefined, ['cannot update sockmap in this context', 'cannot pass map_type 15 into func bpf_map_update_elem#2']],
  ['sockhash', 'map_delete_elem', 'sock_ops', undefined, undefined],
  ['sockhash', 'map_update_elem', 'sock_ops', undefined, ['cannot update sockmap in this context', 'cannot pass map_type 18 into func bpf_map_update_elem#2']],
  ['sockmap', 'map_update_elem', 'tracing', 'trace_iter', undefined],
  ['sockmap', 'map_push_elem', 'xdp', undefined, ['cannot pass map_type 15 into func bpf_map_push_elem#87']],
];

for (const [mapType, helper, prog, attach, expect] of ROWS) {
  test(`map/helper compatibility: ${mapType} into ${helper} (${prog}${attach ? `/${attach}` : ''})`, () => {
    const err = checkMapFuncCompat({ pc: 5, map: map(mapType), helper, helperId: HELPER_IDS[helper], prog, attach });
    assert.deepEqual(err && [err.message, ...err.trail], expect);
    if (err) assert.equal(err.insnIdx, 5);
  });
}

test('map/helper compatibility: a helper without a map argument is not checked', () => {
  assert.equal(checkMapFuncCompat({ pc: 0, map: undefined, helper: 'get_stackid', helperId: 27, prog: 'kprobe' }), undefined);
});
