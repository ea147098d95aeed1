// "Run on the kernel" as one step for the CLI and the editor: load the
// object under a throw-away name, BPF_PROG_TEST_RUN the program once for its
// results (and `repeat` times for timing: the kernel reruns on the same
// buffer), run our interpreter on the same input with the same context, list
// every difference, and unload again whatever happens.

import { randomBytes } from 'node:crypto';
import { hex, runDifferences, type RemoteRunJson } from '../../../src-vm/cli/remoteCompare';
import type { BuiltObject } from './build';
import { deploy, type DeployResult } from './deploy';
import { unload } from './inventory';
import { runLocally } from './localRun';
import type { RemoteSession } from './session';
import { testRun } from './testRun';
import type { UploadOptions } from './upload';

export type RunComparison =
  | { loaded: true; report: RemoteRunJson }
  /** The kernel refused the object: its verdict, for the caller to show. */
  | { loaded: false; deploy: DeployResult };

export async function compareRun(
  session: RemoteSession, obj: BuiltObject, program: string, packet: Uint8Array, repeat: number, opts: UploadOptions = {},
): Promise<RunComparison> {
  const name = `${obj.objectName.replace(/\./g, '_')}-run-${randomBytes(4).toString('hex')}`;
  const r = await deploy(session, { bytes: obj.bytes, fileName: obj.fileName, name }, opts);
  if (!r.loaded) return { loaded: false, deploy: r };
  try {
    const k = await testRun(session, name, program, packet, 1);
    const timed = repeat > 1 ? await testRun(session, name, program, packet, repeat) : k;
    const kernel = { retval: k.retval, dataOut: hex(k.dataOut), durationNs: timed.durationNs };
    const ours = runLocally(obj.bytes, obj.objectName, program, packet);
    return {
      loaded: true,
      report: { host: session.label, release: r.release, program, packet: hex(packet), repeat, kernel, ours, differences: runDifferences(kernel, ours) },
    };
  } finally {
    await unload(session, name);
  }
}
