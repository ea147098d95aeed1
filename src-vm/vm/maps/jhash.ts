// Bob Jenkins' lookup3 hash as the kernel's include/linux/jhash.h defines it:
// jhash() over bytes and jhash2() over 32-bit words, both seeded. Hash maps,
// bloom filters and sockhash pick buckets and bits with it, so emulating it
// bit for bit is what makes our iteration order the kernel's. Pure.
//
// Words are read little-endian (the kernel reads them in CPU order; every
// BPF-capable target we emulate is little-endian x86-64/arm64).

const JHASH_INITVAL = 0xdeadbeef;

function rol32(x: number, shift: number): number {
  return ((x << shift) | (x >>> (32 - shift))) >>> 0;
}

type Triple = [number, number, number];

/** __jhash_mix: reversible mixing of three words. */
function mix(s: Triple): void {
  let [a, b, c] = s;
  a = (a - c) >>> 0; a = (a ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
  s[0] = a; s[1] = b; s[2] = c;
}

/** __jhash_final: final mixing of three words into the third. */
function final(s: Triple): void {
  let [a, b, c] = s;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  s[0] = a; s[1] = b; s[2] = c;
}

function word(k: Uint8Array, at: number): number {
  return (k[at] | (k[at + 1] << 8) | (k[at + 2] << 16) | (k[at + 3] << 24)) >>> 0;
}

/** jhash(key, length, initval): hash of `key.length` arbitrary bytes. */
export function jhash(key: Uint8Array, initval: number): number {
  let length = key.length;
  const init = (JHASH_INITVAL + length + initval) >>> 0;
  const s: Triple = [init, init, init];
  let at = 0;
  while (length > 12) {
    s[0] = (s[0] + word(key, at)) >>> 0;
    s[1] = (s[1] + word(key, at + 4)) >>> 0;
    s[2] = (s[2] + word(key, at + 8)) >>> 0;
    mix(s);
    length -= 12;
    at += 12;
  }
  if (length === 0) return s[2];
  // The tail: byte i of the last 12 goes into word i/4 at bit 8*(i%4).
  for (let i = 0; i < length; i++) {
    const w = i >> 2;
    s[w] = (s[w] + (key[at + i] << (8 * (i & 3)) >>> 0)) >>> 0;
  }
  final(s);
  return s[2];
}

/** jhash2(k, length, initval): hash of `key.length / 4` 32-bit words (the length must be a multiple of 4). */
export function jhash2(key: Uint8Array, initval: number): number {
  let words = key.length >> 2;
  const init = (JHASH_INITVAL + (words << 2) + initval) >>> 0;
  const s: Triple = [init, init, init];
  let at = 0;
  while (words > 3) {
    s[0] = (s[0] + word(key, at)) >>> 0;
    s[1] = (s[1] + word(key, at + 4)) >>> 0;
    s[2] = (s[2] + word(key, at + 8)) >>> 0;
    mix(s);
    words -= 3;
    at += 12;
  }
  if (words === 0) return s[2];
  for (let i = 0; i < words; i++) s[i] = (s[i] + word(key, at + 4 * i)) >>> 0;
  final(s);
  return s[2];
}

/** What hash maps and bloom filters use: jhash2 when the size is a multiple of 4, jhash otherwise. */
export function mapHash(key: Uint8Array, seed: number): number {
  return key.length % 4 === 0 ? jhash2(key, seed) : jhash(key, seed);
}
