// One SSH connection to a test box, on ssh2: host-key check, authentication,
// keepalive, and the three things the deploy core needs — run a command given
// as an argument list (quoted by shellQuote, never pasted), stream one, and
// SFTP. A dropped connection fails every pending operation with a RemoteError
// naming its step. Imports no vscode.

import { RemoteError, type RemoteStep } from './errors';
import { authMethods, type AuthOptions } from './auth';
import { hostKeyAlgorithms, verifyHostKey, type HostKeyConsent } from './hostKeyVerifier';
import { knownHostsName, type HostTarget } from './hostSpec';
import { commandLine } from './shellQuote';
import { ssh2, type Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from './sshLib';

export interface ConnectOptions extends Omit<AuthOptions, 'username' | 'configIdentityFiles'> {
  knownHostsFile: string;
  /** Asked about a host key not in the file. */
  consent: HostKeyConsent;
  keepaliveIntervalMs?: number;
  readyTimeoutMs?: number;
}

export interface ExecResult {
  /** Exit status; null when the command ended by a signal or the channel closed early. */
  code: number | null;
  signal?: string;
  stdout: Buffer;
  stderr: string;
}

export interface StreamHandle {
  /** Writes to the command's stdin. */
  write(data: string): void;
  /** Closes its stdin. */
  end(): void;
  done: Promise<ExecResult>;
}

export class RemoteConnection {
  private closed = false;
  private sftpSession?: Promise<SFTPWrapper>;
  private readonly dropListeners = new Set<() => void>();

  private constructor(private readonly client: Client, readonly target: HostTarget) {
    client.on('close', () => this.markClosed());
    client.on('end', () => this.markClosed());
    client.on('error', () => this.markClosed());
  }

  /** `user@host:port`, for messages. */
  get label(): string {
    return `${this.target.user}@${knownHostsName(this.target.host, this.target.port)}`;
  }

  get alive(): boolean {
    return !this.closed;
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.dropListeners) f();
    this.dropListeners.clear();
  }

  /** Connects, checks the host key, authenticates. */
  static async open(target: HostTarget, opts: ConnectOptions): Promise<RemoteConnection> {
    if (target.proxyJump) {
      throw new RemoteError('config', `${target.spec} needs ProxyJump ${target.proxyJump}, which this client does not follow`,
        '', 'connect to the jump host\'s forwarded port instead (ssh -L), or run the CLI on the jump host');
    }
    const { methods, offered } = authMethods({ ...opts, username: target.user, configIdentityFiles: target.identityFiles });
    if (methods.length === 0) {
      throw new RemoteError('authenticate', `no credentials to offer ${target.user}@${target.host}`,
        '', 'give a key with --identity FILE, start ssh-agent, or add an IdentityFile to ~/.ssh/config');
    }
    const name = knownHostsName(target.host, target.port);
    const refusal: { error?: RemoteError } = {};
    const algorithms = hostKeyAlgorithms(opts.knownHostsFile, name);
    const config: ConnectConfig = {
      host: target.host, port: target.port, username: target.user,
      authHandler: methods,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        verifyHostKey(opts.knownHostsFile, name, key, opts.consent, refusal).then(verify, (e: unknown) => {
          refusal.error = e instanceof RemoteError ? e : new RemoteError('host key', String(e));
          verify(false);
        });
      },
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: 3,
      readyTimeout: opts.readyTimeoutMs ?? 20_000,
      ...(algorithms ? { algorithms: { serverHostKey: algorithms } } : {}),
    };
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let settled = false;
      client.once('ready', () => {
        settled = true;
        resolve(new RemoteConnection(client, target));
      });
      client.once('error', (e: Error & { level?: string }) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(refusal.error ?? connectError(e, `${target.user}@${name}`, offered));
      });
      client.connect(config);
    });
  }

  /** Calls `f` once if the connection drops; returns a function that unregisters it. */
  onDrop(f: () => void): () => void {
    if (this.closed) {
      f();
      return () => undefined;
    }
    this.dropListeners.add(f);
    return () => this.dropListeners.delete(f);
  }

  private channel(argv: readonly string[], step: RemoteStep): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(new RemoteError(step, `the connection to ${this.label} is closed`));
    const line = commandLine(argv);
    return new Promise((resolve, reject) => {
      this.client.exec(line, (err, ch) => (err ? reject(new RemoteError(step, `cannot start '${argv[0]}' on ${this.label}: ${err.message}`)) : resolve(ch)));
    });
  }

  /** Runs `argv` (each element one argument); resolves with its exit status and output, whatever the status. */
  async exec(argv: readonly string[], step: RemoteStep, stdin?: Uint8Array | string): Promise<ExecResult> {
    const handle = await this.stream(argv, step, () => undefined);
    if (stdin !== undefined) handle.write(typeof stdin === 'string' ? stdin : Buffer.from(stdin).toString('latin1'));
    handle.end();
    return handle.done;
  }

  /** Like exec, but fails with the command's stderr when it exits non-zero. */
  async run(argv: readonly string[], step: RemoteStep, stdin?: Uint8Array | string): Promise<ExecResult> {
    const r = await this.exec(argv, step, stdin);
    if (r.code !== 0) throw new RemoteError(step, `'${argv.join(' ')}' on ${this.label} exited with ${r.code ?? r.signal ?? 'no status'}`, r.stderr);
    return r;
  }

  /** Starts `argv` and hands stdout chunks to `onStdout` as they arrive. */
  async stream(argv: readonly string[], step: RemoteStep, onStdout: (chunk: Buffer) => void): Promise<StreamHandle> {
    const ch = await this.channel(argv, step);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const done = new Promise<ExecResult>((resolve, reject) => {
      let code: number | null = null;
      let signal: string | undefined;
      const unregister = this.onDrop(() => reject(new RemoteError(step, `the connection to ${this.label} dropped while '${argv[0]}' was running`,
        Buffer.concat(err).toString('utf8'))));
      ch.on('data', (d: Buffer) => { out.push(d); onStdout(d); });
      ch.stderr.on('data', (d: Buffer) => err.push(d));
      ch.on('exit', (c: number | null, s?: string) => { code = c; signal = s ?? undefined; });
      ch.on('close', () => {
        unregister();
        resolve({ code, ...(signal ? { signal } : {}), stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
    return {
      write: (data) => { ch.write(Buffer.from(data, 'latin1')); },
      end: () => { ch.end(); },
      done,
    };
  }

  /** The connection's SFTP session, opened on first use. */
  sftp(): Promise<SFTPWrapper> {
    if (this.closed) return Promise.reject(new RemoteError('upload', `the connection to ${this.label} is closed`));
    this.sftpSession ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => (err ? reject(new RemoteError('upload', `cannot start SFTP on ${this.label}: ${err.message}`)) : resolve(sftp)));
    });
    return this.sftpSession;
  }

  close(): void {
    this.client.end();
    this.markClosed();
  }
}

function connectError(e: Error & { level?: string; code?: string }, where: string, offered: string[]): RemoteError {
  if (e.level === 'client-authentication') {
    return new RemoteError('authenticate', `${where} refused every credential offered (${offered.join(', ')})`, '',
      'check the user name, give the right key with --identity FILE, or add this key to ~/.ssh/authorized_keys on the host');
  }
  if (e.level === 'client-timeout') return new RemoteError('connect', `${where} did not complete the SSH handshake in time`);
  const hint = e.code === 'ECONNREFUSED' ? 'is sshd running there, and on this port?' : e.code === 'ENOTFOUND' ? 'is the host name right?' : undefined;
  return new RemoteError('connect', `cannot connect to ${where}: ${e.message}`, '', hint);
}
