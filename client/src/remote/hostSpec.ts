// Which machine a HOST argument means: `user@host[:port]`, `[v6addr]:port`, or
// a `Host` alias from ~/.ssh/config (HostName, Port, User, IdentityFile,
// ProxyJump), with the explicit parts of the argument winning over the file,
// as with ssh(1). Pure: the config file's text comes in, a target comes out.

import { RemoteError } from './errors';

export interface HostTarget {
  /** The HOST argument as given (for messages). */
  spec: string;
  /** Name or address to connect to, and to look up in known_hosts. */
  host: string;
  port: number;
  user: string;
  /** Key files to offer, expanded to absolute paths, in order. */
  identityFiles: string[];
  /** ProxyJump from the config file; reported, not followed. */
  proxyJump?: string;
}

interface ConfigBlock {
  patterns: string[];
  options: [keyword: string, value: string][];
}

/** `Host` blocks of an ssh_config text (keywords lower-cased). `Match` blocks never match here. */
export function parseSshConfig(text: string): ConfigBlock[] {
  const blocks: ConfigBlock[] = [{ patterns: ['*'], options: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1].toLowerCase();
    const value = unquote(m[2].trim());
    if (keyword === 'host') blocks.push({ patterns: value.split(/\s+/), options: [] });
    else if (keyword === 'match') blocks.push({ patterns: [], options: [] });
    else blocks[blocks.length - 1].options.push([keyword, value]);
  }
  return blocks;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** ssh_config pattern matching: `*`, `?`, and `!negation` (a negated match excludes the block). */
export function hostMatches(patterns: readonly string[], alias: string): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const body = negated ? p.slice(1) : p;
    const re = new RegExp(`^${body.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    if (re.test(alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Options for `alias`: the first value of each keyword wins; IdentityFile accumulates. */
export function configFor(blocks: readonly ConfigBlock[], alias: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of blocks) {
    if (!hostMatches(block.patterns, alias)) continue;
    for (const [k, v] of block.options) {
      const seen = out.get(k);
      if (!seen) out.set(k, [v]);
      else if (k === 'identityfile') seen.push(v);
    }
  }
  return out;
}

/** user@host:port split; host may be a bracketed IPv6 address. */
export function splitSpec(spec: string): { user?: string; host: string; port?: number } {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  const rest = at >= 0 ? spec.slice(at + 1) : spec;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  if (!m || m[1] === '' || user === '') throw new RemoteError('config', `'${spec}' is not user@host[:port], [address]:port or a Host from ~/.ssh/config`);
  return { user, host: m[1], port: m[2] !== undefined ? portOf(m[2], spec) : undefined };
}

function portOf(text: string, where: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new RemoteError('config', `${where}: port ${text} is not between 1 and 65535`);
  return n;
}

export interface ResolveOptions {
  /** Text of ~/.ssh/config, when there is one. */
  configText?: string;
  home: string;
  localUser: string;
}

function expandTokens(path: string, t: { home: string; localUser: string; host: string; user: string }): string {
  const tokens: Record<string, string> = { '%': '%', d: t.home, u: t.localUser, h: t.host, r: t.user };
  const expanded = path.replace(/%([%duhr])/g, (_, c: string) => tokens[c]);
  return expanded === '~' ? t.home : expanded.startsWith('~/') ? `${t.home}/${expanded.slice(2)}` : expanded;
}

/** The machine, port, user and key files a HOST argument names. */
export function resolveHost(spec: string, opts: ResolveOptions): HostTarget {
  const parts = splitSpec(spec);
  const config = configFor(parseSshConfig(opts.configText ?? ''), parts.host);
  const first = (k: string): string | undefined => config.get(k)?.[0];
  const host = first('hostname')?.replace(/%h/g, parts.host) ?? parts.host;
  const user = parts.user ?? first('user') ?? opts.localUser;
  const port = parts.port ?? (first('port') !== undefined ? portOf(first('port')!, `${spec}: Port in ~/.ssh/config`) : 22);
  const identityFiles = (config.get('identityfile') ?? []).map((f) => expandTokens(f, { ...opts, host, user }));
  const proxyJump = first('proxyjump');
  return { spec, host, port, user, identityFiles, ...(proxyJump && proxyJump !== 'none' ? { proxyJump } : {}) };
}

/** How known_hosts names the target: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}
