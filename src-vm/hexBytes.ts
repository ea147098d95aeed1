// Bytes written as hex text — `aa bb 11`, `aabb11`, `0xaa, 0xbb`, with `#`
// comments — as users give input memory and packets to the CLI and the
// debugger. Errors name the character position. Pure.

export type HexParse = { bytes: Uint8Array } | { error: string };

/** `#` comments blanked with spaces, so positions stay those of the original text. */
function blankComments(text: string): string {
  return text.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length));
}

export function parseHexBytes(text: string): HexParse {
  const out: number[] = [];
  for (const m of blankComments(text).matchAll(/[^\s,]+/g)) {
    const at = m.index ?? 0;
    const prefix = /^0x/i.test(m[0]) ? 2 : 0;
    const digits = m[0].slice(prefix);
    const bad = digits.search(/[^0-9a-fA-F]/);
    if (bad >= 0) return { error: `not a hex byte string at position ${at + prefix + bad}: '${digits[bad]}' is not a hex digit` };
    if (digits.length === 0 || digits.length % 2 !== 0) {
      return { error: `not a hex byte string at position ${at}: '${m[0]}' is not a whole number of bytes (two hex digits each)` };
    }
    for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
  }
  return { bytes: Uint8Array.from(out) };
}
