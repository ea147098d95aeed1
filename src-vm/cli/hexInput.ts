// Input memory for `run`: a hex byte string (`aa bb 11`, `aabb11`, `0xaa,0xbb`)
// with `#` comments, or, when a file is not such text, its raw bytes. Pure.

export type HexResult = { bytes: Uint8Array } | { error: string };

/** Parses hex text; whitespace, commas and `#` comments are ignored, `0x` prefixes allowed. */
export function parseHexBytes(text: string): HexResult {
  const cleaned = text.split('\n').map((l) => l.replace(/#.*$/, '')).join(' ');
  const tokens = cleaned.split(/[\s,]+/).filter((t) => t.length > 0);
  const out: number[] = [];
  let position = 0;
  for (const token of tokens) {
    const digits = token.replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length % 2 !== 0) {
      return { error: `not a hex byte string at byte ${position}: '${token}'` };
    }
    for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
    position = out.length;
  }
  return { bytes: Uint8Array.from(out) };
}

/** A memory file: hex text when it reads as such, else the raw bytes. */
export function memoryFromFile(data: Uint8Array): Uint8Array {
  const text = new TextDecoder('latin1').decode(data);
  const parsed = /^[\s0-9a-fA-Fx,#]/.test(text) ? parseHexBytes(text) : { error: 'binary' };
  return 'bytes' in parsed ? parsed.bytes : data;
}
