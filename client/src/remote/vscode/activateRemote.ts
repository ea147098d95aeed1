// Wires the remote test box into VS Code: the workbench state, its commands,
// the "eBPF Remote" tree, the Deploy CodeLens on C and eBPF assembly
// documents, and reloading hosts when `ebpf.remote.hosts` changes. The
// returned object's shutdown() detaches what this session attached and
// closes every connection (called from deactivate).

import * as vscode from 'vscode';
import { REMOTE_COMMANDS } from './remoteCommands';
import { DeployLensProvider, RemoteTreeProvider } from './remoteViews';
import { RemoteWorkbench } from './remoteWorkbench';

export const REMOTE_VIEW_ID = 'ebpf.remoteView';

const LENS_SELECTOR: vscode.DocumentSelector = [{ language: 'c', scheme: 'file' }, { language: 'ebpf-asm', scheme: 'file' }];

export function activateRemote(extCtx: vscode.ExtensionContext): RemoteWorkbench {
  const w = new RemoteWorkbench(extCtx.secrets);
  extCtx.subscriptions.push(w);
  for (const [id, factory] of Object.entries(REMOTE_COMMANDS)) extCtx.subscriptions.push(vscode.commands.registerCommand(id, factory(w)));
  extCtx.subscriptions.push(
    vscode.window.registerTreeDataProvider(REMOTE_VIEW_ID, new RemoteTreeProvider(w)),
    vscode.languages.registerCodeLensProvider(LENS_SELECTOR, new DeployLensProvider()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('ebpf.remote.hosts')) w.reloadHosts(); }),
  );
  return w;
}
