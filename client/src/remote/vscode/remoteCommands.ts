// The ebpf.remote.* commands: each resolves its target (CodeLens arguments,
// a tree node, or pickers), calls the vscode-free core, and shows the result
// (kernel verdict as diagnostics, run comparison and preflight in the output
// channel, map dumps as JSON documents). Thin on purpose: the logic is in
// client/src/remote/*.ts and tested there.

import * as vscode from 'vscode';
import { compileCFile } from '../../../../src-vm/cli/clang';
import { serverSettings } from '../../config';
import { attach, detach, describeAttachment, type AttachPoint } from '../attach';
import { buildObject, ourVerdicts, type BuiltObject } from '../build';
import { deploy } from '../deploy';
import { documentPrograms } from '../documentPrograms';
import { dumpMap, listDeployments, unload } from '../inventory';
import { kernelVerdictDiagnostics, type RemoteDiagnostic } from '../kernelDiagnostics';
import { formatPreflight } from '../preflight';
import type { RemoteNode } from '../remoteTree';
import { compareRun } from '../runCompare';
import { runInputFromLaunch, runInputFromText, type RunInput } from '../runInput';
import type { RemoteSession } from '../session';
import { streamTrace } from '../trace';
import type { RemoteWorkbench } from './remoteWorkbench';
import type { RemoteHost } from '../hostList';

/** What the Deploy / Run CodeLens passes. */
export interface ProgramTarget { uri: string; program?: string }

type Handler = (arg?: unknown) => Promise<void>;

const SEVERITY: Record<RemoteDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information,
};

function toDiagnostic(d: RemoteDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(new vscode.Range(d.span.line, d.span.col, d.span.endLine, d.span.endCol), d.message, SEVERITY[d.severity]);
  out.source = d.source;
  out.code = d.code;
  return out;
}

/** The document a command is about: the CodeLens's, the explorer's, or the active editor's (saved, since clang reads the file). */
async function targetDocument(arg: unknown): Promise<{ doc: vscode.TextDocument; program?: string } | undefined> {
  const t = arg as Partial<ProgramTarget> | vscode.Uri | undefined;
  const uri = t instanceof vscode.Uri ? t : typeof t?.uri === 'string' ? vscode.Uri.parse(t.uri) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showErrorMessage('Open an eBPF C or assembly file first.');
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  return { doc, program: t instanceof vscode.Uri ? undefined : t?.program };
}

function build(doc: vscode.TextDocument): BuiltObject {
  const c = serverSettings().c;
  return buildObject(doc.fileName, new TextEncoder().encode(doc.getText()),
    (path) => compileCFile(path, { includePaths: c.includePaths, extraArgs: c.extraArgs }));
}

function withProgress<T>(title: string, task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task);
}

async function hostOf(w: RemoteWorkbench, node: unknown, placeHolder: string): Promise<RemoteHost | undefined> {
  const name = (node as Partial<RemoteNode> | undefined)?.host;
  return (typeof name === 'string' ? w.host(name) : undefined) ?? w.pickHost(placeHolder);
}

/** A loaded program: from a tree node, else picked from the host's deployments. */
async function pickProgram(s: RemoteSession, node: unknown): Promise<{ deployment: string; program: string } | undefined> {
  const n = node as Partial<RemoteNode> | undefined;
  if (n?.kind === 'program') return { deployment: n.deployment!, program: n.program! };
  const items = (await listDeployments(s)).flatMap((d) => d.programs.map((p) => ({ label: p, description: d.name, deployment: d.name })));
  if (items.length === 0) { void vscode.window.showInformationMessage(`Nothing is loaded on ${s.label}: deploy a program first.`); return undefined; }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Program' });
  return picked ? { deployment: picked.deployment, program: picked.label } : undefined;
}

const deployCommand = (w: RemoteWorkbench): Handler => async (arg) => {
  const target = await targetDocument(arg);
  const host = target && await w.pickHost('Deploy to which test box?');
  if (!target || !host) return;
  const { doc } = target;
  try {
    await withProgress(`Deploying ${doc.fileName.split('/').pop()} to ${host.name}`, async () => {
      const obj = build(doc);
      const s = await w.session(host);
      if ((await listDeployments(s)).some((d) => d.name === obj.objectName)) {
        const replace = await vscode.window.showWarningMessage(`${obj.objectName} is already loaded on ${host.name}.`, { modal: true }, 'Unload and Deploy');
        if (!replace) return;
        await unload(s, obj.objectName);
      }
      const r = await deploy(s, { bytes: obj.bytes, fileName: obj.fileName, name: obj.objectName }, { workDir: host.workDir });
      const ds = kernelVerdictDiagnostics({
        fileName: doc.fileName.split('/').pop()!, kernel: r.kernel, ours: ourVerdicts(obj), programs: documentPrograms(doc.fileName, doc.getText()),
        host: host.name, release: r.release,
      });
      w.diagnostics.set(doc.uri, ds.map(toDiagnostic));
      w.output.appendLine(`deploy ${doc.fileName} to ${host.name} (${s.label}, Linux ${r.release}): ${r.loaded ? `loaded as ${r.name}` : 'rejected, nothing pinned'}`);
      for (const line of r.output.split('\n')) if (line.trim() !== '') w.output.appendLine(`  ${line}`);
      const verdicts = r.kernel.programs.map((p) => `${p.name} ${p.verdict === 'accept' ? 'accepted' : p.verdict === 'reject' ? 'rejected' : 'not loaded'}`).join(', ');
      const disagree = ds.some((d) => d.code === 'kernel/disagrees') ? ' The kernel and our verifier disagree: see Problems.' : '';
      const say = r.loaded ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
      void say(`${host.name} (Linux ${r.release}): ${verdicts || 'no programs'}.${disagree}`);
    });
  } catch (e) {
    w.fail(`Deploy to ${host.name}`, e);
  }
  await w.refreshHost(host);
};

async function runInput(doc: vscode.TextDocument): Promise<RunInput | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
  const launch = vscode.workspace.getConfiguration('launch', doc.uri).get<unknown>('configurations');
  const fromLaunch = runInputFromLaunch(launch, doc.fileName, folder);
  if (fromLaunch && !('error' in fromLaunch)) return fromLaunch;
  const text = await vscode.window.showInputBox({
    title: 'Packet for BPF_PROG_TEST_RUN', prompt: fromLaunch ? fromLaunch.error : 'Hex bytes (empty: 64 zero bytes). An ebpf launch configuration\'s "mem" for this file is used when present.',
    validateInput: (v) => { const r = runInputFromText(v); return 'error' in r ? r.error : undefined; },
  });
  if (text === undefined) return undefined;
  const r = runInputFromText(text);
  return 'error' in r ? undefined : r;
}

const runOnKernelCommand = (w: RemoteWorkbench): Handler => async (arg) => {
  const target = await targetDocument(arg);
  if (!target) return;
  const programs = documentPrograms(target.doc.fileName, target.doc.getText()).map((p) => p.name);
  const program = target.program ?? (programs.length === 1 ? programs[0] : await vscode.window.showQuickPick(programs, { placeHolder: 'Program to run' }));
  const input = program && await runInput(target.doc);
  const host = input && await w.pickHost('Run on which test box?');
  if (!program || !input || !host) return;
  try {
    const r = await withProgress(`Running ${program} on ${host.name}`, async () => compareRun(await w.session(host), build(target.doc), program, input.packet, 100, { workDir: host.workDir }));
    w.output.show(true);
    if (!r.loaded) {
      w.output.appendLine(`run ${program} on ${host.name}: the kernel refused the object; run Deploy for its verdict on the source lines`);
      void vscode.window.showErrorMessage(`${host.name}: the kernel refused the object, nothing ran.`);
      return;
    }
    const { report: rep } = r;
    w.output.appendLine(`run ${program} on ${host.name} (Linux ${rep.release}), packet from ${input.from}: ${rep.packet}`);
    w.output.appendLine(`  kernel: retval ${rep.kernel.retval}, ${rep.kernel.durationNs} ns per run (${rep.repeat} runs)\n    data out: ${rep.kernel.dataOut}`);
    w.output.appendLine(rep.ours ? `  ours:   ${rep.ours.fault ? `fault: ${rep.ours.fault}` : `retval ${rep.ours.retval}, ${rep.ours.steps} insns\n    data out: ${rep.ours.dataOut}`}` : '  ours:   no such program in our view of the object');
    for (const d of rep.differences) w.output.appendLine(`  DIFFERENCE: ${d}`);
    const say = rep.differences.length === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void say(`${program} on ${host.name}: retval ${rep.kernel.retval}; ${rep.differences.length === 0 ? 'our interpreter agrees' : `${rep.differences.length} difference(s) from our interpreter`}.`);
  } catch (e) {
    w.fail(`Run on ${host.name}`, e);
  }
};

async function attachPoint(s: RemoteSession): Promise<AttachPoint | undefined> {
  const kinds = ['xdp (generic)', 'xdp (native)', 'tc ingress', 'tc egress', 'cgroup'];
  const kind = await vscode.window.showQuickPick(kinds, { placeHolder: 'Attach where?' });
  if (!kind) return undefined;
  if (kind === 'cgroup') {
    const path = await vscode.window.showInputBox({ title: 'cgroup path on the host', value: '/sys/fs/cgroup' });
    const attachType = path && await vscode.window.showInputBox({ title: 'Attach type (bpftool cgroup attach)', value: 'ingress', prompt: 'ingress, egress, sock_create, connect4, …' });
    return path && attachType ? { kind: 'cgroup', path, attachType } : undefined;
  }
  const links = await s.conn.run(['ip', '-o', 'link', 'show'], 'attach');
  const ifaces = [...links.stdout.toString('utf8').matchAll(/^\d+: ([^:@\s]+)/gm)].map((m) => m[1]);
  const iface = await vscode.window.showQuickPick(ifaces, { placeHolder: 'Interface' });
  if (!iface) return undefined;
  if (kind.startsWith('xdp')) return { kind: 'xdp', iface, mode: kind.includes('native') ? 'native' : 'generic' };
  return { kind: 'tc', iface, direction: kind.endsWith('egress') ? 'egress' : 'ingress' };
}

const attachCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const host = await hostOf(w, node, 'Attach on which test box?');
  if (!host) return;
  try {
    const s = await w.session(host);
    const which = await pickProgram(s, node);
    const at = which && await attachPoint(s);
    if (!which || !at) return;
    await attach(s, which.deployment, which.program, at);
    const where = at.kind === 'xdp' ? `xdp (${at.mode}) on ${at.iface}` : at.kind === 'tc' ? `tc ${at.direction} on ${at.iface}` : `cgroup ${at.path} (${at.attachType})`;
    w.attached.push({ host: host.name, deployment: which.deployment, program: which.program, where });
    w.model.setAttached(host.name, which.deployment, which.program, w.attached.filter((a) => a.host === host.name && a.deployment === which.deployment && a.program === which.program).map((a) => a.where));
    w.treeChanged.fire();
    void vscode.window.showInformationMessage(`Attached ${which.program} to ${where} on ${host.name}; it is detached when VS Code closes.`);
  } catch (e) {
    w.fail(`Attach on ${host.name}`, e);
  }
};

function forget(w: RemoteWorkbench, host: string, deployment: string, program?: string): void {
  for (let i = w.attached.length - 1; i >= 0; i--) {
    const a = w.attached[i];
    if (a.host === host && a.deployment === deployment && (program === undefined || a.program === program)) {
      w.attached.splice(i, 1);
      w.model.setAttached(host, deployment, a.program, []);
    }
  }
}

const detachCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const host = await hostOf(w, node, 'Detach on which test box?');
  if (!host) return;
  try {
    const s = await w.session(host);
    const which = await pickProgram(s, node);
    if (!which) return;
    const removed = await detach(s, which.deployment, which.program);
    forget(w, host.name, which.deployment, which.program);
    w.treeChanged.fire();
    void vscode.window.showInformationMessage(removed.length === 0 ? `${which.program} was not attached.` : `Detached ${which.program}: ${removed.map(describeAttachment).join(', ')}.`);
  } catch (e) {
    w.fail(`Detach on ${host.name}`, e);
  }
};

const unloadCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const host = await hostOf(w, node, 'Unload from which test box?');
  if (!host) return;
  try {
    const s = await w.session(host);
    const n = node as Partial<RemoteNode> | undefined;
    const name = n?.kind === 'deployment' || n?.kind === 'program' || n?.kind === 'map' ? n.deployment
      : await vscode.window.showQuickPick((await listDeployments(s)).map((d) => d.name), { placeHolder: 'Deployment to unload' });
    if (!name) return;
    const detached = await unload(s, name);
    forget(w, host.name, name);
    void vscode.window.showInformationMessage(`Unloaded ${name} from ${host.name}${detached.length > 0 ? ` (detached ${detached.join(', ')})` : ''}.`);
  } catch (e) {
    w.fail(`Unload on ${host.name}`, e);
  }
  await w.refreshHost(host);
};

const traceStartCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const host = await hostOf(w, node, 'Stream trace_pipe of which test box?');
  if (!host) return;
  const running = w.traces.get(host.name);
  if (running) { running.channel.show(true); return; }
  try {
    const channel = vscode.window.createOutputChannel(`eBPF Remote: trace_pipe (${host.name})`);
    const stream = await streamTrace(await w.session(host), (line) => channel.appendLine(line));
    w.traces.set(host.name, { stream, channel });
    channel.show(true);
    void stream.done.catch((e: unknown) => channel.appendLine(`-- stopped: ${(e as Error).message}`)).finally(() => {
      if (w.traces.get(host.name)?.stream === stream) w.traces.delete(host.name);
    });
  } catch (e) {
    w.fail(`trace_pipe on ${host.name}`, e);
  }
};

const traceStopCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const name = (node as Partial<RemoteNode> | undefined)?.host ?? (w.traces.size === 1 ? [...w.traces.keys()][0]
    : await vscode.window.showQuickPick([...w.traces.keys()], { placeHolder: 'Stop which trace?' }));
  const t = name !== undefined ? w.traces.get(name) : undefined;
  if (!t || name === undefined) { void vscode.window.showInformationMessage('No trace_pipe stream is running.'); return; }
  w.traces.delete(name);
  await t.stream.stop().catch(() => undefined);
  t.channel.appendLine('-- stopped');
};

const checkCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const host = await hostOf(w, node, 'Check which test box?');
  if (!host) return;
  try {
    const s = await withProgress(`Checking ${host.name}`, () => w.session(host));
    const report = await s.preflight();
    for (const line of formatPreflight(`${host.name} (${s.label})`, report)) w.output.appendLine(line);
    w.output.show(true);
    const say = report.problems.length === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void say(report.problems.length === 0 ? `${host.name}: ready (Linux ${report.release}, ${report.arch})` : `${host.name}: ${report.problems.map((p) => p.fix).join('; ')}`);
  } catch (e) {
    w.fail(`Check ${host.name}`, e);
  }
  await w.refreshHost(host);
};

const dumpMapCommand = (w: RemoteWorkbench): Handler => async (node) => {
  const n = node as Partial<RemoteNode> | undefined;
  const host = n?.kind === 'map' ? w.host(n.host!) : undefined;
  if (!host || n?.kind !== 'map') { void vscode.window.showInformationMessage('Click a map in the eBPF Remote view to dump it.'); return; }
  try {
    const entries = await dumpMap(await w.session(host), n.deployment!, n.map!);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify({ host: host.name, deployment: n.deployment, map: n.map, entries }, null, 2) });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    w.fail(`Dump ${n.map} on ${host.name}`, e);
  }
};

export const REMOTE_COMMANDS: Readonly<Record<string, (w: RemoteWorkbench) => Handler>> = {
  'ebpf.remote.deploy': deployCommand,
  'ebpf.remote.runOnKernel': runOnKernelCommand,
  'ebpf.remote.attach': attachCommand,
  'ebpf.remote.detach': detachCommand,
  'ebpf.remote.unload': unloadCommand,
  'ebpf.remote.traceStart': traceStartCommand,
  'ebpf.remote.traceStop': traceStopCommand,
  'ebpf.remote.check': checkCommand,
  'ebpf.remote.dumpMap': dumpMapCommand,
  'ebpf.remote.refresh': (w) => async () => { w.reloadHosts(); },
};
