// The bundled C examples (examples/*.bpf.c) as a user meets them: each
// compiles with clang-19 without a warning, loads in our loader without an
// error, and the live kernel and our verifier both accept every program
// (a program type our verifier does not model yet is reported, not hidden).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLANG, compileBpfC, kernelAcceptsAll, ourView } from '../support/bpfC';
import { kernelUnavailable, processScratchDir } from '../support/kernel';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const SOURCES = readdirSync(EXAMPLES).filter((f) => f.endsWith('.bpf.c')).sort();

test('the examples are there', () => {
  assert.deepEqual(SOURCES, ['exec_tracer.bpf.c', 'socket_filter.bpf.c', 'tc_counter.bpf.c', 'xdp_firewall.bpf.c']);
});

describe('examples compile, load and verify', () => {
  const dir = processScratchDir('examples');
  for (const file of SOURCES) {
    test(file, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (apt-get install clang-19)');
      const obj = join(dir, file.replace(/\.c$/, '.o'));
      assert.equal(compileBpfC(join(EXAMPLES, file), obj), '');
      const ours = ourView(obj, file.replace(/\.bpf\.c$/, ''));
      assert.deepEqual(ours.errors, []);
      const unmodelled = [...ours.verdicts].filter(([, v]) => v === 'not modelled').map(([name]) => name);
      if (unmodelled.length) t.diagnostic(`${file}: our verifier does not model the type of ${unmodelled.join(', ')} yet`);
      assert.deepEqual([...ours.verdicts].filter(([, v]) => v.startsWith('reject')), []);
      if (kernelUnavailable()) return t.skip(kernelUnavailable());
      assert.equal(kernelAcceptsAll(obj), true);
    });
  }
});
