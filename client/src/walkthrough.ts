// The "Get started with eBPF Workbench" walkthrough's commands and completion
// signals: copy the bundled examples somewhere writable (the workspace's
// `ebpf-examples/`, else the extension's storage) and open one, open the
// broken one, start a debug session of the firewall on a captured packet; and
// the context keys that tick steps off when a verifier error was shown
// (`ebpf.walkthrough.sawRejection`) or an eBPF debug session started
// (`ebpf.walkthrough.debugged`). Step texts are in package.json and docs/walkthrough/.

import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const SAW_REJECTION_CONTEXT = 'ebpf.walkthrough.sawRejection';
export const DEBUGGED_CONTEXT = 'ebpf.walkthrough.debugged';
/** Where examples go in a workspace folder. */
export const EXAMPLES_FOLDER = 'ebpf-examples';
const VERIFIER_SOURCE = 'eBPF verifier';

/** The firewall on packet 0 of the bundled capture, with its blocked-prefix map filled. */
export function firewallLaunch(dir: string): vscode.DebugConfiguration {
  return {
    type: 'ebpf', request: 'launch', name: 'Debug xdp_firewall on a captured packet',
    program: join(dir, 'xdp_firewall.bpf.c'), programName: 'xdp_firewall',
    pcap: join(dir, 'packets', 'firewall.pcap'), packetIndex: 0, ctx: join(dir, 'xdp_firewall.ctx.json'),
    stopOnEntry: true,
  };
}

export class Walkthrough implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extCtx: vscode.ExtensionContext) {
    this.subscriptions.push(
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.source === VERIFIER_SOURCE && d.severity === vscode.DiagnosticSeverity.Error))) {
          void vscode.commands.executeCommand('setContext', SAW_REJECTION_CONTEXT, true);
        }
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'ebpf') void vscode.commands.executeCommand('setContext', DEBUGGED_CONTEXT, true);
      }),
    );
  }

  /** A writable copy of the bundled examples (files already there are kept, with the user's changes). */
  examplesDir(): string {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    const dir = folder ? join(folder.uri.fsPath, EXAMPLES_FOLDER) : join(this.extCtx.globalStorageUri.fsPath, 'examples');
    cpSync(this.extCtx.asAbsolutePath('examples'), dir, { recursive: true, force: false, errorOnExist: false });
    return dir;
  }

  async openExample(relative = 'xdp_firewall.bpf.c'): Promise<vscode.TextEditor | undefined> {
    const file = join(this.examplesDir(), relative);
    if (!existsSync(file)) {
      void vscode.window.showErrorMessage(`The example ${relative} is missing from ${this.extCtx.asAbsolutePath('examples')}.`);
      return undefined;
    }
    // From the walkthrough (no text editor active): beside it, so its next steps stay in view.
    const beside = vscode.window.activeTextEditor === undefined && vscode.window.tabGroups.activeTabGroup.activeTab !== undefined;
    return vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false, viewColumn: beside ? vscode.ViewColumn.Beside : undefined });
  }

  async debugExample(): Promise<void> {
    const dir = this.examplesDir();
    await this.openExample();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const started = await vscode.debug.startDebugging(folder, firewallLaunch(dir));
    if (!started) void vscode.window.showErrorMessage('The eBPF debug session did not start: see the Debug Console.');
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
