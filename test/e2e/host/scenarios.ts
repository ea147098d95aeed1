// The in-host halves of the e2e scenarios: each opens a workspace file in the
// real extension host, checks what our extension shows through the `vscode`
// API, and returns facts the browser driver needs (lines to find on screen).
// The debug and deploy scenarios live in debugSession.ts and deploy.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { debugSession, finishDebugSession } from './debugSession';
import { deployScenario } from './deploy';
import { hoverText, lineOf, openWorkspaceFile, ourErrors, waitFor, waitForError } from './wait';

export const EXTENSION_ID = 'ebpf-workbench.ebpf-workbench';
/** Compiling with clang and verifying can take a few seconds on a cold machine. */
const DIAGNOSTIC_TIMEOUT_MS = 60_000;

export type HostFacts = Record<string, string | number | boolean>;
export type HostScenario = () => Promise<HostFacts>;

function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** (a) A C file with a missing packet bounds check: the kernel's message on the right line, register state on hover. */
async function cSquiggle(): Promise<HostFacts> {
  const editor = await openWorkspaceFile('xdp_unchecked.bpf.c');
  const doc = editor.document;
  const expectedLine = lineOf(doc, 'iph->saddr ==');
  const diag = await waitForError(doc.uri, 'invalid access to packet', DIAGNOSTIC_TIMEOUT_MS);
  assert.equal(diag.range.start.line, expectedLine, `squiggle on line ${diag.range.start.line + 1}, expected ${expectedLine + 1}: ${diag.message}`);
  assert.match(diag.message, /invalid access to packet, off=\d+ size=\d+, R\d\(id=\d+,off=\d+,r=\d+\)/);
  const hover = await hoverText(doc.uri, diag.range.start);
  assert.match(hover, /verifier state before/, `hover at the squiggle: ${hover}`);
  assert.match(hover, /R1=ctx\(\)|R\d=pkt\(/, `hover shows no register state: ${hover}`);
  editor.selection = new vscode.Selection(diag.range.start, diag.range.start);
  const ext = ourExtension();
  return { line: expectedLine + 1, message: diag.message.split('\n')[0], extensionPath: ext.extensionPath, languageId: doc.languageId };
}

/** (a') The quick fix on that squiggle inserts the bounds check; the document is then accepted (no error left). */
async function cQuickFix(): Promise<HostFacts> {
  const editor = await openWorkspaceFile('xdp_unchecked.bpf.c');
  const doc = editor.document;
  const diag = await waitForError(doc.uri, 'invalid access to packet', DIAGNOSTIC_TIMEOUT_MS);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
  const fix = (actions ?? []).find((a) => a.title.startsWith('Add a packet bounds check'));
  assert.ok(fix?.edit, `no packet bounds check fix; code actions: ${(actions ?? []).map((a) => a.title).join(' | ') || 'none'}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the fix did not apply');
  await doc.save();
  await waitFor(() => (ourErrors(doc.uri).length === 0 ? true : undefined), DIAGNOSTIC_TIMEOUT_MS,
    () => `errors left after the fix: ${ourErrors(doc.uri).map((d) => `${d.range.start.line + 1}: ${d.message}`).join(' | ')}`);
  const check = fix.title.slice(fix.title.indexOf(': ') + 2);
  const fixedLine = lineOf(doc, check);
  editor.selection = new vscode.Selection(fixedLine, 0, fixedLine, 0);
  return { fix: fix.title, check, insertedLine: fixedLine + 1 };
}

/** (b) An assembly file: our language id (hence our grammar) and the verifier's diagnostic on the unchecked load. */
async function asmFile(): Promise<HostFacts> {
  const editor = await openWorkspaceFile('unchecked_read.bpf.s');
  const doc = editor.document;
  assert.equal(doc.languageId, 'ebpf-asm');
  const expectedLine = lineOf(doc, 'r0 = *(u8 *)(r2 + 12)');
  const diag = await waitForError(doc.uri, 'invalid access to packet', DIAGNOSTIC_TIMEOUT_MS);
  assert.equal(diag.range.start.line, expectedLine, `diagnostic on line ${diag.range.start.line + 1}, expected ${expectedLine + 1}`);
  const hover = await hoverText(doc.uri, new vscode.Position(expectedLine, 9));
  assert.match(hover, /R2=pkt\(r=0\)/, `hover on the load shows no packet pointer: ${hover}`);
  return { line: expectedLine + 1, message: diag.message.split('\n')[0] };
}

/**
 * (c) The verdict and its log: the rejected C example's verifier log opened from the
 * command the status bar runs, in the kernel's format, its source line linked to the C line.
 */
async function verifierLog(): Promise<HostFacts> {
  const editor = await openWorkspaceFile('xdp_unchecked.bpf.c');
  const doc = editor.document;
  const badLine = lineOf(doc, 'iph->saddr ==');
  await waitForError(doc.uri, 'invalid access to packet', DIAGNOSTIC_TIMEOUT_MS);
  await vscode.commands.executeCommand('ebpf.showVerifierLog', doc.uri.toString());
  const log = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'ebpf-log')?.document, DIAGNOSTIC_TIMEOUT_MS,
    () => `no ebpf-log editor; visible: ${vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(' | ')}`);
  const text = log.getText();
  assert.equal(log.languageId, 'ebpf-verifier-log');
  const source = `; if (iph->saddr == bpf_htonl(0x0a000001)) @ xdp_unchecked.bpf.c:${badLine + 1}`;
  const sourceAt = lineOf(log, source);
  assert.match(log.lineAt(sourceAt + 1).text, /^\d+: \(61\) r\d = \*\(u32 \*\)\(r\d \+26\)$/, `the load after the source line: ${text}`);
  assert.match(log.lineAt(sourceAt + 2).text, /^invalid access to packet, off=26 size=4/);
  assert.match(text, /\nprocessed \d+ insns \(limit 1000000\) max_states_per_insn/);
  const links = await waitFor(async () => {
    const found = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', log.uri);
    return found && found.length > 0 ? found : undefined;
  }, 10_000, () => 'the log has no links');
  const sourceLink = links.find((k) => k.range.start.line === sourceAt);
  assert.ok(sourceLink?.target, `no link on the source line; links on lines ${links.map((k) => k.range.start.line).join(',')}`);
  assert.equal(sourceLink.target.path, doc.uri.path);
  assert.equal(sourceLink.target.fragment, `L${badLine + 1},2`);
  const insnLink = links.find((k) => k.range.start.line === sourceAt + 1);
  assert.equal(insnLink?.target?.fragment.replace(/,.*/, ''), `L${badLine + 1}`, 'the failing load leads to the C line too');
  return { logLines: log.lineCount, links: links.length, sourceLine: source, badLine: badLine + 1, status: 'xdp_unchecked: 1 error' };
}

/**
 * (d) The walkthrough, opened by `eBPF: Get Started`; the browser then clicks its first
 * step's button, which copies the examples into the workspace and opens the firewall.
 */
async function walkthrough(): Promise<HostFacts> {
  await vscode.commands.executeCommand('ebpf.getStarted');
  const folder = vscode.workspace.workspaceFolders?.[0];
  return { firewall: vscode.Uri.joinPath(folder!.uri, 'ebpf-examples', 'xdp_firewall.bpf.c').fsPath };
}

/** Activation time of our extension in this host, measured when nothing has activated it yet. */
async function activation(): Promise<HostFacts> {
  const ext = ourExtension();
  assert.equal(ext.isActive, false, 'the extension was already active: the activation workspace must hold no eBPF files');
  const start = performance.now();
  await ext.activate();
  const activationMs = performance.now() - start;
  await waitFor(() => (ext.isActive ? true : undefined), 10_000, () => 'extension did not report active');
  return { activationMs: Math.round(activationMs * 10) / 10 };
}

/** Scenario name → in-host check. The driver runs the same names (test/e2e/driver/scenarios.ts). */
export const HOST_SCENARIOS: Readonly<Record<string, HostScenario>> = {
  'c-squiggle': cSquiggle,
  'c-quick-fix': cQuickFix,
  'asm-file': asmFile,
  'installed-vsix': cSquiggle,
  activation,
  'verifier-log': verifierLog,
  walkthrough,
  debug: debugSession,
  deploy: deployScenario,
};

/** Checks a scenario makes after the driver's screenshot, while the host still runs (by scenario name). */
export const HOST_FINISHES: Readonly<Record<string, HostScenario>> = {
  debug: finishDebugSession,
};
