// The in-host half of the `debug` e2e scenario: the firewall example started
// from the workspace's .vscode/launch.json (written by the driver: program,
// pcap, ctx) with a breakpoint on a C line; at the stop it reads the frame,
// the scopes (Registers, Stack, Maps…) and r0–r10 through the session's DAP
// requests, steps twice and back once, and checks the line and registers are
// those after the first step. It leaves the session stopped at the breakpoint
// with Run and Debug open for the screenshot; `finishDebugSession` then
// continues to the end. DAP traffic is watched with a DebugAdapterTracker.
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';
import { lineOf, openWorkspaceFile, waitFor } from './wait';

/** The configuration's name in the launch.json the driver writes (test/e2e/driver/prepare.ts). */
export const DEBUG_LAUNCH_NAME = 'Debug xdp_firewall on firewall.pcap';
/** clang compiles the C file when the session starts. */
const STOP_TIMEOUT_MS = 60_000;
const THREAD_ID = 1;
/** The breakpoint's C line (packet 0 of firewall.pcap is IPv4, so it runs). */
const BREAK_AT = 'key.prefixlen = 32;';

type Facts = Record<string, string | number | boolean>;

/** Every event the ebpf adapter sent in this host, in order. */
const events: DebugProtocol.Event[] = [];
let tracking: vscode.Disposable | undefined;
let session: vscode.DebugSession | undefined;

function track(): void {
  tracking ??= vscode.debug.registerDebugAdapterTrackerFactory('ebpf', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => { if (m.type === 'event') events.push(m as DebugProtocol.Event); },
    }),
  });
}

/** Waits for event `name` sent after the first `from` events; returns it. */
function eventAfter<E extends DebugProtocol.Event>(name: string, from: number, timeoutMs = 20_000): Promise<E> {
  return waitFor(() => events.slice(from).find((e) => e.event === name) as E | undefined, timeoutMs,
    () => `no "${name}" event; events since: ${events.slice(from).map((e) => e.event).join(', ') || 'none'}`);
}

/** Sends `command` and waits for the `stopped` event it causes. */
async function stepAndStop(s: vscode.DebugSession, command: string): Promise<DebugProtocol.StoppedEvent> {
  const from = events.length;
  await s.customRequest(command, { threadId: THREAD_ID });
  return eventAfter<DebugProtocol.StoppedEvent>('stopped', from);
}

async function topFrame(s: vscode.DebugSession): Promise<DebugProtocol.StackFrame> {
  const body = await s.customRequest('stackTrace', { threadId: THREAD_ID }) as DebugProtocol.StackTraceResponse['body'];
  const top = body.stackFrames[0];
  assert.ok(top, 'the stopped session has no stack frame');
  return top;
}

async function scopesOf(s: vscode.DebugSession, frameId: number): Promise<DebugProtocol.Scope[]> {
  return (await s.customRequest('scopes', { frameId }) as DebugProtocol.ScopesResponse['body']).scopes;
}

async function variablesOf(s: vscode.DebugSession, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await s.customRequest('variables', { variablesReference: ref }) as DebugProtocol.VariablesResponse['body']).variables;
}

/** r0..r10 of the top frame as `name → value`. */
async function registers(s: vscode.DebugSession): Promise<Map<string, string>> {
  const frame = await topFrame(s);
  const regs = (await scopesOf(s, frame.id)).find((x) => x.name === 'Registers');
  assert.ok(regs, 'no Registers scope');
  const rows = await variablesOf(s, regs.variablesReference);
  return new Map(rows.filter((v) => /^r(\d|10)$/.test(v.name)).map((v) => [v.name, v.value]));
}

/** Starts the session, stops at the breakpoint, checks frame, scopes, registers, and step back; stays stopped at the breakpoint. */
export async function debugSession(): Promise<Facts> {
  track();
  const editor = await openWorkspaceFile('xdp_firewall.bpf.c');
  const uri = editor.document.uri;
  const line = lineOf(editor.document, BREAK_AT);
  vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(line, 0)))]);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const started = Date.now();
  const from = events.length;
  assert.ok(await vscode.debug.startDebugging(folder, DEBUG_LAUNCH_NAME), `"${DEBUG_LAUNCH_NAME}" from launch.json did not start`);
  const stop = await eventAfter<DebugProtocol.StoppedEvent>('stopped', from, STOP_TIMEOUT_MS);
  const startMs = Date.now() - started;
  assert.equal(stop.body.reason, 'breakpoint', `stopped for ${stop.body.reason}: ${stop.body.description ?? ''}`);
  const s = vscode.debug.activeDebugSession;
  assert.ok(s && s.type === 'ebpf', `the active session is ${s?.type ?? 'none'}`);
  session = s;

  const frame = await topFrame(s);
  // In a remote window (code-server) VS Code hands the adapter's paths back as vscode-remote URIs.
  const framePath = frame.source?.path ?? '';
  assert.equal(framePath.includes('://') ? vscode.Uri.parse(framePath).path : framePath, uri.path, `top frame in ${framePath || 'no source'}`);
  assert.equal(frame.line, line + 1, `top frame on line ${frame.line}, the breakpoint is on ${line + 1}`);
  const scopes = await scopesOf(s, frame.id);
  const names = scopes.map((x) => x.name);
  for (const want of ['Registers', 'Stack', 'Maps']) assert.ok(names.includes(want), `scopes: ${names.join(', ')}`);
  const regs = await registers(s);
  assert.deepEqual([...regs.keys()], Array.from({ length: 11 }, (_, i) => `r${i}`), 'registers r0–r10');
  const maps = (await variablesOf(s, scopes.find((x) => x.name === 'Maps')!.variablesReference)).map((v) => v.name);
  assert.deepEqual(maps, ['blocked', 'verdicts'], `Maps scope: ${maps.join(', ')}`);

  await stepAndStop(s, 'next');
  const afterFirst = (await topFrame(s)).line;
  const regsAfterFirst = await registers(s);
  await stepAndStop(s, 'next');
  const afterSecond = (await topFrame(s)).line;
  const back = await stepAndStop(s, 'stepBack');
  const backLine = (await topFrame(s)).line;
  assert.equal(backLine, afterFirst, `step back went to line ${backLine}; the first step stopped on ${afterFirst} (the second on ${afterSecond})`);
  assert.deepEqual(Object.fromEntries(await registers(s)), Object.fromEntries(regsAfterFirst), 'registers after step back differ from those after the first step');

  // Back to the breakpoint for the screenshot: reverse continue stops at its earlier hit.
  await stepAndStop(s, 'reverseContinue');
  assert.equal((await topFrame(s)).line, line + 1, 'reverse continue did not stop at the breakpoint');
  await vscode.commands.executeCommand('workbench.view.debug');
  return {
    breakpointLine: line + 1, breakpointText: BREAK_AT, scopes: names.join(','), maps: maps.join(','), r1: regs.get('r1') ?? '',
    afterFirstNext: afterFirst, afterSecondNext: afterSecond, afterStepBack: backLine, stepBackReason: back.body.reason, startToStopMs: startMs,
  };
}

/** After the screenshot: continue to the end; the session exits (XDP_PASS for packet 0) and terminates. */
export async function finishDebugSession(): Promise<Facts> {
  const s = session;
  assert.ok(s, 'no debug session to finish');
  const from = events.length;
  const ended = new Promise<void>((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((t) => { if (t.id === s.id) { sub.dispose(); resolve(); } });
  });
  await s.customRequest('continue', { threadId: THREAD_ID });
  const exited = await eventAfter<DebugProtocol.ExitedEvent>('exited', from);
  await eventAfter('terminated', from);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('VS Code did not end the session after "terminated"')), 20_000); });
  await Promise.race([ended, late]).finally(() => clearTimeout(timer));
  assert.equal(exited.body.exitCode, 2, 'packet 0 of firewall.pcap is passed (XDP_PASS, 2)');
  vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  tracking?.dispose();
  return { exitCode: exited.body.exitCode };
}
