// The verdict CodeLens follows the verifier: a client that supports
// workspace/codeLens/refresh is asked to pull the lenses again whenever new
// verifier results are published (after a fix, the lens must not keep saying
// "rejected"); a client that does not support it is never asked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LspHarness } from './lspHarness';

const ASM = 'test/fixtures/server/verify_two.bpf.s';
const ASM_URI = pathToFileURL(ASM).href;

async function refreshesAfterOpen(refreshSupport: boolean): Promise<number> {
  const server = LspHarness.start();
  let refreshes = 0;
  server.conn.onRequest('workspace/codeLens/refresh', () => { refreshes++; return null; });
  await server.initialize({ ebpf: { asm: { debounceMs: 0 } } }, { workspace: { codeLens: { refreshSupport } } });
  const from = await server.open(ASM_URI, 'ebpf-asm', readFileSync(ASM, 'utf8'));
  await server.diagnosticsFor(ASM_URI, from);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the refresh request follows the publish
  await server.stop();
  return refreshes;
}

test('new verifier results ask a supporting client to refresh its CodeLens, and no other client', async () => {
  assert.ok(await refreshesAfterOpen(true) >= 1);
  assert.equal(await refreshesAfterOpen(false), 0);
});
