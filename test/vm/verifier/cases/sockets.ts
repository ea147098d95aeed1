// Socket pointers and reference tracking, each rule both ways: lookups that
// acquire a reference (bpf_sk_lookup_tcp, bpf_skc_lookup_tcp) and its release
// (bpf_sk_release), leaks at exit, releases of what was never acquired,
// references derived from others (bpf_sk_fullsock, bpf_tcp_sock), NULL checks
// through ids, the socket structures' field rules (bpf_sock, bpf_sock_common,
// bpf_tcp_sock), arithmetic on socket pointers, and __sk_buff's `sk` field.
// `expect` is what the live kernel (6.18, root) says, recorded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const RET0 = ['r0 = 0', 'exit'];

/** bpf_sk_lookup_tcp (84) or bpf_skc_lookup_tcp (99) on a zeroed IPv4 tuple; the call is instruction 8. */
const lookup = (fn = 84): string[] => [
  'r2 = 0', '*(u64 *)(r10 - 8) = r2', '*(u64 *)(r10 - 16) = r2',
  'r2 = r10', 'r2 += -16', 'r3 = 12', 'r4 = 0', 'r5 = 0', `call ${fn}`,
];
const LOOKUP = lookup(84);
const SKC_LOOKUP = lookup(99);
/** r1 = skb->sk (sock_common_or_null), and the NULL check that exits with 0. */
const SKB_SK = ['r1 = *(u64 *)(r1 + 168)', 'if r1 != 0 goto +2', ...RET0];
const TC = 'sched_cls';

const REFERENCES: VerifierCase[] = [
  { name: 'sock_lookup_release', type: TC, asm: [...LOOKUP, 'if r0 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_lookup_leak', type: TC, asm: [...LOOKUP, ...RET0], expect: rej(10, 'Unreleased reference id=2 alloc_insn=8') },
  { name: 'sock_lookup_leak_nonnull_path', type: TC, asm: [...LOOKUP, 'if r0 == 0 goto +0', ...RET0],
    expect: rej(11, 'Unreleased reference id=2 alloc_insn=8') },
  { name: 'sock_lookup_jne_release', type: TC, asm: [...LOOKUP, 'if r0 != 0 goto +1', 'exit', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_release_unchecked', type: TC, asm: [...LOOKUP, 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R1 type=sock_or_null expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sock_release_twice', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +5', 'r6 = r0', 'r1 = r0', 'call 86', 'r1 = r6', 'call 86', ...RET0],
    expect: rej(14, 'R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sock_release_ctx', type: TC, asm: ['call 86', ...RET0],
    expect: rej(0, 'R1 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sock_release_null', type: TC, asm: ['r1 = 0', 'call 86', ...RET0],
    expect: rej(1, 'R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sock_release_skb_sk', type: TC, asm: [...SKB_SK, 'call 86', ...RET0],
    expect: rej(4, 'R1 must be referenced when passed to release function') },
  { name: 'sock_use_after_release', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +4', 'r6 = r0', 'r1 = r0', 'call 86', 'r0 = *(u32 *)(r6 + 4)', ...RET0],
    expect: rej(13, "R6 invalid mem access 'scalar'") },
  { name: 'sock_null_check_through_copy', type: TC,
    asm: [...LOOKUP, 'r6 = r0', 'if r6 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_spill_fill_release', type: TC,
    asm: [...LOOKUP, '*(u64 *)(r10 - 24) = r0', 'if r0 == 0 goto +2', 'r1 = *(u64 *)(r10 - 24)', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_spilled_copy_invalidated', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +5', '*(u64 *)(r10 - 24) = r0', 'r1 = r0', 'call 86', 'r1 = *(u64 *)(r10 - 24)', 'r0 = *(u32 *)(r1 + 4)', ...RET0],
    expect: rej(14, "R1 invalid mem access 'scalar'") },
  { name: 'sock_not_null_decides_branch', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +4', 'if r0 != 0 goto +1', 'r7 = r9', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_xdp_lookup_release', type: 'xdp', asm: [...LOOKUP, 'if r0 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_xdp_lookup_leak', type: 'xdp', asm: [...LOOKUP, 'if r0 == 0 goto +1', 'exit', ...RET0],
    expect: rej(10, 'Unreleased reference id=2 alloc_insn=8') },
  { name: 'skc_lookup_release', type: TC, asm: [...SKC_LOOKUP, 'if r0 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'skc_lookup_release_unchecked', type: TC, asm: [...SKC_LOOKUP, 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R1 type=sock_common_or_null expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sock_ld_abs_with_reference', type: TC,
    asm: ['r6 = r1', ...LOOKUP, 'r7 = r0', 'r0 = *(u8 *)skb[0]', 'if r7 == 0 goto +2', 'r1 = r7', 'call 86', ...RET0],
    expect: rej(11, 'Unreleased reference id=2 alloc_insn=9') },
];

const DERIVED: VerifierCase[] = [
  { name: 'fullsock_of_skb_sk', type: TC,
    asm: [...SKB_SK, 'call 95', 'if r0 == 0 goto +1', 'r0 = *(u32 *)(r0 + 8)', ...RET0], expect: 'accept' },
  { name: 'fullsock_unchecked_read', type: TC, asm: [...SKB_SK, 'call 95', 'r0 = *(u32 *)(r0 + 8)', ...RET0],
    expect: rej(5, "R0 invalid mem access 'sock_or_null'") },
  { name: 'fullsock_of_sock_or_null', type: TC, asm: ['r1 = *(u64 *)(r1 + 168)', 'call 95', ...RET0],
    expect: rej(1, 'R1 type=sock_common_or_null expected=sock_common, sock, tcp_sock, xdp_sock') },
  { name: 'fullsock_release_derived', type: TC, asm: [...SKB_SK, 'call 95', 'if r0 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(7, 'R1 must be referenced when passed to release function') },
  { name: 'fullsock_of_skc_release_child', type: TC,
    asm: [...SKC_LOOKUP, 'if r0 == 0 goto +9', 'r6 = r0', 'r1 = r0', 'call 95', 'if r0 != 0 goto +3', 'r1 = r6', 'call 86', 'goto +2', 'r1 = r0', 'call 86', ...RET0],
    expect: 'accept' },
  { name: 'fullsock_of_skc_null_leaks', type: TC,
    asm: [...SKC_LOOKUP, 'if r0 == 0 goto +7', 'r6 = r0', 'r1 = r0', 'call 95', 'if r0 != 0 goto +1', 'exit', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(14, 'Unreleased reference id=2 alloc_insn=8') },
  { name: 'fullsock_parent_after_child_release', type: TC,
    asm: [...SKC_LOOKUP, 'if r0 == 0 goto +11', 'r6 = r0', 'r1 = r0', 'call 95', 'if r0 != 0 goto +4', 'r1 = r6', 'call 86', ...RET0,
      'r1 = r0', 'call 86', 'r0 = *(u32 *)(r6 + 4)', ...RET0], expect: rej(20, "R6 invalid mem access 'scalar'") },
  { name: 'tcp_sock_of_skb_sk', type: TC,
    asm: [...SKB_SK, 'call 96', 'if r0 == 0 goto +1', 'r0 = *(u64 *)(r0 + 80)', ...RET0], expect: 'accept' },
  { name: 'tcp_sock_of_scalar', type: TC, asm: ['r1 = 0', 'call 96', ...RET0],
    expect: rej(1, 'R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock') },
  { name: 'tcp_sock_of_sock_or_null', type: TC, asm: [...LOOKUP, 'r1 = r0', 'call 96', ...RET0],
    expect: rej(10, 'R1 type=sock_or_null expected=sock_common, sock, tcp_sock, xdp_sock') },
  { name: 'listener_sock_release', type: TC, asm: [...SKB_SK, 'call 98', 'if r0 == 0 goto +2', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(7, 'R1 must be referenced when passed to release function') },
  { name: 'sk_assign_null', type: TC, asm: ['r2 = 0', 'r3 = 0', 'call 124', ...RET0],
    expect: rej(2, 'R2 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_') },
  { name: 'sk_assign_sock', type: TC,
    asm: ['r6 = r1', ...LOOKUP, 'if r0 == 0 goto +7', 'r7 = r0', 'r1 = r6', 'r2 = r0', 'r3 = 0', 'call 124', 'r1 = r7', 'call 86', ...RET0],
    expect: 'accept' },
];

const ACCESS: VerifierCase[] = [
  { name: 'skb_sk_unchecked_read', type: TC, asm: ['r1 = *(u64 *)(r1 + 168)', 'r0 = *(u32 *)(r1 + 4)', 'exit'],
    expect: rej(1, "R1 invalid mem access 'sock_common_or_null'") },
  { name: 'skb_sk_family', type: TC, asm: [...SKB_SK, 'r0 = *(u32 *)(r1 + 4)', 'exit'], expect: 'accept' },
  { name: 'skb_sk_common_type_field', type: TC, asm: [...SKB_SK, 'r0 = *(u32 *)(r1 + 8)', 'exit'],
    expect: rej(4, 'R1 invalid sock_common access off=8 size=4') },
  { name: 'skb_sk_common_state_narrow', type: TC, asm: [...SKB_SK, 'r0 = *(u8 *)(r1 + 72)', 'exit'], expect: 'accept' },
  { name: 'skb_sk_narrow_load', type: TC, asm: ['r0 = *(u32 *)(r1 + 168)', 'exit'], expect: rej(0, 'invalid bpf_context access off=168 size=4') },
  { name: 'skb_sk_write', type: TC, asm: ['r2 = 0', '*(u64 *)(r1 + 168) = r2', ...RET0],
    expect: rej(1, 'invalid bpf_context access off=168 size=8') },
  { name: 'skb_sk_socket_filter', type: 'socket_filter', asm: [...SKB_SK, 'r0 = *(u32 *)(r1 + 4)', 'exit'], expect: 'accept' },
  { name: 'sock_write_field', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +4', 'r1 = 1', '*(u32 *)(r0 + 16) = r1', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(11, 'R0 cannot write into sock') },
  { name: 'sock_or_null_read', type: TC, asm: [...LOOKUP, 'r6 = *(u32 *)(r0 + 4)', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(9, "R0 invalid mem access 'sock_or_null'") },
  { name: 'sock_read_u64', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u64 *)(r0 + 0)', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R0 invalid sock access off=0 size=8') },
  { name: 'sock_read_mark', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u32 *)(r0 + 16)', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_src_ip4_byte', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u8 *)(r0 + 25)', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_family_byte', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u8 *)(r0 + 5)', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R0 invalid sock access off=5 size=1') },
  { name: 'sock_dst_port_half', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u16 *)(r0 + 48)', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_dst_port_padding', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u16 *)(r0 + 50)', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R0 invalid sock access off=50 size=2') },
  { name: 'sock_past_end', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u32 *)(r0 + 80)', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R0 invalid sock access off=80 size=4') },
  { name: 'sock_rx_queue_mapping', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r6 = *(u32 *)(r0 + 76)', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'tcp_sock_bytes_received_u32', type: TC,
    asm: [...SKB_SK, 'call 96', 'if r0 == 0 goto +1', 'r0 = *(u32 *)(r0 + 80)', ...RET0],
    expect: rej(6, 'R0 invalid tcp_sock access off=80 size=4') },
  { name: 'tcp_sock_icsk_retransmits', type: TC,
    asm: [...SKB_SK, 'call 96', 'if r0 == 0 goto +1', 'r0 = *(u32 *)(r0 + 108)', ...RET0], expect: 'accept' },
  { name: 'tcp_sock_past_end', type: TC,
    asm: [...SKB_SK, 'call 96', 'if r0 == 0 goto +1', 'r0 = *(u32 *)(r0 + 112)', ...RET0],
    expect: rej(6, 'R0 invalid tcp_sock access off=112 size=4') },
  { name: 'sock_atomic', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +4', 'r1 = 1', 'lock *(u32 *)(r0 + 16) += r1', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(11, 'BPF_ATOMIC stores into R0 sock is not allowed') },
];

const ARITH: VerifierCase[] = [
  { name: 'sock_add_const', type: TC, asm: [...LOOKUP, 'if r0 == 0 goto +3', 'r0 += 4', 'r1 = r0', 'call 86', ...RET0],
    expect: rej(10, 'R0 pointer arithmetic on sock prohibited') },
  { name: 'sock_or_null_add_const', type: TC, asm: [...LOOKUP, 'r0 += 4', ...RET0],
    expect: rej(9, 'R0 pointer arithmetic on sock_or_null prohibited, null-check it first') },
  { name: 'sock_common_add_const', type: TC, asm: [...SKB_SK, 'r1 += 4', ...RET0],
    expect: rej(4, 'R1 pointer arithmetic on sock_common prohibited') },
  { name: 'sock_sub_sock', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +4', 'r6 = r0', 'r6 -= r0', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
  { name: 'sock_compare_scalar', type: TC,
    asm: [...LOOKUP, 'if r0 == 0 goto +3', 'if r0 > 5 goto +0', 'r1 = r0', 'call 86', ...RET0], expect: 'accept' },
];

/** r7 and r0: two sk_fullsock results of skb->sk (r6), r0 already NULL-checked (instructions 0-9). */
const TWO_FULLSOCKS = [...SKB_SK, 'r6 = r1', 'call 95', 'r7 = r0', 'r1 = r6', 'call 95', 'if r0 == 0 goto +2'];
/** r1 is a stack pointer on one path and `other` on the second when instruction 10 loads it from fp-16. */
const fpOrOther = (other: string): string[] => [
  'r3 = 42', 'r6 = r10', 'r6 += -16', '*(u64 *)(r6 + 0) = r6', 'if r1 == 0 goto +3', 'r2 = r10', 'r2 += -24', '*(u64 *)(r6 + 0) = r2',
  'if r1 != 0 goto +1', `*(u64 *)(r6 + 0) = ${other}`, 'r1 = *(u64 *)(r6 + 0)', '*(u32 *)(r1 + 8) = r3', ...RET0,
];

const POINTER_PAIRS: VerifierCase[] = [
  { name: 'jne_infers_not_null', type: TC, asm: [...TWO_FULLSOCKS, 'if r0 != r7 goto +1', 'r0 = *(u32 *)(r7 + 8)', ...RET0], expect: 'accept' },
  { name: 'jeq_taken_infers_not_null', type: TC, asm: [...TWO_FULLSOCKS, 'if r0 == r7 goto +2', ...RET0, 'r0 = *(u32 *)(r7 + 8)', ...RET0],
    expect: 'accept' },
  { name: 'jne_taken_stays_or_null', type: TC, asm: [...TWO_FULLSOCKS, 'if r0 == r7 goto +1', 'r0 = *(u32 *)(r7 + 8)', ...RET0],
    expect: rej(11, "R7 invalid mem access 'sock_or_null'") },
  { name: 'same_insn_fp_and_ctx', type: TC, asm: fpOrOther('r1'), expect: rej(11, 'same insn cannot be used with different pointers') },
  { name: 'same_insn_fp_and_fp', type: TC, asm: fpOrOther('r6'), expect: 'accept' },
];

export const SOCKET_CASES: readonly VerifierCase[] = [...REFERENCES, ...DERIVED, ...ACCESS, ...ARITH, ...POINTER_PAIRS];

/** Socket maps and socket storage (C, for the maps): values that are sockets, lookups that acquire, NULL values. */
const SOCK_MAPS = `
struct { __uint(type, BPF_MAP_TYPE_SOCKMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } smap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_XSKMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } xsks SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_SK_STORAGE); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, int); __type(value, __u64); } sks SEC(".maps");
`;

export const SOCKET_C_CASES: readonly VerifierCCase[] = [
  { name: 'sockmap_update_with_sock', expect: 'accept', source: `${SOCK_MAPS}
SEC("tc") int sockmap_update_with_sock(struct __sk_buff *skb) {
  __u32 key = 0;
  struct bpf_sock *sk = skb->sk;
  if (!sk) return 0;
  bpf_map_update_elem(&smap, &key, sk, BPF_ANY);
  return 0;
}` },
  { name: 'sockmap_update_with_stack', expect: rej(11, 'R3 type=fp expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_'), source: `${SOCK_MAPS}
SEC("tc") int sockmap_update_with_stack(struct __sk_buff *skb) {
  __u32 key = 0;
  __u64 value = 1;
  bpf_map_update_elem(&smap, &key, &value, BPF_ANY);
  return 0;
}` },
  { name: 'sockmap_lookup_release', expect: 'accept', source: `${SOCK_MAPS}
SEC("tc") int sockmap_lookup_release(struct __sk_buff *skb) {
  __u32 key = 0;
  struct bpf_sock *sk = bpf_map_lookup_elem(&smap, &key);
  if (!sk) return 0;
  int family = sk->family;
  bpf_sk_release(sk);
  return family;
}` },
  { name: 'sockmap_lookup_leak', expect: rej(10, 'Unreleased reference id=2 alloc_insn=6'), source: `${SOCK_MAPS}
SEC("tc") int sockmap_lookup_leak(struct __sk_buff *skb) {
  __u32 key = 0;
  struct bpf_sock *sk = bpf_map_lookup_elem(&smap, &key);
  return sk ? sk->family : 0;
}` },
  { name: 'xskmap_lookup_queue_id', expect: 'accept', source: `${SOCK_MAPS}
SEC("xdp") int xskmap_lookup_queue_id(struct xdp_md *ctx) {
  __u32 key = 0;
  struct bpf_xdp_sock *xs = bpf_map_lookup_elem(&xsks, &key);
  return xs ? xs->queue_id : 0;
}` },
  { name: 'xskmap_lookup_unchecked', expect: rej(7, "R0 invalid mem access 'map_value_or_null'"), source: `${SOCK_MAPS}
SEC("xdp") int xskmap_lookup_unchecked(struct xdp_md *ctx) {
  __u32 key = 0;
  struct bpf_xdp_sock *xs = bpf_map_lookup_elem(&xsks, &key);
  return xs->queue_id;
}` },
  { name: 'sk_storage_get_null_value', expect: 'accept', source: `${SOCK_MAPS}
SEC("tc") int sk_storage_get_null_value(struct __sk_buff *skb) {
  struct bpf_sock *sk = skb->sk;
  if (!sk) return 0;
  __u64 *v = bpf_sk_storage_get(&sks, sk, 0, 0);
  return v ? *v : 0;
}` },
  { name: 'sk_storage_get_of_ctx', expect: rej(6, 'R2 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_'), source: `${SOCK_MAPS}
SEC("tc") int sk_storage_get_of_ctx(struct __sk_buff *skb) {
  __u64 *v = bpf_sk_storage_get(&sks, skb, 0, 0);
  return v ? *v : 0;
}` },
];
