// What some e2e scenarios need before code-server starts, and undo after it
// stopped: `debug` gets a .vscode/launch.json over the firewall, its capture and
// its map contents; `deploy` gets a real sshd on loopback (test/remote/sshd.ts:
// throw-away host and user keys) as the only test box — ebpf.remote.hosts in
// the workspace settings, its host key in the known_hosts of a scratch HOME
// given to code-server (so the real ~/.ssh is neither read nor written) — and
// afterwards its deployment is unloaded through the remote core and sshd stopped.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDeployments, unload } from '../../../client/src/remote/inventory';
import { SessionPool } from '../../../client/src/remote/session';
import { openSession } from '../../remote/session';
import { sshdUnavailable, startSshd } from '../../remote/sshd';
import { kernelUnavailable } from '../../support/kernel';

export interface Prepared {
  /** Added to code-server's environment (so to the extension host's). */
  env?: Record<string, string>;
  /** Runs after code-server stopped, whether the scenario passed or not. */
  dispose?: () => Promise<void>;
}

export interface PrepareContext {
  /** The scratch root of this scenario (removed afterwards). */
  root: string;
  /** The workspace folder code-server opens. */
  folder: string;
}

/** Must match DEBUG_LAUNCH_NAME in test/e2e/host/debugSession.ts. */
const DEBUG_LAUNCH_NAME = 'Debug xdp_firewall on firewall.pcap';
/** Must match DEPLOY_HOST in test/e2e/host/deploy.ts. */
const DEPLOY_HOST = 'loopback';
/** The deployment the deploy scenario makes (the firewall's object name). */
const DEPLOYMENT = 'xdp_firewall';

function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

/** The launch configuration a user writes for the firewall (the walkthrough's, without stopOnEntry). */
export async function debugLaunchJson({ folder }: PrepareContext): Promise<Prepared> {
  writeJson(join(folder, '.vscode', 'launch.json'), {
    version: '0.2.0',
    configurations: [{
      type: 'ebpf', request: 'launch', name: DEBUG_LAUNCH_NAME,
      program: '${workspaceFolder}/xdp_firewall.bpf.c', pcap: '${workspaceFolder}/packets/firewall.pcap', packetIndex: 0,
      ctx: '${workspaceFolder}/xdp_firewall.ctx.json',
    }],
  });
  return {};
}

/** Why the deploy scenario cannot run here, if it cannot. */
export function deployUnavailable(): string | undefined {
  return sshdUnavailable() ?? kernelUnavailable();
}

/** A loopback sshd as the test box `loopback`; undone by unloading the firewall and stopping sshd. */
export async function loopbackTestBox({ root, folder }: PrepareContext): Promise<Prepared> {
  const sshd = await startSshd();
  const pool = new SessionPool();
  const stop = async (): Promise<void> => { pool.closeAll(); sshd.kill(); };
  try {
    const session = await openSession(sshd, pool);
    if ((await listDeployments(session)).some((d) => d.name === DEPLOYMENT)) {
      throw new Error(`${DEPLOYMENT} is already deployed on this machine (/sys/fs/bpf/ebpf-workbench/${DEPLOYMENT}), not by this run: unload it first (ebpf-workbench remote ${sshd.spec} unload ${DEPLOYMENT})`);
    }
    const home = join(root, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'known_hosts'), readFileSync(sshd.knownHosts));
    writeJson(join(folder, '.vscode', 'settings.json'), {
      'ebpf.remote.hosts': [{ name: DEPLOY_HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKey }],
    });
    return {
      env: { HOME: home },
      dispose: async () => {
        try {
          const s = await openSession(sshd, pool);
          if ((await listDeployments(s)).some((d) => d.name === DEPLOYMENT)) await unload(s, DEPLOYMENT);
        } finally {
          await stop();
        }
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
