// The two views of the remote test box: the "eBPF Remote" tree (a thin
// TreeDataProvider over RemoteTreeModel; expanding a host connects to it) and
// the Deploy / Run on Kernel CodeLens over each program of a C or assembly
// document (next to the language server's verdict lens, which it leaves alone).

import * as vscode from 'vscode';
import { documentPrograms } from '../documentPrograms';
import type { RemoteNode } from '../remoteTree';
import type { RemoteWorkbench } from './remoteWorkbench';
import type { ProgramTarget } from './remoteCommands';

const COLLAPSE = {
  none: vscode.TreeItemCollapsibleState.None, collapsed: vscode.TreeItemCollapsibleState.Collapsed, expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export class RemoteTreeProvider implements vscode.TreeDataProvider<RemoteNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly w: RemoteWorkbench) {
    this.onDidChangeTreeData = w.treeChanged.event;
  }

  getTreeItem(node: RemoteNode): vscode.TreeItem {
    const it = this.w.model.item(node);
    const item = new vscode.TreeItem(it.label, COLLAPSE[it.collapsible]);
    item.id = it.id;
    item.description = it.description;
    item.tooltip = it.tooltip;
    item.contextValue = it.contextValue;
    item.iconPath = new vscode.ThemeIcon(it.icon);
    if (it.command) item.command = { command: it.command.id, title: it.command.title, arguments: [node] };
    return item;
  }

  async getChildren(node?: RemoteNode): Promise<RemoteNode[]> {
    if (!node) return this.w.model.roots();
    const host = node.kind === 'host' ? this.w.host(node.host) : undefined;
    const first = host && this.w.model.children(node)[0];
    if (host && first?.kind === 'note' && first.text.startsWith('not connected')) await this.w.refreshHost(host);
    return this.w.model.children(node);
  }
}

export class DeployLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const out: vscode.CodeLens[] = [];
    for (const p of documentPrograms(doc.fileName, doc.getText())) {
      const range = new vscode.Range(p.line, 0, p.line, 0);
      const arg: ProgramTarget = { uri: doc.uri.toString(), program: p.name };
      out.push(new vscode.CodeLens(range, { title: '$(cloud-upload) Deploy', command: 'ebpf.remote.deploy', arguments: [arg], tooltip: `Load ${p.name}'s object on a test box over SSH` }));
      out.push(new vscode.CodeLens(range, { title: 'Run on Kernel', command: 'ebpf.remote.runOnKernel', arguments: [arg], tooltip: `BPF_PROG_TEST_RUN ${p.name} on a test box, next to our interpreter` }));
    }
    return out;
  }
}
