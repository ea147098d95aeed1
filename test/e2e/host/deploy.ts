// The in-host half of the `deploy` e2e scenario: the driver started a real
// sshd on loopback and configured it as the only test box (ebpf.remote.hosts
// in the workspace settings, its host key in the known_hosts of the HOME it
// gave code-server). Runs `ebpf.remote.deploy` as the Deploy CodeLens does on
// the rejected example (the kernel's verifier message becomes a diagnostic on
// its C line) and on the firewall (the kernel accepts and pins it; the loopback
// host is this machine, so the pins are checked on disk), then opens the
// eBPF Remote view for the browser to read.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import { lineOf, openWorkspaceFile, waitFor } from './wait';

/** The host name the driver puts in ebpf.remote.hosts (test/e2e/driver/prepare.ts). */
export const DEPLOY_HOST = 'loopback';
/** What `bpftool prog loadall` pins, as client/src/remote/deploy.ts names it. */
const PINS = '/sys/fs/bpf/ebpf-workbench/xdp_firewall';
/** A deploy connects, uploads, loads and reads the kernel log; a modal nobody answers would hang it. */
const DEPLOY_TIMEOUT_MS = 60_000;

type Facts = Record<string, string | number | boolean>;

async function deployCommand(doc: vscode.TextDocument, program: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ebpf.remote.deploy of ${doc.fileName} did not finish within ${DEPLOY_TIMEOUT_MS / 1000} s (a prompt waiting for an answer?)`)), DEPLOY_TIMEOUT_MS);
  });
  const deploy = vscode.commands.executeCommand('ebpf.remote.deploy', { uri: doc.uri.toString(), program });
  await Promise.race([deploy, late]).finally(() => clearTimeout(timer));
}

/** Diagnostics the kernel's verdict gave `uri` (source `kernel (host, release)`). */
function kernelDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source?.startsWith(`kernel (${DEPLOY_HOST}, `) === true);
}

export async function deployScenario(): Promise<Facts> {
  const bad = (await openWorkspaceFile('xdp_unchecked.bpf.c')).document;
  const badLine = lineOf(bad, 'iph->saddr ==');
  await deployCommand(bad, 'xdp_unchecked');
  const rejection = await waitFor(() => kernelDiagnostics(bad.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error), 10_000, () => {
    const seen = vscode.languages.getDiagnostics(bad.uri).map((d) => `${d.range.start.line + 1}: [${d.source}] ${d.message}`);
    return `no kernel diagnostic on ${bad.fileName}; diagnostics: ${seen.join(' | ') || 'none'}`;
  });
  assert.match(rejection.message, /invalid access to packet, off=\d+ size=\d+/, `the kernel's message: ${rejection.message}`);
  assert.equal(rejection.range.start.line, badLine, `the kernel's message is on line ${rejection.range.start.line + 1}, expected ${badLine + 1}`);

  const editor = await openWorkspaceFile('xdp_firewall.bpf.c');
  const good = editor.document;
  // The program and its Deploy CodeLens at the top of the screenshot.
  const program = lineOf(good, 'SEC("xdp")');
  editor.revealRange(new vscode.Range(program, 0, program, 0), vscode.TextEditorRevealType.AtTop);
  await deployCommand(good, 'xdp_firewall');
  assert.ok(existsSync(`${PINS}/prog/xdp_firewall`), `the firewall is not pinned at ${PINS}/prog/xdp_firewall`);
  const maps = readdirSync(`${PINS}/map`).sort();
  assert.equal(kernelDiagnostics(good.uri).length, 0, `kernel diagnostics on the accepted firewall: ${kernelDiagnostics(good.uri).map((d) => d.message).join(' | ')}`);
  await vscode.commands.executeCommand('workbench.view.extension.ebpf-remote');
  // Toasts hide after a while; the notification center keeps both verdicts on screen.
  await vscode.commands.executeCommand('notifications.showList');
  return {
    host: DEPLOY_HOST, kernelSource: rejection.source ?? '', kernelMessage: rejection.message.split('\n')[0], rejectedLine: badLine + 1,
    pinnedMaps: maps.join(','),
  };
}
