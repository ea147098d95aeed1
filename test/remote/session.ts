// Test support for the remote tests: connection options against the loopback
// sshd (its key, its known_hosts, no agent, no default keys from the real
// home directory), and the deploy core's object building with the CLI's clang.

import { readFileSync } from 'node:fs';
import { resolveHost, type HostTarget } from '../../client/src/remote/hostSpec';
import { SessionPool, type RemoteSession, type SessionOptions } from '../../client/src/remote/session';
import { buildObject, type BuiltObject } from '../../client/src/remote/build';
import { compileCFile } from '../../src-vm/cli/clang';
import type { TestSshd } from './sshd';

export function targetOf(sshd: TestSshd): HostTarget {
  return resolveHost(sshd.spec, { home: sshd.dir, localUser: sshd.user });
}

export function optionsFor(sshd: TestSshd, overrides: Partial<SessionOptions> = {}): SessionOptions {
  return { sudo: false, knownHostsFile: sshd.knownHosts, consent: () => false, identityFile: sshd.userKey, home: sshd.dir, ...overrides };
}

export async function openSession(sshd: TestSshd, pool = new SessionPool(), overrides: Partial<SessionOptions> = {}): Promise<RemoteSession> {
  return pool.get(targetOf(sshd), optionsFor(sshd, overrides));
}

/** A C or assembly file built as `remote load` builds it. */
export function built(path: string): BuiltObject {
  return buildObject(path, new Uint8Array(readFileSync(path)), compileCFile);
}
