// The command table: command id -> (ctx) => handler. Ids must match
// `contributes.commands` in package.json. Each handler is small and acts
// through the Ctx; nothing here owns state.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';

type Handler = (...args: unknown[]) => unknown;
type CommandFactory = (ctx: Ctx) => Handler;

export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'ebpf.restartServer': (ctx) => () => ctx.restart(),
  'ebpf.showOutput': (ctx) => () => ctx.outputChannel.show(true),
};

export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    ctx.pushCleanup(vscode.commands.registerCommand(id, factory(ctx)));
  }
}
