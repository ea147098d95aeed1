// Unit tests for src-vm/verifier/progTypes/sockLayer.ts: sock_ops, sk_msg,
// sk_skb, sk_reuseport and sk_lookup context rules and return ranges, as
// tables of accesses and the kernel's decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import { SOCK_LAYER_PROG_TYPES } from '../../../../src-vm/verifier/progTypes/sockLayer';
import type { CtxAccess } from '../../../../src-vm/verifier/progTypes';
import { NO, OK, parseAccess } from './accessKit';

const ACCESSES: [ProgTypeName, string, CtxAccess][] = [
  ['sock_ops', 'r4@0', OK],
  ['sock_ops', 'r2@0', NO],
  ['sock_ops', 'w4@4', OK],
  ['sock_ops', 'w4@8', NO],
  ['sock_ops', 'w4@164', OK],
  ['sock_ops', 'w4@0', NO],
  ['sock_ops', 'r8@168', OK],
  ['sock_ops', 'r4@168', NO],
  ['sock_ops', 'r8@184', { ok: true, yields: { type: 'sock', maybeNull: true } }],
  ['sock_ops', 'r8@192', { ok: true, yields: { type: 'pkt' } }],
  ['sock_ops', 'r8@200', { ok: true, yields: { type: 'pkt_end' } }],
  ['sock_ops', 'r1@212', OK],
  ['sock_ops', 'r2@214', NO],
  ['sock_ops', 'r8@216', OK],
  ['sock_ops', 'r4@224', NO],
  ['sk_msg', 'r8@0', { ok: true, yields: { type: 'pkt' } }],
  ['sk_msg', 'r4@0', NO],
  ['sk_msg', 'r8@8', { ok: true, yields: { type: 'pkt_end' } }],
  ['sk_msg', 'r4@68', OK],
  ['sk_msg', 'r2@68', NO],
  ['sk_msg', 'w4@68', NO],
  ['sk_msg', 'r8@72', { ok: true, yields: { type: 'sock' } }],
  ['sk_msg', 'r4@80', NO],
  ['sk_skb', 'r4@8', NO],
  ['sk_skb', 'w4@32', OK],
  ['sk_skb', 'w4@44', OK],
  ['sk_skb', 'w4@48', NO],
  ['sk_skb', 'r4@136', OK],
  ['sk_skb', 'r4@76', { ok: true, yields: { type: 'pkt' } }],
  ['sk_skb', 'r4@140', NO],
  ['sk_skb', 'r8@152', NO],
  ['sk_reuseport', 'r8@0', { ok: true, yields: { type: 'pkt' } }],
  ['sk_reuseport', 'r4@32', OK],
  ['sk_reuseport', 'r2@32', NO],
  ['sk_reuseport', 'r1@20', NO],
  ['sk_reuseport', 'r2@22', OK],
  ['sk_reuseport', 'r1@24', OK],
  ['sk_reuseport', 'r8@40', { ok: true, yields: { type: 'sock' } }],
  ['sk_reuseport', 'r8@48', { ok: true, yields: { type: 'sock_common', maybeNull: true } }],
  ['sk_reuseport', 'w4@16', NO],
  ['sk_lookup', 'r8@0', { ok: true, yields: { type: 'sock', maybeNull: true } }],
  ['sk_lookup', 'r4@36', OK],
  ['sk_lookup', 'r2@36', OK],
  ['sk_lookup', 'r2@38', OK],
  ['sk_lookup', 'r4@38', NO],
  ['sk_lookup', 'r1@63', OK],
  ['sk_lookup', 'w4@8', NO],
  ['sk_lookup', 'r4@68', NO],
];

for (const [type, access, expect] of ACCESSES) {
  test(`socket-layer ctx: ${type} ${access}`, () => {
    assert.deepEqual(SOCK_LAYER_PROG_TYPES[type]!.ctxAccess(parseAccess(access)), expect);
  });
}

test('socket-layer return ranges: sock_ops and sk_lookup are [0, 1]; sk_msg, sk_skb and sk_reuseport are unchecked', () => {
  assert.deepEqual(SOCK_LAYER_PROG_TYPES.sock_ops!.returnRange?.(), { min: 0, max: 1 });
  assert.deepEqual(SOCK_LAYER_PROG_TYPES.sk_lookup!.returnRange?.(), { min: 0, max: 1 });
  for (const t of ['sk_msg', 'sk_skb', 'sk_reuseport'] as const) assert.equal(SOCK_LAYER_PROG_TYPES[t]!.returnRange, undefined);
});

test('socket-layer packets: sock_ops and sk_reuseport may only read them', () => {
  assert.equal(SOCK_LAYER_PROG_TYPES.sock_ops!.packetReadOnly, true);
  assert.equal(SOCK_LAYER_PROG_TYPES.sk_reuseport!.packetReadOnly, true);
  assert.ok(!SOCK_LAYER_PROG_TYPES.sk_msg!.packetReadOnly);
  assert.ok(!SOCK_LAYER_PROG_TYPES.sk_skb!.packetReadOnly);
});
