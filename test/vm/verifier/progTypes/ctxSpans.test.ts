// Unit tests for src-vm/verifier/progTypes/ctxSpans.ts: span lookup and the
// kernel's narrow and wide context access tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { narrowOk, spanAt, spans, wideOk } from '../../../../src-vm/verifier/progTypes/ctxSpans';

const FIELDS = spans([['a', 0, 4], ['ip6', 4, 16], ['b', 20, 2]]);

test('spanAt: the field holding an offset, none past the end', () => {
  const cases: [number, string | undefined][] = [[0, 'a'], [3, 'a'], [4, 'ip6'], [19, 'ip6'], [21, 'b'], [22, undefined], [-1, undefined]];
  for (const [off, name] of cases) assert.equal(spanAt(FIELDS, off)?.name, name, `offset ${off}`);
});

test('narrowOk: power-of-two sizes no wider than the field', () => {
  const cases: [number, number, boolean][] = [[1, 4, true], [2, 4, true], [4, 4, true], [3, 4, false], [8, 4, false], [4, 2, false], [2, 2, true]];
  for (const [size, field, ok] of cases) assert.equal(narrowOk(size, field), ok, `size ${size} in ${field}`);
});

test('wideOk: aligned 8-byte accesses inside the array only', () => {
  const ip6 = spanAt(FIELDS, 4);
  const cases: [number, number, boolean][] = [[8, 8, true], [16, 8, false], [4, 8, false], [12, 8, false], [8, 4, false]];
  for (const [off, size, ok] of cases) assert.equal(wideOk(off, size, ip6), ok, `off ${off} size ${size}`);
  assert.equal(wideOk(8, 8, undefined), false);
});
