// The generated helper table (src-vm/isa/helpers.generated.ts): known ids,
// lookups by either spelling, and agreement with scripts/genHelpers.mjs run on
// this machine's <linux/bpf.h> (helper ids are kernel ABI: they never change).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELPERS, helperById, helperByName } from '../../../src-vm/isa/helpers.generated';

const HEADER = '/usr/include/linux/bpf.h';

test('well-known helpers have their kernel ids', () => {
  const known: [string, number][] = [
    ['unspec', 0], ['map_lookup_elem', 1], ['map_update_elem', 2], ['map_delete_elem', 3], ['ktime_get_ns', 5],
    ['trace_printk', 6], ['get_prandom_u32', 7], ['tail_call', 12], ['get_current_pid_tgid', 14],
    ['redirect', 23], ['perf_event_output', 25], ['xdp_adjust_head', 44], ['ringbuf_output', 130], ['loop', 181],
  ];
  for (const [name, id] of known) {
    assert.equal(helperByName(name)?.id, id, name);
    assert.equal(helperByName(`bpf_${name}`)?.id, id, `bpf_${name}`);
    assert.equal(helperById(id)?.name, name, `id ${id}`);
  }
});

test('ids run from 0 without gaps or duplicates, names are unique', () => {
  assert.ok(HELPERS.length > 200, `only ${HELPERS.length} helpers`);
  HELPERS.forEach((h, i) => assert.equal(h.id, i, h.name));
  assert.equal(new Set(HELPERS.map((h) => h.name)).size, HELPERS.length);
  assert.equal(helperById(HELPERS.length), undefined);
  assert.equal(helperByName('no_such_helper'), undefined);
});

test('documented helpers carry their prototype and a one-sentence summary', () => {
  const lookup = helperByName('map_lookup_elem')!;
  assert.equal(lookup.proto, 'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)');
  assert.equal(lookup.summary, 'Perform a lookup in map for an entry associated to key.');
  const documented = HELPERS.filter((h) => h.proto && h.summary);
  assert.ok(documented.length >= HELPERS.length - 2, `${HELPERS.length - documented.length} helpers without docs`);
  for (const h of documented) assert.ok(h.proto!.includes(`bpf_${h.name}(`), h.name);
});

test('genHelpers.mjs on this machine\'s <linux/bpf.h> agrees with the committed table', (t) => {
  if (!existsSync(HEADER)) return t.skip(`${HEADER} not found (install linux-libc-dev)`);
  const dir = mkdtempSync(join(tmpdir(), 'helpers-'));
  try {
    const out = join(dir, 'helpers.ts');
    execFileSync(process.execPath, ['scripts/genHelpers.mjs', HEADER, out], { stdio: 'ignore' });
    const generated = new Map([...readFileSync(out, 'utf8').matchAll(/\{ id: (\d+), name: "(\w+)"/g)].map((m) => [Number(m[1]), m[2]]));
    assert.ok(generated.size > 200);
    for (const [id, name] of generated) {
      const ours = helperById(id);
      if (ours) assert.equal(ours.name, name, `id ${id}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
