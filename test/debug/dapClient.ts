// A tiny Debug Adapter Protocol client for tests: starts an adapter process,
// frames messages with Content-Length headers, matches responses to requests,
// and queues events so a test can wait for the next one of a kind.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';

const HEADER_END = '\r\n\r\n';
const DEFAULT_TIMEOUT_MS = 10_000;

interface EventWaiter {
  name: string;
  accept: (e: DebugProtocol.Event) => boolean;
  resolve: (e: DebugProtocol.Event) => void;
}

export class DapClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  /** Events not yet taken by waitForEvent, in arrival order. */
  private readonly unclaimed: DebugProtocol.Event[] = [];
  private readonly waiters: EventWaiter[] = [];
  /** Every event received, for failure messages. */
  readonly log: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    proc.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  static start(adapterScript: string): DapClient {
    return new DapClient(spawn(process.execPath, [adapterScript], { stdio: 'pipe' }));
  }

  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: object): Promise<R> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}${HEADER_END}${body}`);
    return this.withTimeout(new Promise((resolve) => this.pending.set(seq, resolve as (r: DebugProtocol.Response) => void)), `response to ${command}`);
  }

  /** The next event named `name` (that `accept` accepts), whether it already came or is still to come. */
  waitForEvent<E extends DebugProtocol.Event = DebugProtocol.Event>(name: string, accept: (e: E) => boolean = () => true): Promise<E> {
    const test = accept as (e: DebugProtocol.Event) => boolean;
    const at = this.unclaimed.findIndex((e) => e.event === name && test(e));
    if (at >= 0) return Promise.resolve(this.unclaimed.splice(at, 1)[0] as E);
    const promise = new Promise<E>((resolve) => this.waiters.push({ name, accept: test, resolve: resolve as (e: DebugProtocol.Event) => void }));
    return this.withTimeout(promise, `event ${name}`);
  }

  /** The text of every output event received so far. */
  output(): string {
    return this.log.filter((l) => l.startsWith('output: ')).map((l) => l.slice('output: '.length)).join('');
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; events so far:\n${this.log.join('\n')}\nstderr: ${this.stderr}`)), DEFAULT_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      const start = headerEnd + HEADER_END.length;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString()) as DebugProtocol.ProtocolMessage;
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const r = message as DebugProtocol.Response;
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
      return;
    }
    if (message.type !== 'event') return;
    const e = message as DebugProtocol.Event;
    this.log.push(e.event === 'output' ? `output: ${(e as DebugProtocol.OutputEvent).body.output}` : `${e.event} ${JSON.stringify(e.body ?? {})}`);
    const w = this.waiters.findIndex((x) => x.name === e.event && x.accept(e));
    if (w >= 0) this.waiters.splice(w, 1)[0].resolve(e);
    else this.unclaimed.push(e);
  }
}
