// Unit tests for the generated helper table
// (src-vm/verifier/helperProtos.generated.ts): well-known helpers against
// their prototypes in the Linux 6.12 sources, program-type variants, and the
// table's consistency with the uapi helper list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELPERS } from '../../../src-vm/isa/helpers.generated';
import { HELPER_PROTOS, helperProtoById, helperProtoFor, type HelperProtoShape } from '../../../src-vm/verifier/helperProtos.generated';

const KNOWN: [string, number, HelperProtoShape, string[], string[]][] = [
  // name, id, prototype, some program types that may call it, some that may not
  ['map_lookup_elem', 1, { gplOnly: false, retType: 'RET_PTR_TO_MAP_VALUE_OR_NULL', argTypes: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'] }, ['xdp', 'kprobe', 'socket_filter'], []],
  ['map_update_elem', 2, { gplOnly: false, retType: 'RET_INTEGER', argTypes: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'] }, ['xdp', 'sched_cls'], []],
  ['probe_read_kernel', 113, { gplOnly: true, retType: 'RET_INTEGER', argTypes: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'] }, ['kprobe', 'tracing'], []],
  ['ringbuf_reserve', 131, { gplOnly: false, retType: 'RET_PTR_TO_RINGBUF_MEM_OR_NULL', argTypes: ['ARG_CONST_MAP_PTR', 'ARG_CONST_ALLOC_SIZE_OR_ZERO', 'ARG_ANYTHING'] }, ['xdp', 'kprobe'], []],
  ['ringbuf_submit', 132, { gplOnly: false, retType: 'RET_VOID', argTypes: ['ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE', 'ARG_ANYTHING'] }, ['xdp', 'kprobe'], []],
  ['get_current_pid_tgid', 14, { gplOnly: false, retType: 'RET_INTEGER', argTypes: [] }, ['kprobe', 'tracepoint'], []],
  ['trace_printk', 6, { gplOnly: true, retType: 'RET_INTEGER', argTypes: ['ARG_PTR_TO_MEM | MEM_RDONLY', 'ARG_CONST_SIZE'] }, ['xdp', 'kprobe', 'socket_filter'], []],
  ['xdp_adjust_head', 44, { gplOnly: false, retType: 'RET_INTEGER', argTypes: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'] }, ['xdp'], ['socket_filter', 'kprobe', 'sched_cls']],
  ['skb_load_bytes', 26, { gplOnly: false, retType: 'RET_INTEGER', argTypes: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'] }, ['socket_filter', 'sched_cls'], ['xdp', 'kprobe']],
  ['tail_call', 12, { gplOnly: false, retType: 'RET_VOID', argTypes: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'] }, ['xdp', 'kprobe', 'sched_cls'], []],
  ['loop', 181, { gplOnly: false, retType: 'RET_INTEGER', argTypes: ['ARG_SCALAR', 'ARG_PTR_TO_FUNC', 'ARG_PTR_TO_STACK_OR_NULL', 'ARG_ANYTHING'] }, ['xdp', 'kprobe'], []],
  ['for_each_map_elem', 164, { gplOnly: false, retType: 'RET_INTEGER', argTypes: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_FUNC', 'ARG_PTR_TO_STACK_OR_NULL', 'ARG_ANYTHING'] }, ['xdp'], []],
  ['snprintf', 165, { gplOnly: true, retType: 'RET_INTEGER', argTypes: ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_CONST_STR', 'ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY', 'ARG_CONST_SIZE_OR_ZERO'] }, ['xdp', 'kprobe'], []],
];

for (const [name, id, shape, may, mayNot] of KNOWN) {
  test(`helper prototype: ${name}`, () => {
    const row = helperProtoById(id);
    assert.ok(row && row.known, `no prototype for #${id}`);
    assert.equal(row.name, name);
    assert.equal(row.proto, `bpf_${name}_proto`);
    assert.deepEqual({ gplOnly: row.gplOnly, retType: row.retType, argTypes: row.argTypes }, shape);
    for (const t of may) assert.ok(row.allowedProgTypes.includes(t), `${name} should be callable from ${t}`);
    for (const t of mayNot) assert.ok(!row.allowedProgTypes.includes(t), `${name} should not be callable from ${t}`);
  });
}

test('helper prototypes: program types get their variant (perf_event_output from skb programs)', () => {
  const row = helperProtoById(25);
  assert.ok(row && row.known);
  assert.equal(row.proto, 'bpf_perf_event_output_proto');
  assert.equal(helperProtoFor(row, 'kprobe'), row);
  const tc = helperProtoFor(row, 'sched_cls');
  assert.ok(tc && 'proto' in tc);
  assert.equal((tc as { proto: string }).proto, 'bpf_skb_event_output_proto');
  assert.equal(helperProtoFor(row, 'no_such_type'), undefined);
});

test('helper prototypes: ids 1..N in order, names agreeing with the uapi helper list', () => {
  assert.deepEqual(HELPER_PROTOS.map((h) => h.id), HELPER_PROTOS.map((_, k) => k + 1));
  for (const h of HELPERS) if (h.id > 0 && h.id <= HELPER_PROTOS.length) assert.equal(HELPER_PROTOS[h.id - 1].name, h.name);
  const known = HELPER_PROTOS.filter((h) => h.known).length;
  assert.ok(known >= 190, `only ${known} prototypes found`);
  for (const h of HELPER_PROTOS) {
    if (!h.known) continue;
    assert.match(h.retType, /^RET_\w+( \| \w+)*$/, `${h.name} return type`);
    for (const a of h.argTypes) assert.match(a, /^ARG_\w+( \| \w+)*$/, `${h.name} argument type ${a}`);
    assert.ok(h.argTypes.length <= 5);
  }
});
