// `ebpf-workbench remote HOST …`: the node side of the remote CLI. Parses
// with src-vm/cli/remoteArgs (pure), resolves HOST through ~/.ssh/config,
// connects (known_hosts checked; unknown keys refused unless
// --accept-new-host-key), runs the action and closes. Exit codes: 0 success,
// 1 the kernel rejected or a run differed, 2 bad usage, 3 a remote step failed.
// Password and passphrase come only from EBPF_WB_SSH_PASSWORD / _PASSPHRASE.

import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CliError, type CliIo } from '../../../src-vm/cli/io';
import { parseRemoteArgs, type RemoteRequest } from '../../../src-vm/cli/remoteArgs';
import { RemoteError } from './errors';
import { resolveHost } from './hostSpec';
import type { HostKeyQuestion } from './hostKeyVerifier';
import { SessionPool, type RemoteSession, type SessionOptions } from './session';
import { ACTIONS } from './remoteCliActions';

export const EXIT_REMOTE_FAILED = 3;

export interface RemoteCliEnv {
  home: string;
  localUser: string;
  env: Record<string, string | undefined>;
}

function defaultEnv(): RemoteCliEnv {
  return { home: homedir(), localUser: userInfo().username, env: process.env };
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function sessionOptions(io: CliIo, req: RemoteRequest, env: RemoteCliEnv): SessionOptions {
  const consent = (q: HostKeyQuestion): boolean => {
    if (!req.acceptNewHostKey) return false;
    io.err(`remote: recording the new host key of ${q.name}: ${q.keyType} ${q.fingerprint}`);
    return true;
  };
  const passphrase = env.env.EBPF_WB_SSH_PASSPHRASE;
  return {
    sudo: req.sudo, consent, home: env.home,
    knownHostsFile: req.knownHosts ?? join(env.home, '.ssh', 'known_hosts'),
    identityFile: req.identity,
    agentSocket: env.env.SSH_AUTH_SOCK || undefined,
    passphrase: passphrase === undefined ? undefined : () => passphrase,
    password: env.env.EBPF_WB_SSH_PASSWORD,
  };
}

async function connect(io: CliIo, req: RemoteRequest, env: RemoteCliEnv, pool: SessionPool): Promise<RemoteSession> {
  const target = resolveHost(req.host, { configText: readIfExists(join(env.home, '.ssh', 'config')), home: env.home, localUser: env.localUser });
  return pool.get(target, sessionOptions(io, req, env));
}

/** Runs `remote …` (argv after the word `remote`); resolves with the exit code. Never rejects. */
export async function runRemoteCli(io: CliIo, argv: string[], env: RemoteCliEnv = defaultEnv()): Promise<number> {
  const pool = new SessionPool();
  try {
    const req = parseRemoteArgs(argv);
    const session = await connect(io, req, env, pool);
    return await ACTIONS[req.action.kind](io, session, req.action as never);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`ebpf-workbench: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof RemoteError) {
      io.err(`ebpf-workbench: remote ${e.message}`);
      return EXIT_REMOTE_FAILED;
    }
    io.err(`ebpf-workbench: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT_REMOTE_FAILED;
  } finally {
    pool.closeAll();
  }
}
