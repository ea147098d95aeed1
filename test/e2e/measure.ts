// Measures the extension's activation time in a real extension host (code-server):
// runs the `activation` scenario (an empty workspace, so nothing activates us
// before the measurement) a few times and prints one JSON line
// {"activationMs":[...]} — or {"skipped": reason}. Used by bench/e2e.bench.ts.
import { missingE2eTools } from '../../scripts/e2e-setup.mjs';
import { SCENARIOS } from './driver/scenarios';
import { runScenario } from './driver/session';

const RUNS = Number(process.env.EBPF_WB_ACTIVATION_RUNS ?? 3);

async function main(): Promise<void> {
  const missing = missingE2eTools();
  if (missing.length > 0) {
    console.log(JSON.stringify({ skipped: missing.join('; ') }));
    return;
  }
  const scenario = SCENARIOS.find((s) => s.name === 'activation');
  if (!scenario) throw new Error('no activation scenario');
  const activationMs: number[] = [];
  for (let i = 0; i < RUNS; i++) activationMs.push(Number((await runScenario(scenario, undefined)).facts.activationMs));
  console.log(JSON.stringify({ activationMs }));
}

void main().catch((err: unknown) => {
  console.log(JSON.stringify({ error: err instanceof Error ? err.message.split('\n')[0] : String(err) }));
  process.exitCode = 1;
});
