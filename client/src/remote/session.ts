// A test box in use: a live connection (reused per user@host:port and
// reopened after a drop), whether commands go through sudo, the preflight
// report (cached per connection), and the upload directories a dropped
// connection left behind, removed as soon as the host is reached again.

import { RemoteError } from './errors';
import { RemoteConnection, type ConnectOptions } from './connection';
import { preflight, type PreflightReport } from './preflight';
import { knownHostsName, type HostTarget } from './hostSpec';
import { privileged, script } from './shellQuote';

/** Upload directories older than this, of our naming, are left over from a crashed client. */
const STALE_MINUTES = 60;
const SWEEP = script(`find "\${TMPDIR:-/tmp}" -maxdepth 1 -name 'ebpf-wb-upload.*' -user "$(id -u)" -mmin +${STALE_MINUTES} -exec rm -rf {} + 2>/dev/null; exit 0`);

export interface SessionOptions extends ConnectOptions {
  sudo: boolean;
}

export class RemoteSession {
  private report?: PreflightReport;

  constructor(readonly conn: RemoteConnection, readonly sudo: boolean, private readonly pool: SessionPool) {}

  get label(): string {
    return this.conn.label;
  }

  /** `argv` as root: through `sudo -n` when the session uses sudo. */
  root(argv: readonly string[]): string[] {
    return privileged(argv, this.sudo);
  }

  /** The box's preflight report, probed once per connection. */
  async preflight(): Promise<PreflightReport> {
    this.report ??= await preflight(this.conn, this.sudo);
    return this.report;
  }

  /** Fails with the preflight's problems when the box cannot take a deploy; returns bpftool's path. */
  async bpftool(): Promise<string> {
    const r = await this.preflight();
    if (r.problems.length > 0) {
      throw new RemoteError('preflight', `${this.label} is not ready: ${r.problems.map((p) => p.what).join('; ')}`, '',
        r.problems.map((p) => p.fix).join('; '));
    }
    return r.bpftool!;
  }

  /** Remembers an upload directory until it is removed (after a drop: on the next connection). */
  trackUpload(dir: string): void {
    this.pool.pending(this.conn.target).add(dir);
  }

  async removeUpload(dir: string): Promise<void> {
    if (!this.conn.alive) return;
    await this.conn.run(['rm', '-rf', '--', dir], 'cleanup');
    this.pool.pending(this.conn.target).delete(dir);
  }
}

/** Connections by `user@host:port`, reused while alive. */
export class SessionPool {
  private readonly sessions = new Map<string, RemoteSession>();
  private readonly leftovers = new Map<string, Set<string>>();

  private static key(t: HostTarget): string {
    return `${t.user}@${knownHostsName(t.host, t.port)}`;
  }

  pending(t: HostTarget): Set<string> {
    const key = SessionPool.key(t);
    let set = this.leftovers.get(key);
    if (!set) this.leftovers.set(key, (set = new Set()));
    return set;
  }

  /** Upload directories still to remove on `t` (left by a dropped connection). */
  pendingUploads(t: HostTarget): string[] {
    return [...this.pending(t)];
  }

  /** The live session for `target`, connecting (and cleaning up after a drop) when there is none. */
  async get(target: HostTarget, opts: SessionOptions): Promise<RemoteSession> {
    const key = SessionPool.key(target);
    const existing = this.sessions.get(key);
    if (existing?.conn.alive && existing.sudo === opts.sudo) return existing;
    const conn = await RemoteConnection.open(target, opts);
    const session = new RemoteSession(conn, opts.sudo, this);
    this.sessions.set(key, session);
    await this.cleanLeftovers(session);
    return session;
  }

  private async cleanLeftovers(session: RemoteSession): Promise<void> {
    for (const dir of this.pendingUploads(session.conn.target)) await session.removeUpload(dir);
    await session.conn.exec(SWEEP, 'cleanup');
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.conn.close();
    this.sessions.clear();
  }
}
