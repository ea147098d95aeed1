// Security of the remote test box against a real OpenSSH server on loopback:
// a changed host key is refused, an unknown one is trusted only on consent
// (and then recorded), a key the server does not accept fails clearly, and a
// server killed mid-upload leaves no temporary files once reached again.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RemoteConnection } from '../../client/src/remote/connection';
import { RemoteError } from '../../client/src/remote/errors';
import { fingerprint, knownHostsLine } from '../../client/src/remote/knownHosts';
import { SessionPool } from '../../client/src/remote/session';
import { uploadFile } from '../../client/src/remote/upload';
import type { HostKeyQuestion } from '../../client/src/remote/hostKeyVerifier';
import { findTool, runTool } from '../support/tools';
import { keygen, sshdUnavailable, startSshd, type TestSshd } from './sshd';
import { openSession, optionsFor, targetOf } from './session';

const skip = sshdUnavailable();
if (skip) console.log(`# remote security tests skipped: ${skip}`);
let sshd: TestSshd;

before(async () => { if (!skip) sshd = await startSshd(); });
after(() => { if (!skip) sshd.kill(); });

function rejectsWith(step: string, re: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof RemoteError, String(e));
    assert.equal(e.step, step, e.message);
    assert.match(e.message, re);
    return true;
  };
}

const hostKeyBlob = (): Buffer => Buffer.from(sshd.hostKeyPub.split(' ')[1], 'base64');

test('a changed host key is refused with a warning naming both fingerprints; known_hosts is left alone', { skip }, async () => {
  const other = join(sshd.dir, 'impostor');
  keygen(other);
  const file = join(sshd.dir, 'known_hosts_changed');
  const recorded = Buffer.from(readFileSync(`${other}.pub`, 'utf8').split(' ')[1], 'base64');
  writeFileSync(file, knownHostsLine(`[127.0.0.1]:${sshd.port}`, recorded));
  const before = readFileSync(file, 'utf8');
  let asked = false;
  await assert.rejects(RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { knownHostsFile: file, consent: () => (asked = true) })),
    rejectsWith('host key', new RegExp(`HAS CHANGED.*${fingerprint(hostKeyBlob()).replace(/[+/]/g, '\\$&')}.*records ${fingerprint(recorded).replace(/[+/]/g, '\\$&')}`, 's')));
  assert.equal(asked, false, 'a changed key is never offered for consent');
  assert.equal(readFileSync(file, 'utf8'), before);
});

test('an unknown host key is not trusted without consent; with consent it is recorded and then known', { skip }, async () => {
  const file = join(sshd.dir, 'known_hosts_empty');
  writeFileSync(file, '');
  const questions: HostKeyQuestion[] = [];
  await assert.rejects(RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { knownHostsFile: file, consent: (q) => { questions.push(q); return false; } })),
    rejectsWith('host key', /can't be established/));
  assert.equal(readFileSync(file, 'utf8'), '', 'nothing recorded without consent');
  const keygenFp = runTool(findTool('ssh-keygen')!, ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'ssh_host_ed25519_key.pub')]).stdout.split(' ')[1];
  assert.deepEqual(questions, [{ name: `[127.0.0.1]:${sshd.port}`, keyType: 'ssh-ed25519', fingerprint: keygenFp, otherTypes: [] }]);
  const conn = await RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { knownHostsFile: file, consent: () => true }));
  conn.close();
  assert.equal(readFileSync(file, 'utf8'), knownHostsLine(`[127.0.0.1]:${sshd.port}`, hostKeyBlob()));
  const again = await RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { knownHostsFile: file, consent: () => assert.fail('asked about a known key') }));
  again.close();
});

test('a key the server does not accept fails with a clear message and no secret in it', { skip }, async () => {
  const wrong = join(sshd.dir, 'not_authorized');
  keygen(wrong);
  await assert.rejects(RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { identityFile: wrong, password: 'hunter2-secret' })),
    (e: unknown) => {
      rejectsWith('authenticate', /refused every credential offered \(key .*not_authorized, password\)/)(e);
      assert.doesNotMatch((e as Error).message, /hunter2/);
      assert.doesNotMatch((e as Error).message, /PRIVATE KEY/);
      return true;
    });
  await assert.rejects(RemoteConnection.open(targetOf(sshd), optionsFor(sshd, { identityFile: join(sshd.dir, 'missing_key') })),
    rejectsWith('authenticate', /cannot read key file .*missing_key: ENOENT/));
});

function uploadDirs(): string[] {
  return readdirSync('/tmp').filter((n) => n.startsWith('ebpf-wb-upload.')).map((n) => join('/tmp', n));
}

test('the SSH server killed mid-upload: a clear error, and no temporary files once the host is reached again', { skip }, async () => {
  const pool = new SessionPool();
  const session = await openSession(sshd, pool);
  const before = new Set(uploadDirs());
  let killed = false;
  const big = new Uint8Array(16 << 20).fill(0x5a);
  await assert.rejects(uploadFile(session, big, 'big.o', {
    onProgress: (written) => {
      if (!killed && written >= 256 << 10) { killed = true; sshd.kill(); }
    },
  }), rejectsWith('upload', /dropped during the upload of big\.o; .* will be removed on the next connection/));
  assert.ok(killed);
  const left = uploadDirs().filter((d) => !before.has(d));
  assert.equal(left.length, 1, 'the dropped upload left its directory behind (until reconnection)');
  assert.deepEqual(pool.pendingUploads(targetOf(sshd)), left);
  assert.ok(readdirSync(left[0]).every((n) => n.startsWith('.partial-')), 'only the partial file, never the final name');
  await sshd.restart();
  const again = await openSession(sshd, pool);
  assert.notEqual(again, session, 'a new connection replaced the dropped one');
  assert.equal(existsSync(left[0]), false, 'the leftover directory was removed on reconnection');
  assert.deepEqual(pool.pendingUploads(targetOf(sshd)), []);
  const up = await uploadFile(again, Uint8Array.of(1, 2, 3), 'small.o');
  assert.deepEqual([...readFileSync(up.path)], [1, 2, 3]);
  assert.equal((readdirSync('/tmp', { withFileTypes: true }).find((d) => join('/tmp', d.name) === up.dir) !== undefined), true);
  await again.removeUpload(up.dir);
  assert.equal(existsSync(up.dir), false);
  pool.closeAll();
});

test('connections are reused per host while alive', { skip }, async () => {
  const pool = new SessionPool();
  const a = await openSession(sshd, pool);
  const b = await openSession(sshd, pool);
  assert.equal(a, b);
  a.conn.close();
  const c = await openSession(sshd, pool);
  assert.notEqual(c, a);
  pool.closeAll();
});
