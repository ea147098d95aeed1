// `ebpf.disassembleObject`: a read-only `ebpf-disasm:` document with an
// object file's programs as the kernel's verifier log lists them (kernel
// text, maps by name, `; code @ file.c:LINE` before each source line) — what
// `ebpf-workbench disasm` prints, through the same src-vm command. A C file is
// compiled with clang first. The document is eBPF assembly, so it gets that
// grammar (the language client only syncs file and untitled documents).

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { compileCFile } from '../../src-vm/cli/clang';
import { disasmCommand } from '../../src-vm/cli/disasmCommand';
import { CliError, type CliIo } from '../../src-vm/cli/io';
import { serverSettings } from './config';

export const DISASM_SCHEME = 'ebpf-disasm';

/** The listing of `path`, or the reason there is none (as the CLI prints it). */
export function disassembleFile(path: string): string {
  const out: string[] = [];
  const errors: string[] = [];
  const c = serverSettings().c;
  const io: CliIo = {
    readFile: (p) => new Uint8Array(readFileSync(p)),
    writeFile: () => { throw new Error('the disassembly view writes no files'); },
    listDir: () => undefined,
    compileC: (p) => compileCFile(p, { includePaths: c.includePaths, extraArgs: c.extraArgs }),
    out: (line) => out.push(line),
    err: (line) => errors.push(line),
  };
  try {
    disasmCommand(io, { file: path });
  } catch (err) {
    errors.push(err instanceof CliError || err instanceof Error ? err.message : String(err));
  }
  const problems = errors.map((e) => `# ${e.replace(/\n/g, '\n# ')}`);
  return [...problems, ...out].join('\n') + '\n';
}

export class DisassemblyView implements vscode.TextDocumentContentProvider {
  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(DISASM_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return disassembleFile(vscode.Uri.parse(uri.query).fsPath);
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
