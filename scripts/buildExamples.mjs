#!/usr/bin/env node
// `npm run examples`: compiles examples/*.bpf.c and examples/bugs/*.bpf.c
// with clang-19 into examples/prebuilt/, so `npm run demo` can verify and run
// C programs on a machine without clang. Paths inside the objects (BTF line
// info, DWARF) are relative to the repository. test/examples checks that the
// prebuilt objects still match their sources line for line.
//
//   node scripts/buildExamples.mjs

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'examples', 'prebuilt');
const multiarch = spawnSync('cc', ['-print-multiarch'], { encoding: 'utf8' }).stdout?.trim() || 'x86_64-linux-gnu';

mkdirSync(OUT, { recursive: true });
const sources = ['examples', 'examples/bugs'].flatMap((dir) =>
  readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.bpf.c')).map((f) => `${dir}/${f}`));
let failed = 0;
for (const src of sources) {
  const out = join(OUT, src.slice(src.lastIndexOf('/') + 1).replace(/\.c$/, '.o'));
  const r = spawnSync('clang-19', ['-target', 'bpf', '-O2', '-g', `-I/usr/include/${multiarch}`, `-ffile-prefix-map=${REPO.replace(/\/$/, '')}=.`,
    '-c', src, '-o', out], { cwd: REPO, encoding: 'utf8' });
  if (r.error || r.status !== 0) { failed++; console.error(`${src}: ${r.error?.message ?? r.stderr}`); continue; }
  console.log(`${src} -> ${out.slice(REPO.length)}`);
}
process.exit(failed ? 1 : 0);
