// The host-key step of a connection: reads the known_hosts file, checks the
// key the server presented, asks for consent on an unknown key (and records
// it only then), refuses a changed or revoked key with the warning ssh prints.
// Also orders the host key algorithms so a server is first asked for a key
// type already recorded for it, as ssh does. Uses fs for the file only.

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { RemoteError } from './errors';
import { checkHostKey, fingerprint, keyTypeOf, knownHostsLine, parseKnownHosts, recordedKeyTypes } from './knownHosts';

/** What the user is asked about an unknown host key. */
export interface HostKeyQuestion {
  /** The known_hosts name: `host` or `[host]:port`. */
  name: string;
  keyType: string;
  fingerprint: string;
  /** Key types already recorded for this host (the server offered none of them). */
  otherTypes: string[];
}

/** true: trust and record; false: refuse. The CLI answers from --accept-new-host-key. */
export type HostKeyConsent = (q: HostKeyQuestion) => boolean | Promise<boolean>;

const ALGOS_OF_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

function readKnownHosts(file: string): string {
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  } catch (e) {
    throw new RemoteError('host key', `cannot read ${file}: ${(e as Error).message}`);
  }
}

type AlgorithmOps = Record<'remove' | 'prepend' | 'append', ServerHostKeyAlgorithm[]>;

/** ssh2 `algorithms.serverHostKey` operations (applied in key order) putting recorded key types first. */
export function hostKeyAlgorithms(file: string, name: string): AlgorithmOps | undefined {
  const algos = recordedKeyTypes(parseKnownHosts(readKnownHosts(file)), name).flatMap((t) => ALGOS_OF_TYPE[t] ?? []);
  return algos.length > 0 ? { remove: algos, prepend: algos, append: [] } : undefined;
}

/** Records `blob` for `name` (creating the file 0600 and its directory 0700 when absent). */
export function recordHostKey(file: string, name: string, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const text = readKnownHosts(file);
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(file, sep + knownHostsLine(name, blob), { mode: 0o600 });
}

function changedWarning(name: string, file: string, line: number, recorded: string, presented: string): RemoteError {
  return new RemoteError('host key',
    `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: it presented ${presented}, but ${file}:${line} records ${recorded}. ` +
    'Someone could be intercepting the connection (man-in-the-middle), or the host key was just replaced. Not connecting.',
    '', `If the change is expected, remove the old key with: ssh-keygen -f ${file} -R '${name}'`);
}

/**
 * Decides about `blob` for `name`; resolves true to proceed. A refusal resolves
 * false after storing the reason in `refusal` (ssh2 only reports "verification failed").
 */
export async function verifyHostKey(
  file: string, name: string, blob: Buffer, consent: HostKeyConsent, refusal: { error?: RemoteError },
): Promise<boolean> {
  const status = checkHostKey(parseKnownHosts(readKnownHosts(file)), name, blob);
  const presented = `${keyTypeOf(blob)} key ${fingerprint(blob)}`;
  switch (status.status) {
    case 'known':
      return true;
    case 'revoked':
      refusal.error = new RemoteError('host key', `${name} presented ${presented}, which ${file}:${status.line} marks @revoked. Not connecting.`);
      return false;
    case 'changed':
      refusal.error = changedWarning(name, file, status.line, status.recordedFingerprint, presented);
      return false;
    case 'unknown': {
      const question = { name, keyType: keyTypeOf(blob), fingerprint: fingerprint(blob), otherTypes: status.otherTypes };
      if (!(await consent(question))) {
        refusal.error = new RemoteError('host key', `the authenticity of ${name} can't be established: it presented ${presented}, not in ${file}.`,
          '', 'Check the fingerprint with the host\'s administrator (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then connect with --accept-new-host-key to record it.');
        return false;
      }
      recordHostKey(file, name, blob);
      return true;
    }
  }
}
