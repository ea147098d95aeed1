// Global (non-static) functions, verified as the kernel does: once, on their
// own, from their BTF signature (scalars, the program's ctx, sized memory,
// `arg:ctx`/`arg:nonnull` decl tags), and at each call the caller's arguments
// are checked against that signature. Each rule both ways. `expect` is what
// the live kernel (6.18, root) says, recorded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

/** The decl tags libbpf 1.4's bpf_helpers.h defines (Debian's libbpf-dev 1.1 has none). */
const TAGS = `
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))
`;

export const GLOBAL_FUNC_C_CASES: readonly VerifierCCase[] = [
  { name: 'gf_scalar_arg', expect: 'accept', source: `
__noinline int gf_twice(int x) { return x * 2; }
SEC("xdp") int gf_scalar_arg(struct xdp_md *ctx) { return gf_twice(ctx->ingress_ifindex) & 3; }` },
  { name: 'gf_scalar_arg_given_pointer', expect: rej(2, "R1 is not a scalar"), source: `
__noinline int gf_low(long x) { return x & 1; }
SEC("xdp") int gf_scalar_arg_given_pointer(struct xdp_md *ctx) { __u64 v = 1; return gf_low((long)&v); }` },
  { name: 'gf_ctx_arg', expect: 'accept', source: `
__noinline int gf_len(struct xdp_md *ctx) { return ctx->data_end - ctx->data; }
SEC("xdp") int gf_ctx_arg(struct xdp_md *ctx) { return gf_len(ctx) & 3; }` },
  { name: 'gf_ctx_arg_given_stack', expect: rej(6, "arg#0 expects pointer to ctx"), source: `
__noinline int gf_len2(struct xdp_md *ctx) { return ctx->data_end - ctx->data; }
SEC("xdp") int gf_ctx_arg_given_stack(struct xdp_md *ctx) { struct xdp_md m = {}; return gf_len2(&m) > 64 ? XDP_DROP : XDP_PASS; }` },
  { name: 'gf_tag_ctx', expect: 'accept', source: TAGS + `
__noinline int gf_tlen(void *c __arg_ctx) { struct xdp_md *ctx = c; return ctx->data_end - ctx->data; }
SEC("xdp") int gf_tag_ctx(struct xdp_md *ctx) { return gf_tlen(ctx) & 3; }` },
  { name: 'gf_mem_checked', expect: 'accept', source: `
__noinline int gf_sum(struct val *v) { if (!v) return 0; return v->a + v->b; }
SEC("xdp") int gf_mem_checked(struct xdp_md *ctx) { struct val v = { 1, 2 }; return gf_sum(&v) & 1; }` },
  { name: 'gf_mem_unchecked', expect: rej(7, "R1 invalid mem access 'mem_or_null'"), source: `
__noinline int gf_first(__u64 *p) { return *p; }
SEC("xdp") int gf_mem_unchecked(struct xdp_md *ctx) { __u64 v = 1; return gf_first(&v) & 1; }` },
  { name: 'gf_mem_nonnull', expect: 'accept', source: TAGS + `
__noinline int gf_first_nn(__u64 *p __arg_nonnull) { return *p; }
SEC("xdp") int gf_mem_nonnull(struct xdp_md *ctx) { __u64 v = 1; return gf_first_nn(&v) & 1; }` },
  { name: 'gf_mem_too_small', expect: rej(4, "invalid read from stack R1 off=-8 size=16"), source: `
__noinline int gf_sum2(struct val *v) { if (!v) return 0; return v->a + v->b; }
SEC("xdp") int gf_mem_too_small(struct xdp_md *ctx) { __u64 v = 1; return gf_sum2((struct val *)&v) & 1; }` },
  { name: 'gf_mem_map_value', expect: 'accept', source: `
__noinline int gf_sum3(struct val *v) { if (!v) return 0; return v->a + v->b; }
SEC("xdp") int gf_mem_map_value(struct xdp_md *ctx) { __u32 k = 0; return gf_sum3(bpf_map_lookup_elem(&hmap, &k)) & 1; }` },
  { name: 'gf_nonnull_given_maybe_null', expect: rej(8, "arg#0 is expected to be non-NULL"), source: TAGS + `
__noinline int gf_sum4(struct val *v __arg_nonnull) { return v->a + v->b; }
SEC("xdp") int gf_nonnull_given_maybe_null(struct xdp_md *ctx) { __u32 k = 0; return gf_sum4(bpf_map_lookup_elem(&hmap, &k)) & 1; }` },
  { name: 'gf_void_ptr_arg', expect: rej(2, "arg#0 reference type('UNKNOWN ') size cannot be determined: -22"), source: `
__noinline int gf_vp(void *p) { return p != 0; }
SEC("xdp") int gf_void_ptr_arg(struct xdp_md *ctx) { __u64 v = 1; return gf_vp(&v); }` },
  { name: 'gf_void_return', expect: rej(1, "Global function gf_store() doesn't return scalar. Only those are supported."), source: `
__u64 gf_sink;
__noinline void gf_store(int x) { gf_sink = x; }
SEC("xdp") int gf_void_return(struct xdp_md *ctx) { gf_store(ctx->ingress_ifindex); return XDP_PASS; }` },
  { name: 'gf_result_unknown', expect: rej(15, "R6 unbounded memory access, make sure to bounds check any such access"), source: `
__noinline int gf_low3(int x) { return x & 7; }
SEC("xdp") int gf_result_unknown(struct xdp_md *ctx) {
  __u32 k = 0; __u8 *v = bpf_map_lookup_elem(&hmap, &k); if (!v) return 0;
  return v[gf_low3(ctx->ingress_ifindex)];
}` },
  { name: 'gf_result_static', expect: 'accept', source: `
static __noinline int gf_low3_s(int x) { return x & 7; }
SEC("xdp") int gf_result_static(struct xdp_md *ctx) {
  __u32 k = 0; __u8 *v = bpf_map_lookup_elem(&hmap, &k); if (!v) return 0;
  return v[gf_low3_s(ctx->ingress_ifindex)];
}` },
  { name: 'gf_chain', expect: 'accept', source: `
__noinline int gf_inner(int x) { return x + 1; }
__noinline int gf_outer(int x) { return gf_inner(x) * 2; }
SEC("xdp") int gf_chain(struct xdp_md *ctx) { return gf_outer(ctx->ingress_ifindex) & 3; }` },
  { name: 'gf_body_error', expect: rej(11, "value -2147483648 makes mem pointer be out of bounds"), source: `
__noinline int gf_peek(__u8 *p, int i) { if (!p) return 0; return p[i]; }
SEC("xdp") int gf_body_error(struct xdp_md *ctx) { __u8 b = 1; return gf_peek(&b, 0); }` },
  { name: 'gf_uninit_stack_arg', expect: 'accept', source: `
__noinline int gf_sum5(struct val *v) { if (!v) return 0; return v->a; }
SEC("xdp") int gf_uninit_stack_arg(struct xdp_md *ctx) { struct val v; return gf_sum5(&v) & 1; }` },
  { name: 'gf_null_to_nonnull', expect: 'accept', source: TAGS + `
__noinline int gf_nn(__u64 *p __arg_nonnull) { return *p; }
SEC("xdp") int gf_null_to_nonnull(struct xdp_md *ctx) { __u64 *p = 0; asm volatile("" : "+r"(p)); return gf_nn(p) & 1; }` },
  { name: 'gf_scalar_to_mem', expect: rej(1, "R1 type=scalar expected=fp"), source: `
__noinline int gf_m(__u64 *p) { return p ? *p : 0; }
SEC("xdp") int gf_scalar_to_mem(struct xdp_md *ctx) { return gf_m((__u64 *)(long)ctx->ingress_ifindex) & 1; }` },
  { name: 'gf_ctx_to_mem', expect: rej(0, "R1 type=ctx expected=fp"), source: `
__noinline int gf_m2(__u64 *p) { return p ? *p : 0; }
SEC("xdp") int gf_ctx_to_mem(struct xdp_md *ctx) { return gf_m2((__u64 *)ctx) & 1; }` },
  { name: 'gf_ctx_tag_wrong_struct', expect: rej(0, "arg#0 should be `struct xdp_md *`"), source: TAGS + `
__noinline int gf_wrong(struct val *c __arg_ctx) { return c != 0; }
SEC("xdp") int gf_ctx_tag_wrong_struct(struct xdp_md *ctx) { return gf_wrong((void *)ctx); }` },
  { name: 'gf_tag_on_scalar', expect: rej(1, "arg#0 has pointer tag, but is not a pointer type"), source: TAGS + `
__noinline int gf_ts(int x __arg_nonnull) { return x & 1; }
SEC("xdp") int gf_tag_on_scalar(struct xdp_md *ctx) { return gf_ts(ctx->ingress_ifindex); }` },
  { name: 'gf_unknown_tag', expect: rej(2, "arg#0 has unsupported set of tags"), source: `
__noinline int gf_ut(__u64 *p __attribute__((btf_decl_tag("arg:bogus")))) { return p != 0; }
SEC("xdp") int gf_unknown_tag(struct xdp_md *ctx) { __u64 v = 0; return gf_ut(&v); }` },
  { name: 'gf_nullable_mem', expect: rej(2, "arg#0 has invalid combination of tags"), source: TAGS + `
__noinline int gf_nl(__u64 *p __arg_nullable) { return p != 0; }
SEC("xdp") int gf_nullable_mem(struct xdp_md *ctx) { __u64 v = 0; return gf_nl(&v); }` },
  { name: 'gf_returns_stack_ptr', expect: rej(8, "At subprogram exit the register R0 is not a scalar value (fp)"), source: `
__noinline int gf_rs(int x) { long p = x; asm volatile("%0 = r10" : "=r"(p) : "0"(p)); return p; }
SEC("xdp") int gf_returns_stack_ptr(struct xdp_md *ctx) { return gf_rs(ctx->ingress_ifindex) & 1; }` },
  { name: 'gf_global_ret_range', expect: 'accept', source: `
__noinline int gf_big(int x) { return x + 100; }
SEC("cgroup_skb/ingress") int gf_global_ret_range(struct __sk_buff *skb) { return gf_big(skb->len) > 200; }` },
  { name: 'gf_under_lock', expect: rej(12, "global function calls are not allowed while holding a lock,"), source: `
struct lval { struct bpf_spin_lock l; __u64 n; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct lval); } lmap SEC(".maps");
__noinline int gf_inc(int x) { return x + 1; }
SEC("tc") int gf_under_lock(struct __sk_buff *skb) {
  __u32 k = 0; struct lval *v = bpf_map_lookup_elem(&lmap, &k); if (!v) return 0;
  bpf_spin_lock(&v->l); v->n = gf_inc(v->n); bpf_spin_unlock(&v->l); return 0;
}` },
  { name: 'gf_ctx_modified', expect: rej(1, "dereference of modified ctx ptr R1 off=4 disallowed"), source: `
__noinline int gf_cm(struct xdp_md *c) { return c->data_end - c->data; }
SEC("xdp") int gf_ctx_modified(struct xdp_md *ctx) { return gf_cm((struct xdp_md *)((char *)ctx + 4)) & 1; }` },
  { name: 'gf_stack_read_in_callee', expect: 'accept', source: `
__noinline int gf_rd(struct val *v) { if (!v) return 0; return v->b + v->a; }
SEC("xdp") int gf_stack_read_in_callee(struct xdp_md *ctx) { struct val v = { ctx->ingress_ifindex, 7 }; return gf_rd(&v) & 1; }` },
  { name: 'gf_tp_ctx_to_mem', expect: rej(0, "invalid bpf_context access off=15 size=1"), source: `
__noinline int gf_tm(struct val *v) { return v ? v->b : 0; }
SEC("tracepoint/syscalls/sys_enter_getpid") int gf_tp_ctx_to_mem(void *ctx) { return gf_tm(ctx) & 1; }` },
  { name: 'gf_tp_ctx_tag', expect: 'accept', source: TAGS + `
__noinline int gf_tt(void *c __arg_ctx) { return bpf_get_smp_processor_id() & 1; }
SEC("tracepoint/syscalls/sys_enter_getpid") int gf_tp_ctx_tag(void *ctx) { return gf_tt(ctx); }` },
  { name: 'gf_pkt_stale_after_adjust', expect: rej(7, "R6 invalid mem access 'scalar'"), source: `
__noinline int gf_adj(struct xdp_md *c) { return bpf_xdp_adjust_head(c, 0); }
SEC("xdp") int gf_pkt_stale_after_adjust(struct xdp_md *ctx) {
  __u8 *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  if (d + 1 > e) return XDP_PASS;
  gf_adj(ctx);
  return *d;
}` },
  { name: 'gf_pkt_kept_without_adjust', expect: 'accept', source: `
__noinline int gf_noadj(struct xdp_md *c) { return c->ingress_ifindex; }
SEC("xdp") int gf_pkt_kept_without_adjust(struct xdp_md *ctx) {
  __u8 *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  if (d + 1 > e) return XDP_PASS;
  gf_noadj(ctx);
  return *d;
}` },
  { name: 'gf_ref_held_across_call', expect: 'accept', source: `
__noinline int gf_plain(int x) { return x + 1; }
SEC("xdp") int gf_ref_held_across_call(struct xdp_md *ctx) {
  __u64 *r = bpf_ringbuf_reserve(&rb, 8, 0); if (!r) return 0;
  *r = gf_plain(ctx->ingress_ifindex); bpf_ringbuf_submit(r, 0); return 0;
}` },
  { name: 'gf_anon_struct_arg', expect: 'accept', source: `
typedef struct { int x; } anon_t;
__noinline int gf_anon(anon_t *t) { return t ? t->x : 0; }
SEC("xdp") int gf_anon_struct_arg(struct xdp_md *ctx) { anon_t t = { 1 }; return gf_anon(&t) & 1; }` },
  { name: 'gf_anon_struct_arg_short', expect: rej(4, "invalid read from stack R1 off=-4 size=8"), source: `
typedef struct { int x; int y; } anon2_t;
__noinline int gf_anon2(anon2_t *t) { return t ? t->y : 0; }
SEC("xdp") int gf_anon_struct_arg_short(struct xdp_md *ctx) { int v = 1; return gf_anon2((anon2_t *)&v) & 1; }` },
];
