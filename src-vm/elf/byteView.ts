// Bounds-checked little/big-endian reads over a file's bytes, for the ELF
// reader. Reads outside the bytes return 0 rather than throw: callers check
// `fits` first to report the problem, and a missed check can never crash.
// Pure; imports nothing.

export class ByteView {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get size(): number {
    return this.bytes.byteLength;
  }

  /** True when `[offset, offset + length)` lies inside the bytes (all values non-negative). */
  fits(offset: number, length: number): boolean {
    return offset >= 0 && length >= 0 && offset <= this.size && length <= this.size - offset;
  }

  u8(at: number): number {
    return this.fits(at, 1) ? this.view.getUint8(at) : 0;
  }

  u16(at: number): number {
    return this.fits(at, 2) ? this.view.getUint16(at, this.littleEndian) : 0;
  }

  u32(at: number): number {
    return this.fits(at, 4) ? this.view.getUint32(at, this.littleEndian) : 0;
  }

  i64(at: number): bigint {
    return this.fits(at, 8) ? this.view.getBigInt64(at, this.littleEndian) : 0n;
  }

  /**
   * An unsigned 64-bit field as a number. Values past 2^53 lose precision,
   * which is harmless: every offset or size that large fails a bounds check.
   */
  u64(at: number): number {
    if (!this.fits(at, 8)) return 0;
    const lo = this.view.getUint32(at + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(at + (this.littleEndian ? 4 : 0), this.littleEndian);
    return hi * 0x1_0000_0000 + lo;
  }
}
