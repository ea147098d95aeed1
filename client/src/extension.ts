// Extension entry point: activate builds the Ctx, registers the command
// table and starts the language server; deactivate stops it. Wiring only —
// lifecycle is in ctx.ts, settings in config.ts, commands in commands.ts.

import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { activateRemote } from './remote/vscode/activateRemote';
import type { RemoteWorkbench } from './remote/vscode/remoteWorkbench';

let ctx: Ctx | undefined;
let remote: RemoteWorkbench | undefined;

export function activate(extCtx: vscode.ExtensionContext): void {
  ctx = new Ctx(extCtx);
  registerCommands(ctx);
  remote = activateRemote(extCtx);
  // The language server starts in the background: activation does not wait for its initialize
  // reply (ctx.start reports a failed start itself, in the output channel and a message).
  void ctx.start();
}

export async function deactivate(): Promise<void> {
  await remote?.shutdown();
  remote = undefined;
  await ctx?.stopAndDispose();
  ctx = undefined;
}
