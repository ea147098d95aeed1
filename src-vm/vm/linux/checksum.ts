// Internet checksum arithmetic as the kernel's csum helpers do it on x86-64:
// 32-bit ones'-complement partial sums (csum_partial with end-around carry),
// folding to 16 bits, and the incremental replace of RFC 1624 (csum_replace2/4,
// inet_proto_csum_replace*). Values are the numbers the kernel stores: a
// 16-bit checksum field is read and written in network byte order. Pure.

/** Adds two 32-bit partial sums with end-around carry (csum_add). */
export function csumAdd(a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0);
  return (s > 0xffffffff ? s - 0xffffffff : s) >>> 0;
}

/** csum_partial: the sum of the bytes as little-endian 32-bit words (a tail padded with zeros) plus `seed`. */
export function csumPartial(bytes: Uint8Array, seed: number): number {
  let sum = seed >>> 0;
  for (let i = 0; i < bytes.length; i += 4) {
    const w = (bytes[i] | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24)) >>> 0;
    sum = csumAdd(sum, w);
  }
  return sum;
}

/** csum_fold: 32-bit partial sum to the 16-bit complemented checksum (as stored in memory, little-endian reading). */
export function csumFold(sum: number): number {
  let s = (sum & 0xffff) + (sum >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** csum_replace4: replaces the 32-bit `from` by `to` in the 16-bit checksum `check` (all in memory order). */
export function csumReplace4(check: number, from: number, to: number): number {
  const tmp = csumAdd((~check) >>> 0, ~from >>> 0);
  return csumFold(csumAdd(tmp, to >>> 0));
}

/** 16-bit ones'-complement addition (csum16_add). */
function csum16Add(a: number, b: number): number {
  const r = ((a & 0xffff) + (b & 0xffff)) & 0xffff;
  return (r + (r < (b & 0xffff) ? 1 : 0)) & 0xffff;
}

/** csum_replace2: replaces the 16-bit `from` by `to` in `check`. */
export function csumReplace2(check: number, from: number, to: number): number {
  return ~csum16Add(csum16Add(~check, ~from), to) & 0xffff;
}

/** csum_replace_by_diff: folds a 32-bit diff into `check`. */
export function csumReplaceByDiff(check: number, diff: number): number {
  return csumFold(csumAdd(diff >>> 0, (~check) >>> 0));
}

/** csum_from32to16: folds a 32-bit partial sum to 16 bits (not complemented). */
export function csumFrom32to16(sum: number): number {
  const s = (sum >>> 0) + (((sum >>> 16) | (sum << 16)) >>> 0);
  return Math.floor(s / 0x10000) & 0xffff;
}

/**
 * bpf_csum_diff as the running kernel computes it (since 6.13): the sum of
 * `to` (seeded) minus the sum of `from`, folded to 16 bits.
 */
export function csumDiff(from: Uint8Array, to: Uint8Array, seed: number): number {
  if (from.length > 0 && to.length > 0) return csumFrom32to16(csumAdd(csumPartial(to, seed), ~csumPartial(from, 0) >>> 0));
  if (to.length > 0) return csumFrom32to16(csumPartial(to, seed));
  if (from.length > 0) return csumFrom32to16(~csumPartial(from, ~seed >>> 0) >>> 0);
  return seed >>> 0;
}
