// EbpfRuntime going backwards: step back by line and by instruction (over
// calls, and out of a callee to its call), reverse continue to the previous
// breakpoint stop or to the start, step back out of a fault, and a loop run
// long enough to span many checkpoints, each step back restoring every
// register exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EbpfRuntime } from '../../../src-vm/vm/runtime';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'debug');

type Event = { event: string; args: unknown[] };

function setup(fixture: string): { rt: EbpfRuntime; next: () => Promise<Event> } {
  const rt = new EbpfRuntime();
  const errors = rt.load(readFileSync(join(FIXTURES, fixture), 'utf8')).filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  const queue: Event[] = [];
  const waiters: ((e: Event) => void)[] = [];
  for (const event of ['stopOnEntry', 'stopOnStep', 'stopOnBreakpoint', 'stopOnException', 'end']) {
    (rt.on as (e: string, f: (...args: unknown[]) => void) => void)(event, (...args) => {
      const w = waiters.shift();
      if (w) w({ event, args }); else queue.push({ event, args });
    });
  }
  return { rt, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

const where = (rt: EbpfRuntime): { line?: number; depth: number } => ({ line: rt.stackFrames()[0].line, depth: rt.stackFrames()[0].depth });
const regs = (rt: EbpfRuntime): string => rt.registers(rt.stackFrames()[0].depth).map((r) => `${r.name}=${r.value}`).join(' ');

// calls.bpf.s, 0-based: 5 `r6 = 10`, 6 `r1 = r6`, 9 `call add3`, 10 `r6 = r0`, 11 `r1 = r0`,
// 12 `call add3`, 13 `r0 += r6`, 14 `exit`, 16 `r0 = r1`, 17 `r0 += 3`, 18 `exit`.

test('step back retraces step over, line by line, and steps back over a call', async () => {
  const { rt, next } = setup('calls.bpf.s');
  rt.start(true);
  await next();
  const seen: { line?: number; regs: string }[] = [{ ...where(rt), regs: regs(rt) }];
  for (let i = 0; i < 6; i++) {
    assert.ok(rt.next());
    assert.equal((await next()).event, 'stopOnStep');
    seen.push({ line: where(rt).line, regs: regs(rt) });
  }
  assert.deepEqual(seen.map((s) => s.line), [5, 6, 9, 10, 11, 12, 13]);
  for (let i = seen.length - 2; i >= 0; i--) {
    assert.ok(rt.canStepBack);
    assert.ok(rt.stepBack());
    assert.equal((await next()).event, i === 0 ? 'stopOnEntry' : 'stopOnStep');
    assert.equal(where(rt).line, seen[i].line, `back to line ${seen[i].line}`);
    assert.equal(regs(rt), seen[i].regs, `registers at line ${seen[i].line}`);
  }
  assert.equal(rt.canStepBack, false, 'nothing before the first instruction');
});

test('step back from a callee\'s first line returns to the call; by instruction it goes one instruction', async () => {
  const { rt, next } = setup('calls.bpf.s');
  rt.setBreakpoints([17]);
  rt.start(false);
  assert.equal((await next()).event, 'stopOnBreakpoint');
  assert.deepEqual(where(rt), { line: 17, depth: 1 });
  assert.ok(rt.stepBack('instruction'));
  await next();
  assert.deepEqual(where(rt), { line: 16, depth: 1 });
  assert.ok(rt.stepBack());
  await next();
  assert.deepEqual(where(rt), { line: 9, depth: 0 }, 'out to the call that entered add3');
  assert.equal(rt.registers(0).find((r) => r.name === 'r1')?.value, 10n);
});

test('reverse continue goes to the previous breakpoint stop, then to the start; forward again replays the same run', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const [bp] = rt.setBreakpoints([16]);
  rt.start(false);
  assert.equal((await next()).event, 'stopOnBreakpoint');
  const firstHit = regs(rt);
  rt.continue();
  await next();
  assert.equal(rt.registers(1).find((r) => r.name === 'r1')?.value, 13n, 'second call');
  assert.ok(rt.reverseContinue());
  assert.deepEqual(await next(), { event: 'stopOnBreakpoint', args: [[bp.id]] });
  assert.equal(regs(rt), firstHit, 'back at the first call, with its registers');
  assert.ok(rt.reverseContinue());
  assert.equal((await next()).event, 'stopOnEntry', 'no earlier stop: the start of the run');
  assert.deepEqual(where(rt), { line: 5, depth: 0 });
  rt.setBreakpoints([]);
  rt.continue();
  const end = await next();
  assert.equal(end.event, 'end');
  assert.equal((end.args[0] as { r0: bigint }).r0, 29n, 'the replayed run ends as the first did');
});

test('step back from a fault restores the state before the faulting load', async () => {
  const { rt, next } = setup('fault.bpf.s');
  rt.start(false);
  assert.equal((await next()).event, 'stopOnException');
  assert.ok(rt.fault);
  assert.ok(rt.stepBack('instruction'));
  assert.equal((await next()).event, 'stopOnStep');
  assert.equal(rt.fault, undefined, 'the fault is undone');
  assert.equal(where(rt).line, 4, 'at the load, before it runs');
  assert.ok(rt.stepBack());
  assert.equal((await next()).event, 'stopOnEntry');
});

test('a long loop spans many checkpoints; every step back restores the registers exactly', async () => {
  const { rt, next } = setup('loop.bpf.s');
  rt.setBreakpoints([8]);
  rt.start(false);
  await next();
  // Hit the breakpoint 2,000 times: ~6,000 instructions, several checkpoints.
  rt.setBreakpoints([]);
  const trail: string[] = [];
  for (let i = 0; i < 6000; i++) {
    trail.push(regs(rt));
    rt.stepIn('instruction');
    await next();
  }
  for (let i = trail.length - 1; i >= trail.length - 100; i--) {
    rt.stepBack('instruction');
    await next();
    assert.equal(regs(rt), trail[i]);
  }
});
