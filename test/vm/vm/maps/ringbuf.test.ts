// The ring buffer (src-vm/vm/maps/ringbuf.ts): record layout (8-byte header
// with BUSY and DISCARD bits, 8-byte padding), reservation limits, a consumer
// that stops at busy records and skips discarded ones, and records that wrap
// around the end of the ring yet read back contiguous (the kernel maps the
// data pages twice). test/kernel/maps.test.ts checks fill-up against the kernel,
// test/kernel/ringbuf.test.ts a whole reserve/output/discard/consume script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP, BPF_RB_PROD_POS, BPF_RB_RING_SIZE,
  RINGBUF_BUSY_BIT, RINGBUF_DISCARD_BIT, RingBuf,
} from '../../../../src-vm/vm/maps/ringbuf';
import { EAGAIN, EINVAL, ENOTSUPP } from '../../../../src-vm/vm/maps/errno';

const ring = (size = 4096): RingBuf => new RingBuf({ type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: size }, { nCpus: 1 });

test('a reserved record has a BUSY header; submit clears it, discard sets DISCARD; records are 8-byte aligned', () => {
  const rb = ring();
  const a = rb.reserve(5)!;
  assert.equal(a.pos, 0);
  assert.equal(a.data.length, 5);
  assert.equal(rb.headerLen(0), (5 | RINGBUF_BUSY_BIT) >>> 0);
  const b = rb.reserve(16)!;
  assert.equal(b.pos, 16, '8-byte header + 5 bytes, padded to 16');
  assert.deepEqual(rb.consume(), [], 'the consumer stops at the first busy record');
  b.data.set([1, 2, 3]);
  rb.submit(b);
  assert.deepEqual(rb.consume(), [], 'still blocked by the older busy record');
  a.data.set([9, 9, 9, 9, 9]);
  rb.discard(a);
  assert.equal(rb.headerLen(0), (5 | RINGBUF_DISCARD_BIT) >>> 0);
  const got = rb.consume();
  assert.deepEqual(got.map((r) => [r.pos, [...r.data.subarray(0, 3)]]), [[16, [1, 2, 3]]], 'the discarded record is skipped');
  assert.equal(rb.consumerPos, 40);
});

test('reservation limits: non-zero flags, samples larger than the ring, and a full ring all give null', () => {
  const rb = ring();
  assert.equal(rb.reserve(8, 1), null);
  assert.equal(rb.reserve(4096), null);
  assert.equal(rb.reserve(4089), null, '4089 + 8 rounds past the ring');
  assert.ok(rb.reserve(4080), 'header + 4080 = 4088 = size - 8 fits');
  assert.equal(rb.reserve(0), null, 'the producer may not get size bytes ahead of the consumer');
  assert.equal(rb.output(Uint8Array.of(1)), -EAGAIN);
});

test('a busy record holds back the producer even when a consumer skips ahead of it (pending position)', () => {
  const rb = ring();
  const first = rb.reserve(1000)!;
  for (let i = 0; i < 3; i++) assert.equal(rb.output(new Uint8Array(992)), 0);
  assert.equal(rb.producerPos, 4008);
  rb.consumerPos = rb.producerPos; // user space may write its position anywhere
  assert.equal(rb.reserve(80), null, 'the oldest busy record is 4096 bytes back');
  assert.ok(rb.reserve(72), '4008 + 80 - 0 = 4088 still fits');
  rb.submit(first);
});

test('a record that wraps around the end reads back contiguous, and survives the fold back into the ring', () => {
  const rb = ring();
  for (let i = 0; i < 3; i++) rb.output(new Uint8Array(1016));
  rb.consume();
  assert.equal(rb.producerPos, 3072);
  const wrap = rb.reserve(1500)!;
  assert.equal(wrap.data.length, 1500);
  wrap.data.forEach((_, i) => { wrap.data[i] = i & 0xff; });
  rb.submit(wrap);
  const [record] = rb.consume();
  assert.equal(record.pos, 3072);
  assert.ok(record.data.every((b, i) => b === (i & 0xff)), 'every byte where the program wrote it');
  assert.ok(rb.output(Uint8Array.of(7, 7)) === 0);
  assert.deepEqual([...rb.consume()[0].data], [7, 7]);
});

test('output flags, query answers and wake-ups', () => {
  const rb = ring(8192);
  assert.equal(rb.output(Uint8Array.of(1), 4), -EINVAL);
  assert.equal(rb.output(Uint8Array.of(1), BPF_RB_NO_WAKEUP), 0);
  assert.equal(rb.wakeups, 0);
  assert.equal(rb.output(Uint8Array.of(1), BPF_RB_FORCE_WAKEUP), 0);
  assert.equal(rb.wakeups, 1);
  assert.equal(rb.query(BPF_RB_AVAIL_DATA), 32n);
  assert.equal(rb.query(BPF_RB_RING_SIZE), 8192n);
  assert.equal(rb.query(BPF_RB_PROD_POS), 32n);
  assert.equal(rb.query(BPF_RB_CONS_POS), 0n);
  assert.equal(rb.query(99), 0n);
  rb.consume();
  assert.equal(rb.output(Uint8Array.of(1)), 0);
  assert.equal(rb.wakeups, 2, 'a record where the consumer waits wakes it');
});

test('a ring buffer has no keyed operations', () => {
  const rb = ring();
  assert.equal(rb.sysLookup(null).err, -ENOTSUPP);
  assert.equal(rb.sysUpdate(null, new Uint8Array(0)), -ENOTSUPP);
  assert.equal(rb.sysDelete(null), -ENOTSUPP);
  assert.equal(rb.getNextKey(null).err, -ENOTSUPP);
});

test('consume(max) takes at most max records, skipping discarded ones without counting them', () => {
  const rb = ring();
  const fill = (n: number, byte: number, discard = false): void => {
    const r = rb.reserve(n)!;
    r.data.fill(byte);
    if (discard) rb.discard(r); else rb.submit(r);
  };
  fill(3, 1);
  fill(4, 2, true);
  fill(5, 3);
  fill(6, 4);
  const first = rb.consume(2);
  assert.deepEqual(first.map((r) => [...r.data]), [[1, 1, 1], [3, 3, 3, 3, 3]]);
  assert.equal(rb.consumerPos, 48, 'past the discarded record and the second one taken, not past the third');
  assert.deepEqual(rb.consume(0), []);
  assert.deepEqual(rb.consume(5).map((r) => r.pos), [48]);
  assert.equal(rb.consumerPos, rb.producerPos);
});
