// Tests for src-vm/vm/linux/checksum.ts: incremental updates agree with
// recomputing the IPv4 header checksum from scratch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csumDiff, csumFold, csumPartial, csumReplace2, csumReplace4 } from '../../../../src-vm/vm/linux/checksum';

function header(ttl: number, dst: number[]): Uint8Array {
  const h = Uint8Array.from([0x45, 0, 0, 40, 0x12, 0x34, 0, 0, ttl, 6, 0, 0, 10, 0, 0, 1, ...dst]);
  const c = csumFold(csumPartial(h, 0));
  h[10] = c & 0xff; h[11] = c >> 8;
  return h;
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

test('csum_replace2 and csum_replace4 give the recomputed checksum', () => {
  for (const ttl of [1, 64, 200, 255]) {
    const a = header(ttl, [192, 168, 1, 2]);
    const b = header(ttl - 1, [192, 168, 1, 2]);
    assert.equal(csumReplace2(u16(a, 10), u16(a, 8), u16(b, 8)), u16(b, 10), `ttl ${ttl}`);
    const c = header(ttl, [172, 16, ttl, 9]);
    assert.equal(csumReplace4(u16(a, 10), u32(a, 16), u32(c, 16)), u16(c, 10), `dst ${ttl}`);
  }
});

test('csum_diff folds to 16 bits: a valid header sums to 0xffff, plus the seed', () => {
  const h = header(64, [1, 2, 3, 4]);
  assert.equal(csumDiff(new Uint8Array(0), h, 0), 0xffff);
  assert.equal(csumDiff(new Uint8Array(0), h, 0x1234), 0x1234);
  assert.equal(csumDiff(new Uint8Array(0), new Uint8Array(0), 77), 77);
});
