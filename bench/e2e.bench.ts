// Extension bench: activation time in a real extension host (code-server, via
// test/e2e/measure.ts, median of 3 fresh hosts; target ≤ 300 ms) and the size of
// the packaged .vsix (npm run package; target ≤ 3 MB). `benchE2e()` returns the lines.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { vsixPath } from '../test/e2e/driver/vsix';

const REPO = resolve(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function vsixLine(): string {
  const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) return `.vsix size: npm run package failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`;
  const bytes = statSync(vsixPath(REPO)).size;
  return `.vsix size                 ${(bytes / 1024).toFixed(0).padStart(7)} KiB  (${bytes} bytes; target ≤ 3 MiB)`;
}

function activationLine(): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'e2e', 'measure.ts')], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: { activationMs?: number[]; skipped?: string; error?: string };
  try {
    parsed = JSON.parse(last) as typeof parsed;
  } catch {
    return `activation: measurement failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').pop() ?? ''}`;
  }
  if (parsed.skipped) return `activation: not measured: ${parsed.skipped}`;
  if (!parsed.activationMs) return `activation: measurement failed: ${parsed.error ?? last}`;
  const runs = parsed.activationMs.map((ms) => ms.toFixed(0)).join(', ');
  return `activation in code-server  ${median(parsed.activationMs).toFixed(0).padStart(7)} ms median  (runs: ${runs} ms; target ≤ 300 ms)`;
}

export function benchE2e(): string[] {
  return ['Extension (packaging and activation in a real extension host)', vsixLine(), activationLine()];
}
