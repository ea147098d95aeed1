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
];

for (const [type, access, expect] of ACCESSES) {
  test(`stack hook ctx: ${type} ${access}`, () => {
    assert.deepEqual(STACK_HOOK_PROG_TYPES[type]!.ctxAccess(parseAccess(access)), expect);
  });
}

test('stack hooks: only lwt_xmit may write the packet; none has a return range', () => {
  const writers = Object.entries(STACK_HOOK_PROG_TYPES).filter(([, r]) => !r!.packetReadOnly).map(([t]) => t);
  assert.deepEqual(writers, ['lwt_xmit']);
  for (const rules of Object.values(STACK_HOOK_PROG_TYPES)) assert.equal(rules!.returnRange, undefined);
});
