// The worker thread's entry (bundled as out/verifyWorker.js): receives one
// VerifyJob at a time, runs it (verifyJob.ts) and posts back the result or the
// crash. Long runs (the 1M-instruction budget) happen here, off the language
// server's message loop; the pool terminates this thread to cancel a run.

import { parentPort } from 'node:worker_threads';
import { runVerifyJob, type VerifyJob } from './verifyJob';

export interface WorkerRequest { id: number; job: VerifyJob }
export type WorkerReply =
  | { id: number; ok: true; result: ReturnType<typeof runVerifyJob> }
  | { id: number; ok: false; error: string };

parentPort?.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: req.id, ok: true, result: runVerifyJob(req.job) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
