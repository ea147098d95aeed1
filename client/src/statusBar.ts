// The verdict status bar item: for the active editor's eBPF document, what
// statusText.ts makes of the server's `ebpf/programs` (`✓ xdp_prog: 214 insns`,
// `✗ 1 error`), a spinner from an edit until the server has verified it again,
// the source's verdict over its verifier log, hidden for other editors;
// clicking opens the verifier log. Also keeps the
// `ebpf.activeEditorIsEbpf` context key that menus and keybindings test.

import * as vscode from 'vscode';
import type { ProgramsResult } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { LOG_SCHEME, parseLogQuery } from './logUri';
import { programsOf } from './programPick';
import { statusView } from './statusText';

export const ACTIVE_EBPF_CONTEXT = 'ebpf.activeEditorIsEbpf';
const STATUS_ID = 'ebpf.verdict';
const LANGUAGES = new Set(['c', 'ebpf-asm']);

export class VerdictStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(STATUS_ID, vscode.StatusBarAlignment.Left, 50);
  private readonly results = new Map<string, ProgramsResult>();
  private readonly pending = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshes = 0;
  private shownEbpf: boolean | undefined;

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'eBPF Verifier Verdict';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      ctx.onDidVerify((p) => {
        this.pending.delete(p.uri);
        if (p.uri === this.activeUri()) void this.refresh();
        else this.results.delete(p.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        if (e.contentChanges.length === 0 || this.results.get(uri)?.kind === undefined || this.results.get(uri)?.kind === 'none') return;
        this.pending.add(uri);
        if (uri === this.activeUri()) this.render(uri);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.results.delete(doc.uri.toString());
        this.pending.delete(doc.uri.toString());
      }),
    );
    void this.refresh();
  }

  /** The active editor's document URI, when it is one the server may verify; for a verifier log, its source's. */
  private activeUri(): string | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.uri.scheme === LOG_SCHEME) return parseLogQuery(doc.uri.query)?.source;
    return doc && LANGUAGES.has(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') ? doc.uri.toString() : undefined;
  }

  /** Asks the server for the active document's programs, then shows them. */
  async refresh(): Promise<void> {
    const uri = this.activeUri();
    const seq = ++this.refreshes;
    if (!uri) {
      this.render(undefined);
      return;
    }
    this.render(uri); // what is known already, until the answer comes
    const result = await programsOf(this.ctx, vscode.Uri.parse(uri)).catch(() => undefined);
    if (seq !== this.refreshes) return; // a newer refresh is under way
    if (result) this.results.set(uri, result);
    this.render(uri);
  }

  private render(uri: string | undefined): void {
    const result = uri ? this.results.get(uri) : undefined;
    // Pending from an edit until the server has published for the document's latest version.
    const pending = uri !== undefined && (this.pending.has(uri) || (result !== undefined && result.publishedVersion !== result.version));
    const view = uri ? statusView(result, pending) : undefined;
    this.setEbpfContext(view !== undefined);
    if (!uri || !view) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip.join('\n\n'), true);
    this.item.backgroundColor = view.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.command = { title: 'Show Verifier Log', command: 'ebpf.showVerifierLog', arguments: [uri] };
    this.item.accessibilityInformation = { label: `eBPF verifier: ${view.text.replace(/^\$\([^)]*\) /, '')}` };
    this.item.show();
  }

  private setEbpfContext(value: boolean): void {
    if (this.shownEbpf === value) return;
    this.shownEbpf = value;
    void vscode.commands.executeCommand('setContext', ACTIVE_EBPF_CONTEXT, value);
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
