// The test boxes the editor offers: the `ebpf.remote.hosts` setting (name,
// host, port, user, identityFile, sudo, workDir — host may itself be a Host
// alias of ~/.ssh/config) followed by the concrete `Host` aliases of
// ~/.ssh/config. Each setting entry is checked field by field; a bad entry is
// reported with what to fix and left out, never guessed. Pure.

import { parseSshConfig, resolveHost, type HostTarget, type ResolveOptions } from './hostSpec';

export interface RemoteHost {
  /** Unique name shown in the tree and pickers. */
  name: string;
  target: HostTarget;
  sudo: boolean;
  /** Remote directory for uploads (a private directory is made inside it); default $TMPDIR or /tmp. */
  workDir?: string;
  /** Key file named in the setting (tried first, must be usable). */
  identityFile?: string;
  origin: 'settings' | 'ssh-config';
}

export interface HostList {
  hosts: RemoteHost[];
  /** One sentence per refused setting entry. */
  problems: string[];
}

type Fields = Record<string, unknown>;

function str(entry: Fields, key: string, where: string, problems: string[]): string | undefined {
  const v = entry[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  problems.push(`${where}: "${key}" must be a string, not ${JSON.stringify(v)}`);
  return undefined;
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}

/** The ssh-style spec of an entry: `user@host:port`, brackets around IPv6 addresses. */
function specOf(host: string, user?: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${user !== undefined ? `${user}@` : ''}${h}${port !== undefined ? `:${port}` : ''}`;
}

function portField(entry: Fields, where: string, problems: string[]): number | undefined | false {
  const v = entry.port;
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  problems.push(`${where}: "port" must be a whole number from 1 to 65535, not ${JSON.stringify(v)}`);
  return false;
}

function fromSetting(raw: unknown, index: number, opts: ResolveOptions, problems: string[]): RemoteHost | undefined {
  const where = `ebpf.remote.hosts[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${where}: each entry must be an object like {"name": "box", "host": "10.0.0.5", "user": "root"}`);
    return undefined;
  }
  const entry = raw as Fields;
  const before = problems.length;
  const host = str(entry, 'host', where, problems);
  const user = str(entry, 'user', where, problems);
  const identity = str(entry, 'identityFile', where, problems);
  const workDir = str(entry, 'workDir', where, problems);
  const name = str(entry, 'name', where, problems) ?? host;
  const port = portField(entry, where, problems);
  if (entry.sudo !== undefined && typeof entry.sudo !== 'boolean') problems.push(`${where}: "sudo" must be true or false`);
  if (!host) problems.push(`${where}: "host" is missing (a host name, an address, or a Host from ~/.ssh/config)`);
  if (workDir !== undefined && (!workDir.startsWith('/') || /[\n\0]/.test(workDir))) problems.push(`${where}: "workDir" must be an absolute path on the host`);
  if (problems.length > before || !host || port === false) return undefined;
  try {
    const target = resolveHost(specOf(host, user, port), opts);
    const identityFile = identity !== undefined ? expandHome(identity, opts.home) : undefined;
    return { name: name!, target, sudo: entry.sudo === true, workDir, identityFile, origin: 'settings' };
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
    return undefined;
  }
}

/** Concrete `Host` aliases of an ssh_config text (no wildcards, no negations). */
export function sshConfigAliases(configText: string): string[] {
  const out: string[] = [];
  for (const block of parseSshConfig(configText)) {
    for (const p of block.patterns) if (!/[*?!]/.test(p) && !out.includes(p)) out.push(p);
  }
  return out;
}

/** The hosts of the setting (in order), then those of ~/.ssh/config not already named. */
export function hostList(setting: unknown, opts: ResolveOptions): HostList {
  const problems: string[] = [];
  const hosts: RemoteHost[] = [];
  if (setting !== undefined && setting !== null && !Array.isArray(setting)) problems.push('ebpf.remote.hosts must be a list of host entries');
  const entries = Array.isArray(setting) ? setting : [];
  entries.forEach((raw, i) => {
    const h = fromSetting(raw, i, opts, problems);
    if (!h) return;
    if (hosts.some((x) => x.name === h.name)) problems.push(`ebpf.remote.hosts[${i}]: the name "${h.name}" is used twice; names must be unique`);
    else hosts.push(h);
  });
  for (const alias of sshConfigAliases(opts.configText ?? '')) {
    if (hosts.some((h) => h.name === alias)) continue;
    try {
      hosts.push({ name: alias, target: resolveHost(alias, opts), sudo: false, origin: 'ssh-config' });
    } catch { /* an alias ssh itself could not use as a HOST argument (e.g. containing '@'): not offered */ }
  }
  return { hosts, problems };
}
