// Entry of the in-host e2e module (bundled to out/test/e2e/index.js): VS Code's
// test runner calls run() inside the extension host (code-server's payload route
// or @vscode/test-electron). It runs the scenario named by EBPF_WB_E2E_SCENARIO
// and writes its facts, or its failure, as JSON to EBPF_WB_E2E_RESULT; then it
// keeps the host (and so our squiggles) alive until the browser driver has looked
// and written EBPF_WB_E2E_RELEASE: VS Code ends the extension host when run() returns.
// A scenario with a finishing step (HOST_FINISHES) runs it after the release and
// writes the result again, its facts added.
import { existsSync, writeFileSync } from 'node:fs';
import { HOST_FINISHES, HOST_SCENARIOS } from './scenarios';

export interface HostResult {
  scenario: string;
  ok: boolean;
  facts?: Record<string, string | number | boolean>;
  error?: string;
  ms: number;
}

function report(result: HostResult): void {
  const path = process.env.EBPF_WB_E2E_RESULT;
  if (path) writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
  console.log(`[e2e host] ${JSON.stringify(result)}`);
}

/** How long the host waits for the driver's browser checks and screenshot. */
const RELEASE_TIMEOUT_MS = 180_000;

async function waitForRelease(): Promise<void> {
  const path = process.env.EBPF_WB_E2E_RELEASE;
  const deadline = Date.now() + RELEASE_TIMEOUT_MS;
  while (path && !existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`the driver did not write ${path} within ${RELEASE_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function run(): Promise<void> {
  const scenario = process.env.EBPF_WB_E2E_SCENARIO ?? '';
  const check = HOST_SCENARIOS[scenario];
  const start = Date.now();
  if (!check) {
    const error = `unknown scenario "${scenario}" (known: ${Object.keys(HOST_SCENARIOS).join(', ')})`;
    report({ scenario, ok: false, error, ms: 0 });
    throw new Error(error);
  }
  let facts: HostResult['facts'];
  try {
    facts = await check();
    report({ scenario, ok: true, facts, ms: Date.now() - start });
  } catch (err) {
    report({ scenario, ok: false, error: errorText(err), ms: Date.now() - start });
    throw err;
  }
  await waitForRelease();
  const finish = HOST_FINISHES[scenario];
  if (!finish) return;
  const finishing = Date.now();
  try {
    const more = await finish();
    report({ scenario, ok: true, facts: { ...facts, ...more, finishMs: Date.now() - finishing }, ms: Date.now() - start });
  } catch (err) {
    report({ scenario, ok: false, facts, error: `after the screenshot: ${errorText(err)}`, ms: Date.now() - start });
    throw err;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}
