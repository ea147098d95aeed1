// Verifier cases for the tracing program types: kprobe (struct pt_regs),
// tracepoint (the trace record past its 8-byte common header), raw_tracepoint
// and raw_tracepoint_writable (the u64 argument array; the writable one's
// tracepoint buffer), perf_event (bpf_perf_event_data's narrow-load rules)
// and syscall (a read-write buffer), the helpers only some of them may call
// (and only sleepable ones, when they might sleep); and as C programs with
// maps, the maps they may not use (spin locks, timers; sleepable programs'
// map types) and map/helper pairs. Each rule both ways. `expect` is what the
// live kernel (Linux 6.18, as root) said when the case was loaded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const ctxRej = (insn: number, off: number, size: number): VerifierCase['expect'] => rej(insn, `invalid bpf_context access off=${off} size=${size}`);
const RET0 = ['r0 = 0', 'exit'];
/** r6 = the writable tracepoint's buffer (word 0 of its context). */
const TP_BUF = ['r6 = *(u64 *)(r1 + 0)'];

const KPROBE: VerifierCase[] = [
  { name: 'kp_read_di', type: 'kprobe', asm: ['r0 = *(u64 *)(r1 + 112)', 'exit'], expect: 'accept' },
  { name: 'kp_read_ss', type: 'kprobe', asm: ['r2 = *(u64 *)(r1 + 160)', ...RET0], expect: 'accept' },
  { name: 'kp_read_past_pt_regs', type: 'kprobe', asm: ['r2 = *(u64 *)(r1 + 168)', ...RET0], expect: ctxRej(0, 168, 8) },
  { name: 'kp_read_narrow_tail', type: 'kprobe', asm: ['r2 = *(u32 *)(r1 + 164)', ...RET0], expect: 'accept' },
  { name: 'kp_read_misaligned', type: 'kprobe', asm: ['r2 = *(u64 *)(r1 + 4)', ...RET0], expect: ctxRej(0, 4, 8) },
  { name: 'kp_read_sx', type: 'kprobe', asm: ['r2 = *(s32 *)(r1 + 80)', ...RET0], expect: 'accept' },
  { name: 'kp_write', type: 'kprobe', asm: ['r2 = 1', '*(u64 *)(r1 + 112) = r2', ...RET0], expect: ctxRej(1, 112, 8) },
  { name: 'kp_ret_any', type: 'kprobe', asm: ['r0 = -5', 'exit'], expect: 'accept' },
  { name: 'kp_ret_ctx', type: 'kprobe', asm: ['r0 = r1', 'exit'], expect: 'accept' },
  { name: 'kp_multi_read', type: 'kprobe', section: 'kprobe.multi/ebpf_wb_probe', asm: ['r0 = *(u64 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'kp_pid_tgid', type: 'kprobe', asm: ['call 14', 'exit'], expect: 'accept' },
  { name: 'kp_coarse_ns', type: 'kprobe', asm: ['call 160', 'exit'], expect: rej(0, 'program of this type cannot use helper bpf_ktime_get_coarse_ns#160') },
  { name: 'kp_perf_prog_read_value', type: 'kprobe', asm: ['r2 = r10', 'r2 += -24', 'r3 = 24', 'call 56', 'exit'], expect: rej(3, 'program of this type cannot use helper bpf_perf_prog_read_value#56') },
  { name: 'kp_modified_ctx_to_helper', type: 'kprobe', asm: ['r1 += 8', 'r2 = r10', 'r2 += -64', 'r3 = 64', 'r4 = 0', 'call 67', 'exit'], expect: rej(5, 'dereference of modified ctx ptr R1 off=8 disallowed') },
];

const TRACEPOINT: VerifierCase[] = [
  { name: 'tp_read_first_field', type: 'tracepoint', asm: ['r2 = *(u64 *)(r1 + 8)', ...RET0], expect: 'accept' },
  { name: 'tp_read_header', type: 'tracepoint', asm: ['r2 = *(u64 *)(r1 + 0)', ...RET0], expect: ctxRej(0, 0, 8) },
  { name: 'tp_read_header_narrow', type: 'tracepoint', asm: ['r2 = *(u32 *)(r1 + 4)', ...RET0], expect: ctxRej(0, 4, 4) },
  { name: 'tp_read_last_word', type: 'tracepoint', asm: ['r2 = *(u64 *)(r1 + 8184)', ...RET0], expect: 'accept' },
  { name: 'tp_read_past_max', type: 'tracepoint', asm: ['r2 = *(u64 *)(r1 + 8192)', ...RET0], expect: ctxRej(0, 8192, 8) },
  { name: 'tp_read_byte', type: 'tracepoint', asm: ['r2 = *(u8 *)(r1 + 9)', ...RET0], expect: 'accept' },
  { name: 'tp_read_misaligned', type: 'tracepoint', asm: ['r2 = *(u32 *)(r1 + 10)', ...RET0], expect: ctxRej(0, 10, 4) },
  { name: 'tp_write', type: 'tracepoint', asm: ['r2 = 1', '*(u64 *)(r1 + 8) = r2', ...RET0], expect: ctxRej(1, 8, 8) },
  { name: 'tp_perf_prog_read_value', type: 'tracepoint', asm: ['r2 = r10', 'r2 += -24', 'r3 = 24', 'call 56', 'exit'], expect: rej(3, 'program of this type cannot use helper bpf_perf_prog_read_value#56') },
];

const RAW_TP: VerifierCase[] = [
  { name: 'rawtp_arg0', type: 'raw_tracepoint', asm: ['r0 = *(u64 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'rawtp_arg11', type: 'raw_tracepoint', asm: ['r2 = *(u64 *)(r1 + 88)', ...RET0], expect: 'accept' },
  { name: 'rawtp_past_args', type: 'raw_tracepoint', asm: ['r2 = *(u64 *)(r1 + 96)', ...RET0], expect: ctxRej(0, 96, 8) },
  { name: 'rawtp_narrow', type: 'raw_tracepoint', asm: ['r2 = *(u32 *)(r1 + 4)', ...RET0], expect: 'accept' },
  { name: 'rawtp_write', type: 'raw_tracepoint', asm: ['r2 = 0', '*(u64 *)(r1 + 0) = r2', ...RET0], expect: ctxRej(1, 0, 8) },
  { name: 'rawtp_ret_any', type: 'raw_tracepoint', asm: ['r0 = 77', 'exit'], expect: 'accept' },
  { name: 'rawtp_get_stack', type: 'raw_tracepoint', asm: ['r2 = r10', 'r2 += -64', 'r3 = 64', 'r4 = 0', 'call 67', 'exit'], expect: 'accept' },
];

const RAW_TP_W: VerifierCase[] = [
  { name: 'rawtpw_buffer_write', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r7 = 1', '*(u64 *)(r6 + 0) = r7', ...RET0], expect: 'accept' },
  { name: 'rawtpw_buffer_far', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r6 += 4096', 'r7 = *(u32 *)(r6 + 4)', ...RET0], expect: 'accept' },
  { name: 'rawtpw_buffer_negative', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r7 = *(u64 *)(r6 - 8)', ...RET0], expect: rej(1, 'R6 invalid tracepoint buffer access: off=-8, size=8') },
  { name: 'rawtpw_buffer_variable', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r2 = *(u64 *)(r1 + 8)', 'r2 &= 255', 'r6 += r2', 'r7 = 0', '*(u8 *)(r6 + 0) = r7', ...RET0], expect: rej(5, 'R6 invalid variable buffer offset: off=0, var_off=(0x0; 0xff)') },
  { name: 'rawtpw_word0_narrow', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: ['r6 = *(u32 *)(r1 + 0)', ...RET0], expect: ctxRej(0, 0, 4) },
  { name: 'rawtpw_word0_write', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: ['r2 = 0', '*(u64 *)(r1 + 0) = r2', ...RET0], expect: ctxRej(1, 0, 8) },
  { name: 'rawtpw_arg1', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: ['r0 = *(u64 *)(r1 + 8)', 'exit'], expect: 'accept' },
  { name: 'rawtpw_buffer_atomic', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r7 = 1', 'r7 = atomic_fetch_add((u64 *)(r6 + 8), r7)', 'r0 = r7', 'exit'], expect: 'accept' },
  { name: 'rawtpw_buffer_to_helper', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: ['r1 = *(u64 *)(r1 + 0)', 'r2 = 8', 'r3 = 0', 'call 113', ...RET0],
    expect: rej(3, 'R1 type=tp_buffer expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_') },
  { name: 'rawtpw_buffer_and', type: 'raw_tracepoint_writable', section: 'raw_tp.w/ebpf_wb', asm: [...TP_BUF, 'r6 &= 7', ...RET0], expect: rej(1, 'R6 bitwise operator &= on pointer prohibited') },
];

const PERF_EVENT: VerifierCase[] = [
  { name: 'pe_read_ip', type: 'perf_event', asm: ['r0 = *(u64 *)(r1 + 128)', 'exit'], expect: 'accept' },
  { name: 'pe_read_reg_u32', type: 'perf_event', asm: ['r2 = *(u32 *)(r1 + 128)', ...RET0], expect: ctxRej(0, 128, 4) },
  { name: 'pe_sample_period', type: 'perf_event', asm: ['r2 = *(u64 *)(r1 + 168)', ...RET0], expect: 'accept' },
  { name: 'pe_sample_period_hi', type: 'perf_event', asm: ['r2 = *(u32 *)(r1 + 172)', ...RET0], expect: 'accept' },
  { name: 'pe_addr_u16', type: 'perf_event', asm: ['r2 = *(u16 *)(r1 + 178)', ...RET0], expect: 'accept' },
  { name: 'pe_addr_byte', type: 'perf_event', asm: ['r2 = *(u8 *)(r1 + 183)', ...RET0], expect: 'accept' },
  { name: 'pe_past_end', type: 'perf_event', asm: ['r2 = *(u64 *)(r1 + 184)', ...RET0], expect: ctxRej(0, 184, 8) },
  { name: 'pe_write', type: 'perf_event', asm: ['r2 = 0', '*(u64 *)(r1 + 168) = r2', ...RET0], expect: ctxRej(1, 168, 8) },
  { name: 'pe_perf_prog_read_value', type: 'perf_event', asm: ['r2 = r10', 'r2 += -24', 'r3 = 24', 'call 56', 'exit'], expect: 'accept' },
  { name: 'pe_read_value_short', type: 'perf_event', asm: ['r2 = r10', 'r2 += -16', 'r3 = 16', 'call 56', 'exit'], expect: 'accept' },
];

const SYSCALL: VerifierCase[] = [
  { name: 'sys_read', type: 'syscall', asm: ['r0 = *(u64 *)(r1 + 0)', 'exit'], expect: 'accept' },
  { name: 'sys_write', type: 'syscall', asm: ['r2 = 5', '*(u32 *)(r1 + 16) = r2', ...RET0], expect: 'accept' },
  { name: 'sys_read_far', type: 'syscall', asm: ['r2 = *(u64 *)(r1 + 32760)', ...RET0], expect: 'accept' },
  { name: 'sys_read_negative', type: 'syscall', asm: ['r2 = *(u64 *)(r1 - 8)', ...RET0], expect: ctxRej(0, -8, 8) },
  { name: 'sys_read_misaligned', type: 'syscall', asm: ['r2 = *(u64 *)(r1 + 4)', ...RET0], expect: ctxRej(0, 4, 8) },
  { name: 'sys_store_imm', type: 'syscall', asm: ['*(u32 *)(r1 + 0) = 1', ...RET0], expect: 'accept' },
  { name: 'sys_store_ptr', type: 'syscall', asm: ['*(u64 *)(r1 + 0) = r10', ...RET0], expect: 'accept' },
  { name: 'sys_ret_any', type: 'syscall', asm: ['r0 = 9', 'exit'], expect: 'accept' },
  { name: 'sys_ctx_plus_read', type: 'syscall', asm: ['r1 += 8', 'r0 = *(u64 *)(r1 + 0)', 'exit'], expect: rej(1, 'dereference of modified ctx ptr R1 off=8 disallowed') },
];

/** Helpers that might sleep: only sleepable programs (uprobe.s, syscall) may call them. */
const COPY_FROM_USER = ['r1 = r10', 'r1 += -8', 'r2 = 8', 'r3 = 0', 'call 148', 'exit'];
const SLEEPING: VerifierCase[] = [
  { name: 'kp_copy_from_user', type: 'kprobe', asm: COPY_FROM_USER, expect: rej(4, 'helper call might sleep in a non-sleepable prog') },
  { name: 'tp_copy_from_user', type: 'tracepoint', asm: COPY_FROM_USER, expect: rej(4, 'helper call might sleep in a non-sleepable prog') },
  { name: 'uprobe_s_copy_from_user', type: 'kprobe', section: 'uprobe.s/ebpf_wb', asm: COPY_FROM_USER, expect: 'accept' },
  { name: 'sys_copy_from_user', type: 'syscall', asm: COPY_FROM_USER, expect: 'accept' },
  { name: 'sys_sys_close', type: 'syscall', asm: ['r1 = 100', 'call 168', 'exit'], expect: 'accept' },
  { name: 'kp_sys_close', type: 'kprobe', asm: ['r1 = 100', 'call 168', 'exit'], expect: rej(1, 'program of this type cannot use helper bpf_sys_close#168') },
];

/** bpf_probe_read_kernel_str into fp-16..fp-1, then its result (at most the size, 16, or an error) as an index from fp-`base`. */
const readStrThenIndex = (base: number, checked: boolean): string[] => [
  'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = 0', 'call 115', ...(checked ? ['if r0 s< 0 goto +4'] : []),
  'r1 = r10', `r1 += -${base}`, 'r1 += r0', 'r0 = *(u8 *)(r1 + 0)', ...RET0,
];
const RESULT_RANGE: VerifierCase[] = [
  { name: 'tp_read_str_len_in_stack', type: 'tracepoint', asm: readStrThenIndex(32, true), expect: 'accept' },
  { name: 'tp_read_str_len_past_stack', type: 'tracepoint', asm: readStrThenIndex(16, true),
    expect: rej(9, 'invalid variable-offset read from stack R1 var_off=(0x0; 0x1f) off=-16 size=1') },
  { name: 'tp_read_str_no_check', type: 'tracepoint', asm: readStrThenIndex(32, false),
    expect: rej(8, 'invalid variable-offset read from stack R1 var_off=(0x0; 0xffffffffffffffff) off=-32 size=1') },
];

export const TRACING_CASES: readonly VerifierCase[] = [...KPROBE, ...TRACEPOINT, ...RAW_TP, ...RAW_TP_W, ...PERF_EVENT, ...SYSCALL, ...SLEEPING, ...RESULT_RANGE];

/** Maps with a special field in their value, and map types with few helpers (after the C cases' common prelude). */
const SPECIAL_MAPS = `
struct locked { struct bpf_spin_lock lock; __u64 n; };
struct timed { struct bpf_timer t; __u64 n; };
struct nested { __u64 a; struct locked inner; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct locked); } lockmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct timed); } timermap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1); __type(key, __u32); __type(value, struct nested); } nestmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_STACK_TRACE); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[127]); } stacks SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, 4); __uint(value_size, 4); } events SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LPM_TRIE); __uint(max_entries, 1); __uint(map_flags, 1); __type(key, __u64); __type(value, __u32); } trie SEC(".maps");
`;

/** A program of section `sec` that looks up key 0 (up to 16 bytes) in `map`. */
const lookup = (name: string, sec: string, map: string, expect: VerifierCase['expect']): VerifierCCase => ({
  name, expect, source: `${SPECIAL_MAPS}
SEC("${sec}") int ${name}(__u64 *ctx) {
  __u64 key[2] = {};
  bpf_map_lookup_elem(&${map}, key);
  return 0;
}` });

export const TRACING_C_CASES: readonly VerifierCCase[] = [
  lookup('kp_lock_map', 'kprobe/ebpf_wb', 'lockmap', rej(-1, 'tracing progs cannot use bpf_spin_lock yet')),
  lookup('tp_lock_map', 'tracepoint/syscalls/sys_enter_getpid', 'lockmap', rej(-1, 'tracing progs cannot use bpf_spin_lock yet')),
  lookup('xdp_lock_map', 'xdp', 'lockmap', 'accept'),
  lookup('socket_lock_map', 'socket', 'lockmap', rej(-1, 'socket filter progs cannot use bpf_spin_lock yet')),
  lookup('rawtp_timer_map', 'raw_tp/sys_enter', 'timermap', rej(-1, 'tracing progs cannot use bpf_timer yet')),
  lookup('tc_timer_map', 'tc', 'timermap', 'accept'),
  lookup('pe_nested_lock_map', 'perf_event', 'nestmap', rej(-1, 'tracing progs cannot use bpf_spin_lock yet')),
  lookup('pe_plain_map', 'perf_event', 'amap', 'accept'),
  lookup('pe_stack_trace_lookup', 'perf_event', 'stacks', rej(7, 'cannot pass map_type 7 into func bpf_map_lookup_elem#1')),
  lookup('kp_trie_lookup', 'kprobe/ebpf_wb', 'trie', 'accept'),
  lookup('sys_trie_lookup', 'syscall', 'trie', rej(-1, 'Sleepable programs can only use array, hash, ringbuf and local storage maps')),
  lookup('sys_hash_lookup', 'syscall', 'hmap', 'accept'),
  { name: 'pe_get_stackid', expect: 'accept', source: `${SPECIAL_MAPS}
SEC("perf_event") int pe_get_stackid(__u64 *ctx) {
  return bpf_get_stackid(ctx, &stacks, 0);
}` },
  { name: 'kp_get_stackid_wrong_map', expect: rej(3, 'cannot pass map_type 1 into func bpf_get_stackid#27'), source: `${SPECIAL_MAPS}
SEC("kprobe/ebpf_wb") int kp_get_stackid_wrong_map(__u64 *ctx) {
  return bpf_get_stackid(ctx, &hmap, 0);
}` },
  { name: 'tp_perf_output', expect: 'accept', source: `${SPECIAL_MAPS}
SEC("tracepoint/syscalls/sys_enter_getpid") int tp_perf_output(__u64 *ctx) {
  __u64 x = 1;
  return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &x, sizeof(x));
}` },
  { name: 'tp_perf_output_wrong_map', expect: rej(9, 'cannot pass map_type 2 into func bpf_perf_event_output#25'), source: `${SPECIAL_MAPS}
SEC("tracepoint/syscalls/sys_enter_getpid") int tp_perf_output_wrong_map(__u64 *ctx) {
  __u64 x = 1;
  return bpf_perf_event_output(ctx, &amap, BPF_F_CURRENT_CPU, &x, sizeof(x));
}` },
  { name: 'tp_probe_read_var_off', expect: 'accept', source: `
SEC("tracepoint/syscalls/sys_enter_getpid") int tp_probe_read_var_off(__u64 *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  __u32 i = v[0] & 31;
  return bpf_probe_read_kernel(v + i, 32, ctx);
}` },
  { name: 'tp_probe_read_var_off_past_end', expect: rej(15, 'invalid access to map value, value_size=64 off=63 size=32'), source: `
SEC("tracepoint/syscalls/sys_enter_getpid") int tp_probe_read_var_off_past_end(__u64 *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  __u32 i = v[0] & 63;
  return bpf_probe_read_kernel(v + i, 32, ctx);
}` },
  { name: 'sys_perf_event_array', expect: rej(-1, 'Sleepable programs can only use array, hash, ringbuf and local storage maps'), source: `${SPECIAL_MAPS}
SEC("syscall") int sys_perf_event_array(__u64 *ctx) {
  return bpf_perf_event_read(&events, 0);
}` },
];
