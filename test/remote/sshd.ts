// Test support: a real OpenSSH server on loopback for the remote tests —
// Debian's /usr/sbin/sshd with host and user keys generated in a scratch
// directory, an unprivileged port, its own sshd_config (root login by key when
// run as root, SFTP in-process) and a known_hosts file recording its key.
// `sshdUnavailable()` says why the tests must skip (no sshd, no ssh-keygen).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { processScratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';

export const SSHD = existsSync('/usr/sbin/sshd') ? '/usr/sbin/sshd' : findTool('sshd');
const SSH_KEYGEN = findTool('ssh-keygen');

export function sshdUnavailable(): string | undefined {
  if (!SSHD) return 'sshd is not installed (npm run setup installs openssh-server; or apt-get install openssh-server)';
  if (!SSH_KEYGEN) return 'ssh-keygen is not installed (apt-get install openssh-client)';
  return undefined;
}

export interface TestSshd {
  dir: string;
  port: number;
  user: string;
  /** `user@127.0.0.1:port`. */
  spec: string;
  userKey: string;
  /** A known_hosts file with the server's key. */
  knownHosts: string;
  hostKeyPub: string;
  /** The listening sshd process (the session processes it forks are its children). */
  process: ChildProcess;
  log: () => string;
  /** Kills the listener and every session process it forked (simulates the host going away). */
  kill(): void;
  /** Starts the server again on the same port with the same keys (after kill). */
  restart(): Promise<void>;
}

export function keygen(path: string, type = 'ed25519'): void {
  const r = runTool(SSH_KEYGEN!, ['-q', '-t', type, '-N', '', '-C', 'ebpf-wb-test', '-f', path]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function freePort(): number {
  return 20000 + ((process.pid * 7 + Date.now()) % 20000);
}

function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`sshd did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Direct children of `pid` (from /proc), to end sessions sshd forked. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch { /* gone */ }
  }
  return out;
}

function killTree(pid: number): void {
  for (const child of childrenOf(pid)) killTree(child);
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

export async function startSshd(): Promise<TestSshd> {
  const dir = processScratchDir('sshd');
  const user = userInfo().username;
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const userKey = join(dir, 'id_ed25519');
  keygen(hostKey);
  keygen(userKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 }); // privilege separation directory sshd insists on
  for (let attempt = 0; ; attempt++) {
    const port = freePort() + attempt;
    const config = join(dir, 'sshd_config');
    writeFileSync(config, [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PubkeyAuthentication yes',
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no',
      'Subsystem sftp internal-sftp', 'LogLevel VERBOSE', 'MaxSessions 50', 'MaxStartups 50', '',
    ].join('\n'));
    let log = '';
    const launch = (): ChildProcess => {
      const p = spawn(SSHD!, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', (d: Buffer) => { log += d.toString('utf8'); });
      return p;
    };
    let proc = launch();
    try {
      await waitForPort(port, 5000);
    } catch (e) {
      killTree(proc.pid!);
      if (attempt < 5 && /Address already in use/.test(log)) continue;
      throw new Error(`${(e as Error).message}\n${log}`);
    }
    const hostKeyPub = readFileSync(`${hostKey}.pub`, 'utf8').trim();
    const knownHosts = join(dir, 'known_hosts');
    const [type, blob] = hostKeyPub.split(' ');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${blob}\n`);
    process.once('exit', () => killTree(proc.pid!));
    const server: TestSshd = {
      dir, port, user, spec: `${user}@127.0.0.1:${port}`, userKey, knownHosts, hostKeyPub, process: proc,
      log: () => log,
      kill: () => killTree(proc.pid!),
      restart: async () => {
        proc = launch();
        server.process = proc;
        await waitForPort(port, 5000);
      },
    };
    return server;
  }
}
