// The packaged extension: where `npm run package` writes the .vsix (vsce's
// default name, <name>-<version>.vsix at the repo root), and building it.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function vsixPath(repo: string): string {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(repo, `${manifest.name}-${manifest.version}.vsix`);
}

/** Runs `npm run package`; returns the .vsix path and size in bytes, or throws with npm's output. */
export function packageVsix(repo: string): { path: string; bytes: number } {
  const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  const path = vsixPath(repo);
  return { path, bytes: statSync(path).size };
}
