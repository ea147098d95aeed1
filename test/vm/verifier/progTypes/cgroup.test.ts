// Unit tests for src-vm/verifier/progTypes/cgroup.ts: the cgroup program
// types' context rules (by expected attach type where the kernel looks at it)
// and return ranges, as tables of accesses and what the kernel decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttachTypeName, ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import { CGROUP_PROG_TYPES } from '../../../../src-vm/verifier/progTypes/cgroup';
import type { CtxAccess } from '../../../../src-vm/verifier/progTypes';
import { NO, OK, parseAccess as parse } from './accessKit';

type Row = [type: ProgTypeName, attach: AttachTypeName | undefined, access: string, expect: CtxAccess];

const ACCESSES: Row[] = [
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@0', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r1@3', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w4@0', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w4@8', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w2@8', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w8@48', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r8@64', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@72', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@76', { ok: true, yields: { type: 'pkt' } }],
  ['cgroup_skb', 'cgroup_inet_ingress', 's4@76', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@80', { ok: true, yields: { type: 'pkt_end' } }],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@140', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r2@100', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r8@144', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w8@152', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@152', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@160', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r8@168', { ok: true, yields: { type: 'sock_common', maybeNull: true } }],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r1@180', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r8@184', OK],
  ['cgroup_skb', 'cgroup_inet_ingress', 'w8@184', NO],
  ['cgroup_skb', 'cgroup_inet_ingress', 'r4@192', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'w4@16', OK],
  ['cgroup_sock', undefined, 'w4@0', OK],
  ['cgroup_sock', 'cgroup_inet4_post_bind', 'w4@16', NO],
  ['cgroup_sock', 'cgroup_inet4_post_bind', 'r2@26', OK],
  ['cgroup_sock', 'cgroup_inet6_post_bind', 'r4@24', NO],
  ['cgroup_sock', 'cgroup_inet6_post_bind', 'r4@40', OK],
  ['cgroup_sock', 'cgroup_inet6_post_bind', 'w4@44', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r4@44', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r4@48', OK],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r1@49', OK],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r2@50', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r2@6', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r2@4', OK],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'w4@4', NO],
  ['cgroup_sock', 'cgroup_inet_sock_create', 'r4@80', NO],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'r1@5', OK],
  ['cgroup_sock_addr', 'cgroup_inet6_connect', 'r4@4', NO],
  ['cgroup_sock_addr', 'cgroup_inet6_connect', 'r8@16', OK],
  ['cgroup_sock_addr', 'cgroup_inet6_connect', 'w8@8', OK],
  ['cgroup_sock_addr', 'cgroup_inet6_connect', 'r8@12', NO],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'w4@24', OK],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'w2@24', NO],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'w4@28', NO],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'r2@0', NO],
  ['cgroup_sock_addr', 'cgroup_udp4_sendmsg', 'r4@40', OK],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'r4@40', NO],
  ['cgroup_sock_addr', 'cgroup_udp6_sendmsg', 'r8@48', OK],
  ['cgroup_sock_addr', 'cgroup_unix_connect', 'r4@4', NO],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'r8@64', { ok: true, yields: { type: 'sock' } }],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', 'r4@60', NO],
  ['cgroup_sysctl', 'cgroup_sysctl', 'r1@0', OK],
  ['cgroup_sysctl', 'cgroup_sysctl', 'w4@0', NO],
  ['cgroup_sysctl', 'cgroup_sysctl', 'w4@4', OK],
  ['cgroup_sysctl', 'cgroup_sysctl', 'r8@0', NO],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'w4@36', OK],
  ['cgroup_sockopt', 'cgroup_setsockopt', 'w4@36', NO],
  ['cgroup_sockopt', 'cgroup_setsockopt', 'r4@36', NO],
  ['cgroup_sockopt', 'cgroup_setsockopt', 'w4@28', OK],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'w4@28', NO],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'w4@32', OK],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'r8@8', { ok: true, yields: { type: 'pkt' } }],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'r8@16', { ok: true, yields: { type: 'pkt_end' } }],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'r8@0', { ok: true, yields: { type: 'sock' } }],
  ['cgroup_sockopt', 'cgroup_getsockopt', 'r2@24', NO],
  ['cgroup_device', 'cgroup_device', 'r2@2', OK],
  ['cgroup_device', 'cgroup_device', 'r2@4', NO],
  ['cgroup_device', 'cgroup_device', 'r4@8', OK],
  ['cgroup_device', 'cgroup_device', 'r4@12', NO],
  ['cgroup_device', 'cgroup_device', 'w4@0', NO],
];

for (const [type, attach, access, expect] of ACCESSES) {
  test(`cgroup ctx: ${type}${attach ? ` (${attach})` : ''} ${access}`, () => {
    assert.deepEqual(CGROUP_PROG_TYPES[type]!.ctxAccess({ ...parse(access), attach }), expect);
  });
}

const RANGES: [ProgTypeName, AttachTypeName | undefined, { min: number; max: number }][] = [
  ['cgroup_skb', undefined, { min: 0, max: 1 }],
  ['cgroup_skb', 'cgroup_inet_ingress', { min: 0, max: 1 }],
  ['cgroup_skb', 'cgroup_inet_egress', { min: 0, max: 3 }],
  ['cgroup_sock', 'cgroup_inet_sock_create', { min: 0, max: 1 }],
  ['cgroup_sock_addr', 'cgroup_inet4_connect', { min: 0, max: 1 }],
  ['cgroup_sock_addr', 'cgroup_inet6_bind', { min: 0, max: 3 }],
  ['cgroup_sock_addr', 'cgroup_udp4_recvmsg', { min: 1, max: 1 }],
  ['cgroup_sock_addr', 'cgroup_unix_getsockname', { min: 1, max: 1 }],
  ['cgroup_sysctl', 'cgroup_sysctl', { min: 0, max: 1 }],
  ['cgroup_sockopt', 'cgroup_setsockopt', { min: 0, max: 1 }],
  ['cgroup_device', 'cgroup_device', { min: 0, max: 1 }],
];

for (const [type, attach, range] of RANGES) {
  test(`cgroup return range: ${type} ${attach ?? '(no attach type)'} is [${range.min}, ${range.max}]`, () => {
    assert.deepEqual(CGROUP_PROG_TYPES[type]!.returnRange?.(attach), range);
  });
}
