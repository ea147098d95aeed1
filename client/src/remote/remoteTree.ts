// The model behind the "eBPF Remote" view: hosts, then the deployments we
// loaded there (with their programs, marked where attached in this session,
// and their maps; a map opens its dump), or why the host could not be listed.
// Nodes carry what the commands need (host, deployment, program, map); items
// are plain data (label, description, context value, click command) that the
// VS Code layer turns into TreeItems. Pure.

import type { Deployment } from './inventory';
import type { RemoteHost } from './hostList';

export type RemoteNode =
  | { kind: 'host'; host: string }
  | { kind: 'deployment'; host: string; deployment: string }
  | { kind: 'program'; host: string; deployment: string; program: string }
  | { kind: 'map'; host: string; deployment: string; map: string }
  | { kind: 'note'; host: string; text: string };

export interface RemoteItem {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** `when` clause value for menus: ebpf.remote.host, …deployment, …program, …map. */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  icon: string;
  /** What a click runs, with the node as its argument. */
  command?: { id: string; title: string };
}

/** What is known about one host. */
type HostState =
  | { status: 'idle' }
  | { status: 'connected'; label: string; release: string; deployments: Deployment[] }
  | { status: 'failed'; error: string };

export const DUMP_MAP_COMMAND = 'ebpf.remote.dumpMap';

export class RemoteTreeModel {
  private hosts: RemoteHost[] = [];
  private readonly state = new Map<string, HostState>();
  /** `host\0deployment\0program` -> where it is attached (this session). */
  private readonly attached = new Map<string, string[]>();

  setHosts(hosts: readonly RemoteHost[]): void {
    this.hosts = [...hosts];
    for (const name of [...this.state.keys()]) if (!hosts.some((h) => h.name === name)) this.state.delete(name);
  }

  setInventory(host: string, label: string, release: string, deployments: Deployment[]): void {
    this.state.set(host, { status: 'connected', label, release, deployments });
  }

  setFailure(host: string, error: string): void {
    this.state.set(host, { status: 'failed', error });
  }

  setAttached(host: string, deployment: string, program: string, where: readonly string[]): void {
    const key = [host, deployment, program].join('\0');
    if (where.length === 0) this.attached.delete(key);
    else this.attached.set(key, [...where]);
  }

  roots(): RemoteNode[] {
    return this.hosts.map((h) => ({ kind: 'host', host: h.name }));
  }

  children(node: RemoteNode): RemoteNode[] {
    const s = this.state.get(node.host) ?? { status: 'idle' };
    if (node.kind === 'host') {
      if (s.status === 'idle') return [{ kind: 'note', host: node.host, text: 'not connected: expand again after "Check Host", or deploy to it' }];
      if (s.status === 'failed') return [{ kind: 'note', host: node.host, text: s.error.split('\n')[0] }];
      if (s.deployments.length === 0) return [{ kind: 'note', host: node.host, text: 'nothing loaded by eBPF Workbench' }];
      return s.deployments.map((d) => ({ kind: 'deployment', host: node.host, deployment: d.name }));
    }
    if (node.kind !== 'deployment' || s.status !== 'connected') return [];
    const d = s.deployments.find((x) => x.name === node.deployment);
    if (!d) return [];
    return [
      ...d.programs.map((program): RemoteNode => ({ kind: 'program', host: node.host, deployment: d.name, program })),
      ...d.maps.map((map): RemoteNode => ({ kind: 'map', host: node.host, deployment: d.name, map })),
    ];
  }

  item(node: RemoteNode): RemoteItem {
    const id = nodeId(node);
    switch (node.kind) {
      case 'host': return this.hostItem(node.host, id);
      case 'deployment':
        return { id, label: node.deployment, contextValue: 'ebpf.remote.deployment', collapsible: 'expanded', icon: 'package', tooltip: `/sys/fs/bpf/ebpf-workbench/${node.deployment}` };
      case 'program': {
        const where = this.attached.get([node.host, node.deployment, node.program].join('\0')) ?? [];
        return {
          id, label: node.program, contextValue: where.length > 0 ? 'ebpf.remote.program.attached' : 'ebpf.remote.program', collapsible: 'none',
          icon: where.length > 0 ? 'plug' : 'symbol-function', description: where.length > 0 ? `attached: ${where.join(', ')}` : 'program',
        };
      }
      case 'map':
        return { id, label: node.map, description: 'map', contextValue: 'ebpf.remote.map', collapsible: 'none', icon: 'symbol-array',
          command: { id: DUMP_MAP_COMMAND, title: 'Dump Map' }, tooltip: 'Click to dump its contents (bpftool map dump)' };
      case 'note':
        return { id, label: node.text, contextValue: 'ebpf.remote.note', collapsible: 'none', icon: 'info' };
    }
  }

  private hostItem(name: string, id: string): RemoteItem {
    const h = this.hosts.find((x) => x.name === name);
    const s = this.state.get(name) ?? { status: 'idle' };
    const where = h ? `${h.target.user}@${h.target.host}${h.target.port === 22 ? '' : `:${h.target.port}`}` : '';
    const description = s.status === 'connected' ? `${where} · Linux ${s.release}` : s.status === 'failed' ? `${where} · failed` : where;
    const tooltip = `${where}${h?.sudo ? ' (sudo)' : ''}, from ${h?.origin === 'ssh-config' ? '~/.ssh/config' : 'ebpf.remote.hosts'}`;
    return { id, label: name, description, tooltip, contextValue: 'ebpf.remote.host', collapsible: 'collapsed', icon: s.status === 'failed' ? 'error' : 'server' };
  }
}

/** A stable id for a node (names may hold any character but NUL). */
export function nodeId(node: RemoteNode): string {
  switch (node.kind) {
    case 'host': return `h\0${node.host}`;
    case 'deployment': return `d\0${node.host}\0${node.deployment}`;
    case 'program': return `p\0${node.host}\0${node.deployment}\0${node.program}`;
    case 'map': return `m\0${node.host}\0${node.deployment}\0${node.map}`;
    case 'note': return `n\0${node.host}\0${node.text}`;
  }
}
