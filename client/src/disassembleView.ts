// `ebpf.disassembleObject`: a read-only `ebpf-disasm:` document with an
// object file's programs as the kernel's verifier log lists them (kernel
// text, maps by name, `; code @ file.c:LINE` before each source line) — what
// `ebpf-workbench disasm` prints (disassembly.ts). A C file is compiled with
// clang first. The document is eBPF assembly, so it gets that grammar (the
// language client only syncs file and untitled documents).

import * as vscode from 'vscode';
import { serverSettings } from './config';
import { disassembleFile } from './disassembly';

export const DISASM_SCHEME = 'ebpf-disasm';

export class DisassemblyView implements vscode.TextDocumentContentProvider {
  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(DISASM_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const c = serverSettings().c;
    return disassembleFile(vscode.Uri.parse(uri.query).fsPath, { includePaths: c.includePaths, extraArgs: c.extraArgs });
  }
}

/** ebpf.disassembleObject [uri]: the explorer's file, the active editor's, or one picked. */
export async function disassembleObject(arg?: unknown): Promise<void> {
  let file = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (!file && active?.scheme === 'file' && /\.(o|c)$/.test(active.fsPath)) file = active;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'eBPF objects': ['o'], 'eBPF C': ['c'] }, title: 'Disassemble eBPF object' });
    file = picked?.[0];
  }
  if (!file) return;
  const name = file.path.replace(/^.*\//, '');
  const uri = vscode.Uri.from({ scheme: DISASM_SCHEME, path: `/${name}.bpf.s`, query: file.toString() });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc.languageId === 'ebpf-asm' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'ebpf-asm'), { preview: false });
}
