// Extension entry point: activate builds the Ctx, registers the command
// table, starts the language server on the first eBPF document and puts up the verdict status bar, the
// verifier log and disassembly documents, the walkthrough's signals and the
// debugger (configuration provider and inline adapter);
// deactivate stops it. Wiring only — lifecycle is in ctx.ts, settings in
// config.ts, commands in commands.ts, each view in its own module.

import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { startServerOnEbpfDocuments } from './serverStart';
import { activateDebug } from './debug/activateDebug';
import { DisassemblyView } from './disassembleView';
import { VerdictStatusBar } from './statusBar';
import { VerifierLogView } from './verifierLogView';
import { Walkthrough } from './walkthrough';
import { activateRemote } from './remote/vscode/activateRemote';
import type { RemoteWorkbench } from './remote/vscode/remoteWorkbench';

let ctx: Ctx | undefined;
let remote: RemoteWorkbench | undefined;

export function activate(extCtx: vscode.ExtensionContext): void {
  ctx = new Ctx(extCtx);
  const walkthrough = new Walkthrough(extCtx);
  ctx.pushCleanup(walkthrough);
  registerCommands(ctx, { walkthrough });
  remote = activateRemote(extCtx);
  // The language server starts in the background once an eBPF document is open (or a command asks
  // it something): activation does not wait for its initialize reply, and a plain C file starts
  // nothing (ctx.start reports a failed start itself, in the output channel and a message).
  ctx.pushCleanup(startServerOnEbpfDocuments(ctx));
  ctx.pushCleanup(new VerifierLogView(ctx).register());
  ctx.pushCleanup(new DisassemblyView().register());
  ctx.pushCleanup(new VerdictStatusBar(ctx));
  for (const d of activateDebug()) ctx.pushCleanup(d);
}

export async function deactivate(): Promise<void> {
  await remote?.shutdown();
  remote = undefined;
  await ctx?.stopAndDispose();
  ctx = undefined;
}
