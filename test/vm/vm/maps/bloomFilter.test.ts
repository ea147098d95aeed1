// The bloom filter (src-vm/vm/maps/bloomFilter.ts): the kernel's bit-array
// size, flags and refusals, and a false positive recorded from the live
// kernel (6.18): after pushing u32 1..10 into a zero-seed filter of 16
// entries with the default 5 hashes, exactly 212 of 11..299 tests "maybe
// present" (checked with a BPF program calling bpf_map_peek_elem).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BloomFilter, bloomBitsetMask } from '../../../../src-vm/vm/maps/bloomFilter';
import { BPF_EXIST, MAP_F } from '../../../../src-vm/vm/maps/mapDef';
import { EINVAL, ENOENT, EOPNOTSUPP } from '../../../../src-vm/vm/maps/errno';

const u32 = (n: number): Uint8Array => Uint8Array.of(n & 255, (n >> 8) & 255, 0, 0);

test('bit array sizes: max_entries * k * 7/5 rounded up to a power of 2, at least 64 bits', () => {
  assert.equal(bloomBitsetMask(1, 1), 63);
  assert.equal(bloomBitsetMask(16, 5), 127);
  assert.equal(bloomBitsetMask(100, 7), 1023);
  assert.equal(bloomBitsetMask(0x40000000, 15), 0xffffffff, 'overflow uses 2^32 bits');
});

test('membership: pushed values are present; the kernel\'s one false positive is ours too', () => {
  const b = new BloomFilter({ type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 16, flags: MAP_F.ZERO_SEED }, { nCpus: 2 });
  assert.equal(b.nrHashFuncs, 5);
  for (let i = 1; i <= 10; i++) assert.equal(b.push(u32(i)), 0);
  for (let i = 1; i <= 10; i++) assert.equal(b.peek(u32(i)), 0);
  const positives = [];
  for (let v = 11; v < 300; v++) if (b.peek(u32(v)) === 0) positives.push(v);
  assert.deepEqual(positives, [212]);
  assert.equal(b.sysLookup(u32(212)).err, 0);
  assert.equal(b.sysLookup(u32(213)).err, -ENOENT);
});

test('push takes only BPF_ANY; pop, delete and get_next_key are not supported; map_extra sets the hash count', () => {
  const b = new BloomFilter({ type: 'bloom_filter', keySize: 0, valueSize: 3, maxEntries: 8, mapExtra: 2 }, { nCpus: 1, random: () => 12345 });
  assert.equal(b.nrHashFuncs, 2);
  assert.equal(b.seed, 12345, 'without BPF_F_ZERO_SEED the seed is random');
  assert.equal(b.push(Uint8Array.of(1, 2, 3), BPF_EXIST), -EINVAL);
  assert.equal(b.pop(new Uint8Array(3)), -EOPNOTSUPP);
  assert.equal(b.delete(new Uint8Array(0)), -EOPNOTSUPP);
  assert.equal(b.getNextKey(null).err, -EOPNOTSUPP);
  assert.equal(b.push(Uint8Array.of(1, 2, 3)), 0);
  assert.ok(b.bitsSet >= 1 && b.bitsSet <= 2);
});
