// What we have on a box: deployments under /sys/fs/bpf/ebpf-workbench with
// their pinned programs and maps (names read NUL-separated, so any file name
// survives), map contents, and unloading — detach everything the deployment's
// programs are attached to, remove its pins, leave nothing behind.

import { RemoteError } from './errors';
import { detach, describeAttachment } from './attach';
import { PIN_ROOT, deploymentDir, mapDir } from './deploy';
import type { RemoteSession } from './session';
import { checkRemoteFileName } from './upload';

export interface Deployment {
  name: string;
  programs: string[];
  maps: string[];
}

/** Entries of `find ROOT -print0` as deployments. Pure. */
export function deploymentsOf(paths: readonly string[]): Deployment[] {
  const byName = new Map<string, Deployment>();
  for (const path of paths) {
    if (!path.startsWith(`${PIN_ROOT}/`)) continue;
    const [name, kind, entry] = path.slice(PIN_ROOT.length + 1).split('/');
    let d = byName.get(name);
    if (!d) byName.set(name, (d = { name, programs: [], maps: [] }));
    if (entry === undefined) continue;
    if (kind === 'prog') d.programs.push(entry);
    else if (kind === 'map') d.maps.push(entry);
  }
  const sorted = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const d of sorted) { d.programs.sort(); d.maps.sort(); }
  return sorted;
}

export async function listDeployments(session: RemoteSession): Promise<Deployment[]> {
  const present = await session.conn.exec(session.root(['test', '-d', PIN_ROOT]), 'list');
  if (present.code !== 0) return [];
  const r = await session.conn.run(session.root(['find', PIN_ROOT, '-mindepth', '1', '-maxdepth', '3', '-print0']), 'list');
  return deploymentsOf(r.stdout.toString('utf8').split('\0').filter((p) => p !== ''));
}

/** `bpftool map dump` of one pinned map, as bpftool's JSON. */
export async function dumpMap(session: RemoteSession, name: string, map: string): Promise<unknown[]> {
  const bpftool = await session.bpftool();
  const pin = `${mapDir(name)}/${checkRemoteFileName(map, 'map name')}`;
  const r = await session.conn.run(session.root([bpftool, '-j', 'map', 'dump', 'pinned', pin]), 'list');
  try {
    return JSON.parse(r.stdout.toString('utf8')) as unknown[];
  } catch {
    throw new RemoteError('list', `bpftool map dump of ${name}/${map} printed something that is not JSON`, r.stderr);
  }
}

/** Detaches and unpins deployment `name`; returns what was detached, as text. */
export async function unload(session: RemoteSession, name: string): Promise<string[]> {
  const dir = deploymentDir(name);
  const present = await session.conn.exec(session.root(['test', '-d', dir]), 'unload');
  if (present.code !== 0) throw new RemoteError('unload', `nothing named ${JSON.stringify(name)} is loaded on ${session.label}`, '', 'see what is: remote HOST ls');
  const detached = await detach(session, name);
  await session.conn.run(session.root(['rm', '-rf', '--', dir]), 'unload');
  await session.conn.exec(session.root(['rmdir', '--', PIN_ROOT]), 'unload'); // only when now empty; failing otherwise is fine
  const left = await session.conn.exec(session.root(['test', '-e', dir]), 'unload');
  if (left.code === 0) throw new RemoteError('unload', `${dir} is still there after removing it`);
  return detached.map(describeAttachment);
}
