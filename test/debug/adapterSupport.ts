// Shared by the debug adapter tests: the built adapter (rebuilt when older
// than its sources), starting it, launching as VS Code does, and reading
// frames and variables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient } from './dapClient';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ADAPTER = join(ROOT, 'out', 'debugAdapter.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'debug');
const SOURCE_DIRS = ['client/src/debug', 'src-vm'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds out/debugAdapter.js when it is missing or older than its sources (call from `before`). */
export function ensureAdapterBuilt(): void {
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestSource(join(ROOT, d))));
  if (existsSync(ADAPTER) && statSync(ADAPTER).mtimeMs >= sources) return;
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `node esbuild.mjs failed:\n${build.stderr}`);
}

/** An adapter that has answered initialize. */
export async function startAdapter(): Promise<DapClient> {
  const dap = DapClient.start(ADAPTER);
  const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  assert.equal(init.success, true);
  assert.equal(init.body?.supportsConfigurationDoneRequest, true);
  return dap;
}

/** Launches as VS Code does: breakpoints after `initialized`, then configurationDone; returns the launch response. */
export async function launch(dap: DapClient, args: object, breakpointLines: number[] = [], program?: string): Promise<DebugProtocol.Response> {
  const launched = dap.request('launch', args);
  const initialized = dap.waitForEvent('initialized').then(async () => {
    const path = program ?? (args as { program: string }).program;
    const bps = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path }, breakpoints: breakpointLines.map((line) => ({ line })) });
    await dap.request('configurationDone');
    return bps;
  });
  const response = await launched;
  if (response.success) await initialized;
  else initialized.catch(() => undefined); // no initialized event follows a failed launch
  return response;
}

export async function topFrame(dap: DapClient): Promise<DebugProtocol.StackFrame[]> {
  const trace = await dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: 1 });
  return trace.body.stackFrames;
}

export async function variables(dap: DapClient, frameId: number, scope: 'Registers' | 'Stack'): Promise<DebugProtocol.Variable[]> {
  const scopes = await dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId });
  const ref = scopes.body.scopes.find((s) => s.name === scope)?.variablesReference;
  assert.ok(ref, `scope ${scope}`);
  return (await dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
}

export const valueOf = (vars: DebugProtocol.Variable[], name: string): string | undefined => vars.find((v) => v.name === name)?.value;

