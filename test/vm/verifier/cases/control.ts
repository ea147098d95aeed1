// Control constructs, each rule both ways: may_goto (the kernel's bounded
// "may jump" with its depth-counting convergence), callbacks of
// callback-calling helpers (bpf_loop, bpf_for_each_map_elem), bpf_spin_lock
// regions and tail calls through a prog_array. `expect` is what the live
// kernel (6.18, root) says, recorded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const RET0 = ['r0 = 0', 'exit'];
const SOCK = 'socket_filter';

const MAY_GOTO: VerifierCase[] = [
  { name: 'may_goto_forward', type: SOCK, asm: ['r0 = 1', 'may_goto +1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'may_goto_ja_loop', type: SOCK, asm: ['may_goto +1', 'goto -2', ...RET0], expect: 'accept' },
  { name: 'may_goto_self', type: SOCK, asm: ['r0 = 5', 'may_goto -1', ...RET0], expect: rej(1, 'infinite loop detected at insn 1') },
  { name: 'may_goto_off_zero', type: SOCK, asm: ['may_goto +0', ...RET0], expect: 'accept' },
  { name: 'may_goto_counter_loop', type: SOCK, asm: ['r6 = 0', 'may_goto +2', 'r6 += 1', 'goto -3', ...RET0], expect: 'accept' },
  { name: 'may_goto_uninit_in_body', type: SOCK, asm: ['may_goto +2', 'r0 = r2', 'goto -3', ...RET0], expect: rej(1, 'R2 !read_ok') },
  { name: 'may_goto_exit_uninit', type: SOCK, asm: ['may_goto +1', 'goto -2', 'exit'], expect: rej(2, 'R0 !read_ok') },
  { name: 'may_goto_loop_jgt', type: SOCK, asm: ['r0 = 20', 'may_goto -1', 'if r0 > 10 goto -2', ...RET0], expect: rej(1, 'infinite loop detected at insn 1') },
  // The index keeps its bounds across iterations (the kernel marks it precise): 0..7 stays inside the 8 bytes.
  { name: 'may_goto_stack_index', type: SOCK, asm: ['r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r6 = 0', 'may_goto +6', 'r2 = r10', 'r2 += -8', 'r2 += r6',
    'r0 = *(u8 *)(r2 + 0)', 'r6 += 1', 'if r6 < 8 goto -7', ...RET0], expect: 'accept' },
  { name: 'may_goto_stack_index_past_end', type: SOCK, asm: ['r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r6 = 0', 'may_goto +6', 'r2 = r10', 'r2 += -8', 'r2 += r6',
    'r0 = *(u8 *)(r2 + 0)', 'r6 += 1', 'if r6 < 9 goto -7', ...RET0], expect: rej(7, 'invalid read from stack R2 off=0 size=1') },
];

export const CONTROL_CASES: readonly VerifierCase[] = [...MAY_GOTO];

const loopProg = (name: string, body: string, cb: string): VerifierCCase['source'] => `
struct lctx { __u64 i; __u64 sum; };
static long ${name}_cb(__u64 idx, void *data) {
  struct lctx *c = data;
${cb}
}
SEC("xdp") int ${name}(struct xdp_md *ctx) {
  struct lctx c = { 0, 0 };
${body}
}`;

const CALLBACKS: VerifierCCase[] = [
  { name: 'loop_ok', expect: 'accept', source: loopProg('loop_ok', '  bpf_loop(4, loop_ok_cb, &c, 0);\n  return c.sum & 1;', '  c->sum += idx;\n  return 0;') },
  { name: 'loop_cb_ret2', expect: rej(13, 'At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]'), source: loopProg('loop_cb_ret2', '  bpf_loop(4, loop_cb_ret2_cb, &c, 0);\n  return 0;', '  return 2;') },
  { name: 'loop_ctx_not_stack', expect: rej(13, 'R3 type=map_value expected=fp'), source: `
static long not_stack_cb(__u64 idx, void *data) { return 0; }
SEC("xdp") int loop_ctx_not_stack(struct xdp_md *ctx) {
  __u32 key = 0;
  void *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  bpf_loop(4, not_stack_cb, v, 0);
  return 0;
}` },
  { name: 'loop_null_ctx', expect: 'accept', source: `
static long null_ctx_cb(__u64 idx, void *data) { return 1; }
SEC("xdp") int loop_null_ctx(struct xdp_md *ctx) {
  bpf_loop(4, null_ctx_cb, 0, 0);
  return 0;
}` },
  // The callback writes c->i + 1 into a 64-byte array: safe while bpf_loop's count keeps i below 64.
  { name: 'loop_index_in_bounds', expect: 'accept', source: `
struct ictx { __u64 i; __u8 *buf; };
static long idx_cb(__u64 idx, void *data) {
  struct ictx *c = data;
  if (c->i >= 63) return 1;
  c->buf[c->i] = 1;
  c->i++;
  return 0;
}
SEC("xdp") int loop_index_in_bounds(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  struct ictx c = { 0, v };
  bpf_loop(100, idx_cb, &c, 0);
  return 0;
}` },
  { name: 'loop_index_unchecked', expect: rej(23, 'invalid access to map value, value_size=64 off=64 size=1'), source: `
struct uctx { __u64 i; __u8 *buf; };
static long uidx_cb(__u64 idx, void *data) {
  struct uctx *c = data;
  c->buf[c->i] = 1;
  c->i++;
  return 0;
}
SEC("xdp") int loop_index_unchecked(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  struct uctx c = { 0, v };
  bpf_loop(100, uidx_cb, &c, 0);
  return 0;
}` },
  { name: 'for_each_hash_ok', expect: 'accept', source: `
static long each_cb(void *map, __u32 *key, struct val *v, void *data) { v->a++; return 0; }
SEC("xdp") int for_each_hash_ok(struct xdp_md *ctx) {
  bpf_for_each_map_elem(&hmap, each_cb, 0, 0);
  return 0;
}` },
  { name: 'for_each_value_past_end', expect: rej(9, 'invalid access to map value, value_size=16 off=16 size=8'), source: `
static long each_past_cb(void *map, __u32 *key, __u64 *v, void *data) { return v[2] & 1; }
SEC("xdp") int for_each_value_past_end(struct xdp_md *ctx) {
  bpf_for_each_map_elem(&hmap, each_past_cb, 0, 0);
  return 0;
}` },
  { name: 'for_each_ringbuf', expect: rej(6, 'callback function not allowed for map'), source: `
static long each_rb_cb(void *map, __u32 *key, __u64 *v, void *data) { return 0; }
SEC("xdp") int for_each_ringbuf(struct xdp_md *ctx) {
  bpf_for_each_map_elem(&rb, each_rb_cb, 0, 0);
  return 0;
}` },
];

export const CONTROL_C_CASES: readonly VerifierCCase[] = [...CALLBACKS];
