// EbpfRuntime: loading and its errors, breakpoint placement, stepping over,
// into and out of bpf-to-bpf calls (also through recursion), faults, the
// budget, chunked runs that leave the event loop free, and the inspection views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EbpfRuntime, RUN_CHUNK } from '../../../src-vm/vm/runtime';
import type { RunEnd, RuntimeLoadOptions } from '../../../src-vm/vm/runtimeTypes';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'debug');

type StopName = 'stopOnEntry' | 'stopOnStep' | 'stopOnPause' | 'stopOnBreakpoint' | 'stopOnException' | 'end';
const STOP_NAMES: readonly StopName[] = ['stopOnEntry', 'stopOnStep', 'stopOnPause', 'stopOnBreakpoint', 'stopOnException', 'end'];

interface Stop {
  event: StopName;
  args: unknown[];
}

/** A runtime with `fixture` loaded, and a queue of its stop/end events. */
function setup(fixture: string, options: RuntimeLoadOptions = {}): { rt: EbpfRuntime; next: () => Promise<Stop> } {
  const rt = new EbpfRuntime();
  const diagnostics = rt.load(readFileSync(join(FIXTURES, fixture), 'utf8'), options);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], `${fixture} loads`);
  const queue: Stop[] = [];
  const waiters: ((s: Stop) => void)[] = [];
  for (const event of STOP_NAMES) {
    (rt.on as (e: string, f: (...args: unknown[]) => void) => void)(event, (...args) => {
      const waiter = waiters.shift();
      if (waiter) waiter({ event, args });
      else queue.push({ event, args });
    });
  }
  const next = (): Promise<Stop> => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
  };
  return { rt, next };
}

/** 0-based line and depth of the innermost frame. */
function where(rt: EbpfRuntime): { line?: number; depth: number } {
  const top = rt.stackFrames()[0];
  return { line: top.line, depth: top.depth };
}

function reg(rt: EbpfRuntime, name: string, depth = rt.stackFrames()[0].depth): bigint | undefined {
  return rt.registers(depth).find((r) => r.name === name)?.value;
}

// calls.bpf.s, 0-based: 5 `r6 = 10`, 6 `r1 = r6`, 7 blank, 8 comment, 9 `call add3`, 10 `r6 = r0`,
// 11 `r1 = r0`, 12 `call add3`, 13 `r0 += r6`, 14 `exit`, 15 `add3:`, 16 `r0 = r1`, 17 `r0 += 3`, 18 `exit`.

test('breakpoints land on their line, or move down to the next line with an instruction', () => {
  const { rt } = setup('calls.bpf.s');
  const placed = rt.setBreakpoints([5, 7, 8, 15, 0, 40]);
  const summary = placed.map((b) => ({ requested: b.requestedLine, line: b.line, verified: b.verified, slot: b.slot }));
  assert.deepEqual(summary, [
    { requested: 5, line: 5, verified: true, slot: 0 },
    { requested: 7, line: 9, verified: true, slot: 2 },
    { requested: 8, line: 9, verified: true, slot: 2 },
    { requested: 15, line: 16, verified: true, slot: 8 },
    { requested: 0, line: 5, verified: true, slot: 0 },
    { requested: 40, line: 40, verified: false, slot: undefined },
  ]);
  assert.match(placed[5].message ?? '', /no instruction on line 41 or below it/);
  assert.equal(new Set(placed.map((b) => b.id)).size, placed.length, 'ids are unique');
});

test('breakpoints before a program is loaded are unverified and say why', () => {
  const rt = new EbpfRuntime();
  const [bp] = rt.setBreakpoints([3]);
  assert.equal(bp.verified, false);
  assert.equal(bp.message, 'no program is loaded');
});

test('continue stops at a breakpoint in a callee, with one stack frame per call', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const [bp] = rt.setBreakpoints([16]);
  assert.ok(rt.start(false));
  const stop = await next();
  assert.deepEqual(stop, { event: 'stopOnBreakpoint', args: [[bp.id]] });
  const frames = rt.stackFrames().map((f) => ({ name: f.name, depth: f.depth, line: f.line, slot: f.slot }));
  assert.deepEqual(frames, [
    { name: 'add3', depth: 1, line: 16, slot: 8 },
    { name: 'prog', depth: 0, line: 9, slot: 2 },
  ]);
  assert.equal(reg(rt, 'r1'), 10n);
  assert.deepEqual(rt.registers(0).map((r) => r.name), ['r6', 'r7', 'r8', 'r9', 'r10'], 'a caller keeps only r6..r10');
  assert.equal(reg(rt, 'r6', 0), 10n);
  assert.ok(rt.continue());
  assert.equal((await next()).event, 'stopOnBreakpoint', 'the second call hits it again');
  assert.equal(reg(rt, 'r1'), 13n);
  rt.setBreakpoints([]);
  assert.ok(rt.continue());
  const end = await next();
  assert.equal(end.event, 'end');
  assert.equal((end.args[0] as RunEnd).r0, 29n);
  assert.equal((end.args[0] as RunEnd).outcome, 'exit');
  assert.equal(rt.state, 'ended');
});

test('next steps one line and runs a bpf-to-bpf call to its return', async () => {
  const { rt, next } = setup('calls.bpf.s');
  rt.start(true);
  assert.equal((await next()).event, 'stopOnEntry');
  assert.deepEqual(where(rt), { line: 5, depth: 0 });
  const lines: (number | undefined)[] = [];
  for (let i = 0; i < 4; i++) {
    assert.ok(rt.next());
    assert.equal((await next()).event, 'stopOnStep');
    assert.equal(where(rt).depth, 0, 'never stops inside add3');
    lines.push(where(rt).line);
  }
  assert.deepEqual(lines, [6, 9, 10, 11]);
  assert.equal(reg(rt, 'r0'), 13n, 'the call ran');
});

test('step in enters the callee; step out returns to the line after the call', async () => {
  const { rt, next } = setup('calls.bpf.s');
  rt.setBreakpoints([9]);
  rt.start(false);
  assert.equal((await next()).event, 'stopOnBreakpoint');
  assert.ok(rt.stepIn());
  assert.equal((await next()).event, 'stopOnStep');
  assert.deepEqual(where(rt), { line: 16, depth: 1 });
  assert.ok(rt.stepIn());
  await next();
  assert.deepEqual(where(rt), { line: 17, depth: 1 });
  assert.ok(rt.stepOut());
  assert.equal((await next()).event, 'stopOnStep');
  assert.deepEqual(where(rt), { line: 10, depth: 0 });
  assert.equal(reg(rt, 'r0'), 13n);
  assert.ok(rt.stepOut(), 'step out of the main frame runs to the end');
  const end = await next();
  assert.equal(end.event, 'end');
  assert.equal((end.args[0] as RunEnd).r0, 29n);
});

test('next over a call stops at a breakpoint inside the callee', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const [, inCallee] = rt.setBreakpoints([9, 17]);
  rt.start(false);
  await next();
  assert.ok(rt.next());
  assert.deepEqual(await next(), { event: 'stopOnBreakpoint', args: [[inCallee.id]] });
  assert.deepEqual(where(rt), { line: 17, depth: 1 });
});

// recursion.bpf.s, 0-based: 13 `call factorial` (inside factorial), 14 `r0 *= r6`.
test('next over a recursive call ignores deeper returns to the same place', async () => {
  const { rt, next } = setup('recursion.bpf.s');
  rt.setBreakpoints([13]);
  rt.start(false);
  await next();
  assert.deepEqual(where(rt), { line: 13, depth: 1 });
  rt.continue();
  await next();
  assert.deepEqual(where(rt), { line: 13, depth: 2 });
  assert.deepEqual(rt.stackFrames().map((f) => f.name), ['factorial', 'factorial', 'fact']);
  rt.setBreakpoints([]);
  assert.ok(rt.next());
  assert.equal((await next()).event, 'stopOnStep');
  assert.deepEqual(where(rt), { line: 14, depth: 2 });
  assert.equal(reg(rt, 'r0'), 6n, 'factorial(3) returned');
  assert.equal(reg(rt, 'r6'), 4n, 'r6 restored for this frame');
  rt.continue();
  assert.equal(((await next()).args[0] as RunEnd).r0, 120n);
});

test('a fault stops on an exception with the interpreter message; resuming ends the run', async () => {
  const { rt, next } = setup('fault.bpf.s');
  rt.start(false);
  const stop = await next();
  assert.deepEqual(stop, { event: 'stopOnException', args: ['pc 1: read of 4 bytes at 0x0: NULL pointer dereference', 'vm/memory'] });
  assert.deepEqual(where(rt), { line: 4, depth: 0 });
  assert.equal(rt.fault?.code, 'vm/memory');
  assert.ok(rt.continue());
  const end = await next();
  assert.equal(end.event, 'end');
  const info = end.args[0] as RunEnd;
  assert.equal(info.outcome, 'fault');
  assert.equal(info.message, 'program faulted after 2 instructions: pc 1: read of 4 bytes at 0x0: NULL pointer dereference');
});

test('an exhausted budget ends the run with a clear message', async () => {
  const { rt, next } = setup('loop.bpf.s', { budget: 1000 });
  rt.start(false);
  const end = await next();
  assert.equal(end.event, 'end');
  const info = end.args[0] as RunEnd;
  assert.equal(info.outcome, 'budget');
  assert.equal(info.steps, 1000);
  assert.match(info.message, /^program stopped after 1000 instructions: pc \d+: instruction budget of 1000 exhausted \(the program may loop forever; raise the budget to run longer\)$/);
});

test('a long run goes in chunks and leaves the event loop free', async () => {
  const { rt, next } = setup('loop.bpf.s', { budget: 10_000_000 });
  let ticks = 0;
  let ticking = true;
  const tick = (): void => { ticks++; if (ticking) setImmediate(tick); };
  setImmediate(tick);
  rt.start(false);
  assert.equal(rt.state, 'running');
  assert.equal(rt.continue(), false, 'a running program cannot be resumed');
  const end = await next();
  ticking = false;
  const info = end.args[0] as RunEnd;
  assert.equal(info.r0, 1_000_000n);
  assert.equal(info.steps, 3_000_003);
  assert.ok(ticks >= Math.floor(info.steps / RUN_CHUNK), `the event loop turned ${ticks} times during ${info.steps} instructions`);
});

test('pause stops a running program at the next chunk boundary', async () => {
  const { rt, next } = setup('loop.bpf.s', { budget: 10_000_000 });
  rt.start(false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(rt.pause());
  assert.equal((await next()).event, 'stopOnPause');
  assert.equal(rt.state, 'stopped');
  const r1 = reg(rt, 'r1') ?? 0n;
  assert.ok(r1 > 0n && r1 < 1_000_000n, `paused mid-loop (r1 = ${r1})`);
  rt.continue();
  assert.equal(((await next()).args[0] as RunEnd).r0, 1_000_000n);
});

test('a breakpoint on the first instruction stops at once when not stopping on entry', async () => {
  const { rt, next } = setup('packet.bpf.s');
  const [bp] = rt.setBreakpoints([3]);
  rt.start(false);
  assert.deepEqual(await next(), { event: 'stopOnBreakpoint', args: [[bp.id]] });
  assert.equal(rt.stackFrames()[0].slot, 0);
});

test('registers, stack rows and memory reads show the input memory and stack', async () => {
  const { rt, next } = setup('packet.bpf.s', { mem: 'aa bb 0xcc' });
  rt.setBreakpoints([8]);
  rt.start(false);
  await next();
  const r1 = rt.registers(0).find((r) => r.name === 'r1')!;
  assert.equal(r1.text, `0x${r1.value.toString(16)} (input memory + 0)`);
  assert.equal(r1.type, 'pointer to input memory');
  assert.equal(rt.registers(0).find((r) => r.name === 'r2')!.text, '0x3 (3)');
  assert.equal(rt.registers(0).find((r) => r.name === 'r10')!.text.endsWith('(stack of frame 0 + 512)'), true);
  const rows = rt.stackRows(0);
  assert.equal(rows.length, 64);
  assert.equal(rows[0].offset, -8);
  assert.deepEqual([...rows[0].bytes], [0xbb, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(rows[63].offset, -512);
  const read = rt.readMemory(r1.value + 1n, 4);
  assert.deepEqual([...read.bytes], [0xbb, 0xcc]);
  assert.equal(read.unreadable, 2);
  assert.equal(rt.readMemory(0n, 4).unreadable, 4);
});

test('evaluate reads r and w registers; unknown names and lost caller registers are errors', async () => {
  const { rt, next } = setup('calls.bpf.s');
  rt.setBreakpoints([17]);
  rt.start(false);
  await next();
  rt.stepIn();
  await next();
  assert.deepEqual(rt.evaluate('r0', 1), { name: 'r0', value: 13n, text: '0xd (13)', type: 'u64' });
  assert.equal((rt.evaluate('%r1', 1) as { text: string }).text, '0xa (10)');
  rt.setBreakpoints([]);
  assert.deepEqual(rt.evaluate('r11', 1), { error: "cannot evaluate 'r11': only registers r0..r10 and w0..w10 can be evaluated" });
  assert.match((rt.evaluate('r1', 0) as { error: string }).error, /not preserved across the call/);
  assert.equal((rt.evaluate('r6', 0) as { text: string }).text, '0xa (10)');
});

test('w registers show their low 32 bits, signed when negative', () => {
  const rt = new EbpfRuntime();
  assert.deepEqual(rt.load('r0 = -1\nexit\n'), []);
  rt.start(true);
  rt.stepIn();
  assert.equal((rt.evaluate('w0', 0) as { text: string }).text, '0xffffffff (-1)');
  assert.equal((rt.evaluate('r0', 0) as { text: string }).text, '0xffffffffffffffff (-1)');
});

test('conformance-dialect text loads when the LLVM dialect cannot read it', async () => {
  const { rt, next } = setup('conformance.s');
  assert.equal(rt.info?.dialect, 'conformance');
  rt.start(true);
  await next();
  assert.equal(rt.stackFrames()[0].instruction, 'mov %r0, 1');
  assert.equal(rt.stackFrames()[0].name, 'main');
  rt.stepIn();
  await next();
  assert.deepEqual(where(rt), { line: 2, depth: 0 });
  rt.next();
  await next();
  assert.equal(rt.stackFrames()[0].instruction, 'exit');
  assert.ok(rt.next(), 'stepping over the last exit ends the program');
  const end = await next();
  assert.deepEqual(end, { event: 'end', args: [{ outcome: 'exit', r0: 3n, steps: 3, message: 'program exited with r0 = 0x3 (3) after 3 instructions' }] });
  assert.equal(rt.next(), false, 'nothing to step after the end');
});

const LOAD_ERRORS: { name: string; text?: string; options: RuntimeLoadOptions; messages: string[] }[] = [
  { name: 'bad hex digit', options: { mem: 'aa bz' }, messages: ["mem: not a hex byte string at position 4: 'z' is not a hex digit"] },
  { name: 'odd digit count', options: { mem: 'aa 0xabc' }, messages: ["mem: not a hex byte string at position 3: '0xabc' is not a whole number of bytes (two hex digits each)"] },
  { name: 'budget', options: { budget: 0 }, messages: ['budget: must be a positive whole number of instructions, got 0'] },
  { name: 'every bad option', options: { mem: 'x', budget: 1.5 }, messages: ["mem: not a hex byte string at position 0: 'x' is not a hex digit", 'budget: must be a positive whole number of instructions, got 1.5'] },
  { name: 'section', options: { section: 'tc' }, messages: ['section: no code section named tc (sections: xdp)'] },
  { name: 'assembly', text: '\tr0 = r11\n\tr0 = r12\n\texit\n', options: {}, messages: ['unknown register r11', 'unknown register r12'] },
  { name: 'nothing to run', text: '# only a comment\n', options: {}, messages: ['no code section with instructions'] },
];

for (const c of LOAD_ERRORS) {
  test(`load reports every problem: ${c.name}`, () => {
    const rt = new EbpfRuntime();
    const text = c.text ?? readFileSync(join(FIXTURES, 'calls.bpf.s'), 'utf8');
    const errors = rt.load(text, c.options).filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.message), c.messages);
    assert.equal(rt.state, 'empty');
    assert.equal(rt.start(false), false, 'nothing to start');
  });
}

test('assembly errors carry their source position', () => {
  const rt = new EbpfRuntime();
  const [d] = rt.load(readFileSync(join(FIXTURES, 'broken.bpf.s'), 'utf8'));
  assert.deepEqual(d.span, { line: 3, col: 6, endLine: 3, endCol: 9 });
});

