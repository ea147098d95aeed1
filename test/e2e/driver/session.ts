// Runs one scenario end to end in code-server: scratch dirs, workspace, the
// extension (repo development path, or the .vsix installed into a fresh
// extensions dir), code-server, the browser with the in-host payload, the
// browser-side checks, a screenshot; then stops everything and removes the dirs.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbench, type Workbench } from './browser';
import { installVsix, removeScratch, scratchServerDirs, startCodeServer, type CodeServer } from './codeServer';
import type { HostFacts, Scenario } from './scenarios';

export const REPO = resolve(__dirname, '..', '..', '..');

/** A scenario's workspace: 'fixtures' copies test/e2e/workspace and the broken C example users get; 'empty' is an empty folder. */
export function fillWorkspace(folder: string, kind: Scenario['workspace']): void {
  if (kind !== 'fixtures') { mkdirSync(folder); return; }
  cpSync(join(REPO, 'test', 'e2e', 'workspace'), folder, { recursive: true });
  cpSync(join(REPO, 'examples', 'bugs', 'xdp_unchecked.bpf.c'), join(folder, 'xdp_unchecked.bpf.c'));
}
export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');
const HOST_MODULE = join(REPO, 'out', 'test', 'e2e', 'index');
const HOST_TIMEOUT_MS = 150_000;

export interface ScenarioOutcome {
  facts: HostFacts;
  hostMs: number;
  totalMs: number;
  screenshot?: string;
}

interface HostResult { ok: boolean; facts?: HostFacts; error?: string; ms: number }

/** Resolves when `path` exists, or rejects when the host exits first (it failed before reporting). */
async function resultWritten(path: string, hostExit: Promise<number>): Promise<void> {
  let exitCode: number | undefined;
  void hostExit.then((code) => { exitCode = code; });
  while (!existsSync(path)) {
    if (exitCode !== undefined) throw new Error(`the extension host ended the tests (exit ${exitCode}) without a result`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A do-nothing development extension, so the payload route runs our tests against the installed .vsix. */
function stubExtension(root: string): string {
  const dir = join(root, 'stub-extension');
  mkdirSync(dir);
  const manifest = { name: 'ebpf-wb-e2e-stub', publisher: 'ebpf-wb-e2e', version: '0.0.0', engines: { vscode: '*' } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

function failure(what: string, wb: Workbench | undefined, server: CodeServer | undefined): Error {
  const hostLog = wb ? wb.hostLog.slice(-40).join('\n') : '';
  const serverLog = server ? server.log().split('\n').slice(-30).join('\n') : '';
  return new Error(`${what}\n--- extension host log (last lines) ---\n${hostLog}\n--- code-server log (last lines) ---\n${serverLog}`);
}

export async function runScenario(s: Scenario, vsix: string | undefined): Promise<ScenarioOutcome> {
  const started = Date.now();
  const dirs = scratchServerDirs();
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  try {
    const folder = join(dirs.root, 'workspace');
    fillWorkspace(folder, s.workspace);
    let devPath = REPO;
    if (s.extension === 'vsix') {
      if (!vsix || !existsSync(vsix)) throw new Error(`no .vsix to install (${vsix ?? 'not built'})`);
      installVsix(dirs, vsix);
      devPath = stubExtension(dirs.root);
    }
    const resultFile = join(dirs.root, 'host-result.json');
    const releaseFile = join(dirs.root, 'host-release');
    server = await startCodeServer(dirs, { EBPF_WB_E2E_SCENARIO: s.host, EBPF_WB_E2E_RESULT: resultFile, EBPF_WB_E2E_RELEASE: releaseFile });
    const bench = await openWorkbench({ port: server.port, folder, extensionDevelopmentPath: devPath, extensionTestsPath: HOST_MODULE });
    wb = bench;
    const fail = (err: Error): never => { throw failure(err.message, bench, server); };
    await withTimeout(resultWritten(resultFile, bench.hostExit), HOST_TIMEOUT_MS, `in-host scenario ${s.host}`).catch(fail);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as HostResult;
    if (!result.ok) fail(new Error(`in-host scenario ${s.host} failed: ${result.error ?? ''}`));
    const facts = result.facts ?? {};
    let screenshot: string | undefined;
    if (s.ui) {
      await s.ui({ page: bench.page, facts, extensionsDir: dirs.extensionsDir }).catch(fail);
      mkdirSync(SCREENSHOTS, { recursive: true });
      screenshot = join(SCREENSHOTS, `${s.name}.png`);
      await bench.page.screenshot({ path: screenshot });
    }
    writeFileSync(releaseFile, '');
    const code = await withTimeout(bench.hostExit, 30_000, 'the extension host after release').catch(fail);
    if (code !== 0) fail(new Error(`the in-host module exited with ${code} after the checks`));
    return { facts, hostMs: result.ms, totalMs: Date.now() - started, screenshot };
  } finally {
    await wb?.close().catch(() => undefined);
    await server?.stop();
    removeScratch(dirs.root);
  }
}
