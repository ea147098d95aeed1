// Code actions of a document: for each verifier diagnostic the client sends
// back, the quick fixes of the program it belongs to (cQuickFixes.ts,
// asmQuickFixes.ts) as WorkspaceEdits; for clang's "'vmlinux.h' file not
// found", the command that generates it. Fixes are built only from results of
// the document's current version. Pure; LSP types only.

import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { asmQuickFixes } from './asmQuickFixes';
import { cQuickFixes, type QuickFix } from './cQuickFixes';
import type { DocKind } from './documentAnalyzer';
import { VERIFIER_SOURCE } from './verifierDiagnostics';
import type { ProgramResult, VerifyJobResult } from './verifyJob';
import { GENERATE_VMLINUX_COMMAND, isVmlinuxMissing } from './vmlinuxH';

export interface CodeActionInput {
  uri: string;
  kind: DocKind;
  text: string;
  /** Verification of exactly this text, or undefined when it is older or missing. */
  verified: VerifyJobResult | undefined;
  /** The assembly dialect, for assembly documents. */
  dialect?: string;
  diagnostics: readonly LspDiagnostic[];
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageText(d: LspDiagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** The program a verifier diagnostic reports: same first line, and its name when the file holds several. */
function programOf(d: LspDiagnostic, programs: readonly ProgramResult[]): ProgramResult | undefined {
  const message = messageText(d);
  if (d.source !== VERIFIER_SOURCE) return undefined;
  const [first] = message.split('\n');
  return programs.find((p) => p.error !== undefined && p.error.message === first && d.code === p.error.code
    && (programs.length === 1 || message.includes(`in program ${p.name} (`)));
}

function fixesOf(input: CodeActionInput, p: ProgramResult): QuickFix[] {
  if (input.kind === 'c') return cQuickFixes(input.text, p);
  if (input.kind === 'asm' && input.dialect === 'llvm') return asmQuickFixes(input.text, p);
  return [];
}

function vmlinuxAction(uri: string, d: LspDiagnostic): CodeAction {
  return {
    title: 'Generate vmlinux.h from the kernel BTF (bpftool btf dump … format c)',
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    command: { title: 'Generate vmlinux.h', command: GENERATE_VMLINUX_COMMAND, arguments: [uri] },
  };
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of input.diagnostics) {
    if (input.kind === 'c' && isVmlinuxMissing(d)) {
      out.push(vmlinuxAction(input.uri, d));
      continue;
    }
    const p = input.verified && programOf(d, input.verified.programs);
    if (!p) continue;
    for (const fix of fixesOf(input, p)) {
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [input.uri]: fix.edits } } });
    }
  }
  return out;
}
