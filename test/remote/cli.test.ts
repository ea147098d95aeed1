// `node out/cli.js remote …` as a script would drive it, against the loopback
// sshd and the real kernel: check, load --json in the verify --json shape next
// to ours (rejected: exit 1), run --json, ls --json, unload; unknown host keys
// refused without --accept-new-host-key; usage errors exit 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RemoteLoadJson, RemoteRunJson } from '../../src-vm/cli/remoteCompare';
import { builtBundle, REPO } from '../support/build';
import { kernelUnavailable } from '../support/kernel';
import { sshdUnavailable, startSshd, type TestSshd } from './sshd';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const skip = kernelUnavailable() ?? sshdUnavailable();
let sshd: TestSshd;

before(async () => { if (!skip) sshd = await startSshd(); });
after(() => { if (!skip) sshd.kill(); });

function cli(args: string[], knownHosts = sshd.knownHosts): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [builtBundle('cli'), 'remote', sshd.spec, '--identity', sshd.userKey, '--known-hosts', knownHosts, ...args],
    { encoding: 'utf8', cwd: REPO, env: { ...process.env, SSH_AUTH_SOCK: '', HOME: sshd.dir }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('remote CLI: check, load --json (rejected and accepted), run --json, ls --json, unload', { skip }, () => {
  const check = cli(['check']);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /bpftool: \/\S+bpftool/);
  assert.match(check.stdout, /\n  ready\n/);

  const bad = cli(['load', join(FIXTURES, 'xdp_past_end.c'), '--json']);
  assert.equal(bad.status, 1, bad.stderr);
  const badJson = JSON.parse(bad.stdout) as RemoteLoadJson;
  assert.equal(badJson.loaded, false);
  const [p] = badJson.programs;
  assert.deepEqual({ verdict: p.kernel?.verdict, insn: p.kernel?.error?.insn, line: p.kernel?.error?.line, file: p.kernel?.error?.file },
    { verdict: 'reject', insn: 6, line: 11, file: 'xdp_past_end.c' });
  assert.deepEqual({ verdict: p.ours?.verdict, line: p.ours?.error?.line }, { verdict: 'reject', line: 11 });
  assert.deepEqual(p.differences, []);

  const name = `wbcli${process.pid}`;
  const good = cli(['load', join(FIXTURES, 'xdp_count.c'), '--name', name, '--json']);
  assert.equal(good.status, 0, good.stderr);
  assert.equal((JSON.parse(good.stdout) as RemoteLoadJson).programs[0].kernel?.verdict, 'accept');
  const ls = JSON.parse(cli(['ls', '--json']).stdout) as { deployments: { name: string; programs: string[] }[] };
  assert.deepEqual(ls.deployments.find((d) => d.name === name)?.programs, ['count_udp']);
  const unload = cli(['unload', name]);
  assert.equal(unload.status, 0, unload.stderr);
  assert.equal((JSON.parse(cli(['ls', '--json']).stdout) as typeof ls).deployments.some((d) => d.name === name), false);

  const run = cli(['run', join(FIXTURES, 'xdp_count.c'), '--packet', '00'.repeat(60), '--repeat', '20', '--json']);
  const runJson = JSON.parse(run.stdout) as RemoteRunJson;
  assert.equal(runJson.kernel.retval, 2);
  assert.equal(runJson.repeat, 20);
  assert.equal(runJson.kernel.dataOut, '00'.repeat(60));
  assert.ok(runJson.ours, 'our interpreter ran the same program');
  assert.equal((JSON.parse(cli(['ls', '--json']).stdout) as typeof ls).deployments.some((d) => d.name.startsWith('xdp_count-run-')), false, 'run unloads what it loaded');
});

test('remote CLI: an unknown host key is refused unless --accept-new-host-key, which records it', { skip }, () => {
  const file = join(sshd.dir, 'known_hosts_cli');
  writeFileSync(file, '');
  const refused = cli(['check'], file);
  assert.equal(refused.status, 3);
  assert.match(refused.stderr, /host key failed: the authenticity of \[127\.0\.0\.1\]:\d+ can't be established.*SHA256:/);
  assert.match(refused.stderr, /--accept-new-host-key/);
  assert.equal(readFileSync(file, 'utf8'), '');
  const accepted = spawnSync(process.execPath, [builtBundle('cli'), 'remote', sshd.spec, '--identity', sshd.userKey, '--known-hosts', file, '--accept-new-host-key', 'check'],
    { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '', HOME: sshd.dir } });
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(accepted.stderr, /recording the new host key of \[127\.0\.0\.1\]:\d+: ssh-ed25519 SHA256:/);
  assert.equal(readFileSync(file, 'utf8').split(' ')[2].trim(), sshd.hostKeyPub.split(' ')[1]);
});

test('remote CLI: usage errors exit 2 before connecting', { skip: skip ?? false }, () => {
  const r = cli(['attach', 'x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /exactly one of --xdp/);
});
