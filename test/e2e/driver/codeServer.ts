// Starts code-server (the pinned version under Node 24, from scripts/e2e-setup.mjs)
// in its own process group on a free port with a throw-away user-data, config and
// extensions dir, and stops it by killing the whole group. Also installs a .vsix
// into such an extensions dir with `--install-extension`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eTools } from '../../../scripts/e2e-setup.mjs';

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.hover.delay': 100,
  'window.commandCenter': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServer {
  port: number;
  /** The scratch root: user data, extensions, config and logs live under it. */
  root: string;
  extensionsDir: string;
  log: () => string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A scratch tree for one code-server: user-data (with settings), extensions, config. */
export function scratchServerDirs(): { root: string; userData: string; extensionsDir: string; config: string } {
  const root = mkdtempSync(join(tmpdir(), 'ebpf-wb-e2e-'));
  const userData = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  return { root, userData, extensionsDir, config };
}

const commonFlags = (dirs: ReturnType<typeof scratchServerDirs>): string[] => [
  '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensionsDir, '--config', dirs.config,
  '--disable-telemetry', '--disable-update-check',
];

/** `code-server --install-extension vsix` into the scratch extensions dir; throws with its output on failure. */
export function installVsix(dirs: ReturnType<typeof scratchServerDirs>, vsix: string): string {
  const { node, codeServer } = e2eTools();
  const env = { ...process.env, ...scratchEnv(dirs.root) };
  const r = spawnSync(node, [codeServer, ...commonFlags(dirs), '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000, env });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`--install-extension ${vsix} failed (exit ${r.status ?? r.signal}): ${out}`);
  return out;
}

async function waitHealthy(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`code-server was not ready on port ${port} within 60 s:\n${log()}`);
}

function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, 5_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { clearTimeout(timer); resolve(); }
  });
}

/** Keeps everything code-server and its children write (IPC sockets, ~/.local/share, caches) inside `root`. */
export function scratchEnv(root: string): Record<string, string> {
  const env = { TMPDIR: join(root, 'tmp'), XDG_DATA_HOME: join(root, 'xdg-data'), XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_CACHE_HOME: join(root, 'xdg-cache') };
  for (const dir of Object.values(env)) mkdirSync(dir, { recursive: true });
  return env;
}

/** Starts code-server; `env` reaches the extension host (the in-host module reads its scenario from it). */
export async function startCodeServer(dirs: ReturnType<typeof scratchServerDirs>, env: Record<string, string>): Promise<CodeServer> {
  const { node, codeServer } = e2eTools();
  const port = await freePort();
  const args = [
    codeServer, ...commonFlags(dirs), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-workspace-trust', '--disable-getting-started-override', '--reconnection-grace-time', '5',
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...scratchEnv(dirs.root), ...env } });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
  const log = (): string => output;
  try {
    await waitHealthy(port, child, log);
  } catch (err) {
    await killGroup(child);
    throw err;
  }
  return { port, root: dirs.root, extensionsDir: dirs.extensionsDir, log, stop: () => killGroup(child) };
}

export function removeScratch(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
