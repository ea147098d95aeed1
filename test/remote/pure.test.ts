// Tests the pure parts of the remote test box: POSIX quoting (checked by a
// real /bin/sh), HOST arguments and ~/.ssh/config, known_hosts matching
// (hashed entries made by ssh-keygen -H, fingerprints as ssh-keygen -l prints
// them), the preflight report, deployment listings, test-run JSON, the CLI's
// argument grammar and the kernel-vs-ours comparison.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandLine, privileged, shellQuote } from '../../client/src/remote/shellQuote';
import { configFor, knownHostsName, parseSshConfig, resolveHost, splitSpec } from '../../client/src/remote/hostSpec';
import { checkHostKey, fingerprint, keyTypeOf, knownHostsLine, parseKnownHosts } from '../../client/src/remote/knownHosts';
import { parsePreflight } from '../../client/src/remote/preflight';
import { deploymentsOf } from '../../client/src/remote/inventory';
import { parseRunJson } from '../../client/src/remote/testRun';
import { checkDeploymentName } from '../../client/src/remote/deploy';
import { parseRemoteArgs } from '../../src-vm/cli/remoteArgs';
import { pairPrograms, runDifferences, verdictDifferences } from '../../src-vm/cli/remoteCompare';
import type { VerifyJsonProgram } from '../../src-vm/cli/verifyCommand';
import { parseKernelLoadLog } from '../../src-vm/kernelLog';
import { CliError } from '../../src-vm/cli/io';
import { scratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { keygen } from './sshd';

const HOSTILE = [
  'plain', 'with space', "it's", '"double"', 'semi;colon', '$(touch canary)', '`touch canary`', 'new\nline', 'tab\there', '',
  "'", "''", '\\', '$HOME', '*', '-n', 'a&b|c>d<e', '!bang', '~tilde', '#hash', '\u00e9t\u00e9', '${IFS}x',
];

test('shell quoting: a real sh receives every argument unchanged and runs nothing', () => {
  const { dir, cleanup } = scratchDir();
  try {
    const line = commandLine(['printf', '%s\\0', ...HOSTILE]);
    const r = runTool('/bin/sh', ['-c', line]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
    const again = runTool('/bin/sh', ['-c', `cd ${shellQuote(dir)} && ${commandLine(['true', ...HOSTILE])}`]);
    assert.equal(again.status, 0);
    assert.throws(() => readFileSync(join(dir, 'canary')), /ENOENT/);
  } finally {
    cleanup();
  }
});

test('shell quoting: plain words stay bare, NUL is refused, sudo never prompts', () => {
  assert.equal(shellQuote('/sys/fs/bpf/x-1'), '/sys/fs/bpf/x-1');
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
  assert.equal(shellQuote(''), `''`);
  assert.throws(() => shellQuote('a\0b'), /NUL/);
  assert.deepEqual(privileged(['bpftool', 'x'], true), ['sudo', '-n', '--', 'bpftool', 'x']);
  assert.deepEqual(privileged(['bpftool'], false), ['bpftool']);
});

const CONFIG = `
# test config
Host box
  HostName 10.0.0.5
  Port 2222
  User tester
  IdentityFile ~/.ssh/box_key
  IdentityFile %d/.ssh/second_%r

Host *.lab !secret.lab
  User labuser
  ProxyJump jump.lab

Host *
  User fallback
  IdentityFile ~/.ssh/id_default
`;

test('HOST arguments and ~/.ssh/config: explicit parts win, first value wins, IdentityFile accumulates', () => {
  const opts = { configText: CONFIG, home: '/home/me', localUser: 'me' };
  assert.deepEqual(resolveHost('box', opts), {
    spec: 'box', host: '10.0.0.5', port: 2222, user: 'tester',
    identityFiles: ['/home/me/.ssh/box_key', '/home/me/.ssh/second_tester', '/home/me/.ssh/id_default'],
  });
  assert.equal(resolveHost('root@box:22', opts).user, 'root');
  assert.equal(resolveHost('root@box:22', opts).port, 22);
  assert.equal(resolveHost('a.lab', opts).proxyJump, 'jump.lab');
  assert.equal(resolveHost('secret.lab', opts).user, 'fallback');
  assert.equal(resolveHost('other', { home: '/h', localUser: 'me' }).user, 'me');
  assert.deepEqual(splitSpec('u@[::1]:2200'), { user: 'u', host: '::1', port: 2200 });
  assert.deepEqual(splitSpec('host'), { user: undefined, host: 'host', port: undefined });
  for (const bad of ['', '@host', 'h:0', 'h:70000', 'h:x']) assert.throws(() => splitSpec(bad), /config failed/);
  assert.deepEqual(configFor(parseSshConfig('Host a\n  Port=3\n'), 'a').get('port'), ['3']);
  assert.equal(knownHostsName('h', 22), 'h');
  assert.equal(knownHostsName('h', 2222), '[h]:2222');
});

test('known_hosts: known, unknown, changed, revoked; hashed names as ssh-keygen -H writes them; fingerprints as ssh-keygen -l', { skip: findTool('ssh-keygen') ? false : 'ssh-keygen is not installed' }, () => {
  const { dir, cleanup } = scratchDir();
  try {
    keygen(join(dir, 'a'));
    keygen(join(dir, 'b'));
    keygen(join(dir, 'r'), 'rsa');
    const blob = (n: string): Buffer => Buffer.from(readFileSync(join(dir, `${n}.pub`), 'utf8').split(' ')[1], 'base64');
    const [a, b, r] = [blob('a'), blob('b'), blob('r')];
    assert.equal(keyTypeOf(a), 'ssh-ed25519');
    const printed = runTool(findTool('ssh-keygen')!, ['-l', '-E', 'sha256', '-f', join(dir, 'a.pub')]).stdout.split(' ')[1];
    assert.equal(fingerprint(a), printed);
    const file = join(dir, 'known_hosts');
    writeFileSync(file, knownHostsLine('[127.0.0.1]:2222', a) + knownHostsLine('plain.example', r) + '# comment\n\n');
    assert.equal(runTool(findTool('ssh-keygen')!, ['-H', '-f', file]).status, 0);
    const hashed = parseKnownHosts(readFileSync(file, 'utf8'));
    assert.ok(hashed.every((e) => e.hostField.startsWith('|1|')), 'ssh-keygen -H hashed every name');
    assert.equal(checkHostKey(hashed, '[127.0.0.1]:2222', a).status, 'known');
    assert.equal(checkHostKey(hashed, '127.0.0.1', a).status, 'unknown', 'the port is part of the name');
    const changed = checkHostKey(hashed, '[127.0.0.1]:2222', b);
    assert.deepEqual(changed, { status: 'changed', line: 1, recordedFingerprint: fingerprint(a) });
    assert.deepEqual(checkHostKey(hashed, 'plain.example', a), { status: 'unknown', otherTypes: ['ssh-rsa'] }, 'another key type is not a change');
    assert.equal(parseKnownHosts('garbage\nhost ssh-ed25519\n').length, 0, 'malformed lines are skipped');
    const revoked = parseKnownHosts(`@revoked * ${keyTypeOf(b)} ${b.toString('base64')}\n` + knownHostsLine('h', b));
    assert.equal(checkHostKey(revoked, 'h', b).status, 'revoked');
    const patterns = parseKnownHosts(`*.lab,!bad.lab ${keyTypeOf(a)} ${a.toString('base64')}\n`);
    assert.equal(checkHostKey(patterns, 'x.lab', a).status, 'known');
    assert.equal(checkHostKey(patterns, 'bad.lab', a).status, 'unknown');
  } finally {
    cleanup();
  }
});

test('preflight: every missing piece says how to fix it', () => {
  const ready = parsePreflight('release=6.18.0\narch=x86_64\nuid=0\nsudo=no\nbpftool=/usr/sbin/bpftool\nbpftool_version=bpftool v7.1.0\nbpffs=yes\nbtf=yes\ntracefs=/sys/kernel/tracing\n', false);
  assert.deepEqual(ready.problems, []);
  assert.equal(ready.bpftool, '/usr/sbin/bpftool');
  const bare = parsePreflight('release=5.4\narch=aarch64\nuid=1000\nsudo=no\nbpffs=no\nbtf=no\n', true);
  assert.deepEqual(bare.problems.map((p) => p.what), ['bpftool is not installed', 'the BPF file system is not mounted at /sys/fs/bpf', 'sudo asks for a password']);
  assert.match(bare.problems[0].fix, /apt-get install bpftool/);
  assert.match(bare.problems[1].fix, /mount -t bpf bpf \/sys\/fs\/bpf/);
  assert.equal(bare.warnings.length, 2);
  assert.match(parsePreflight('uid=1000\nbpftool=/b\nbpffs=yes\n', false).problems[0].fix, /--sudo/);
});

test('deployments from find -print0 paths, names with any character; deployment names bpffs accepts', () => {
  const root = '/sys/fs/bpf/ebpf-workbench';
  const odd = "a b;$(x)\n'q'";
  assert.deepEqual(deploymentsOf([`${root}/${odd}`, `${root}/${odd}/prog`, `${root}/${odd}/prog/p2`, `${root}/${odd}/prog/p1`, `${root}/${odd}/map`, `${root}/${odd}/map/m`, '/elsewhere/x']),
    [{ name: odd, programs: ['p1', 'p2'], maps: ['m'] }]);
  assert.equal(checkDeploymentName(odd), odd);
  for (const bad of ['', '.', '..', 'a/b', 'a.b', 'nul\0']) assert.throws(() => checkDeploymentName(bad), /config failed/);
});

test('test-run JSON as bpftool prints it', () => {
  assert.deepEqual(parseRunJson('{"data_out":[1,2,255],"retval":2,"duration":37}', 3), { retval: 2, durationNs: 37, dataOut: Uint8Array.from([1, 2, 255]), repeat: 3 });
  assert.equal(parseRunJson('{"retval":4294967295,"duration":1}', 1)?.retval, 4294967295);
  for (const bad of ['', 'Error: x', '{"retval":"2","duration":1}', 'null', '[]']) assert.equal(parseRunJson(bad, 1), undefined, bad);
});

test('remote CLI arguments', () => {
  const r = parseRemoteArgs(['root@box:2222', 'run', 'p.c', '--packet', 'aa bb', '--repeat', '5', '--sudo', '--identity', 'k', '--accept-new-host-key']);
  assert.deepEqual(r, {
    host: 'root@box:2222', identity: 'k', knownHosts: undefined, sudo: true, acceptNewHostKey: true,
    action: { kind: 'run', file: 'p.c', program: undefined, packet: Uint8Array.from([0xaa, 0xbb]), repeat: 5, json: false },
  });
  assert.deepEqual(parseRemoteArgs(['h', 'attach', 'n', '--xdp', 'veth0', '--mode', 'generic']).action,
    { kind: 'attach', name: 'n', program: undefined, point: { kind: 'xdp', iface: 'veth0', mode: 'generic' } });
  assert.deepEqual(parseRemoteArgs(['h', 'ls', '--json']).action, { kind: 'ls', json: true });
  const usage = (argv: string[], re: RegExp): void => assert.throws(() => parseRemoteArgs(argv), (e: unknown) => e instanceof CliError && e.exitCode === 2 && re.test(e.message));
  usage([], /give a HOST/);
  usage(['h', 'fly'], /unknown action 'fly'/);
  usage(['h', 'load'], /expected FILE/);
  usage(['h', 'run', 'f', '--repeat', '0'], /--repeat must be a positive/);
  usage(['h', 'run', 'f', '--packet', 'zz'], /--packet/);
  usage(['h', 'attach', 'n'], /exactly one of/);
  usage(['h', 'attach', 'n', '--xdp', 'a', '--mode', 'fast'], /--mode must be/);
  usage(['h', 'check', '--bogus'], /bogus/);
});

const OURS_REJECT: VerifyJsonProgram = {
  name: 'read_past_end', section: 'xdp', type: 'xdp', verdict: 'reject',
  error: { insn: 6, message: 'invalid access to packet, off=8 size=1, R1(id=0,off=8,r=4)', detail: [], file: '/src/xdp_past_end.c', line: 11, column: 9 },
  processedInsns: 7, totalStates: 0, peakStates: 0, timeUs: 1,
};

test('the kernel verdict next to ours: agreement, and each disagreement in words', () => {
  const kernelLog = parseKernelLoadLog(readFileSync(join(import.meta.dirname, 'fixtures', 'bpftool-loadall-bad.log'), 'utf8'));
  const [pair] = pairPrograms(kernelLog.programs, [OURS_REJECT]);
  assert.deepEqual(pair.differences, []);
  assert.equal(pair.kernel?.section, 'xdp');
  assert.deepEqual(pair.kernel?.error, { insn: 6, message: OURS_REJECT.error!.message, detail: ['R1 offset is outside of the packet'], file: 'xdp_past_end.c', line: 11 });
  const accepting: VerifyJsonProgram = { ...OURS_REJECT, verdict: 'accept', error: null };
  assert.match(verdictDifferences(pair.kernel!, accepting)[0], /the kernel rejects read_past_end but our verifier accepts it: invalid access/);
  const elsewhere = { ...OURS_REJECT, error: { ...OURS_REJECT.error!, insn: 4 } };
  assert.deepEqual(verdictDifferences(pair.kernel!, elsewhere), ['both reject read_past_end, the kernel at insn 6, ours at insn 4']);
  const unmodelled = pairPrograms(kernelLog.programs, []);
  assert.equal(unmodelled[0].ours, null);
  assert.deepEqual(runDifferences({ retval: 2, dataOut: 'aa', durationNs: 1 }, { r0: '0x1', retval: 1, dataOut: 'aa', steps: 3, fault: null }), ['return value: kernel 2, ours 1']);
  assert.deepEqual(runDifferences({ retval: 2, dataOut: 'aa', durationNs: 1 }, { r0: '0x2', retval: 2, dataOut: 'aa', steps: 3, fault: null }), []);
});
