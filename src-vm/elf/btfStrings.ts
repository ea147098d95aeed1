// The BTF string section: names of types, members and functions, and (for
// BTF.ext) file names, source line text and CO-RE access strings. Lookups are
// O(log n) and never scan a hostile table twice: the NUL positions are found
// once, an all-ASCII table (the usual case) is decoded once and sliced, and
// UTF-8 tables decode within a budget proportional to their size. Pure.

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Bytes of UTF-8 text decoded, per byte of table (plus a floor), before lookups give up. */
const DECODE_BYTES_PER_TABLE_BYTE = 16;
const DECODE_BYTES_FLOOR = 1 << 20;

export class BtfStrings {
  /** Offsets of every NUL byte, ascending. */
  private readonly nuls: Int32Array;
  /** The whole table as one string, when every byte is ASCII (offsets are then character indices). */
  private readonly ascii: string | undefined;
  private readonly decoded = new Map<number, string | undefined>();
  private budget: number;

  constructor(readonly bytes: Uint8Array) {
    let count = 0;
    let allAscii = true;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0) count++;
      else if (b >= 0x80) allAscii = false;
    }
    this.nuls = new Int32Array(count);
    for (let i = 0, n = 0; i < bytes.length; i++) if (bytes[i] === 0) this.nuls[n++] = i;
    // For ASCII bytes UTF-8 decoding is one character per byte, so offsets stay valid.
    this.ascii = allAscii ? utf8.decode(bytes) : undefined;
    this.budget = DECODE_BYTES_FLOOR + DECODE_BYTES_PER_TABLE_BYTE * bytes.length;
  }

  get size(): number {
    return this.bytes.length;
  }

  /** True when the last byte is a NUL (so every string in the table ends inside it). */
  get terminated(): boolean {
    return this.bytes.length > 0 && this.bytes[this.bytes.length - 1] === 0;
  }

  /**
   * The NUL-terminated string at `offset`; undefined when the offset is
   * outside the table, when no NUL ends the string inside the table, or when
   * a hostile table has used up its decoding budget.
   */
  at(offset: number): string | undefined {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.bytes.length) return undefined;
    const end = this.nulAtOrAfter(offset);
    if (end < 0) return undefined;
    if (this.ascii !== undefined) return this.ascii.slice(offset, end);
    if (this.decoded.has(offset)) return this.decoded.get(offset);
    let text: string | undefined;
    if (end - offset <= this.budget) {
      this.budget -= end - offset;
      text = utf8.decode(this.bytes.subarray(offset, end));
    }
    this.decoded.set(offset, text);
    return text;
  }

  /** Why `at(offset)` gave undefined for an offset inside the table. */
  whyUnreadable(offset: number): string {
    return this.nulAtOrAfter(offset) < 0
      ? 'no NUL ends it before the end of the section'
      : 'the strings read from this section add up to far more than its size (hostile offsets)';
  }

  /** The position of the first NUL at or after `offset`, or -1. */
  private nulAtOrAfter(offset: number): number {
    const nuls = this.nuls;
    let lo = 0;
    let hi = nuls.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nuls[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < nuls.length ? nuls[lo] : -1;
  }
}
