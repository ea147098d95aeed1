// The extension's running state: the language client's lifecycle (start,
// restart, stop, dispose), its output channel, the custom requests and the
// `ebpf/verified` notification of server/src/protocol.ts, and everything to
// dispose on deactivation. Commands act on a Ctx; extension.ts only creates one.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VerifiedParams } from '../../server/src/protocol';
import { VERIFIED_NOTIFICATION } from '../../server/src/protocol';
import { needsRestart, serverSettings } from './config';
import { CLIENT_NAME, SERVER_MODULE, createLanguageClient } from './lspClient';

export class Ctx implements vscode.Disposable {
  readonly outputChannel: vscode.LogOutputChannel;
  private client: LanguageClient | undefined;
  private readonly cleanups: vscode.Disposable[] = [];
  private starting: Promise<void> | undefined;
  private readonly verified = new vscode.EventEmitter<VerifiedParams>();
  /** The server published new results for a document (its verdict may have changed). */
  readonly onDidVerify = this.verified.event;

  constructor(private readonly extCtx: vscode.ExtensionContext) {
    this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    this.pushCleanup(this.outputChannel);
    this.pushCleanup(this.verified);
    this.pushCleanup(vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart(e)) void this.restart();
    }));
  }

  /** Whether start() was called (the server is starting or running). */
  get isStarted(): boolean {
    return this.client !== undefined;
  }

  get isRunning(): boolean {
    return this.client?.isRunning() ?? false;
  }

  /** Starts the language server; a failure is shown to the user with a way to the log, never thrown. */
  async start(): Promise<void> {
    if (this.client) return this.starting;
    const client = createLanguageClient(this.extCtx.asAbsolutePath(SERVER_MODULE), this.outputChannel, serverSettings());
    this.client = client;
    client.onNotification(VERIFIED_NOTIFICATION, (p: VerifiedParams) => this.verified.fire(p));
    this.starting = client.start().catch(async (err: unknown) => {
      this.client = undefined;
      await this.showStartFailure(err);
    });
    return this.starting;
  }

  /** A custom request of server/src/protocol.ts; undefined when the server is not running. */
  async request<R>(method: string, params: object): Promise<R | undefined> {
    if (!this.client) await this.start();
    await this.starting;
    const client = this.client;
    if (!client?.isRunning()) return undefined;
    return client.sendRequest<R>(method, params);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.dispose();
  }

  async restart(): Promise<void> {
    this.outputChannel.info('restarting the eBPF language server');
    await this.stop();
    await this.start();
  }

  pushCleanup(d: vscode.Disposable): void {
    this.cleanups.push(d);
  }

  async stopAndDispose(): Promise<void> {
    await this.stop();
    this.dispose();
  }

  dispose(): void {
    for (const d of this.cleanups.splice(0).reverse()) d.dispose();
  }

  private async showStartFailure(err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.outputChannel.error(`the eBPF language server did not start: ${message}`);
    const choice = await vscode.window.showErrorMessage(
      `The eBPF language server did not start (${message}). Check that ${SERVER_MODULE} was built (npm run build), then run "eBPF: Restart Language Server".`,
      'Show Output',
    );
    if (choice === 'Show Output') this.outputChannel.show();
  }
}
