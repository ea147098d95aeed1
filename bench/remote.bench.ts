// The remote test box over loopback SSH (a private sshd, as the tests start
// it): connection setup, the deploy round trip (SFTP upload into a private
// directory, bpftool loadall, the verifier log back and parsed) and the
// latency of one remote BPF_PROG_TEST_RUN, next to the kernel's own
// per-run duration. Prints why it skips when there is no sshd or no BPF.

import { join } from 'node:path';
import { deploy } from '../client/src/remote/deploy';
import { unload } from '../client/src/remote/inventory';
import { SessionPool } from '../client/src/remote/session';
import { testRun } from '../client/src/remote/testRun';
import { kernelUnavailable } from '../test/support/kernel';
import { sshdUnavailable, startSshd } from '../test/remote/sshd';
import { built, openSession } from '../test/remote/session';

/** The repository: one up from bench/ (tsx) and from out/ (the bundle). */
const REPO = join(__dirname, '..');

const DEPLOYS = 10;
const RUNS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const v = await f();
  return [v, Number(process.hrtime.bigint() - start) / 1e6];
}

export async function benchRemote(): Promise<string[]> {
  const why = kernelUnavailable() ?? sshdUnavailable();
  if (why) return [`remote: skipped (${why})`];
  const sshd = await startSshd();
  const pool = new SessionPool();
  try {
    const [session, connectMs] = await timed(() => openSession(sshd, pool));
    await session.preflight();
    const obj = built(join(REPO, 'test', 'remote', 'fixtures', 'xdp_count.c'));
    const name = `wbbench${process.pid}`;
    const deployMs: number[] = [];
    for (let i = 0; i < DEPLOYS; i++) {
      const [r, ms] = await timed(() => deploy(session, { bytes: obj.bytes, fileName: obj.fileName, name }));
      if (!r.loaded) throw new Error(`bench object rejected:\n${r.output}`);
      deployMs.push(ms);
      if (i < DEPLOYS - 1) await unload(session, name);
    }
    const packet = new Uint8Array(64);
    const runMs: number[] = [];
    const kernelNs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [r, ms] = await timed(() => testRun(session, name, 'count_udp', packet, 1));
      runMs.push(ms);
      kernelNs.push(r.durationNs);
    }
    await unload(session, name);
    return [
      `remote over loopback ssh (${session.label}, ${obj.bytes.length} byte object):`,
      `  connect + authenticate        ${connectMs.toFixed(1).padStart(7)} ms`,
      `  deploy round trip (median/${DEPLOYS}) ${median(deployMs).toFixed(1).padStart(7)} ms  (upload, bpftool loadall, log back and parsed; min ${Math.min(...deployMs).toFixed(1)} ms)`,
      `  remote test run (median/${RUNS})   ${median(runMs).toFixed(1).padStart(7)} ms  (kernel's own duration per run: median ${median(kernelNs)} ns)`,
    ];
  } finally {
    pool.closeAll();
    sshd.kill();
  }
}
