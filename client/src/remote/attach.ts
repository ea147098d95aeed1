// Attaching loaded programs where they run: XDP on an interface (`bpftool net
// attach`), TC ingress/egress (`tc filter … bpf da object-pinned`, on a clsact
// qdisc), cgroup hooks (`bpftool cgroup attach`). Detaching needs no memory of
// what was attached: the program ids of a deployment are looked up in
// `bpftool net show`, `tc filter show` and `bpftool cgroup tree`, so a detach
// or unload after a restart still finds everything.

import { RemoteError } from './errors';
import { progDir } from './deploy';
import type { RemoteSession } from './session';
import { checkRemoteFileName } from './upload';

export type AttachPoint =
  | { kind: 'xdp'; iface: string; mode: 'native' | 'generic' | 'driver' }
  | { kind: 'tc'; iface: string; direction: 'ingress' | 'egress' }
  | { kind: 'cgroup'; path: string; attachType: string };

/** An attachment found on the box, with what it takes to remove it. */
export type Attachment =
  | { kind: 'xdp'; iface: string; mode: string; progId: number }
  | { kind: 'tc'; iface: string; direction: 'ingress' | 'egress'; pref: number; handle: string; progId: number }
  | { kind: 'cgroup'; path: string; attachType: string; progId: number };

const XDP_MODE: Record<string, string> = { native: 'xdp', driver: 'xdpdrv', generic: 'xdpgeneric', offload: 'xdpoffload' };

async function json<T>(session: RemoteSession, argv: string[], step: 'attach' | 'detach'): Promise<T> {
  const r = await session.conn.run(session.root(argv), step);
  try {
    return JSON.parse(r.stdout.toString('utf8')) as T;
  } catch {
    throw new RemoteError(step, `'${argv.join(' ')}' printed something that is not JSON`, r.stderr);
  }
}

export async function attach(session: RemoteSession, name: string, program: string, at: AttachPoint): Promise<void> {
  const bpftool = await session.bpftool();
  const pin = `${progDir(name)}/${checkRemoteFileName(program, 'program name')}`;
  if (at.kind === 'xdp') {
    await session.conn.run(session.root([bpftool, 'net', 'attach', XDP_MODE[at.mode], 'pinned', pin, 'dev', at.iface]), 'attach');
  } else if (at.kind === 'tc') {
    const qdisc = await session.conn.exec(session.root(['tc', 'qdisc', 'add', 'dev', at.iface, 'clsact']), 'attach');
    if (qdisc.code !== 0 && !/exists|Exclusivity/i.test(qdisc.stderr)) throw new RemoteError('attach', `cannot add a clsact qdisc to ${at.iface}`, qdisc.stderr);
    await session.conn.run(session.root(['tc', 'filter', 'add', 'dev', at.iface, at.direction, 'bpf', 'direct-action', 'object-pinned', pin]), 'attach');
  } else {
    await session.conn.run(session.root([bpftool, 'cgroup', 'attach', at.path, at.attachType, 'pinned', pin]), 'attach');
  }
}

/** Ids of the programs pinned for deployment `name`. */
export async function programIds(session: RemoteSession, name: string): Promise<Map<number, string>> {
  const bpftool = await session.bpftool();
  const r = await session.conn.exec(session.root([bpftool, '-j', '-f', 'prog', 'show']), 'detach');
  const dir = `${progDir(name)}/`;
  const ids = new Map<number, string>();
  let all: { id: number; name?: string; pinned?: string[] }[] = [];
  try {
    all = JSON.parse(r.stdout.toString('utf8')) as typeof all;
  } catch {
    throw new RemoteError('detach', 'bpftool prog show printed something that is not JSON', r.stderr);
  }
  for (const p of all) {
    const pinned = (p.pinned ?? []).find((path) => path.startsWith(dir));
    if (pinned) ids.set(p.id, pinned.slice(dir.length));
  }
  return ids;
}

interface NetShow { xdp?: { devname: string; mode: string; id: number }[]; tc?: { devname: string; kind: string; id: number }[] }
interface TcFilter { pref?: number; options?: { handle?: string; prog?: { id?: number } } }
interface CgroupTree { cgroup: string; programs: { id: number; attach_type: string }[] }

/** Where the programs `ids` are attached on the box. */
export async function attachments(session: RemoteSession, ids: ReadonlySet<number>): Promise<Attachment[]> {
  const bpftool = await session.bpftool();
  const out: Attachment[] = [];
  const [net] = await json<NetShow[]>(session, [bpftool, '-j', 'net', 'show'], 'detach');
  for (const x of net?.xdp ?? []) if (ids.has(x.id)) out.push({ kind: 'xdp', iface: x.devname, mode: x.mode, progId: x.id });
  const tcDevs = new Set((net?.tc ?? []).filter((t) => ids.has(t.id)).map((t) => `${t.devname}\n${t.kind}`));
  for (const key of tcDevs) {
    const [iface, kind] = key.split('\n');
    const direction = kind.endsWith('egress') ? 'egress' : 'ingress';
    for (const f of await json<TcFilter[]>(session, ['tc', '-j', 'filter', 'show', 'dev', iface, direction], 'detach')) {
      const id = f.options?.prog?.id;
      if (id !== undefined && ids.has(id) && f.pref !== undefined && f.options?.handle) {
        out.push({ kind: 'tc', iface, direction, pref: f.pref, handle: f.options.handle, progId: id });
      }
    }
  }
  const cg = await session.conn.exec(session.root([bpftool, '-j', 'cgroup', 'tree']), 'detach');
  let tree: CgroupTree[] = [];
  try { tree = JSON.parse(cg.stdout.toString('utf8') || '[]') as CgroupTree[]; } catch { /* no cgroup v2 on the box: nothing attached there */ }
  for (const c of tree) for (const p of c.programs) if (ids.has(p.id)) out.push({ kind: 'cgroup', path: c.cgroup, attachType: p.attach_type, progId: p.id });
  return out;
}

const XDP_DETACH: Record<string, string> = { driver: 'xdpdrv', generic: 'xdpgeneric', offload: 'xdpoffload' };

export async function detachOne(session: RemoteSession, a: Attachment): Promise<void> {
  const bpftool = await session.bpftool();
  if (a.kind === 'xdp') {
    await session.conn.run(session.root([bpftool, 'net', 'detach', XDP_DETACH[a.mode] ?? 'xdp', 'dev', a.iface]), 'detach');
  } else if (a.kind === 'tc') {
    await session.conn.run(session.root(['tc', 'filter', 'del', 'dev', a.iface, a.direction, 'pref', String(a.pref), 'handle', a.handle, 'bpf']), 'detach');
  } else {
    await session.conn.run(session.root([bpftool, 'cgroup', 'detach', a.path, a.attachType, 'id', String(a.progId)]), 'detach');
  }
}

/** Detaches every attachment of deployment `name` (of one program, when given); returns what was removed. */
export async function detach(session: RemoteSession, name: string, program?: string): Promise<Attachment[]> {
  const ids = await programIds(session, name);
  const wanted = new Set([...ids].filter(([, prog]) => program === undefined || prog === program).map(([id]) => id));
  const found = wanted.size > 0 ? await attachments(session, wanted) : [];
  for (const a of found) await detachOne(session, a);
  return found;
}

export function describeAttachment(a: Attachment): string {
  if (a.kind === 'xdp') return `xdp (${a.mode}) on ${a.iface}`;
  if (a.kind === 'tc') return `tc ${a.direction} on ${a.iface}`;
  return `cgroup ${a.path} (${a.attachType})`;
}
