// The debugger's stepping costs on a 100,000-instruction run
// (bench/debug_loop.bpf.c: map lookups and updates every round): the time
// EbpfRuntime takes per step forward and per step back (by instruction and
// by line), a reverse continue across the whole run, and the memory the step
// history holds per million instructions. Needs clang-19 to build the program.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EbpfRuntime } from '../src-vm/vm/runtime';
import { loadLinuxTarget } from '../src-vm/vm/runtimeLinux';
import { compileBenchProgram } from './compileBench';

type Stopped = Promise<string>;

function stops(rt: EbpfRuntime): () => Stopped {
  const waiters: ((e: string) => void)[] = [];
  for (const e of ['stopOnEntry', 'stopOnStep', 'stopOnBreakpoint', 'stopOnException', 'end'] as const) {
    rt.on(e, () => waiters.shift()?.(e));
  }
  return () => new Promise((resolve) => waiters.push(resolve));
}

/** Milliseconds each call of `action` takes until its stop event arrives. */
async function timed(count: number, next: () => Stopped, action: () => boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    // Stop events come after the call returns, so waiting can start after it.
    if (!action()) break;
    await next();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/** Instructions the bench steps through. */
const LIMIT = 100_000;

/** Live heap bytes, after a collection when node runs with --expose-gc (npm run bench does). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}
const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]): number => xs[Math.floor(xs.length * 0.95)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(3)} ms`;

/** One program variant: the figures of stepping through LIMIT instructions, then stepping back. */
async function benchVariant(obj: string, title: string): Promise<string[]> {
  const loaded = loadLinuxTarget({ object: new Uint8Array(readFileSync(obj)), objectName: 'debug_loop', packet: '00'.repeat(64) });
  if (!loaded.value) return [`${title}: the bench program did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`];
  const target = loaded.value;
  const rt = new EbpfRuntime();
  rt.loadTarget(target);
  const next = stops(rt);
  rt.start(true);
  await next();
  const heapBefore = heapUsed();
  // Step through the run one instruction at a time, as a user holding F11 in the Disassembly view would.
  const forward = await timed(Infinity, next, () => rt.state === 'stopped' && target.vm.steps < LIMIT && rt.stepIn('instruction'));
  const steps = target.vm.steps;
  const heapAfter = heapUsed();
  const history = rt.historyStats();
  const backInsn = await timed(300, next, () => rt.stepBack('instruction'));
  const backLine = await timed(300, next, () => rt.stepBack('line'));
  const reverse = await timed(1, next, () => rt.reverseContinue());
  rt.stop();
  const perMillion = (bytes: number): string => `${(bytes / (steps / 1e6) / 2 ** 20).toFixed(1)} MiB`;
  return [
    `Debugger on a ${steps}-instruction XDP run, ${title}, EbpfRuntime calls`,
    `  step (one instruction): median ${ms(median(forward))}, p95 ${ms(p95(forward))} over ${forward.length} steps (target ≤ 5 ms)`,
    `  step back (instruction): median ${ms(median(backInsn))}, p95 ${ms(p95(backInsn))} over ${backInsn.length}`,
    `  step back (line): median ${ms(median(backLine))}, p95 ${ms(p95(backLine))} over ${backLine.length} (target ≤ 5 ms)`,
    `  reverse continue to the start (no breakpoints): ${ms(reverse[0])}`,
    `  step history: ${history.checkpoints} checkpoints, ~${perMillion(history.bytes)} per million instructions by count; live heap grew ${perMillion(heapAfter - heapBefore)} per million instructions${(globalThis as { gc?: unknown }).gc ? '' : ' (without --expose-gc: includes garbage)'}`,
  ];
}

const VARIANTS: { title: string; defines: string[] }[] = [
  { title: 'hash (1,024) and array (256) map updates every round', defines: [] },
  { title: 'big maps: a 65,536-element preallocated hash and a 1,048,576-element array', defines: ['COUNT_ENTRIES=65536', 'HIST_ENTRIES=1048576'] },
];

export async function benchDebugger(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-debug-bench-'));
  try {
    const lines: string[] = [];
    for (const v of VARIANTS) {
      const obj = compileBenchProgram('debug_loop.bpf.c', dir, v.defines);
      if (!obj) return ['debugger: clang-19 not found or the bench program did not compile; skipped'];
      lines.push(...await benchVariant(obj, v.title));
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
