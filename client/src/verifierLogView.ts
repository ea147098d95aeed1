// The verifier log view: read-only `ebpf-log:` documents holding our
// verifier's log of one program in the kernel's format (as `bpftool -d prog
// load` prints it), fetched from the server (`ebpf/verifierLog`), refreshed
// when the source is verified again, with links (and Go to Definition) from
// each instruction and `; … @ file:LINE` line to its source line; and the
// `ebpf.showVerifierLog` command that opens one beside the source.

import * as vscode from 'vscode';
import { VERIFIER_LOG_REQUEST, type LogLink, type VerifierLogResult } from '../../server/src/protocol';
import { verifierLogLevel } from './config';
import type { Ctx } from './ctx';
import { LOG_SCHEME, logUriParts, parseLogQuery, positionFragment, type LogRef } from './logUri';
import { commandTarget, pickProgram } from './programPick';

export const LOG_LANGUAGE_ID = 'ebpf-verifier-log';

interface Rendered {
  links: LogLink[];
  /** Lines put before the log's own (a note about dropped lines). */
  offset: number;
}

export function logUri(ref: LogRef): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, ...logUriParts(ref) });
}

export class VerifierLogView implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.DefinitionProvider {
  private readonly rendered = new Map<string, Rendered>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {}

  register(): vscode.Disposable {
    const selector: vscode.DocumentSelector = { scheme: LOG_SCHEME };
    return vscode.Disposable.from(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider(selector, this),
      vscode.languages.registerDefinitionProvider(selector, this),
      this.ctx.onDidVerify((p) => this.sourceVerified(p.uri)),
      vscode.workspace.onDidCloseTextDocument((doc) => { if (doc.uri.scheme === LOG_SCHEME) this.rendered.delete(doc.uri.toString()); }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseLogQuery(uri.query);
    if (!ref) return `; not a verifier log: ${uri.toString()}`;
    const result = await this.ctx.request<VerifierLogResult>(VERIFIER_LOG_REQUEST, { uri: ref.source, program: ref.program, level: ref.level });
    if (!result || 'error' in result) {
      this.rendered.delete(uri.toString());
      return `; no verifier log for ${ref.program}: ${result?.error ?? 'the eBPF language server is not running'}\n`;
    }
    const note = result.droppedLines > 0 ? [`; … ${result.droppedLines} earlier lines of this long log are not shown`] : [];
    this.rendered.set(uri.toString(), { links: result.links, offset: note.length });
    return [...note, ...result.lines].join('\n') + '\n';
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const r = this.rendered.get(doc.uri.toString());
    if (!r) return [];
    return r.links.map((k) => {
      const link = new vscode.DocumentLink(new vscode.Range(k.line + r.offset, k.start, k.line + r.offset, k.end), vscode.Uri.parse(k.target.uri).with({ fragment: positionFragment(k.target) }));
      link.tooltip = `Go to line ${k.target.line + 1}`;
      return link;
    });
  }

  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    const r = this.rendered.get(doc.uri.toString());
    const k = r?.links.find((l) => l.line + r.offset === pos.line && pos.character >= l.start && pos.character <= l.end)
      ?? r?.links.find((l) => l.line + r.offset === pos.line);
    return k && new vscode.Location(vscode.Uri.parse(k.target.uri), new vscode.Position(k.target.line, k.target.character));
  }

  /** New results for a source: every open log of it is fetched again. */
  private sourceVerified(source: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === LOG_SCHEME && parseLogQuery(doc.uri.query)?.source === source) this.changed.fire(doc.uri);
    }
  }
}

/** The line to show first: the last instruction of a rejected program's log (where it failed), else the top. */
function failingLine(doc: vscode.TextDocument): number {
  for (let i = doc.lineCount - 1; i >= 0; i--) if (/^\d+: \(/.test(doc.lineAt(i).text)) return i;
  return 0;
}

/** ebpf.showVerifierLog [uri | {uri, program}]: opens the log of the program (picked when several) beside its source. */
export async function showVerifierLog(ctx: Ctx, arg?: unknown): Promise<vscode.TextEditor | undefined> {
  const target = commandTarget(arg);
  if (!target) {
    void vscode.window.showInformationMessage('Open an eBPF C or assembly file to see its verifier log.');
    return undefined;
  }
  const program = await pickProgram(ctx, target);
  if (!program) return undefined;
  const opened = await vscode.workspace.openTextDocument(logUri({ source: target.uri.toString(), program: program.name, level: verifierLogLevel() }));
  const doc = opened.languageId === LOG_LANGUAGE_ID ? opened : await vscode.languages.setTextDocumentLanguage(opened, LOG_LANGUAGE_ID);
  const fromLog = vscode.window.activeTextEditor?.document.uri.scheme === LOG_SCHEME;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: fromLog ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside, preview: false });
  if (program.outcome === 'reject') {
    const line = failingLine(doc);
    editor.selection = new vscode.Selection(line, 0, line, 0);
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
  return editor;
}
