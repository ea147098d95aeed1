// Opens the code-server workbench in headless Debian Chromium (playwright-core,
// never a downloaded browser) with the smoke-test payload that makes VS Code run
// our in-host test module, and reports the module's exit code and its log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { e2eTools } from '../../../scripts/e2e-setup.mjs';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Workbench {
  page: Page;
  /** Resolves with the in-host module's exit code (0: run() succeeded). */
  hostExit: Promise<number>;
  hostLog: string[];
  close: () => Promise<void>;
}

export interface WorkbenchOptions {
  port: number;
  folder: string;
  /** Loaded as the development extension; the repo, or an empty stub to test an installed .vsix. */
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
}

function workbenchUrl(o: WorkbenchOptions): string {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${o.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(o.extensionTestsPath)],
  ];
  return `http://127.0.0.1:${o.port}/?folder=${encodeURIComponent(o.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function openWorkbench(o: WorkbenchOptions): Promise<Workbench> {
  const profile = mkdtempSync(join(tmpdir(), 'ebpf-wb-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: e2eTools().chromium, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 }, headless: true,
      // Crash reports and caches go under the throw-away profile, not ~/.config/chromium.
      env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile } as Record<string, string>,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const hostLog: string[] = [];
    let exited: (code: number) => void = () => undefined;
    const hostExit = new Promise<number>((resolve) => { exited = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      hostLog.push(`${type}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    });
    await page.goto(workbenchUrl(o));
    const ctx = context;
    return { page, hostExit, hostLog, close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
  } catch (err) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
