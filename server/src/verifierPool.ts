// Runs verification jobs on worker threads, one job per document at a time:
// a new job for a document cancels its running one (the worker is terminated,
// since the verifier cannot be interrupted) or its queued one. Up to `size`
// documents verify at once, so one program exhausting the 1M-instruction
// budget never holds up the others. Knows nothing of LSP.

import { Worker } from 'node:worker_threads';
import type { VerifyJob, VerifyJobResult } from './verifyJob';
import type { WorkerReply, WorkerRequest } from './verifyWorker';

export type JobOutcome = { kind: 'done'; result: VerifyJobResult } | { kind: 'cancelled' } | { kind: 'failed'; error: string };

interface Pending {
  key: string;
  job: VerifyJob;
  resolve: (outcome: JobOutcome) => void;
}

interface Slot {
  worker: Worker;
  running?: Pending & { id: number };
}

/** Idle workers kept warm beyond this many are ended, to keep memory low with many documents open. */
const WARM_IDLE = 1;

export class VerifierPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(private readonly workerPath: string, private readonly size = 2, private readonly log: (m: string) => void = () => undefined) {}

  /** Verifies `job` for document `key`, cancelling that document's earlier job. */
  run(key: string, job: VerifyJob): Promise<JobOutcome> {
    this.cancel(key);
    return new Promise((resolve) => {
      this.queue.push({ key, job, resolve });
      this.dispatch();
    });
  }

  /** Cancels the document's queued or running job; its promise resolves as cancelled. */
  cancel(key: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].key === key) this.queue.splice(i, 1)[0].resolve({ kind: 'cancelled' });
    }
    const slot = this.slots.find((s) => s.running?.key === key);
    if (slot) this.retire(slot, { kind: 'cancelled' });
  }

  /** Whether the document has a job queued or running. */
  busy(key: string): boolean {
    return this.queue.some((p) => p.key === key) || this.slots.some((s) => s.running?.key === key);
  }

  dispose(): void {
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'cancelled' });
    for (const slot of [...this.slots]) this.retire(slot, { kind: 'cancelled' });
  }

  private retire(slot: Slot, outcome: JobOutcome): void {
    const running = slot.running;
    slot.running = undefined;
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    running?.resolve(outcome);
    this.dispatch();
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.workerPath) };
    slot.worker.on('message', (reply: WorkerReply) => this.finished(slot, reply));
    slot.worker.on('error', (err) => {
      this.log(`verifier worker crashed: ${err.stack ?? err.message}`);
      if (this.slots.includes(slot)) this.retire(slot, { kind: 'failed', error: err.message });
    });
    slot.worker.on('exit', () => {
      if (this.slots.includes(slot)) this.retire(slot, { kind: 'failed', error: 'the verifier worker exited' });
    });
    this.slots.push(slot);
    return slot;
  }

  private finished(slot: Slot, reply: WorkerReply): void {
    const running = slot.running;
    if (!running || running.id !== reply.id) return;
    slot.running = undefined;
    running.resolve(reply.ok ? { kind: 'done', result: reply.result } : { kind: 'failed', error: reply.error });
    this.dispatch();
    const idle = this.slots.filter((s) => !s.running);
    for (const extra of idle.slice(WARM_IDLE)) this.retire(extra, { kind: 'cancelled' });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.running) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const next = this.queue.shift()!;
      const id = this.nextId++;
      slot.running = { ...next, id };
      const req: WorkerRequest = { id, job: next.job };
      slot.worker.postMessage(req);
    }
  }
}
