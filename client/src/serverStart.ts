// Starts the language server only once an eBPF document is open: an eBPF
// assembly document, or a C document the server would take on (the
// `ebpf.c.files` globs, bpf_helpers.h, SEC(…)). The extension activates on
// any C file — VS Code cannot look inside a file before activating — but a
// plain C project never gets a server process.

import * as vscode from 'vscode';
import { isEbpfDocument } from '../../server/src/ebpfDocuments';
import { serverSettings } from './config';
import type { Ctx } from './ctx';

export function startServerOnEbpfDocuments(ctx: Ctx): vscode.Disposable {
  const check = (doc: vscode.TextDocument): void => {
    const open = { languageId: doc.languageId, scheme: doc.uri.scheme, path: doc.uri.fsPath, text: () => doc.getText() };
    if (!ctx.isStarted && isEbpfDocument(open, serverSettings().c.files)) void ctx.start();
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.Disposable.from(vscode.workspace.onDidOpenTextDocument(check), vscode.workspace.onDidChangeTextDocument((e) => check(e.document)));
}
