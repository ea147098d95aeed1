// Which credentials a connection offers, in order: the key file named on the
// command line or in settings, the ssh-agent, the config file's (or ssh's
// default) key files, then a password when one was supplied. Keys are parsed
// here so a wrong passphrase or an unreadable file is a clear error before any
// network traffic. Secrets stay in memory and never appear in messages.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemoteError } from './errors';
import { ssh2, type ParsedKey } from './sshLib';

export interface AuthOptions {
  username: string;
  /** Key file given explicitly (--identity); must be usable. */
  identityFile?: string;
  /** Key files from ~/.ssh/config; used when readable. */
  configIdentityFiles: string[];
  home: string;
  /** ssh-agent socket (SSH_AUTH_SOCK), or undefined for none. */
  agentSocket?: string;
  /** Asked once per encrypted key file; undefined skips the key. */
  passphrase?: (file: string) => string | undefined;
  password?: string;
}

export type AuthMethod =
  | { type: 'publickey'; username: string; key: ParsedKey }
  | { type: 'agent'; username: string; agent: string }
  | { type: 'password'; username: string; password: string };

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The key in `file`, or why it cannot be used (never the key itself). */
function parseKeyFile(file: string, passphrase: AuthOptions['passphrase']): ParsedKey | string {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    return `cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  let parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    const phrase = passphrase?.(file);
    if (phrase === undefined) return `key file ${file} is encrypted and no passphrase was given`;
    parsed = ssh2.utils.parseKey(data, phrase);
    if (parsed instanceof Error) return `key file ${file}: wrong passphrase or unsupported key (${parsed.message})`;
  }
  if (parsed instanceof Error) return `key file ${file} is not a private key ssh2 can use: ${parsed.message}`;
  return parsed.isPrivateKey() ? parsed : `key file ${file} holds a public key, not a private one`;
}

/** The methods to try, and a description of them for the failure message. */
export function authMethods(opts: AuthOptions): { methods: AuthMethod[]; offered: string[] } {
  const methods: AuthMethod[] = [];
  const offered: string[] = [];
  const username = opts.username;
  if (opts.identityFile !== undefined) {
    const key = parseKeyFile(opts.identityFile, opts.passphrase);
    if (typeof key === 'string') throw new RemoteError('authenticate', key);
    methods.push({ type: 'publickey', username, key });
    offered.push(`key ${opts.identityFile}`);
  }
  if (opts.agentSocket && existsSync(opts.agentSocket)) {
    methods.push({ type: 'agent', username, agent: opts.agentSocket });
    offered.push('ssh-agent');
  }
  const implicit = opts.configIdentityFiles.length > 0 ? opts.configIdentityFiles : DEFAULT_KEYS.map((k) => join(opts.home, '.ssh', k));
  for (const file of implicit) {
    if (file === opts.identityFile || !existsSync(file)) continue;
    const key = parseKeyFile(file, opts.passphrase);
    if (typeof key === 'string') continue;
    methods.push({ type: 'publickey', username, key });
    offered.push(`key ${file}`);
  }
  if (opts.password !== undefined) {
    methods.push({ type: 'password', username, password: opts.password });
    offered.push('password');
  }
  return { methods, offered };
}
