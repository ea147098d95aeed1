// Unit tests for src-vm/verifier/progTypes/stackHooks.ts: the lwt hooks'
// and flow_dissector's context rules and packet write permission, as tables
// of accesses and the kernel's decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import { STACK_HOOK_PROG_TYPES } from '../../../../src-vm/verifier/progTypes/stackHooks';
import type { CtxAccess } from '../../../../src-vm/verifier/progTypes';
import { NO, OK, parseAccess } from './accessKit';

const ACCESSES: [ProgTypeName, string, CtxAccess][] = [
  ['lwt_in', 'r4@0', OK],
  ['lwt_in', 'r4@88', NO],
  ['lwt_in', 'r4@136', NO],
  ['lwt_in', 'r4@72', NO],
  ['lwt_out', 'w4@8', OK],
  ['lwt_out', 'w4@32', OK],
  ['lwt_out', 'w8@48', OK],
  ['lwt_out', 'w4@44', NO],
  ['lwt_xmit', 'r4@76', { ok: true, yields: { type: 'pkt' } }],
  ['lwt_xmit', 'r4@140', NO],
  ['lwt_seg6local', 'r8@152', NO],
  ['lwt_seg6local', 'r4@160', NO],
  ['flow_dissector', 'r4@76', { ok: true, yields: { type: 'pkt' } }],
  ['flow_dissector', 's4@76', NO],
  ['flow_dissector', 'r4@80', { ok: true, yields: { type: 'pkt_end' } }],
  ['flow_dissector', 'r8@144', { ok: true, yields: { type: 'flow_keys' } }],
  ['flow_dissector', 'r4@144', NO],
  ['flow_dissector', 'r4@0', NO],
  ['flow_dissector', 'w4@76', NO],
  ['netfilter', 'r4@0', NO],
  ['netfilter', 'r8@16', NO],
  ['netfilter', 'w8@8', NO],
];

for (const [type, access, expect] of ACCESSES) {
  test(`stack hook ctx: ${type} ${access}`, () => {
    assert.deepEqual(STACK_HOOK_PROG_TYPES[type]!.ctxAccess(parseAccess(access)), expect);
  });
}

test('stack hooks: lwt_xmit may write the packet, the other packet hooks only read it', () => {
  const writers = Object.entries(STACK_HOOK_PROG_TYPES).filter(([t, r]) => t !== 'netfilter' && !r!.packetReadOnly).map(([t]) => t);
  assert.deepEqual(writers, ['lwt_xmit']);
});

test('stack hooks: only netfilter has a return range, [NF_DROP, NF_ACCEPT]', () => {
  const ranged = Object.entries(STACK_HOOK_PROG_TYPES).filter(([, r]) => r!.returnRange).map(([t, r]) => [t, r!.returnRange!()]);
  assert.deepEqual(ranged, [['netfilter', { min: 0, max: 1 }]]);
});

test('netfilter: whole loads of state and skb are valid but yield BTF pointers this verifier does not model', () => {
  for (const off of [0, 8]) {
    const res = STACK_HOOK_PROG_TYPES.netfilter!.ctxAccess(parseAccess(`r8@${off}`));
    assert.equal(res.ok, false);
    assert.match(!res.ok && res.notModelled ? res.notModelled : '', off === 0 ? /ctx->state/ : /ctx->skb/);
  }
});
