// Test harness for the built language server: (re)builds out/server.js
// through test/support/build when its sources changed, spawns `node out/server.js --stdio`,
// and speaks LSP JSON-RPC to it through vscode-languageserver's protocol
// connection, collecting publishDiagnostics and log messages.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { builtBundle } from '../support/build';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification,
  PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type ClientCapabilities, type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

export const SERVER_JS = builtBundle('server');

export class LspHarness {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  private readonly waiters: (() => void)[] = [];
  exitCode: Promise<number | null>;

  private constructor(readonly proc: ChildProcessWithoutNullStreams, readonly conn: ProtocolConnection) {
    this.exitCode = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.push(p);
      this.waiters.splice(0).forEach((w) => w());
    });
    conn.onNotification(LogMessageNotification.type, (p) => { this.logs.push(p.message); });
  }

  static start(): LspHarness {
    const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: 'pipe' });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.listen();
    return new LspHarness(proc, conn);
  }

  /** A started server that has answered initialize with `initializationOptions` (the usual test setup). */
  static async started(initializationOptions?: unknown): Promise<LspHarness> {
    const server = LspHarness.start();
    await server.initialize(initializationOptions);
    return server;
  }

  /** Ends the server process unless it has exited already (test teardown). */
  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }

  /** initialize + initialized; by default as a client without workspace/configuration support. */
  async initialize(initializationOptions?: unknown, capabilities: ClientCapabilities = {}): Promise<InitializeResult> {
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities, initializationOptions,
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** The first publishDiagnostics for `uri` at or after index `from` of `this.diagnostics`. */
  async diagnosticsFor(uri: string, from: number, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.diagnostics.slice(from).find((p) => p.uri === uri);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} within ${timeoutMs} ms (server log: ${this.logs.join(' | ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** didOpen, returning the index in `diagnostics` from which its publish will be. */
  async open(uri: string, languageId: string, text: string, version = 1): Promise<number> {
    const from = this.diagnostics.length;
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    return from;
  }

  /** A full-text didChange. */
  async replace(uri: string, version: number, text: string): Promise<number> {
    const from = this.diagnostics.length;
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return from;
  }

  async save(uri: string): Promise<number> {
    const from = this.diagnostics.length;
    await this.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    return from;
  }

  /** The first publish for `uri` from `from` on whose version is `version`. */
  async diagnosticsOfVersion(uri: string, version: number, from: number, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (let at = from; ;) {
      const p = await this.diagnosticsFor(uri, at, Math.max(deadline - Date.now(), 1));
      if (p.version === version) return p;
      at = this.diagnostics.indexOf(p) + 1;
    }
  }

  async stop(): Promise<number | null> {
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await this.exitCode;
    this.conn.dispose();
    return code;
  }
}
