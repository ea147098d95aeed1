// `ebpf.verify`: asks the server to compile (C) or assemble and verify the
// document again now — a header it includes may have changed on disk — waits
// for the new results (a spinner in the status bar), then says the verdict in
// a message with a way to the verifier log or the Problems panel.

import * as vscode from 'vscode';
import { VERIFY_REQUEST, type VerifyResult } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { commandTarget, programsOf } from './programPick';
import { verdictMessage } from './statusText';

/** A C compile and a million-instruction verification fit well within this. */
const VERIFY_TIMEOUT_MS = 120_000;

function nextVerified(ctx: Ctx, uri: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { sub.dispose(); resolve(false); }, VERIFY_TIMEOUT_MS);
    const sub = ctx.onDidVerify((p) => {
      if (p.uri !== uri) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(true);
    });
  });
}

export async function verifyCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  const target = commandTarget(arg);
  if (!target) {
    void vscode.window.showInformationMessage('Open an eBPF C or assembly file to verify it.');
    return;
  }
  const uri = target.uri.toString();
  const name = vscode.workspace.asRelativePath(target.uri);
  const done = nextVerified(ctx, uri);
  const started = await ctx.request<VerifyResult>(VERIFY_REQUEST, { uri });
  if (!started?.started) {
    void vscode.window.showInformationMessage(started ? `${name} is not an eBPF file the language server verifies.` : 'The eBPF language server is not running.');
    return;
  }
  const finished = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Verifying ${name}` }, () => done);
  const result = finished ? await programsOf(ctx, target.uri) : undefined;
  if (!result) {
    void vscode.window.showWarningMessage(`${name}: no verdict within ${VERIFY_TIMEOUT_MS / 1000} s.`);
    return;
  }
  const failed = result.errors > 0 || result.programs.some((p) => p.outcome === 'reject');
  const actions = result.programs.length > 0 ? ['Show Verifier Log'] : [];
  const show = failed ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  const text = result.programs.length > 0 ? verdictMessage(result, name) : `${name}: ${result.errors} error(s) before verification`;
  const choice = await show(text, ...(failed ? [...actions, 'Show Problems'] : actions));
  if (choice === 'Show Verifier Log') await vscode.commands.executeCommand('ebpf.showVerifierLog', { uri, program: target.program });
  if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
}
