// Runs a loaded program on the box's kernel with BPF_PROG_TEST_RUN
// (`bpftool -j prog run pinned … data_in - data_out - repeat N`): the packet
// goes over stdin, the return value, output packet and mean duration per run
// come back as JSON. Program types the kernel cannot test-run fail with
// bpftool's own explanation.

import { RemoteError } from './errors';
import { progDir } from './deploy';
import type { RemoteSession } from './session';
import { checkRemoteFileName } from './upload';

export interface KernelRun {
  retval: number;
  dataOut: Uint8Array;
  /** Mean nanoseconds per run, as the kernel measured it. */
  durationNs: number;
  repeat: number;
}

interface RunJson {
  retval?: unknown;
  duration?: unknown;
  data_out?: unknown;
}

/** Parses bpftool's JSON; undefined when it is not the shape bpftool prints. */
export function parseRunJson(text: string, repeat: number): KernelRun | undefined {
  let j: RunJson;
  try {
    j = JSON.parse(text) as RunJson;
  } catch {
    return undefined;
  }
  if (typeof j !== 'object' || j === null || typeof j.retval !== 'number' || typeof j.duration !== 'number') return undefined;
  const out = Array.isArray(j.data_out) && j.data_out.every((b) => typeof b === 'number') ? (j.data_out as number[]) : [];
  return { retval: j.retval >>> 0, durationNs: j.duration, dataOut: Uint8Array.from(out), repeat };
}

export async function testRun(session: RemoteSession, name: string, program: string, packet: Uint8Array, repeat = 1): Promise<KernelRun> {
  if (!Number.isSafeInteger(repeat) || repeat < 1) throw new RemoteError('run', `repeat must be a positive whole number, not ${repeat}`);
  const bpftool = await session.bpftool();
  const pin = `${progDir(name)}/${checkRemoteFileName(program, 'program name')}`;
  const argv = [bpftool, '-j', 'prog', 'run', 'pinned', pin, 'data_in', '-', 'data_out', '-', 'repeat', String(repeat)];
  const r = await session.conn.exec(session.root(argv), 'run', packet);
  const text = r.stdout.toString('utf8').trim();
  const parsed = r.code === 0 ? parseRunJson(text, repeat) : undefined;
  if (!parsed) {
    throw new RemoteError('run', `BPF_PROG_TEST_RUN of ${name}/${program} on ${session.label} failed (exit ${r.code ?? r.signal})`, r.stderr + text,
      'the kernel test-runs XDP, TC, socket filter, cgroup_skb, flow dissector, raw tracepoint and syscall programs; is the packet long enough (XDP: at least 14 bytes)?');
  }
  return parsed;
}
