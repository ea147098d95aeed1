// Verifier cases for the cgroup and socket-layer program types and return-value
// ranges: each context rule (what a type may read, at which sizes, what it
// may write, what a pointer field yields, what the expected attach type
// unlocks) and each return range, both ways. `expect` is what the live kernel
// (Linux 6.18, as root) said when the case was loaded with bpftool; a case's
// section sets the expected attach type as libbpf does. (netfilter is not
// here: the bpftool on the test machines cannot name its section; the kernel
// selftests verifier_netfilter_*.c cover it.)

import type { VerifierCase } from '../verifierCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const ctxRej = (insn: number, off: number, size: number): VerifierCase['expect'] => rej(insn, `invalid bpf_context access off=${off} size=${size}`);
const RET0 = ['r0 = 0', 'exit'];
const RET1 = ['r0 = 1', 'exit'];
const EXIT_MSG = 'At program exit the register R0';
/** Loads data and data_end at `data`/`end` (8 or 4 bytes), proves one byte and reads or writes it. */
const pktAccess = (data: number, end: number, width: 'u32' | 'u64', write: boolean): string[] => [
  `r2 = *(${width} *)(r1 + ${data})`, `r3 = *(${width} *)(r1 + ${end})`, 'r4 = r2', 'r4 += 1', 'if r4 > r3 goto +1',
  write ? '*(u8 *)(r2 + 0) = r4' : 'r5 = *(u8 *)(r2 + 0)',
];

const CGROUP_SKB: VerifierCase[] = [
  { name: 'cgskb_read_len', type: 'cgroup_skb', asm: ['r0 = *(u32 *)(r1 + 0)', 'r0 &= 1', 'exit'], expect: 'accept' },
  { name: 'cgskb_write_mark', type: 'cgroup_skb', asm: ['r2 = 7', '*(u32 *)(r1 + 8) = r2', ...RET1], expect: 'accept' },
  { name: 'cgskb_write_len', type: 'cgroup_skb', asm: ['r2 = 7', '*(u32 *)(r1 + 0) = r2', ...RET1], expect: ctxRej(1, 0, 4) },
  { name: 'cgskb_write_cb_u64', type: 'cgroup_skb', asm: ['r2 = 7', '*(u64 *)(r1 + 56) = r2', ...RET1], expect: 'accept' },
  { name: 'cgskb_read_cb_past_end', type: 'cgroup_skb', asm: ['r2 = *(u64 *)(r1 + 64)', ...RET1], expect: ctxRej(0, 64, 8) },
  { name: 'cgskb_read_tc_classid', type: 'cgroup_skb', asm: ['r2 = *(u32 *)(r1 + 72)', ...RET1], expect: ctxRej(0, 72, 4) },
  { name: 'cgskb_read_data_meta', type: 'cgroup_skb', asm: ['r2 = *(u32 *)(r1 + 140)', ...RET1], expect: ctxRej(0, 140, 4) },
  { name: 'cgskb_read_family', type: 'cgroup_skb', asm: ['r2 = *(u32 *)(r1 + 88)', ...RET1], expect: 'accept' },
  { name: 'cgskb_read_remote_ip4_narrow', type: 'cgroup_skb', asm: ['r2 = *(u16 *)(r1 + 92)', ...RET1], expect: ctxRej(0, 92, 2) },
  { name: 'cgskb_read_hash_narrow', type: 'cgroup_skb', asm: ['r2 = *(u8 *)(r1 + 71)', ...RET1], expect: 'accept' },
  { name: 'cgskb_pkt_read', type: 'cgroup_skb', asm: [...pktAccess(76, 80, 'u32', false), ...RET1], expect: 'accept' },
  { name: 'cgskb_pkt_write', type: 'cgroup_skb', asm: [...pktAccess(76, 80, 'u32', true), ...RET1], expect: rej(5, 'cannot write into packet') },
  { name: 'cgskb_data_ldsx', type: 'cgroup_skb', asm: ['r2 = *(s32 *)(r1 + 76)', ...RET1], expect: ctxRej(0, 76, 4) },
  { name: 'cgskb_write_tstamp', type: 'cgroup_skb', asm: ['r2 = 0', '*(u64 *)(r1 + 152) = r2', ...RET1], expect: 'accept' },
  { name: 'cgskb_read_tstamp_u32', type: 'cgroup_skb', asm: ['r2 = *(u32 *)(r1 + 152)', ...RET1], expect: ctxRej(0, 152, 4) },
  { name: 'cgskb_read_hwtstamp', type: 'cgroup_skb', asm: ['r2 = *(u64 *)(r1 + 184)', ...RET1], expect: 'accept' },
  { name: 'cgskb_write_hwtstamp', type: 'cgroup_skb', asm: ['r2 = 0', '*(u64 *)(r1 + 184) = r2', ...RET1], expect: ctxRej(1, 184, 8) },
  { name: 'cgskb_read_sk', type: 'cgroup_skb', asm: ['r2 = *(u64 *)(r1 + 168)', ...RET1], expect: 'accept' },
  { name: 'cgskb_sk_deref_unchecked', type: 'cgroup_skb', asm: ['r2 = *(u64 *)(r1 + 168)', 'r3 = *(u32 *)(r2 + 4)', ...RET1],
    expect: rej(1, "R2 invalid mem access 'sock_common_or_null'") },
  { name: 'cgskb_read_flow_keys', type: 'cgroup_skb', asm: ['r2 = *(u64 *)(r1 + 144)', ...RET1], expect: ctxRej(0, 144, 8) },
  { name: 'cgskb_ret_2_ingress', type: 'cgroup_skb', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
  { name: 'cgskb_ret_2_unset', type: 'cgroup_skb', section: 'cgroup/skb', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
  { name: 'cgskb_ret_3_egress', type: 'cgroup_skb', section: 'cgroup_skb/egress', asm: ['r0 = 3', 'exit'], expect: 'accept' },
  { name: 'cgskb_ret_4_egress', type: 'cgroup_skb', section: 'cgroup_skb/egress', asm: ['r0 = 4', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=4 smax=4 should have been in [0, 3]`) },
  { name: 'cgskb_ret_ctx', type: 'cgroup_skb', asm: ['r0 = r1', 'exit'], expect: rej(1, `${EXIT_MSG} is not a known value (ctx)`) },
  { name: 'cgskb_ret_u32', type: 'cgroup_skb', asm: ['r0 = *(u32 *)(r1 + 0)', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=0 smax=4294967295 should have been in [0, 1]`) },
  { name: 'cgskb_ret_unknown', type: 'cgroup_skb', asm: ['call 7', 'exit'], expect: rej(1, `${EXIT_MSG} has unknown scalar value should have been in [0, 1]`) },
  { name: 'cgskb_ret_negative', type: 'cgroup_skb', asm: ['r0 = -1', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=-1 smax=-1 should have been in [0, 1]`) },
  { name: 'cgskb_ret_uninit', type: 'cgroup_skb', asm: ['exit'], expect: rej(0, 'R0 !read_ok') },
];

const CGROUP_SOCK: VerifierCase[] = [
  { name: 'cgsock_create_write_mark', type: 'cgroup_sock', section: 'cgroup/sock_create', asm: ['r2 = 1', '*(u32 *)(r1 + 16) = r2', ...RET1], expect: 'accept' },
  { name: 'cgsock_post_bind4_write_mark', type: 'cgroup_sock', section: 'cgroup/post_bind4', asm: ['r2 = 1', '*(u32 *)(r1 + 16) = r2', ...RET1], expect: ctxRej(1, 16, 4) },
  { name: 'cgsock_post_bind4_read_src_ip4', type: 'cgroup_sock', section: 'cgroup/post_bind4', asm: ['r2 = *(u16 *)(r1 + 26)', ...RET1], expect: 'accept' },
  { name: 'cgsock_create_read_src_ip4', type: 'cgroup_sock', section: 'cgroup/sock_create', asm: ['r2 = *(u32 *)(r1 + 24)', ...RET1], expect: ctxRej(0, 24, 4) },
  { name: 'cgsock_post_bind6_write_src_port', type: 'cgroup_sock', section: 'cgroup/post_bind6', asm: ['r2 = 1', '*(u32 *)(r1 + 44) = r2', ...RET1], expect: ctxRej(1, 44, 4) },
  { name: 'cgsock_release_read_priority', type: 'cgroup_sock', section: 'cgroup/sock_release', asm: ['r2 = *(u32 *)(r1 + 20)', ...RET1], expect: 'accept' },
  { name: 'cgsock_read_dst_port_u16', type: 'cgroup_sock', asm: ['r2 = *(u16 *)(r1 + 48)', ...RET1], expect: 'accept' },
  { name: 'cgsock_read_dst_port_pad', type: 'cgroup_sock', asm: ['r2 = *(u16 *)(r1 + 50)', ...RET1], expect: ctxRej(0, 50, 2) },
  { name: 'cgsock_read_family_narrow_mid', type: 'cgroup_sock', asm: ['r2 = *(u16 *)(r1 + 6)', ...RET1], expect: ctxRej(0, 6, 2) },
  { name: 'cgsock_write_family', type: 'cgroup_sock', asm: ['r2 = 1', '*(u32 *)(r1 + 4) = r2', ...RET1], expect: ctxRej(1, 4, 4) },
  { name: 'cgsock_ret_2', type: 'cgroup_sock', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
];

const SOCK_ADDR: VerifierCase[] = [
  { name: 'sockaddr_connect4_read_user_ip4', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u8 *)(r1 + 5)', ...RET1], expect: 'accept' },
  { name: 'sockaddr_connect6_read_user_ip4', type: 'cgroup_sock_addr', section: 'cgroup/connect6', asm: ['r2 = *(u32 *)(r1 + 4)', ...RET1], expect: ctxRej(0, 4, 4) },
  { name: 'sockaddr_connect6_read_user_ip6_u64', type: 'cgroup_sock_addr', section: 'cgroup/connect6', asm: ['r2 = *(u64 *)(r1 + 16)', ...RET1], expect: 'accept' },
  { name: 'sockaddr_connect6_write_user_ip6_u64', type: 'cgroup_sock_addr', section: 'cgroup/connect6', asm: ['r2 = 0', '*(u64 *)(r1 + 8) = r2', ...RET1], expect: 'accept' },
  { name: 'sockaddr_connect4_write_user_port', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = 0', '*(u32 *)(r1 + 24) = r2', ...RET1], expect: 'accept' },
  { name: 'sockaddr_connect4_write_user_port_u16', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = 0', '*(u16 *)(r1 + 24) = r2', ...RET1], expect: ctxRej(1, 24, 2) },
  { name: 'sockaddr_write_family', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = 0', '*(u32 *)(r1 + 28) = r2', ...RET1], expect: ctxRej(1, 28, 4) },
  { name: 'sockaddr_read_user_family_u16', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u16 *)(r1 + 0)', ...RET1], expect: ctxRej(0, 0, 2) },
  { name: 'sockaddr_sendmsg4_read_msg_src_ip4', type: 'cgroup_sock_addr', section: 'cgroup/sendmsg4', asm: ['r2 = *(u32 *)(r1 + 40)', ...RET1], expect: 'accept' },
  { name: 'sockaddr_connect4_read_msg_src_ip4', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u32 *)(r1 + 40)', ...RET1], expect: ctxRej(0, 40, 4) },
  { name: 'sockaddr_getsockname4_read_user_ip6', type: 'cgroup_sock_addr', section: 'cgroup/getsockname4', asm: ['r2 = *(u32 *)(r1 + 8)', ...RET1], expect: ctxRej(0, 8, 4) },
  { name: 'sockaddr_sendmsg6_read_msg_src_ip6_u64', type: 'cgroup_sock_addr', section: 'cgroup/sendmsg6', asm: ['r2 = *(u64 *)(r1 + 48)', ...RET1], expect: 'accept' },
  { name: 'sockaddr_sendmsg6_read_msg_src_ip6_u64_misaligned', type: 'cgroup_sock_addr', section: 'cgroup/sendmsg6', asm: ['r2 = *(u64 *)(r1 + 52)', ...RET1], expect: ctxRej(0, 52, 8) },
  { name: 'sockaddr_read_sk', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u64 *)(r1 + 64)', ...RET1], expect: 'accept' },
  { name: 'sockaddr_read_sk_u32', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u32 *)(r1 + 64)', ...RET1], expect: ctxRej(0, 64, 4) },
  { name: 'sockaddr_read_padding', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r2 = *(u32 *)(r1 + 60)', ...RET1], expect: ctxRej(0, 60, 4) },
  { name: 'sockaddr_recvmsg4_ret_0', type: 'cgroup_sock_addr', section: 'cgroup/recvmsg4', asm: RET0, expect: rej(1, `${EXIT_MSG} has smin=0 smax=0 should have been in [1, 1]`) },
  { name: 'sockaddr_getpeername6_ret_1', type: 'cgroup_sock_addr', section: 'cgroup/getpeername6', asm: RET1, expect: 'accept' },
  { name: 'sockaddr_bind4_ret_3', type: 'cgroup_sock_addr', section: 'cgroup/bind4', asm: ['r0 = 3', 'exit'], expect: 'accept' },
  { name: 'sockaddr_bind6_ret_4', type: 'cgroup_sock_addr', section: 'cgroup/bind6', asm: ['r0 = 4', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=4 smax=4 should have been in [0, 3]`) },
  { name: 'sockaddr_connect4_ret_2', type: 'cgroup_sock_addr', section: 'cgroup/connect4', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
];

const SOCK_OPS: VerifierCase[] = [
  { name: 'sockops_read_op', type: 'sock_ops', asm: ['r2 = *(u32 *)(r1 + 0)', ...RET1], expect: 'accept' },
  { name: 'sockops_read_op_u16', type: 'sock_ops', asm: ['r2 = *(u16 *)(r1 + 0)', ...RET1], expect: ctxRej(0, 0, 2) },
  { name: 'sockops_write_reply', type: 'sock_ops', asm: ['r2 = 1', '*(u32 *)(r1 + 4) = r2', ...RET1], expect: 'accept' },
  { name: 'sockops_write_op', type: 'sock_ops', asm: ['r2 = 1', '*(u32 *)(r1 + 0) = r2', ...RET1], expect: ctxRej(1, 0, 4) },
  { name: 'sockops_read_bytes_received_u32', type: 'sock_ops', asm: ['r2 = *(u32 *)(r1 + 168)', ...RET1], expect: ctxRej(0, 168, 4) },
  { name: 'sockops_read_bytes_acked', type: 'sock_ops', asm: ['r2 = *(u64 *)(r1 + 176)', ...RET1], expect: 'accept' },
  { name: 'sockops_sk_deref_unchecked', type: 'sock_ops', asm: ['r2 = *(u64 *)(r1 + 184)', 'r3 = *(u32 *)(r2 + 4)', ...RET1],
    expect: rej(1, "R2 invalid mem access 'sock_or_null'") },
  { name: 'sockops_pkt_read', type: 'sock_ops', asm: [...pktAccess(192, 200, 'u64', false), ...RET1], expect: 'accept' },
  { name: 'sockops_pkt_write', type: 'sock_ops', asm: [...pktAccess(192, 200, 'u64', true), ...RET1], expect: rej(5, 'cannot write into packet') },
  { name: 'sockops_read_tcp_flags_u8', type: 'sock_ops', asm: ['r2 = *(u8 *)(r1 + 212)', ...RET1], expect: 'accept' },
  { name: 'sockops_ret_2', type: 'sock_ops', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
];

const SK_MSG: VerifierCase[] = [
  { name: 'skmsg_pkt_write', type: 'sk_msg', asm: [...pktAccess(0, 8, 'u64', true), ...RET1], expect: 'accept' },
  { name: 'skmsg_data_u32', type: 'sk_msg', asm: ['r2 = *(u32 *)(r1 + 0)', ...RET1], expect: ctxRej(0, 0, 4) },
  { name: 'skmsg_read_size', type: 'sk_msg', asm: ['r2 = *(u32 *)(r1 + 68)', ...RET1], expect: 'accept' },
  { name: 'skmsg_read_size_u16', type: 'sk_msg', asm: ['r2 = *(u16 *)(r1 + 68)', ...RET1], expect: ctxRej(0, 68, 2) },
  { name: 'skmsg_write_size', type: 'sk_msg', asm: ['r2 = 1', '*(u32 *)(r1 + 68) = r2', ...RET1], expect: ctxRej(1, 68, 4) },
  { name: 'skmsg_read_past_end', type: 'sk_msg', asm: ['r2 = *(u32 *)(r1 + 80)', ...RET1], expect: ctxRej(0, 80, 4) },
  { name: 'skmsg_ret_any', type: 'sk_msg', asm: ['r0 = 7', 'exit'], expect: 'accept' },
];

const SK_SKB: VerifierCase[] = [
  { name: 'skskb_read_mark', type: 'sk_skb', asm: ['r2 = *(u32 *)(r1 + 8)', ...RET1], expect: ctxRej(0, 8, 4) },
  { name: 'skskb_write_priority', type: 'sk_skb', asm: ['r2 = 1', '*(u32 *)(r1 + 32) = r2', ...RET1], expect: 'accept' },
  { name: 'skskb_write_cb', type: 'sk_skb', asm: ['r2 = 1', '*(u32 *)(r1 + 48) = r2', ...RET1], expect: ctxRej(1, 48, 4) },
  { name: 'skskb_read_local_port', type: 'sk_skb', asm: ['r2 = *(u32 *)(r1 + 136)', ...RET1], expect: 'accept' },
  { name: 'skskb_pkt_write', type: 'sk_skb', asm: [...pktAccess(76, 80, 'u32', true), ...RET1], expect: 'accept' },
];

const STACK_HOOKS: VerifierCase[] = [
  { name: 'flowdis_keys_read', type: 'flow_dissector', asm: ['r2 = *(u64 *)(r1 + 144)', 'r3 = *(u16 *)(r2 + 0)', 'r3 = *(u32 *)(r2 + 52)', ...RET0], expect: 'accept' },
  { name: 'flowdis_keys_past_end', type: 'flow_dissector', asm: ['r2 = *(u64 *)(r1 + 144)', 'r3 = *(u32 *)(r2 + 54)', ...RET0],
    expect: rej(1, 'invalid access to flow keys off=54 size=4') },
  { name: 'flowdis_keys_write', type: 'flow_dissector', asm: ['r2 = *(u64 *)(r1 + 144)', 'r3 = 1', '*(u16 *)(r2 + 2) = r3', ...RET0], expect: 'accept' },
  { name: 'flowdis_read_len', type: 'flow_dissector', asm: ['r2 = *(u32 *)(r1 + 0)', ...RET0], expect: ctxRej(0, 0, 4) },
  { name: 'flowdis_pkt_write', type: 'flow_dissector', asm: [...pktAccess(76, 80, 'u32', true), ...RET0], expect: rej(5, 'cannot write into packet') },
  { name: 'lwt_in_read_family', type: 'lwt_in', asm: ['r2 = *(u32 *)(r1 + 88)', ...RET0], expect: ctxRej(0, 88, 4) },
  { name: 'lwt_in_pkt_write', type: 'lwt_in', asm: [...pktAccess(76, 80, 'u32', true), ...RET0], expect: rej(5, 'cannot write into packet') },
  { name: 'lwt_xmit_pkt_write', type: 'lwt_xmit', asm: [...pktAccess(76, 80, 'u32', true), ...RET0], expect: 'accept' },
  { name: 'lwt_out_write_mark', type: 'lwt_out', asm: ['r2 = 1', '*(u32 *)(r1 + 8) = r2', ...RET0], expect: 'accept' },
  { name: 'lwt_out_write_tc_index', type: 'lwt_out', asm: ['r2 = 1', '*(u32 *)(r1 + 44) = r2', ...RET0], expect: ctxRej(1, 44, 4) },
];

const OTHER_HOOKS: VerifierCase[] = [
  { name: 'reuseport_read_hash', type: 'sk_reuseport', asm: ['r2 = *(u32 *)(r1 + 32)', ...RET0], expect: 'accept' },
  { name: 'reuseport_read_hash_u16', type: 'sk_reuseport', asm: ['r2 = *(u16 *)(r1 + 32)', ...RET0], expect: ctxRej(0, 32, 2) },
  { name: 'reuseport_read_eth_protocol_u8', type: 'sk_reuseport', asm: ['r2 = *(u8 *)(r1 + 20)', ...RET0], expect: ctxRej(0, 20, 1) },
  { name: 'reuseport_read_eth_protocol_u16', type: 'sk_reuseport', asm: ['r2 = *(u16 *)(r1 + 22)', ...RET0], expect: 'accept' },
  { name: 'sklookup_read_remote_port_u32', type: 'sk_lookup', section: 'sk_lookup', asm: ['r2 = *(u32 *)(r1 + 36)', ...RET0], expect: 'accept' },
  { name: 'sklookup_read_local_port_u16', type: 'sk_lookup', section: 'sk_lookup', asm: ['r2 = *(u16 *)(r1 + 62)', ...RET0], expect: 'accept' },
  { name: 'sklookup_ret_2', type: 'sk_lookup', section: 'sk_lookup', asm: ['r0 = 2', 'exit'], expect: rej(1, `${EXIT_MSG} has smin=2 smax=2 should have been in [0, 1]`) },
  { name: 'sysctl_read_write_u8', type: 'cgroup_sysctl', asm: ['r2 = *(u8 *)(r1 + 0)', ...RET1], expect: 'accept' },
  { name: 'sysctl_write_write', type: 'cgroup_sysctl', asm: ['r2 = 1', '*(u32 *)(r1 + 0) = r2', ...RET1], expect: ctxRej(1, 0, 4) },
  { name: 'sysctl_write_file_pos', type: 'cgroup_sysctl', asm: ['r2 = 1', '*(u32 *)(r1 + 4) = r2', ...RET1], expect: 'accept' },
  { name: 'sysctl_ret_ctx', type: 'cgroup_sysctl', asm: ['r0 = r1', 'exit'], expect: rej(1, `${EXIT_MSG} is not a known value (ctx)`) },
  { name: 'sockopt_get_write_retval', type: 'cgroup_sockopt', section: 'cgroup/getsockopt', asm: ['r2 = 0', '*(u32 *)(r1 + 36) = r2', ...RET1], expect: 'accept' },
  { name: 'sockopt_set_write_retval', type: 'cgroup_sockopt', section: 'cgroup/setsockopt', asm: ['r2 = 0', '*(u32 *)(r1 + 36) = r2', ...RET1], expect: ctxRej(1, 36, 4) },
  { name: 'sockopt_set_read_retval', type: 'cgroup_sockopt', section: 'cgroup/setsockopt', asm: ['r2 = *(u32 *)(r1 + 36)', ...RET1], expect: ctxRej(0, 36, 4) },
  { name: 'sockopt_set_write_optname', type: 'cgroup_sockopt', section: 'cgroup/setsockopt', asm: ['r2 = 0', '*(u32 *)(r1 + 28) = r2', ...RET1], expect: 'accept' },
  { name: 'sockopt_optval_write', type: 'cgroup_sockopt', section: 'cgroup/setsockopt', asm: [...pktAccess(8, 16, 'u64', true), ...RET1], expect: 'accept' },
  { name: 'device_read_access_type_u16', type: 'cgroup_device', section: 'cgroup/dev', asm: ['r2 = *(u16 *)(r1 + 2)', ...RET1], expect: 'accept' },
  { name: 'device_read_major_u16', type: 'cgroup_device', section: 'cgroup/dev', asm: ['r2 = *(u16 *)(r1 + 4)', ...RET1], expect: ctxRej(0, 4, 2) },
  { name: 'device_ret_unknown', type: 'cgroup_device', section: 'cgroup/dev', asm: ['r0 = *(u32 *)(r1 + 4)', 'r0 += -1', 'exit'],
    expect: rej(2, `${EXIT_MSG} has smin=-1 smax=4294967294 should have been in [0, 1]`) },
  { name: 'xdp_ret_any', type: 'xdp', asm: ['r0 = 100', 'exit'], expect: 'accept' },
];

export const CGROUP_SOCK_CASES: readonly VerifierCase[] = [
  ...CGROUP_SKB, ...CGROUP_SOCK, ...SOCK_ADDR, ...SOCK_OPS, ...SK_MSG, ...SK_SKB, ...STACK_HOOKS, ...OTHER_HOOKS,
];
