// The command table: command id -> (ctx, features) => handler. Ids must match
// `contributes.commands` in package.json (test/manifest.test.ts checks both
// ways). Each handler is small and acts through the Ctx or a feature module
// (verifier log, disassembly, verify, walkthrough); nothing here owns state.
// The remote test box registers its own table (remote/vscode/remoteCommands.ts).

import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { debugProgram } from './debug/debugProgram';
import { disassembleObject } from './disassembleView';
import { verifyCommand } from './verifyCommand';
import { showVerifierLog } from './verifierLogView';
import type { Walkthrough } from './walkthrough';

type Handler = (...args: unknown[]) => unknown;

/** What commands act on besides the Ctx. */
export interface Features {
  walkthrough: Walkthrough;
}

type CommandFactory = (ctx: Ctx, features: Features) => Handler;

/** The walkthrough's id as `workbench.action.openWalkthrough` takes it: publisher.name#id. */
export const WALKTHROUGH_ID = 'ebpf-workbench.ebpf-workbench#ebpf.gettingStarted';

export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'ebpf.restartServer': (ctx) => () => ctx.restart(),
  'ebpf.showOutput': (ctx) => () => ctx.outputChannel.show(true),
  'ebpf.verify': (ctx) => (arg) => verifyCommand(ctx, arg),
  'ebpf.showVerifierLog': (ctx) => (arg) => showVerifierLog(ctx, arg),
  'ebpf.disassembleObject': () => (arg) => disassembleObject(arg),
  'ebpf.openExample': (_ctx, f) => () => f.walkthrough.openExample(),
  'ebpf.openBrokenExample': (_ctx, f) => () => f.walkthrough.openExample('bugs/xdp_unchecked.bpf.c'),
  'ebpf.debugExample': (_ctx, f) => () => f.walkthrough.debugExample(),
  'ebpf.debugProgram': () => (arg) => debugProgram(arg),
  // Beside the editor when one is open, so the example it opens stays in view.
  'ebpf.getStarted': () => () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, vscode.window.activeTextEditor !== undefined),
};

export function registerCommands(ctx: Ctx, features: Features): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    ctx.pushCleanup(vscode.commands.registerCommand(id, factory(ctx, features)));
  }
}
