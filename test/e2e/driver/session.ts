// Runs one scenario end to end in code-server: scratch dirs, workspace, the
// extension (repo development path, or the .vsix installed into a fresh
// extensions dir), code-server, the browser with the in-host payload, the
// browser-side checks, a screenshot; then stops everything and removes the dirs.
// A scenario's `prepare` (driver/prepare.ts) adds to the workspace and to
// code-server's environment first, and its `dispose` undoes what it started.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbench, type Workbench } from './browser';
import { installVsix, removeScratch, scratchServerDirs, startCodeServer, type CodeServer } from './codeServer';
import type { Prepared } from './prepare';
import type { HostFacts, Scenario } from './scenarios';

export const REPO = resolve(__dirname, '..', '..', '..');

/**
 * A scenario's workspace: 'fixtures' copies test/e2e/workspace and the broken C example users get;
 * 'examples' copies examples/ (the firewall, its capture and map contents, bugs/); 'empty' is an empty folder.
 */
export function fillWorkspace(folder: string, kind: Scenario['workspace']): void {
  if (kind === 'examples') { cpSync(join(REPO, 'examples'), folder, { recursive: true }); return; }
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
  let prepared: Prepared = {};
  let passed = false;
  try {
    const folder = join(dirs.root, 'workspace');
    fillWorkspace(folder, s.workspace);
    if (s.prepare) prepared = await s.prepare({ root: dirs.root, folder });
    let devPath = REPO;
    if (s.extension === 'vsix') {
      if (!vsix || !existsSync(vsix)) throw new Error(`no .vsix to install (${vsix ?? 'not built'})`);
      installVsix(dirs, vsix);
      devPath = stubExtension(dirs.root);
    }
    const resultFile = join(dirs.root, 'host-result.json');
    const releaseFile = join(dirs.root, 'host-release');
    server = await startCodeServer(dirs, { ...prepared.env, EBPF_WB_E2E_SCENARIO: s.host, EBPF_WB_E2E_RESULT: resultFile, EBPF_WB_E2E_RELEASE: releaseFile });
    const bench = await openWorkbench({ port: server.port, folder, extensionDevelopmentPath: devPath, extensionTestsPath: HOST_MODULE });
    wb = bench;
    const fail = (err: Error): never => { throw failure(err.message, bench, server); };
    await withTimeout(resultWritten(resultFile, bench.hostExit), HOST_TIMEOUT_MS, `in-host scenario ${s.host}`).catch(fail);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as HostResult;
    if (!result.ok) fail(new Error(`in-host scenario ${s.host} failed: ${result.error ?? ''}`));
    const facts = result.facts ?? {};
    let screenshot: string | undefined;
    if (s.ui) {
      await s.ui({ page: bench.page, facts, extensionsDir: dirs.extensionsDir, userDataDir: dirs.userData }).catch(async (err: Error) => {
        // What the browser showed when a check failed, for the report (not a docs screenshot).
        const shot = join(REPO, 'out', 'e2e', `${s.name}-failed.png`);
        mkdirSync(join(REPO, 'out', 'e2e'), { recursive: true });
        await bench.page.screenshot({ path: shot }).catch(() => undefined);
        return fail(new Error(`${err.message}\n(screen at the failure: ${shot})`));
      });
      mkdirSync(SCREENSHOTS, { recursive: true });
      screenshot = join(SCREENSHOTS, `${s.name}.png`);
      await bench.page.screenshot({ path: screenshot });
    }
    writeFileSync(releaseFile, '');
    const code = await withTimeout(bench.hostExit, 60_000, 'the extension host after release').catch(fail);
    // A scenario's finishing step (after the screenshot) writes the result again.
    const final = JSON.parse(readFileSync(resultFile, 'utf8')) as HostResult;
    if (code !== 0 || !final.ok) fail(new Error(`the in-host module exited with ${code} after the checks: ${final.error ?? ''}`));
    passed = true;
    return { facts: { ...facts, ...final.facts }, hostMs: result.ms, totalMs: Date.now() - started, screenshot };
  } finally {
    await wb?.close().catch(() => undefined);
    await server?.stop();
    const undone = await prepared.dispose?.().then(() => undefined, (err: unknown) => err ?? 'failed');
    removeScratch(dirs.root);
    // Left-overs (a pinned program, a running sshd) fail a passing scenario; a failing one keeps its own error.
    if (undone !== undefined) {
      const message = `${s.name}: undoing its preparation failed: ${undone instanceof Error ? undone.message : String(undone)}`;
      if (passed) throw new Error(message);
      console.error(`# ${message}`);
    }
  }
}
