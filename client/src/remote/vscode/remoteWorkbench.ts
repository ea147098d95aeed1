// The editor's remote test box state: the host list (settings + ~/.ssh/config),
// one session pool, the prompts a connection needs (host-key consent as a
// modal with the SHA256 fingerprint; passphrase and password asked once with
// a password box and kept in SecretStorage, never in settings or logs), the
// kernel-verdict diagnostics, the tree model, and what this session attached
// or is tracing, so deactivation can undo it. Commands live in remoteCommands.ts.

import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { detach } from '../attach';
import { keyFilesOf, keyIsEncrypted, passphraseSecret, passwordSecret } from '../credentials';
import { RemoteError } from '../errors';
import type { HostKeyQuestion } from '../hostKeyVerifier';
import { hostList, type RemoteHost } from '../hostList';
import { listDeployments } from '../inventory';
import { RemoteTreeModel } from '../remoteTree';
import { SessionPool, type RemoteSession, type SessionOptions } from '../session';
import type { TraceStream } from '../trace';

export interface SessionAttachment {
  host: string;
  deployment: string;
  program: string;
  where: string;
}

export class RemoteWorkbench implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('eBPF Remote');
  readonly diagnostics = vscode.languages.createDiagnosticCollection('ebpf-remote');
  readonly model = new RemoteTreeModel();
  readonly treeChanged = new vscode.EventEmitter<void>();
  readonly attached: SessionAttachment[] = [];
  readonly traces = new Map<string, { stream: TraceStream; channel: vscode.OutputChannel }>();
  private readonly pool = new SessionPool();
  private readonly connecting = new Map<string, Promise<RemoteSession>>();
  private hosts: RemoteHost[] = [];
  private readonly home = homedir();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.reloadHosts();
  }

  /** Re-reads `ebpf.remote.hosts` and ~/.ssh/config; problems go to the output channel and one warning. */
  reloadHosts(): void {
    const configPath = join(this.home, '.ssh', 'config');
    const configText = existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
    const setting = vscode.workspace.getConfiguration('ebpf.remote').get<unknown>('hosts');
    const { hosts, problems } = hostList(setting, { configText, home: this.home, localUser: userInfo().username });
    this.hosts = hosts;
    this.model.setHosts(hosts);
    this.treeChanged.fire();
    for (const p of problems) this.output.appendLine(`settings: ${p}`);
    if (problems.length > 0) {
      void vscode.window.showWarningMessage(`ebpf.remote.hosts: ${problems.length} entr${problems.length === 1 ? 'y was' : 'ies were'} left out: ${problems[0]}`, 'Show Output')
        .then((c) => { if (c) this.output.show(true); });
    }
  }

  get hostNames(): string[] {
    return this.hosts.map((h) => h.name);
  }

  host(name: string): RemoteHost | undefined {
    return this.hosts.find((h) => h.name === name);
  }

  /** A host chosen by the user (none offered: undefined after saying how to add one). */
  async pickHost(placeHolder: string): Promise<RemoteHost | undefined> {
    if (this.hosts.length === 0) {
      const choice = await vscode.window.showErrorMessage('No test box configured: add one to the ebpf.remote.hosts setting or a Host to ~/.ssh/config.', 'Open Settings');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'ebpf.remote.hosts');
      return undefined;
    }
    if (this.hosts.length === 1) return this.hosts[0];
    const picked = await vscode.window.showQuickPick(this.hosts.map((h) => ({
      label: h.name, description: `${h.target.user}@${h.target.host}:${h.target.port}`, detail: h.origin === 'settings' ? undefined : 'from ~/.ssh/config',
    })), { placeHolder });
    return picked ? this.host(picked.label) : undefined;
  }

  /** The live session to `host`, connecting (with prompts) when there is none. */
  session(host: RemoteHost): Promise<RemoteSession> {
    const pending = this.connecting.get(host.name);
    if (pending) return pending;
    const p = this.connect(host).finally(() => this.connecting.delete(host.name));
    this.connecting.set(host.name, p);
    return p;
  }

  private async connect(host: RemoteHost): Promise<RemoteSession> {
    const passphrases = await this.passphrases(host);
    const base: SessionOptions = {
      sudo: host.sudo, knownHostsFile: join(this.home, '.ssh', 'known_hosts'), home: this.home,
      consent: (q) => this.askHostKey(host, q), identityFile: host.identityFile,
      agentSocket: process.env.SSH_AUTH_SOCK || undefined, passphrase: (file) => passphrases.get(file),
      password: await this.secrets.get(passwordSecret(host)),
    };
    let session: RemoteSession;
    try {
      session = await this.pool.get(host.target, base);
    } catch (e) {
      if (!(e instanceof RemoteError) || e.step !== 'authenticate') throw e;
      if (/passphrase/.test(e.reason)) for (const file of passphrases.keys()) await this.secrets.delete(passphraseSecret(file));
      if (base.password !== undefined) await this.secrets.delete(passwordSecret(host));
      const password = await vscode.window.showInputBox({
        password: true, ignoreFocusOut: true, title: `Password for ${host.target.user}@${host.target.host}`,
        prompt: `${e.reason}. Enter the password to try password authentication, or Escape to give up.`,
      });
      if (password === undefined) throw e;
      session = await this.pool.get(host.target, { ...base, password });
      await this.secrets.store(passwordSecret(host), password);
    }
    for (const [file, phrase] of passphrases) await this.secrets.store(passphraseSecret(file), phrase);
    return session;
  }

  /** Passphrases of the encrypted key files the connection will try: from SecretStorage, else asked once. */
  private async passphrases(host: RemoteHost): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const file of keyFilesOf(host, this.home)) {
      if (!keyIsEncrypted(file)) continue;
      const phrase = (await this.secrets.get(passphraseSecret(file))) ?? await vscode.window.showInputBox({
        password: true, ignoreFocusOut: true, title: `Passphrase for ${file}`,
        prompt: `The key ${file} (for ${host.name}) is encrypted. It is kept in VS Code's secret storage. Escape skips this key.`,
      });
      if (phrase !== undefined) out.set(file, phrase);
    }
    return out;
  }

  private async askHostKey(host: RemoteHost, q: HostKeyQuestion): Promise<boolean> {
    const others = q.otherTypes.length > 0 ? `\n\nKeys of other types are recorded for it (${q.otherTypes.join(', ')}); the server offered none of them.` : '';
    const trust = 'Trust and Connect';
    const choice = await vscode.window.showWarningMessage(
      `The authenticity of ${q.name} (${host.name}) can't be established.`,
      { modal: true, detail: `${q.keyType} key fingerprint is ${q.fingerprint}.\n\nCheck it with the host's administrator (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub). Trusting records it in ~/.ssh/known_hosts.${others}` },
      trust,
    );
    if (choice === trust) this.output.appendLine(`${host.name}: recorded the new host key of ${q.name}: ${q.keyType} ${q.fingerprint}`);
    return choice === trust;
  }

  /** Connects if needed and re-reads what we have loaded on `host`, for the tree. Never throws. */
  async refreshHost(host: RemoteHost): Promise<void> {
    try {
      const s = await this.session(host);
      const [report, deployments] = [await s.preflight(), await listDeployments(s)];
      this.model.setInventory(host.name, s.label, report.release, deployments);
    } catch (e) {
      this.model.setFailure(host.name, e instanceof Error ? e.message : String(e));
    }
    this.treeChanged.fire();
  }

  /** Reports a failure: the whole message (step, remote stderr, hint) in the output, its first line in a notification. */
  fail(what: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.output.appendLine(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`${what}: ${message.split('\n')[0]}`, 'Show Output').then((c) => { if (c) this.output.show(true); });
  }

  /** Stops traces, detaches what this session attached, closes every connection. */
  async shutdown(): Promise<void> {
    for (const [, t] of this.traces) { await t.stream.stop().catch(() => undefined); t.channel.dispose(); }
    this.traces.clear();
    for (const a of this.attached.splice(0)) {
      const host = this.host(a.host);
      if (!host) continue;
      try {
        await detach(await this.session(host), a.deployment, a.program);
      } catch (e) {
        this.output.appendLine(`deactivate: could not detach ${a.deployment}/${a.program} from ${a.where} on ${a.host}: ${(e as Error).message}`);
      }
    }
    this.pool.closeAll();
  }

  dispose(): void {
    this.pool.closeAll();
    this.output.dispose();
    this.diagnostics.dispose();
    this.treeChanged.dispose();
  }
}
