// What a connection needs from the person before it starts: which key files
// are encrypted (their passphrases must be asked for up front, since ssh2
// parses keys synchronously), and the names secrets are stored under in VS
// Code's SecretStorage. Secrets themselves never pass through here. Uses fs
// and ssh2 only; imports no vscode.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteHost } from './hostList';
import { ssh2 } from './sshLib';

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Whether the key in `file` is encrypted (needs a passphrase); false when unreadable or not a key. */
export function keyIsEncrypted(file: string): boolean {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return false;
  }
  const parsed = ssh2.utils.parseKey(data);
  return parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message);
}

/** Key files the connection to `host` will try, in the order auth.ts tries them. */
export function keyFilesOf(host: RemoteHost, home: string): string[] {
  const implicit = host.target.identityFiles.length > 0 ? host.target.identityFiles : DEFAULT_KEYS.map((k) => join(home, '.ssh', k));
  const all = host.identityFile !== undefined ? [host.identityFile, ...implicit.filter((f) => f !== host.identityFile)] : implicit;
  return all.filter((f) => existsSync(f));
}

/** SecretStorage key of a key file's passphrase. */
export const passphraseSecret = (file: string): string => `ebpf.remote.passphrase:${file}`;
/** SecretStorage key of a password, per user@host:port. */
export const passwordSecret = (host: RemoteHost): string => `ebpf.remote.password:${host.target.user}@${host.target.host}:${host.target.port}`;
