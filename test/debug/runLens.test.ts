// The run lens is a way into the debugger: the language server's lenses
// carry the commands (the verdict opens the program's log; the run on the
// default packet starts `ebpf.debugProgram` with that packet), and the launch
// configuration the click builds runs in the built adapter — C, and assembly
// in its Linux context — to the return value the lens shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver/node';
import { probeClang } from '../../src-vm/cli/clang';
import { debugProgramConfiguration, isDebugProgramArgs } from '../../client/src/debug/lensLaunch';
import { launchArgumentProblems } from '../../client/src/debug/launchArguments';
import { LspHarness } from '../server/lspHarness';
import { ensureAdapterBuilt, FIXTURES, launch, startAdapter } from './adapterSupport';

const SOURCE = join(FIXTURES, 'xdp_count.c');
const URI = pathToFileURL(SOURCE).href;
const CLANG = probeClang();
let server: LspHarness;

before(async () => {
  ensureAdapterBuilt();
  server = await LspHarness.started({ ebpf: { c: { debounceMs: 0 } } });
});

after(() => server.kill());

test('the verdict lens opens the log, the run lens debugs the program on the lens\'s packet to the same return value', async (t) => {
  if ('error' in CLANG) { t.skip(CLANG.error); return; }
  const from = await server.open(URI, 'c', readFileSync(SOURCE, 'utf8'));
  await server.diagnosticsOfVersion(URI, 1, from, 30_000);
  const lenses = (await server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } })) as CodeLens[];
  const verdict = lenses.find((l) => l.command?.title.startsWith('✓'));
  const run = lenses.find((l) => l.command?.title.startsWith('▶'));
  assert.ok(verdict && run, lenses.map((l) => l.command?.title).join('\n'));
  assert.equal(verdict.command?.command, 'ebpf.showVerifierLog');
  assert.deepEqual(verdict.command?.arguments, [{ uri: URI, program: 'count_ipv4' }]);
  assert.equal(run.command?.command, 'ebpf.debugProgram');
  const args: unknown = run.command?.arguments?.[0];
  assert.ok(isDebugProgramArgs(args));
  assert.match(run.command?.title ?? '', /returns XDP_PASS \(2\)/);

  const config = debugProgramConfiguration(args, SOURCE);
  assert.deepEqual(launchArgumentProblems(config), []);
  const dap = await startAdapter();
  try {
    const { type: _type, request: _request, name: _name, ...attributes } = config;
    const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    assert.equal((await launch(dap, attributes)).success, true);
    assert.equal((await stopped).body.reason, 'entry');
    await dap.request('continue', { threadId: 1 });
    assert.equal((await exited).body.exitCode, 2, 'what the lens said: XDP_PASS');
  } finally {
    dap.kill();
  }
});

async function lensesOf(uri: string, languageId: string, text: string): Promise<CodeLens[]> {
  const from = await server.open(uri, languageId, text);
  await server.diagnosticsOfVersion(uri, 1, from, 30_000);
  return (await server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
}

test('the run lens of an assembly program debugs it in its Linux context to the same return value', async () => {
  const asm = join(FIXTURES, 'xdp_len.bpf.s');
  const uri = pathToFileURL(asm).href;
  const lenses = await lensesOf(uri, 'ebpf-asm', readFileSync(asm, 'utf8'));
  const run = lenses.find((l) => l.command?.title.startsWith('▶'));
  assert.ok(run, lenses.map((l) => l.command?.title).join('\n'));
  assert.match(run.command?.title ?? '', /returns XDP_PASS \(2\)/);
  const args: unknown = run.command?.arguments?.[0];
  assert.ok(isDebugProgramArgs(args));
  const { type: _type, request: _request, name: _name, ...attributes } = debugProgramConfiguration(args, asm);
  const dap = await startAdapter();
  try {
    const exited = dap.waitForEvent<DebugProtocol.ExitedEvent>('exited');
    const stopped = dap.waitForEvent<DebugProtocol.StoppedEvent>('stopped');
    assert.equal((await launch(dap, attributes)).success, true);
    await stopped;
    await dap.request('continue', { threadId: 1 });
    assert.equal((await exited).body.exitCode, 2);
  } finally {
    dap.kill();
  }
});
