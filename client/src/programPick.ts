// Which document and program a command is about: the argument a menu, the
// status bar or a CodeLens passes (a URI, a URI string, or `{ uri, program }`),
// else the active editor; and, when the document holds several programs, a
// quick pick of them with their verdicts (rejected ones first).

import * as vscode from 'vscode';
import { PROGRAMS_REQUEST, type ProgramsResult, type ProgramVerdict } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { LOG_SCHEME, parseLogQuery } from './logUri';

export interface ProgramTarget {
  uri: vscode.Uri;
  program?: string;
}

/** The document (and maybe program) a command's argument names, else the active editor's; a log document stands for its source. */
export function commandTarget(arg: unknown): ProgramTarget | undefined {
  if (arg instanceof vscode.Uri) return fromUri(arg);
  if (typeof arg === 'string') return fromUri(vscode.Uri.parse(arg));
  const t = arg as { uri?: unknown; program?: unknown } | undefined;
  if (t && (typeof t.uri === 'string' || t.uri instanceof vscode.Uri)) {
    const uri = typeof t.uri === 'string' ? vscode.Uri.parse(t.uri) : t.uri;
    return { uri, program: typeof t.program === 'string' ? t.program : undefined };
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  return active ? fromUri(active) : undefined;
}

function fromUri(uri: vscode.Uri): ProgramTarget {
  const ref = uri.scheme === LOG_SCHEME ? parseLogQuery(uri.query) : undefined;
  return ref ? { uri: vscode.Uri.parse(ref.source), program: ref.program } : { uri };
}

export async function programsOf(ctx: Ctx, uri: vscode.Uri): Promise<ProgramsResult | undefined> {
  return ctx.request<ProgramsResult>(PROGRAMS_REQUEST, { uri: uri.toString() });
}

const ORDER: Record<ProgramVerdict['outcome'], number> = { reject: 0, accept: 1, unsupported: 2 };
const ICON: Record<ProgramVerdict['outcome'], string> = { reject: '$(error)', accept: '$(pass)', unsupported: '$(circle-slash)' };

/** One program of the document: the named one, the only one, or the user's pick. Says why when there is none. */
export async function pickProgram(ctx: Ctx, target: ProgramTarget): Promise<ProgramVerdict | undefined> {
  const result = await programsOf(ctx, target.uri);
  const name = vscode.workspace.asRelativePath(target.uri);
  if (!result) {
    void vscode.window.showErrorMessage('The eBPF language server is not running: run "eBPF: Restart Language Server".');
    return undefined;
  }
  if (result.kind === 'none') {
    void vscode.window.showInformationMessage(`${name} is not an eBPF file (an eBPF C file is named *.bpf.c, includes bpf_helpers.h or uses SEC(); assembly is *.bpf.s).`);
    return undefined;
  }
  if (result.programs.length === 0) {
    const why = result.errors > 0 ? `it has ${result.errors} error(s) before verification (see Problems)` : 'it has not been verified yet, or holds no program';
    void vscode.window.showInformationMessage(`No verifier log for ${name}: ${why}.`);
    return undefined;
  }
  const named = target.program !== undefined ? result.programs.find((p) => p.name === target.program) : undefined;
  if (named) return named;
  if (result.programs.length === 1) return result.programs[0];
  const items = [...result.programs].sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome]).map((p) => ({
    label: `${ICON[p.outcome]} ${p.name}`,
    description: `${p.section} · ${p.insnCount} insns`,
    detail: p.message,
    program: p,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Program of ${name}`, matchOnDescription: true });
  return picked?.program;
}
