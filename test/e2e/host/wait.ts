// Polling helpers for the in-host e2e module: wait until the extension host
// shows what a scenario expects (diagnostics from our server, a hover) or
// fail with what was seen instead. Uses only the `vscode` API.
import * as vscode from 'vscode';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value or `timeoutMs` passes; then throws `describe()`'s text. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(200);
  }
}

/** Error diagnostics on `uri` from our language server (sources 'eBPF verifier', 'eBPF assembler', …). */
export function ourErrors(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source?.startsWith('eBPF') === true);
}

/** Waits for an error diagnostic whose message contains `text`. */
export function waitForError(uri: vscode.Uri, text: string, timeoutMs: number): Promise<vscode.Diagnostic> {
  return waitFor(() => ourErrors(uri).find((d) => d.message.includes(text)), timeoutMs, () => {
    const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}: [${d.source}] ${d.message}`);
    return `no error containing "${text}" on ${uri.fsPath}; diagnostics: ${seen.length ? seen.join(' | ') : 'none'}`;
  });
}

/** The markdown text of every hover at `pos`, joined. */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
}

/** Opens a workspace file by name in the active editor. */
export async function openWorkspaceFile(name: string): Promise<vscode.TextEditor> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`, undefined, 1);
  if (!uri) throw new Error(`${name} is not in the e2e workspace`);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** 0-based index of the first line of `doc` that contains `text`. */
export function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line contains "${text}" in ${doc.uri.fsPath}`);
}
