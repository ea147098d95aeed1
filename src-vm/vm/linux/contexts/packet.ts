// A packet as BPF_PROG_TEST_RUN lays it out: one buffer with headroom before
// the data and room after it, exposed to the program as one region whose
// readable end moves with data_end. `start`/`end`/`meta` are offsets in the
// buffer; the helpers that move them (adjust_head/tail/meta, change_head/tail,
// vlan push/pop) go through here. Pure.
//
//   buffer: | headroom ........ | meta | data ................ | tail room |
//           0                  meta  start                   end       capacity

import { Memory, regionAddress, type Region } from '../../memory';

export class PacketBuffer {
  readonly buf: Uint8Array;
  readonly region: Region;
  meta: number;
  start: number;
  private endOffset: number;

  constructor(memory: Memory, data: Uint8Array, headroom: number, capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.buf.set(data.subarray(0, capacity - headroom), headroom);
    this.region = memory.add('packet', 'packet', this.buf, true);
    this.region.dataStart = () => this.start;
    this.meta = this.start = headroom;
    this.endOffset = headroom + Math.min(data.length, capacity - headroom);
    this.region.size = this.endOffset;
  }

  get end(): number {
    return this.endOffset;
  }

  set end(value: number) {
    this.endOffset = value;
    this.region.size = value;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The data bytes (a live view). */
  get data(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  address(offset: number): bigint {
    return regionAddress(this.region, offset);
  }

  /** Inserts `n` zero bytes at data offset `at` (moving the head back into the headroom). */
  insert(at: number, n: number): void {
    this.buf.copyWithin(this.start - n, this.start, this.start + at);
    this.start -= n;
    this.meta = Math.min(this.meta, this.start);
    this.buf.fill(0, this.start + at, this.start + at + n);
  }

  /** Removes `n` bytes at data offset `at` (the head moves forward). */
  remove(at: number, n: number): void {
    this.buf.copyWithin(this.start + n, this.start, this.start + at);
    this.start += n;
    this.meta = Math.max(this.meta, Math.min(this.meta + n, this.start));
  }
}

/** Reads a little-endian unsigned field of `size` bytes at `offset` of a u64 value. */
export function narrow(value: bigint, offsetInField: number, size: number): bigint {
  return BigInt.asUintN(size * 8, value >> BigInt(offsetInField * 8));
}
