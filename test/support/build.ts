// Test support: make sure the esbuild bundles in out/ are current before a
// test drives them as a user would (`node out/cli.js`, `out/server.js --stdio`,
// `out/debugAdapter.js`). Rebuilds once per process when any source is newer.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['src-vm', 'server/src', 'client/src', 'bench'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let built = false;

/** Path of `out/<name>.js`, rebuilt first if missing or older than the sources. */
export function builtBundle(name: string): string {
  const bundle = join(REPO, 'out', `${name}.js`);
  if (!built) {
    const sources = Math.max(...SOURCE_DIRS.map((d) => join(REPO, d)).filter(existsSync).map(newestSource));
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
      const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
    }
    built = true;
  }
  if (!existsSync(bundle)) throw new Error(`${bundle} was not built: is its entry point listed in esbuild.mjs?`);
  return bundle;
}
