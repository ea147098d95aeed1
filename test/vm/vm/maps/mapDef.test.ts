// Definitions and the factory (src-vm/vm/maps/mapDef.ts, index.ts,
// mapTypes.ts): the kernel's creation errors with a sentence each, every
// problem listed (the kernel's first one first), and ids from MapRegistry.
// test/kernel/maps.test.ts checks ~60 definitions against BPF_MAP_CREATE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMap, MapRegistry } from '../../../../src-vm/vm/maps/index';
import { checkMapDef, MAP_F, type MapDef } from '../../../../src-vm/vm/maps/mapDef';
import { mapTypeById, mapTypeByName, mapTypeKernelName, MAP_TYPES } from '../../../../src-vm/vm/maps/mapTypes';
import { E2BIG, EBADF, EINVAL, ENOMEM, ENOTSUPP, errnoFromText, errnoName } from '../../../../src-vm/vm/maps/errno';

const env = { nCpus: 2 };

test('bad definitions fail with the kernel\'s errno and say why', () => {
  const cases: [MapDef, number, RegExp][] = [
    [{ type: 'array', keySize: 8, valueSize: 4, maxEntries: 1 }, EINVAL, /key_size 4 \(got 8\)/],
    [{ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 0 }, EINVAL, /max_entries > 0/],
    [{ type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 4, flags: MAP_F.NO_PREALLOC }, ENOTSUPP, /always preallocated/],
    [{ type: 'percpu_array', keySize: 4, valueSize: 40000, maxEntries: 4 }, E2BIG, /per-CPU values/],
    [{ type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 4 }, EINVAL, /BPF_F_NO_PREALLOC/],
    [{ type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 6144 }, EINVAL, /power of 2 and a multiple of the page size/],
    [{ type: 'queue', keySize: 4, valueSize: 4, maxEntries: 4 }, EINVAL, /no key/],
    [{ type: 'bloom_filter', keySize: 0, valueSize: 4, maxEntries: 4, mapExtra: 16 }, EINVAL, /hash-function count/],
    [{ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, mapExtra: 1 }, EINVAL, /map_extra must be 0/],
    [{ type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 4 }, EBADF, /inner map template/],
    [{ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 4, flags: 1 << 13 }, EINVAL, /do not accept map_flags 0x2000/],
    [{ type: 'array', keySize: 4, valueSize: 1 << 20, maxEntries: 1 << 10 }, ENOMEM, /more than the emulator allows/],
  ];
  for (const [def, errno, why] of cases) {
    const made = createMap(def, env);
    assert.equal(made.value, undefined);
    assert.equal(made.errno, errno, `${def.type}: ${made.diagnostics[0]?.message}`);
    assert.match(made.diagnostics[0].message, why);
    assert.match(made.diagnostics[0].message, new RegExp(`refuses it with ${errnoName(errno)}`));
    assert.equal(made.diagnostics[0].code, 'maps/bad-definition');
  }
});

test('every problem of a definition is reported, the kernel\'s first one first', () => {
  const problems = checkMapDef({ type: 'array', keySize: 2, valueSize: 0, maxEntries: 0, flags: MAP_F.NO_PREALLOC }, env);
  assert.equal(problems.length, 4);
  assert.ok(problems.every((p) => p.errno === EINVAL));
  const made = createMap({ type: 'array', keySize: 2, valueSize: 0, maxEntries: 0, name: 'counters' }, env);
  assert.equal(made.diagnostics.length, 3);
  assert.match(made.diagnostics[0].message, /^map 'counters' \(BPF_MAP_TYPE_ARRAY\)/);
  assert.deepEqual(checkMapDef({ type: 'hash', keySize: 1.5, valueSize: -1, maxEntries: 1 }, env).length, 2);
});

test('good definitions build the emulation of their type; MapRegistry numbers maps from 1', () => {
  const reg = new MapRegistry(env);
  const a = reg.create({ type: 'lru_percpu_hash', keySize: 4, valueSize: 4, maxEntries: 8 });
  const b = reg.create({ type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 });
  assert.equal(a.errno, 0);
  assert.equal(a.value!.type, 'lru_percpu_hash');
  assert.equal(a.value!.nCpus, 2);
  assert.deepEqual([a.value!.id, b.value!.id], [1, 2]);
  assert.equal(reg.get(2), b.value);
  assert.equal(reg.all().length, 2);
  assert.equal(createMap({ type: 'stack_trace' as never, keySize: 4, valueSize: 8, maxEntries: 1 }).diagnostics[0].code, 'maps/unsupported-type');
});

test('map types as data: ids and names both ways', () => {
  assert.equal(mapTypeByName('BPF_MAP_TYPE_LRU_HASH')?.id, 9);
  assert.equal(mapTypeByName('bloom_filter')?.id, 30);
  assert.equal(mapTypeById(27)?.name, 'ringbuf');
  assert.equal(mapTypeKernelName(25), 'BPF_MAP_TYPE_DEVMAP_HASH');
  assert.equal(mapTypeKernelName(99), 'map type 99');
  assert.ok(MAP_TYPES.every((t, i) => t.id === i));
  assert.equal(errnoFromText('update failed: Argument list too long'), E2BIG);
  assert.equal(errnoName(-ENOTSUPP), 'ENOTSUPP');
});
