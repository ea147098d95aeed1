// `remote HOST ACTION …`: the argument grammar of the remote test box CLI,
// parsed into a typed request. Pure (node:util's parseArgs only): the SSH side
// lives in client/src/remote/remoteCli.ts, which src-vm/cli.ts calls, because
// src-vm must not import ssh2. Errors are CliErrors with exit code 2.

import { parseArgs } from 'node:util';
import { parseHexBytes } from '../hexBytes';
import { CliError, EXIT } from './io';

export type XdpMode = 'native' | 'generic' | 'driver';

export type RemoteAction =
  | { kind: 'check' }
  | { kind: 'load'; file: string; program?: string; name?: string; json: boolean }
  | { kind: 'run'; file: string; program?: string; packet?: Uint8Array; repeat: number; json: boolean }
  | { kind: 'attach'; name: string; program?: string; point: RemoteAttachPoint }
  | { kind: 'detach'; name: string; program?: string }
  | { kind: 'unload'; name: string }
  | { kind: 'ls'; json: boolean }
  | { kind: 'dump'; name: string; map: string }
  | { kind: 'trace'; seconds?: number; lines?: number };

export type RemoteAttachPoint =
  | { kind: 'xdp'; iface: string; mode: XdpMode }
  | { kind: 'tc'; iface: string; direction: 'ingress' | 'egress' }
  | { kind: 'cgroup'; path: string; attachType: string };

export interface RemoteRequest {
  host: string;
  identity?: string;
  knownHosts?: string;
  sudo: boolean;
  acceptNewHostKey: boolean;
  action: RemoteAction;
}

export const REMOTE_USAGE = 'remote HOST check | load FILE [--program NAME] [--name NAME] [--json] | run FILE [--program NAME] [--packet HEX] [--repeat N] [--json]'
  + ' | attach NAME [--program P] (--xdp IFACE [--mode native|generic|driver] | --tc IFACE [--direction ingress|egress] | --cgroup PATH --attach-type T)'
  + ' | detach NAME [--program P] | unload NAME | ls [--json] | dump NAME MAP | trace [--seconds N] [--lines N]'
  + '   (HOST: user@host[:port] or a Host from ~/.ssh/config; --identity FILE --known-hosts FILE --sudo --accept-new-host-key)';

const OPTIONS = {
  identity: { type: 'string' }, 'known-hosts': { type: 'string' }, sudo: { type: 'boolean' }, 'accept-new-host-key': { type: 'boolean' },
  program: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' }, packet: { type: 'string' }, repeat: { type: 'string' },
  xdp: { type: 'string' }, mode: { type: 'string' }, tc: { type: 'string' }, direction: { type: 'string' }, cgroup: { type: 'string' },
  'attach-type': { type: 'string' }, seconds: { type: 'string' }, lines: { type: 'string' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(EXIT.USAGE, `remote: ${flag} must be a positive whole number, not '${v}'`);
  return n;
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (v === undefined) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new CliError(EXIT.USAGE, `remote: ${flag} must be ${allowed.join(', ')}, not '${v}'`);
}

function attachPoint(v: Values): RemoteAttachPoint {
  const given = [v.xdp, v.tc, v.cgroup].filter((x) => x !== undefined).length;
  if (given !== 1) throw new CliError(EXIT.USAGE, 'remote attach: give exactly one of --xdp IFACE, --tc IFACE, --cgroup PATH');
  if (v.xdp !== undefined) return { kind: 'xdp', iface: v.xdp, mode: oneOf(v.mode, ['native', 'generic', 'driver'] as const, 'native', '--mode') };
  if (v.tc !== undefined) return { kind: 'tc', iface: v.tc, direction: oneOf(v.direction, ['ingress', 'egress'] as const, 'ingress', '--direction') };
  if (!v['attach-type']) throw new CliError(EXIT.USAGE, 'remote attach --cgroup: give --attach-type (e.g. cgroup_inet_ingress)');
  return { kind: 'cgroup', path: v.cgroup!, attachType: v['attach-type'] };
}

function packetOf(v: string | undefined): Uint8Array | undefined {
  if (v === undefined) return undefined;
  const parsed = parseHexBytes(v);
  if ('error' in parsed) throw new CliError(EXIT.USAGE, `remote run --packet: ${parsed.error}`);
  return parsed.bytes;
}

function action(verb: string | undefined, args: string[], v: Values): RemoteAction {
  const need = (n: number, what: string): string[] => {
    if (args.length !== n) throw new CliError(EXIT.USAGE, `remote ${verb}: expected ${what}, got ${args.length} argument${args.length === 1 ? '' : 's'}`);
    return args;
  };
  switch (verb) {
    case 'check': need(0, 'no arguments'); return { kind: 'check' };
    case 'load': return { kind: 'load', file: need(1, 'FILE')[0], program: v.program, name: v.name, json: v.json === true };
    case 'run':
      return { kind: 'run', file: need(1, 'FILE')[0], program: v.program, packet: packetOf(v.packet), repeat: positiveInt(v.repeat, '--repeat') ?? 1, json: v.json === true };
    case 'attach': return { kind: 'attach', name: need(1, 'NAME')[0], program: v.program, point: attachPoint(v) };
    case 'detach': return { kind: 'detach', name: need(1, 'NAME')[0], program: v.program };
    case 'unload': return { kind: 'unload', name: need(1, 'NAME')[0] };
    case 'ls': need(0, 'no arguments'); return { kind: 'ls', json: v.json === true };
    case 'dump': { const [name, map] = need(2, 'NAME MAP'); return { kind: 'dump', name, map }; }
    case 'trace': need(0, 'no arguments'); return { kind: 'trace', seconds: positiveInt(v.seconds, '--seconds'), lines: positiveInt(v.lines, '--lines') };
    default: throw new CliError(EXIT.USAGE, `remote: unknown action '${verb ?? ''}' (usage: ${REMOTE_USAGE})`);
  }
}

/** `argv` after the word `remote`, as a request. */
export function parseRemoteArgs(argv: string[]): RemoteRequest {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new CliError(EXIT.USAGE, `remote: ${(e as Error).message.split('\n')[0]} (usage: ${REMOTE_USAGE})`);
  }
  const [host, verb, ...rest] = parsed.positionals;
  if (host === undefined) throw new CliError(EXIT.USAGE, `remote: give a HOST (usage: ${REMOTE_USAGE})`);
  const v = parsed.values;
  return {
    host, identity: v.identity, knownHosts: v['known-hosts'], sudo: v.sudo === true, acceptNewHostKey: v['accept-new-host-key'] === true,
    action: action(verb, rest, v),
  };
}
