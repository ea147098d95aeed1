// The bundled C examples (examples/*.bpf.c) as a user meets them: each
// compiles with clang-19 without a warning, loads in our loader without an
// error, and the live kernel and our verifier both accept every program
// (a program type our verifier does not model yet is reported, not hidden).
// The prebuilt objects the demo uses (examples/prebuilt/, made by
// `npm run examples`) still match their sources line for line, and the
// deliberately broken example is refused by both verifiers alike.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLANG, compileBpfC, kernelAcceptsAll, ourView } from '../support/bpfC';
import { kernelUnavailable, loadAll, processScratchDir, unpin } from '../support/kernel';
import { loadObject } from '../../src-vm/elf/loader';
import { verifyObjectFile } from '../vm/verifier/verifierCHarness';

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

const REPO = join(EXAMPLES, '..');
const PREBUILT = join(EXAMPLES, 'prebuilt');
const SOURCE_DIRS = [EXAMPLES, join(EXAMPLES, 'bugs')];

test('every example source has a prebuilt object whose line info matches the source text', () => {
  const sources = SOURCE_DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.bpf.c')));
  assert.deepEqual(readdirSync(PREBUILT).sort(), sources.map((f) => f.replace(/\.c$/, '.o')).sort(), 'run `npm run examples`');
  for (const obj of readdirSync(PREBUILT)) {
    const loaded = loadObject(new Uint8Array(readFileSync(join(PREBUILT, obj))), { name: obj.replace(/\.bpf\.o$/, '') });
    assert.ok(loaded.value.programs.length > 0, obj);
    for (const p of loaded.value.programs) {
      assert.ok(p.lineInfo.length > 0, `${obj}: ${p.name} has no line info`);
      for (const rec of p.lineInfo) {
        const text = readFileSync(join(REPO, rec.fileName), 'utf8').split('\n')[rec.line - 1] ?? '';
        assert.equal(text.trim(), rec.lineText.trim(), `${obj} is stale at ${rec.fileName}:${rec.line}: run \`npm run examples\``);
      }
    }
  }
});

test('the broken example is refused by the kernel and by us with the same message on the same source line', (t) => {
  const obj = join(PREBUILT, 'xdp_unchecked.bpf.o');
  const ours = verifyObjectFile(obj, 'xdp_unchecked', 1);
  assert.equal(ours.verdict, 'reject');
  assert.equal(ours.error?.message, 'invalid access to packet, off=26 size=4, R1(id=0,off=26,r=14)');
  assert.equal(ours.error?.line, 24);
  if (kernelUnavailable()) return t.skip(kernelUnavailable());
  const load = loadAll(obj);
  unpin(load.pinDir);
  assert.equal(load.ok, false);
  assert.match(load.log, /^12: \(61\) r1 = \*\(u32 \*\)\(r1 \+26\)\ninvalid access to packet, off=26 size=4, R1\(id=0,off=26,r=14\)$/m);
  assert.match(load.log, /; if \(iph->saddr == bpf_htonl\(0x0a000001\)\) @ xdp_unchecked\.bpf\.c:24/);
});
