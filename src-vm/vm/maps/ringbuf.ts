// BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): a power-of-2 data area shared
// by BPF producers and one user-space consumer. Each record is an 8-byte
// header and the sample, padded to 8 bytes; reserve writes the header with the
// BUSY bit, submit clears it, discard sets DISCARD. Reservation follows the
// kernel's rules: a record never exceeds the ring, and the producer may not
// run more than size-1 bytes ahead of the consumer or of the oldest record
// still being written. The kernel maps the data pages twice so a record that
// wraps is contiguous; we keep a mirror half for that and fold it back on
// commit. `consume` is the user side (what libbpf's ring_buffer__consume does). Pure.
//
//   record:  | len (u32: bit 31 BUSY, bit 30 DISCARD, low bits sample size) | pg_off (u32) | sample ... | pad to 8 |

import { BpfMap, flagBits, type Flags, type MapEntry, type NextKeyResult } from './bpfMap';
import { EAGAIN, EINVAL, ENOTSUPP } from './errno';
import { PAGE_SIZE, type MapDef, type MapEnv } from './mapDef';

export const RINGBUF_BUSY_BIT = 0x80000000;
export const RINGBUF_DISCARD_BIT = 0x40000000;
export const RINGBUF_HDR_SZ = 8;
/** RINGBUF_MAX_RECORD_SZ: UINT_MAX / 4. */
export const RINGBUF_MAX_RECORD_SZ = 0x3fffffff;
/** bpf_ringbuf_output / submit flags. */
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
/** bpf_ringbuf_query flags. */
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;
/** Pages of struct bpf_ringbuf before the data (the header page, then consumer and producer pages). */
const DATA_PAGE_OFFSET = 3;

/** A reserved sample: `data` is its live bytes; hand it back to submit or discard. */
export interface RingbufReservation {
  /** Producer position of the record header. */
  readonly pos: number;
  readonly data: Uint8Array;
}

export interface RingbufRecord {
  pos: number;
  data: Uint8Array;
}

const round8 = (n: number): number => Math.ceil(n / 8) * 8;

export class RingBuf extends BpfMap {
  readonly mask: number;
  /** The data area and its mirror: bytes [size, 2*size) stand for [0, size) again. */
  private readonly area: Uint8Array;
  private readonly view: DataView;
  consumerPos = 0;
  producerPos = 0;
  private pendingPos = 0;
  /** Times a consumer would have been woken up (irq_work queued). */
  wakeups = 0;

  constructor(def: MapDef, env: MapEnv) {
    super(def, env);
    this.mask = def.maxEntries - 1;
    this.area = new Uint8Array(2 * def.maxEntries);
    this.view = new DataView(this.area.buffer);
  }

  get ringSize(): number {
    return this.maxEntries;
  }

  /** bpf_ringbuf_reserve: null when `flags` is not 0, the sample is too big, or there is no room. */
  reserve(size: number | bigint, flags: Flags = 0): RingbufReservation | null {
    if (flagBits(flags) !== 0n) return null;
    const n = BigInt(size);
    if (n < 0n || n > BigInt(RINGBUF_MAX_RECORD_SZ)) return null;
    const sampleSize = Number(n);
    const len = round8(sampleSize + RINGBUF_HDR_SZ);
    if (len > this.ringSize) return null;
    this.advancePending();
    const prod = this.producerPos;
    const newProd = prod + len;
    if (newProd - this.consumerPos > this.mask || newProd - this.pendingPos > this.mask) return null;
    const at = prod & this.mask;
    this.view.setUint32(at, (sampleSize | RINGBUF_BUSY_BIT) >>> 0, true);
    this.view.setUint32(at + 4, DATA_PAGE_OFFSET + Math.floor(at / PAGE_SIZE), true);
    const end = at + len;
    if (end > this.ringSize) this.area.copyWithin(this.ringSize, 0, end - this.ringSize); // the mirror shows what is there
    this.producerPos = newProd;
    return { pos: prod, data: this.area.subarray(at + RINGBUF_HDR_SZ, at + RINGBUF_HDR_SZ + sampleSize) };
  }

  /** bpf_ringbuf_submit */
  submit(res: RingbufReservation, flags: Flags = 0): void {
    this.commit(res, flags, false);
  }

  /** bpf_ringbuf_discard */
  discard(res: RingbufReservation, flags: Flags = 0): void {
    this.commit(res, flags, true);
  }

  /** bpf_ringbuf_output: 0, -EINVAL for unknown flags, -EAGAIN when there is no room. */
  output(data: Uint8Array, flags: Flags = 0): number {
    if (flagBits(flags) & ~BigInt(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) return -EINVAL;
    const res = this.reserve(data.length);
    if (!res) return -EAGAIN;
    res.data.set(data);
    this.commit(res, flags, false);
    return 0;
  }

  /** bpf_ringbuf_query */
  query(flags: Flags): bigint {
    switch (flagBits(flags)) {
      case BigInt(BPF_RB_AVAIL_DATA): return BigInt(this.producerPos - this.consumerPos);
      case BigInt(BPF_RB_RING_SIZE): return BigInt(this.ringSize);
      case BigInt(BPF_RB_CONS_POS): return BigInt(this.consumerPos);
      case BigInt(BPF_RB_PROD_POS): return BigInt(this.producerPos);
      default: return 0n;
    }
  }

  /** The record header at producer position `pos`: its length word. */
  headerLen(pos: number): number {
    return this.view.getUint32(pos & this.mask, true);
  }

  /**
   * User space: takes committed records (at most `max`, discarded ones skipped
   * and not counted) up to the first one still busy, moving the consumer
   * position past each.
   */
  consume(max = Infinity): RingbufRecord[] {
    return this.committed(true, max);
  }

  /** The committed, not yet consumed records (the debugger's view; nothing is consumed). */
  pending(): RingbufRecord[] {
    return this.committed(false);
  }

  override entries(): MapEntry[] {
    return this.pending().map((r) => {
      const key = new Uint8Array(8);
      new DataView(key.buffer).setBigUint64(0, BigInt(r.pos), true);
      return { key, value: r.data };
    });
  }

  override lookup(_key: Uint8Array, _cpu = 0): Uint8Array | null {
    return null;
  }

  override update(_key: Uint8Array, _value: Uint8Array, _flags: Flags = 0, _cpu = 0): number {
    return -ENOTSUPP;
  }

  override delete(_key: Uint8Array, _cpu = 0): number {
    return -ENOTSUPP;
  }

  override getNextKey(_key: Uint8Array | null): NextKeyResult {
    return { err: -ENOTSUPP };
  }

  protected override lookupFromSyscall(): number {
    return -ENOTSUPP;
  }

  private commit(res: RingbufReservation, flags: Flags, discard: boolean): void {
    const at = res.pos & this.mask;
    const end = at + round8(res.data.length + RINGBUF_HDR_SZ);
    if (end > this.ringSize) this.area.copyWithin(0, this.ringSize, end); // fold the wrapped part back
    let len = (this.view.getUint32(at, true) ^ RINGBUF_BUSY_BIT) >>> 0;
    if (discard) len = (len | RINGBUF_DISCARD_BIT) >>> 0;
    this.view.setUint32(at, len, true);
    const f = flagBits(flags);
    if (f & BigInt(BPF_RB_FORCE_WAKEUP)) this.wakeups++;
    else if ((this.consumerPos & this.mask) === at && !(f & BigInt(BPF_RB_NO_WAKEUP))) this.wakeups++;
  }

  /** Moves pending_pos past every record that is no longer busy (as reserve does under the lock). */
  private advancePending(): void {
    let pend = this.pendingPos;
    while (this.producerPos - pend > 0) {
      const len = this.headerLen(pend);
      if (len & RINGBUF_BUSY_BIT) break;
      pend += round8(((len & ~RINGBUF_DISCARD_BIT) >>> 0) + RINGBUF_HDR_SZ);
    }
    this.pendingPos = pend;
  }

  private committed(advance: boolean, max = Infinity): RingbufRecord[] {
    const out: RingbufRecord[] = [];
    let cons = this.consumerPos;
    while (cons < this.producerPos && out.length < max) {
      const len = this.headerLen(cons);
      if (len & RINGBUF_BUSY_BIT) break;
      const size = (len & ~(RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT)) >>> 0;
      if (!(len & RINGBUF_DISCARD_BIT)) out.push({ pos: cons, data: this.read(cons + RINGBUF_HDR_SZ, size) });
      cons += round8(size + RINGBUF_HDR_SZ);
    }
    if (advance) this.consumerPos = cons;
    return out;
  }

  private read(pos: number, size: number): Uint8Array {
    const at = pos & this.mask;
    const out = new Uint8Array(size);
    const first = Math.min(size, this.ringSize - at);
    out.set(this.area.subarray(at, at + first));
    out.set(this.area.subarray(0, size - first), first);
    return out;
  }
}
