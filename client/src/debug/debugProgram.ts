// `ebpf.debugProgram {uri, program, packet}`: what a program's run lens does
// when clicked — a debug session of that program of the file on the lens's
// packet, stopped at its first instruction (the configuration: lensLaunch.ts).

import * as vscode from 'vscode';
import { debugProgramConfiguration, isDebugProgramArgs } from './lensLaunch';

export async function debugProgram(arg: unknown): Promise<void> {
  if (!isDebugProgramArgs(arg)) {
    void vscode.window.showErrorMessage('eBPF: Debug Program needs a program: click the ▶ run lens above a program.');
    return;
  }
  const uri = vscode.Uri.parse(arg.uri);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const started = await vscode.debug.startDebugging(folder, debugProgramConfiguration(arg, uri.fsPath));
  if (!started) void vscode.window.showErrorMessage(`The debug session of ${arg.program} did not start: see the Debug Console.`);
}
