// Unit tests for src-vm/verifier/progTypes/skbCtx.ts: the __sk_buff field
// spans (arrays merged, fields past net.ts's table added) and the shared
// bpf_skb_is_valid_access size rules, as tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKB_SPANS, skbIsValidAccess } from '../../../../src-vm/verifier/progTypes/skbCtx';
import type { CtxAccess } from '../../../../src-vm/verifier/progTypes';
import { NO, OK, parseAccess } from './accessKit';

test('skb spans: arrays are one span, every offset of the 192-byte struct is covered once', () => {
  const byName = new Map(SKB_SPANS.map((s) => [s.name, s]));
  assert.deepEqual(byName.get('cb'), { name: 'cb', off: 48, size: 20 });
  assert.deepEqual(byName.get('remote_ip6'), { name: 'remote_ip6', off: 100, size: 16 });
  assert.deepEqual(byName.get('hwtstamp'), { name: 'hwtstamp', off: 184, size: 8 });
  let at = 0;
  for (const s of SKB_SPANS) { assert.equal(s.off, at, `gap or overlap before ${s.name}`); at += s.size; }
  assert.equal(at, 192);
});

const RULES: [string, CtxAccess][] = [
  ['r4@0', OK], ['r2@2', OK], ['r1@3', OK], ['r8@0', NO], ['r4@2', NO], ['w4@0', OK], ['w2@0', NO],
  ['r8@48', OK], ['w8@56', OK], ['r8@64', NO], ['r4@64', OK],
  ['r4@76', OK], ['s4@76', NO], ['r2@76', NO],
  ['r4@92', OK], ['r2@92', NO], ['r4@100', OK], ['r1@101', NO],
  ['r8@144', NO], ['r8@152', OK], ['w8@152', OK], ['r4@152', NO],
  ['r8@168', { ok: true, yields: { type: 'sock_common', maybeNull: true } }], ['w8@168', NO],
  ['r1@180', NO], ['r1@181', NO], ['r8@184', OK], ['w8@184', NO], ['r4@192', NO], ['r4@-4', NO],
];

for (const [access, expect] of RULES) {
  test(`bpf_skb_is_valid_access: ${access}`, () => {
    assert.deepEqual(skbIsValidAccess(parseAccess(access)), expect);
  });
}
