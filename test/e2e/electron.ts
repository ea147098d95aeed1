// The desktop launcher (`npm run test:e2e:electron`): runs the same in-host
// scenarios in desktop VS Code through @vscode/test-electron — a VS Code it
// downloads (needs the internet) or the one named by EBPF_WB_VSCODE_PATH. No
// browser here, so no screenshots: the in-host checks are the test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { SCENARIOS, type Scenario } from './driver/scenarios';
import type { Prepared } from './driver/prepare';
import { fillWorkspace, REPO } from './driver/session';
import { packageVsix } from './driver/vsix';

const HOST_MODULE = join(REPO, 'out', 'test', 'e2e', 'index');

function installVsixInto(vscodePath: string, extensionsDir: string, vsix: string): void {
  const [cli, ...args] = resolveCliArgsFromVSCodeExecutablePath(vscodePath);
  const r = spawnSync(cli, [...args, '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`--install-extension failed: ${r.stdout}${r.stderr}`);
}

async function runOne(vscodePath: string, s: Scenario, vsix: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'ebpf-wb-e2e-electron-'));
  let prepared: Prepared = {};
  try {
    const folder = join(root, 'workspace');
    fillWorkspace(folder, s.workspace);
    prepared = s.prepare ? await s.prepare({ root, folder }) : {};
    const extensionsDir = join(root, 'extensions');
    mkdirSync(extensionsDir);
    let devPath = REPO;
    if (s.extension === 'vsix') {
      installVsixInto(vscodePath, extensionsDir, vsix);
      devPath = join(root, 'stub-extension');
      mkdirSync(devPath);
      writeFileSync(join(devPath, 'package.json'), JSON.stringify({ name: 'ebpf-wb-e2e-stub', publisher: 'ebpf-wb-e2e', version: '0.0.0', engines: { vscode: '*' } }));
    }
    const resultFile = join(root, 'host-result.json');
    await runTests({
      vscodeExecutablePath: vscodePath,
      extensionDevelopmentPath: devPath,
      extensionTestsPath: HOST_MODULE,
      extensionTestsEnv: { ...prepared.env, EBPF_WB_E2E_SCENARIO: s.host, EBPF_WB_E2E_RESULT: resultFile },
      launchArgs: [folder, '--extensions-dir', extensionsDir, '--user-data-dir', join(root, 'user-data'), '--disable-workspace-trust'],
    });
    if (!existsSync(resultFile)) throw new Error('the in-host module wrote no result');
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { ok: boolean; error?: string; facts?: Record<string, unknown> };
    if (!result.ok) throw new Error(result.error ?? 'the in-host scenario failed');
    const ranFrom = String(result.facts?.extensionPath ?? '');
    if (s.extension === 'vsix' && !ranFrom.startsWith(extensionsDir)) throw new Error(`ran from ${ranFrom}, not the installed .vsix`);
    return JSON.stringify(result.facts ?? {});
  } finally {
    await prepared.dispose?.();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const vscodePath = process.env.EBPF_WB_VSCODE_PATH ?? (await downloadAndUnzipVSCode('stable'));
  const vsix = packageVsix(REPO).path;
  let failed = 0;
  for (const s of SCENARIOS) {
    const unavailable = s.unavailable?.();
    if (unavailable) { console.log(`skip ${s.name}: ${unavailable}`); continue; }
    try {
      console.log(`ok   ${s.name}: ${await runOne(vscodePath, s, vsix)}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${s.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}

void main().catch((err: unknown) => {
  console.error(`e2e (desktop VS Code): ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
