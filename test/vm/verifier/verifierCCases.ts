// C programs for the verifier rules that need maps (BTF-defined, so they are
// compiled with clang-19 at test time): map lookups and their NULL checks,
// map value bounds with constant and variable offsets, key and value
// arguments of map helpers. `expect` is the live kernel's outcome (6.18,
// root); instruction indexes are those of clang-19 -O2 output.

import type { VerifierCase } from './verifierCases';
import { CONTROL_C_CASES } from './cases/control';
import { TRACING_C_CASES } from './cases/tracing';
import { SOCKET_C_CASES } from './cases/sockets';
import { GLOBAL_FUNC_C_CASES } from './cases/globalFuncs';
import { LOCK_TAILCALL_C_CASES } from './cases/locksTailCalls';
import { MAP_FLAG_C_CASES } from './cases/mapFlags';
import { LD_ABS_SUBPROG_C_CASES } from './cases/ldAbsSubprog';

export interface VerifierCCase {
  name: string;
  /** The body of the file after the common prelude (maps `hmap` u32 -> u64[2], `amap` array u32 -> 64 bytes). */
  source: string;
  expect: VerifierCase['expect'];
}

export const C_PRELUDE = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct val { __u64 a; __u64 b; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, struct val); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u8[64]); } amap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u64); __type(value, __u32); } wide SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
char LICENSE[] SEC("license") = "GPL";
`;

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

export const VERIFIER_C_CASES: readonly VerifierCCase[] = [
  { name: 'lookup_checked', expect: 'accept', source: `
SEC("xdp") int lookup_checked(struct xdp_md *ctx) {
  __u32 key = 1;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  if (!v) return 0;
  return v->b;
}` },
  { name: 'lookup_unchecked', expect: rej(7, "R0 invalid mem access 'map_value_or_null'"), source: `
SEC("xdp") int lookup_unchecked(struct xdp_md *ctx) {
  __u32 key = 1;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  return v->b;
}` },
  { name: 'value_past_end', expect: rej(10, 'invalid access to map value, value_size=16 off=16 size=8'), source: `
SEC("xdp") int value_past_end(struct xdp_md *ctx) {
  __u32 key = 1;
  __u64 *v = bpf_map_lookup_elem(&hmap, &key);
  if (!v) return 0;
  return v[2];
}` },
  { name: 'value_write', expect: 'accept', source: `
SEC("xdp") int value_write(struct xdp_md *ctx) {
  __u32 key = 1;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  if (!v) return 0;
  v->a = 7;
  __sync_fetch_and_add(&v->b, 1);
  return 0;
}` },
  { name: 'array_var_index_bounded', expect: 'accept', source: `
SEC("xdp") int array_var_index_bounded(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  __u32 i = ctx->ingress_ifindex & 63;
  return v[i];
}` },
  { name: 'array_var_index_off_by_one', expect: rej(12, 'invalid access to map value, value_size=64 off=64 size=1'), source: `
SEC("xdp") int array_var_index_off_by_one(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  __u32 i = ctx->ingress_ifindex;
  if (i > 64) return 0;
  return v[i];
}` },
  { name: 'array_var_index_unbounded', expect: rej(11, 'R0 unbounded memory access, make sure to bounds check any such access'), source: `
SEC("xdp") int array_var_index_unbounded(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  return v[ctx->ingress_ifindex];
}` },
  { name: 'update_from_stack', expect: 'accept', source: `
SEC("xdp") int update_from_stack(struct xdp_md *ctx) {
  __u32 key = ctx->rx_queue_index;
  struct val v = { 1, 2 };
  bpf_map_update_elem(&hmap, &key, &v, BPF_ANY);
  bpf_map_delete_elem(&hmap, &key);
  return 0;
}` },
  { name: 'key_from_packet', expect: 'accept', source: `
SEC("xdp") int key_from_packet(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 8 > end) return 0;
  __u32 *v = bpf_map_lookup_elem(&wide, data);
  return v ? *v : 1;
}` },
  { name: 'key_packet_short', expect: rej(8, 'invalid access to packet, off=0 size=8, R2(id=0,off=0,r=4)'), source: `
SEC("xdp") int key_packet_short(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 4 > end) return 0;
  __u32 *v = bpf_map_lookup_elem(&wide, data);
  return v ? *v : 1;
}` },
  { name: 'null_check_copies', expect: 'accept', source: `
SEC("xdp") int null_check_copies(struct xdp_md *ctx) {
  __u32 key = 2;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  struct val *w = v;
  asm volatile("" : "+r"(w));
  if (!v) return 0;
  return w->a;
}` },
  { name: 'value_negative_index', expect: rej(13, 'value -2147483648 makes map_value pointer be out of bounds'), source: `
SEC("xdp") int value_negative_index(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  int i = (int)ctx->ingress_ifindex;
  if (i > 10) return 0;
  return v[i];
}` },
  { name: 'rodata_index_ok', expect: 'accept', source: `
const volatile __u32 slot = 3;
SEC("xdp") int rodata_index_ok(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  return v[slot * 16];
}` },
  { name: 'rodata_index_over', expect: rej(15, 'invalid access to map value, value_size=64 off=64 size=1'), source: `
const volatile __u32 slot = 4;
SEC("xdp") int rodata_index_over(struct xdp_md *ctx) {
  __u32 key = 0;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  if (!v) return 0;
  return v[slot * 16];
}` },
  { name: 'rodata_write', expect: rej(3, 'write into map forbidden, value_size=4 off=0 size=4'), source: `
const volatile __u32 limit = 3;
SEC("xdp") int rodata_write(struct xdp_md *ctx) {
  *(volatile __u32 *)&limit = 1;
  return 0;
}` },
  { name: 'bss_write', expect: 'accept', source: `
__u32 counter;
SEC("xdp") int bss_write(struct xdp_md *ctx) {
  counter += 1;
  return counter;
}` },
  { name: 'call_static', expect: 'accept', source: `
static __attribute__((noinline)) int add(int a, int b) { return a + b; }
SEC("xdp") int call_static(struct xdp_md *ctx) {
  return add(ctx->ingress_ifindex, 1) & 3;
}` },
  { name: 'call_stack_ptr', expect: 'accept', source: `
static __attribute__((noinline)) int readp(__u32 *p) { return *p; }
SEC("xdp") int call_stack_ptr(struct xdp_md *ctx) {
  __u32 x = ctx->rx_queue_index;
  return readp(&x);
}` },
  { name: 'call_big_stack', expect: rej(-1, 'combined stack size of 2 calls is 608. Too large'), source: `
static __attribute__((noinline)) int deep(int i) { volatile char buf[300]; buf[i & 255] = 1; return buf[0]; }
SEC("xdp") int call_big_stack(struct xdp_md *ctx) {
  volatile char buf[300];
  buf[ctx->ingress_ifindex & 255] = 1;
  return deep(buf[0]) + buf[1];
}` },
  { name: 'call_pkt_in_callee', expect: rej(7, 'invalid access to packet, off=1 size=1, R2(id=0,off=1,r=1)'), source: `
static __attribute__((noinline)) int peek(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (data + 1 > end) return 0;
  return *(__u8 *)(data + 1);
}
SEC("xdp") int call_pkt_in_callee(struct xdp_md *ctx) { return peek(ctx); }` },
  // clang stores the key with `*(u32 *)(r10 -4) = 3`: misc bytes, not a constant the verifier can use.
  { name: 'array_const_key_no_check', expect: rej(7, "R0 invalid mem access 'map_value_or_null'"), source: `
SEC("xdp") int array_const_key_no_check(struct xdp_md *ctx) {
  __u32 key = 3;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  return v[5];
}` },
  { name: 'array_key_out_of_range', expect: rej(7, "R0 invalid mem access 'map_value_or_null'"), source: `
SEC("xdp") int array_key_out_of_range(struct xdp_md *ctx) {
  __u32 key = 4;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  return v[5];
}` },
  { name: 'array_var_key_needs_check', expect: rej(8, "R0 invalid mem access 'map_value_or_null'"), source: `
SEC("xdp") int array_var_key_needs_check(struct xdp_md *ctx) {
  __u32 key = ctx->rx_queue_index & 1;
  __u8 *v = bpf_map_lookup_elem(&amap, &key);
  return v[5];
}` },
  { name: 'ringbuf_submit', expect: 'accept', source: `
SEC("xdp") int ringbuf_submit(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
  if (!e) return 0;
  *e = ctx->ingress_ifindex;
  bpf_ringbuf_submit(e, 0);
  return 0;
}` },
  { name: 'ringbuf_leak', expect: rej(9, 'Unreleased reference id=2 alloc_insn=4'), source: `
SEC("xdp") int ringbuf_leak(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
  if (!e) return 0;
  *e = 1;
  return 0;
}` },
  { name: 'ringbuf_unchecked', expect: rej(6, "R0 invalid mem access 'ringbuf_mem_or_null'"), source: `
SEC("xdp") int ringbuf_unchecked(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
  *e = 1;
  bpf_ringbuf_submit(e, 0);
  return 0;
}` },
  { name: 'ringbuf_past_end', expect: rej(7, 'invalid access to memory, mem_size=8 off=8 size=8'), source: `
SEC("xdp") int ringbuf_past_end(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
  if (!e) return 0;
  e[1] = 1;
  bpf_ringbuf_discard(e, 0);
  return 0;
}` },
  { name: 'ringbuf_use_after_submit', expect: rej(11, "R6 invalid mem access 'scalar'"), source: `
SEC("xdp") int ringbuf_use_after_submit(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
  if (!e) return 0;
  bpf_ringbuf_submit(e, 0);
  *(volatile __u64 *)e = 1;
  return 0;
}` },
  // `if r0 != 0 goto` puts the non-NULL pointer on the taken branch, the NULL one on the fall-through.
  { name: 'lookup_nonnull_when_taken', expect: 'accept', source: `
SEC("tc") int lookup_nonnull_when_taken(struct __sk_buff *skb) {
  __u32 key = skb->len;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  if (!v) {
    struct val first = { .a = 1, .b = skb->len };
    bpf_map_update_elem(&hmap, &key, &first, BPF_NOEXIST);
    return 0;
  }
  __sync_fetch_and_add(&v->a, 1);
  __sync_fetch_and_add(&v->b, skb->len);
  return 0;
}` },
  { name: 'lookup_null_branch_deref', expect: rej(9, "R6 invalid mem access 'scalar'"), source: `
SEC("xdp") int lookup_null_branch_deref(struct xdp_md *ctx) {
  __u32 key = 1;
  struct val *v = bpf_map_lookup_elem(&hmap, &key);
  if (v) return 1;
  asm volatile("r0 = *(u64 *)(%[p] + 0)" :: [p] "r"(v) : "r0");
  return 0;
}` },
  ...CONTROL_C_CASES,
  ...TRACING_C_CASES,
  ...SOCKET_C_CASES,
  ...GLOBAL_FUNC_C_CASES,
  ...LOCK_TAILCALL_C_CASES,
  ...MAP_FLAG_C_CASES,
  ...LD_ABS_SUBPROG_C_CASES,
];
