// The end-to-end suite in code-server + headless Chromium (`npm run test:e2e`):
// packages the .vsix, then runs every scenario of driver/scenarios.ts against a
// fresh code-server each, writing docs/screenshots/<scenario>.png. Skips, saying
// why, only when Chromium or code-server is not installed (npm run setup does it),
// or a scenario's own needs are missing (deploy: sshd, a kernel that loads BPF).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingE2eTools } from '../../scripts/e2e-setup.mjs';
import { SCENARIOS } from './driver/scenarios';
import { REPO, runScenario } from './driver/session';
import { packageVsix } from './driver/vsix';

const missing = missingE2eTools();
const timings: Record<string, unknown> = {};
let vsix: { path: string; bytes: number } | undefined;

test('npm run package makes a .vsix of at most 3 MB', { timeout: 300_000 }, (t) => {
  vsix = packageVsix(REPO);
  t.diagnostic(`${vsix.path}: ${(vsix.bytes / 1024).toFixed(0)} KiB`);
  assert.ok(vsix.bytes <= 3 * 1024 * 1024, `${vsix.bytes} bytes`);
  timings.vsixBytes = vsix.bytes;
});

for (const scenario of SCENARIOS) {
  test(`e2e in code-server: ${scenario.name}`, { timeout: 240_000 }, async (t) => {
    if (missing.length > 0) {
      t.skip(`the e2e tools are not installed: ${missing.join('; ')}`);
      return;
    }
    const unavailable = scenario.unavailable?.();
    if (unavailable) {
      t.skip(`${scenario.name} cannot run here: ${unavailable}`);
      return;
    }
    const outcome = await runScenario(scenario, vsix?.path);
    t.diagnostic(`${scenario.name}: in-host ${outcome.hostMs} ms, whole session ${outcome.totalMs} ms; facts ${JSON.stringify(outcome.facts)}`);
    if (outcome.screenshot) assert.ok(existsSync(outcome.screenshot));
    timings[scenario.name] = { totalMs: outcome.totalMs, hostMs: outcome.hostMs, ...outcome.facts };
  });
}

test('e2e results are recorded in out/e2e/results.json', () => {
  mkdirSync(join(REPO, 'out', 'e2e'), { recursive: true });
  writeFileSync(join(REPO, 'out', 'e2e', 'results.json'), JSON.stringify({ at: new Date().toISOString(), ...timings }, null, 2) + '\n');
});
