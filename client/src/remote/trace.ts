// Streams the kernel's trace_pipe (bpf_printk output) line by line until
// stopped. The remote side is a fixed script: `cat` runs in the background and
// is killed as soon as our stdin closes, so stopping never leaves a reader
// behind on the box (it would steal lines from the next one).

import { RemoteError } from './errors';
import type { RemoteSession } from './session';
import { script } from './shellQuote';

const READER = 'cat "$1/trace_pipe" & reader=$!; cat >/dev/null; kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null; exit 0';

export interface TraceStream {
  /** Stops reading; resolves once the remote reader is gone. */
  stop(): Promise<void>;
  /** Settles when the stream ends (stopped, or the connection dropped). */
  done: Promise<void>;
}

export async function streamTrace(session: RemoteSession, onLine: (line: string) => void): Promise<TraceStream> {
  const tracefs = (await session.preflight()).tracefs;
  if (!tracefs) throw new RemoteError('trace', `tracefs is not mounted on ${session.label}`, '', 'mount it: mount -t tracefs tracefs /sys/kernel/tracing');
  let partial = '';
  const handle = await session.conn.stream(session.root(script(READER, [tracefs])), 'trace', (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  const done = handle.done.then((r) => {
    if (r.code !== 0 && r.code !== null) throw new RemoteError('trace', `reading trace_pipe on ${session.label} failed`, r.stderr);
  });
  return {
    stop: async () => {
      handle.end();
      await done;
    },
    done,
  };
}
