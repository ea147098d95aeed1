// Tests the vscode-free models under the editor's remote commands: the host
// list from `ebpf.remote.hosts` objects and ~/.ssh/config (bad entries
// refused with what to fix), the "eBPF Remote" tree (hosts, deployments,
// programs marked attached, maps that dump on click), and the packet a
// "Run on Kernel" takes from the debug configuration.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostList, sshConfigAliases } from '../../client/src/remote/hostList';
import { DUMP_MAP_COMMAND, RemoteTreeModel, type RemoteNode } from '../../client/src/remote/remoteTree';
import { runInputFromLaunch, runInputFromText } from '../../client/src/remote/runInput';

const SSH_CONFIG = `
Host box
  HostName 10.0.0.7
  User tester
  Port 2222
  IdentityFile ~/.ssh/box_key
Host *.lab !bad.lab
  User labuser
Host vm1 vm2
  HostName %h.internal
`;
const OPTS = { configText: SSH_CONFIG, home: '/home/me', localUser: 'me' };

test('host list: settings entries first (resolved through ~/.ssh/config), then the concrete ssh config aliases', () => {
  const { hosts, problems } = hostList([
    { name: 'test box', host: '192.168.1.9', user: 'root', port: 2200, identityFile: '~/.ssh/tb', sudo: false, workDir: '/var/tmp' },
    { host: 'box', sudo: true },
    { name: 'v6', host: 'fe80::1', port: '22' },
  ], OPTS);
  assert.deepEqual(problems, []);
  assert.deepEqual(hosts.map((h) => [h.name, h.origin, h.target.user, h.target.host, h.target.port, h.sudo, h.workDir, h.identityFile]), [
    ['test box', 'settings', 'root', '192.168.1.9', 2200, false, '/var/tmp', '/home/me/.ssh/tb'],
    ['box', 'settings', 'tester', '10.0.0.7', 2222, true, undefined, undefined],
    ['v6', 'settings', 'me', 'fe80::1', 22, false, undefined, undefined],
    ['vm1', 'ssh-config', 'me', 'vm1.internal', 22, false, undefined, undefined],
    ['vm2', 'ssh-config', 'me', 'vm2.internal', 22, false, undefined, undefined],
  ]);
  assert.deepEqual(hosts[1].target.identityFiles, ['/home/me/.ssh/box_key'], 'the ssh config\'s key for the alias');
  assert.deepEqual(sshConfigAliases(SSH_CONFIG), ['box', 'vm1', 'vm2']);
});

test('host list: malformed entries are refused one by one with what to fix; the rest still load', () => {
  const { hosts, problems } = hostList([
    'root@box', { name: 'a' }, { host: 'h', port: 70000 }, { host: 'h2', sudo: 'yes' }, { host: 'h3', workDir: 'tmp' },
    { host: 'h4', user: 5 }, { name: 'dup', host: 'x' }, { name: 'dup', host: 'y' }, { host: 'ok.example', user: 'u' },
  ], { home: '/h', localUser: 'me' });
  assert.deepEqual(hosts.map((h) => h.name), ['dup', 'ok.example']);
  assert.deepEqual(problems, [
    'ebpf.remote.hosts[0]: each entry must be an object like {"name": "box", "host": "10.0.0.5", "user": "root"}',
    'ebpf.remote.hosts[1]: "host" is missing (a host name, an address, or a Host from ~/.ssh/config)',
    'ebpf.remote.hosts[2]: "port" must be a whole number from 1 to 65535, not 70000',
    'ebpf.remote.hosts[3]: "sudo" must be true or false',
    'ebpf.remote.hosts[4]: "workDir" must be an absolute path on the host',
    'ebpf.remote.hosts[5]: "user" must be a string, not 5',
    'ebpf.remote.hosts[7]: the name "dup" is used twice; names must be unique',
  ]);
  assert.deepEqual(hostList({ host: 'x' }, { home: '/h', localUser: 'me' }).problems, ['ebpf.remote.hosts must be a list of host entries']);
  assert.deepEqual(hostList(undefined, { home: '/h', localUser: 'me' }), { hosts: [], problems: [] });
});

test('remote tree: hosts, then deployments with programs (attached ones marked) and maps that dump on click', () => {
  const model = new RemoteTreeModel();
  const { hosts } = hostList([{ name: 'box', host: '10.0.0.1', user: 'root' }, { name: 'far', host: 'far.example', user: 'u', port: 2022, sudo: true }], { home: '/h', localUser: 'me' });
  model.setHosts(hosts);
  const [box, far] = model.roots();
  assert.deepEqual(model.item(box), { id: 'h\0box', label: 'box', description: 'root@10.0.0.1', tooltip: 'root@10.0.0.1, from ebpf.remote.hosts', contextValue: 'ebpf.remote.host', collapsible: 'collapsed', icon: 'server' });
  assert.match(model.item(model.children(far)[0]).label, /^not connected/);
  assert.equal(model.item(far).tooltip, 'u@far.example:2022 (sudo), from ebpf.remote.hosts');

  model.setInventory('box', 'root@10.0.0.1', '6.18.0', [{ name: 'xdp_count', programs: ['count_udp'], maps: ['counters', '.rodata'] }]);
  model.setFailure('far', 'connect failed: cannot connect to u@[far.example]:2022: ECONNREFUSED\n  is sshd running there?');
  assert.equal(model.item(box).description, 'root@10.0.0.1 · Linux 6.18.0');
  assert.deepEqual(model.children(far).map((n) => model.item(n).label), ['connect failed: cannot connect to u@[far.example]:2022: ECONNREFUSED']);
  assert.equal(model.item(far).icon, 'error');

  const [dep] = model.children(box);
  assert.deepEqual(dep, { kind: 'deployment', host: 'box', deployment: 'xdp_count' });
  const kids = model.children(dep);
  assert.deepEqual(kids.map((n) => [n.kind, model.item(n).label, model.item(n).contextValue]),
    [['program', 'count_udp', 'ebpf.remote.program'], ['map', 'counters', 'ebpf.remote.map'], ['map', '.rodata', 'ebpf.remote.map']]);
  assert.deepEqual(model.item(kids[1]).command, { id: DUMP_MAP_COMMAND, title: 'Dump Map' });
  assert.equal(model.item(kids[0]).command, undefined);

  model.setAttached('box', 'xdp_count', 'count_udp', ['xdp (generic) on veth0']);
  assert.deepEqual([model.item(kids[0]).contextValue, model.item(kids[0]).description], ['ebpf.remote.program.attached', 'attached: xdp (generic) on veth0']);
  model.setAttached('box', 'xdp_count', 'count_udp', []);
  assert.equal(model.item(kids[0]).contextValue, 'ebpf.remote.program');

  model.setInventory('box', 'root@10.0.0.1', '6.18.0', []);
  assert.deepEqual(model.children(box).map((n) => model.item(n).label), ['nothing loaded by eBPF Workbench']);
  model.setHosts(hosts.slice(1));
  assert.deepEqual(model.roots(), [{ kind: 'host', host: 'far' } satisfies RemoteNode]);
  const ids = new Set([box, dep, ...kids].map((n) => model.item(n).id));
  assert.equal(ids.size, 5, 'ids are unique');
});

test('run input: the mem of the ebpf launch configuration for the same file, else typed hex or 64 zero bytes', () => {
  const configs = [
    { type: 'node', program: '/w/x.c', mem: 'ff' },
    { type: 'ebpf', name: 'other', program: '/w/other.bpf.s', mem: 'ee' },
    { type: 'ebpf', name: 'pkt', program: '${workspaceFolder}/x.c', mem: '0x01, 0x02 # comment\n aa bb' },
  ];
  assert.deepEqual(runInputFromLaunch(configs, '/w/x.c', '/w'), { packet: Uint8Array.from([1, 2, 0xaa, 0xbb]), from: '"mem" of the launch configuration "pkt"' });
  assert.deepEqual(runInputFromLaunch([{ type: 'ebpf', name: 'f', program: '${file}', mem: '01 02' }], '/w/y.c'), { packet: Uint8Array.from([1, 2]), from: '"mem" of the launch configuration "f"' });
  assert.equal(runInputFromLaunch(configs, '/w/z.c', '/w'), undefined);
  assert.equal(runInputFromLaunch(undefined, '/w/z.c'), undefined);
  assert.match((runInputFromLaunch([{ type: 'ebpf', name: 'bad', program: '/w/x.c', mem: 'zz' }], '/w/x.c') as { error: string }).error, /^"mem" of "bad" is not hex bytes: /);
  assert.deepEqual(runInputFromText(''), { packet: new Uint8Array(64), from: '64 zero bytes' });
  assert.deepEqual(runInputFromText('de ad'), { packet: Uint8Array.from([0xde, 0xad]), from: 'the bytes given' });
  assert.ok('error' in runInputFromText('xyz'));
});
