// Breakpoints with conditions, hit conditions and log messages: the hit
// condition grammar, the table's decision at a slot (with a scripted judge),
// and EbpfRuntime running assembly fixtures with conditional, counted, logging,
// function and instruction breakpoints, including conditions that do not
// parse (refused when set) or cannot be evaluated (stop with a message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expr } from '../../../src-vm/vm/expr/ast';
import { EbpfRuntime } from '../../../src-vm/vm/runtime';
import { BreakpointTable, hitMatches, parseHitCondition, type BreakpointJudge } from '../../../src-vm/vm/runtimeBreakpoints';
import type { RuntimeLoadOptions } from '../../../src-vm/vm/runtimeTypes';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'debug');

/** Hit condition -> the hits among 1..10 that stop. */
const HITS: readonly [string, number[]][] = [
  ['5', [5]],
  ['== 4', [4]],
  ['=4', [4]],
  ['>= 8', [8, 9, 10]],
  ['>8', [9, 10]],
  ['< 3', [1, 2]],
  ['<=2', [1, 2]],
  ['% 3', [3, 6, 9]],
  [' %2 ', [2, 4, 6, 8, 10]],
];

test('hit conditions stop on the hits VS Code users expect', () => {
  for (const [text, stops] of HITS) {
    const hit = parseHitCondition(text);
    assert.ok(!('error' in hit), text);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((n) => hitMatches(hit, n)), stops, text);
  }
  for (const bad of ['', 'often', '> x', '% 0', '5 times', '-1']) {
    const parsed = parseHitCondition(bad);
    assert.ok('error' in parsed, bad);
    assert.match(parsed.error, /is not understood: write a count such as 5/, bad);
  }
});

/** A judge whose conditions are true on the listed calls (counting from 1) and whose values print as their expression kind. */
function scriptedJudge(trueOn: number[], failOn: number[] = []): BreakpointJudge {
  let calls = 0;
  return {
    condition: () => {
      calls++;
      if (failOn.includes(calls)) return { error: 'column 1: read of 1 bytes at 0x0: NULL pointer dereference' };
      return trueOn.includes(calls);
    },
    show: (expr: Expr) => expr.kind,
  };
}

test('the table decides stop, log or run on, counting only hits whose condition held', () => {
  const table = new BreakpointTable();
  const counted = table.add('line', 4, 'line 5', { condition: 'r1 == 0', hitCondition: '2' });
  const logging = table.add('function', 4, 'function f', { logMessage: 'r1={r1} at {*(u8 *)r2}' });
  const elsewhere = table.add('instruction', 9, 'instruction 9');
  assert.deepEqual([counted.error, logging.error, elsewhere.error], [undefined, undefined, undefined]);
  assert.deepEqual([...table.bySlot()], [[4, [counted.id, logging.id]], [9, [elsewhere.id]]]);
  // Condition calls: 1 false, 2 true (hit 1), 3 true (hit 2: stops), 4 true (hit 3).
  const judge = scriptedJudge([2, 3, 4]);
  const decisions = [1, 2, 3, 4].map(() => table.decide(4, judge));
  assert.deepEqual(decisions.map((d) => d.stop), [[], [], [counted.id], []]);
  assert.deepEqual(decisions.map((d) => d.logs), [['r1=register at deref'], ['r1=register at deref'], ['r1=register at deref'], ['r1=register at deref']]);
  assert.deepEqual(table.decide(9, judge), { stop: [elsewhere.id], logs: [], errors: [] });
  table.clear('function');
  assert.deepEqual([...table.bySlot()], [[4, [counted.id]], [9, [elsewhere.id]]]);
});

test('a condition that cannot be evaluated stops, saying why', () => {
  const table = new BreakpointTable();
  const { id } = table.add('line', 2, 'line 3', { condition: '*(u8 *)r4 == 1' });
  const decision = table.decide(2, scriptedJudge([], [1]));
  assert.deepEqual(decision.stop, [id]);
  assert.deepEqual(decision.errors, ["breakpoint at line 3: condition '*(u8 *)r4 == 1' cannot be evaluated (column 1: read of 1 bytes at 0x0: NULL pointer dereference); stopped here"]);
});

test('options that do not parse are refused when the breakpoint is set', () => {
  const table = new BreakpointTable();
  const cases: [Parameters<BreakpointTable['add']>[3], RegExp][] = [
    [{ condition: 'r1 ==' }, /^condition 'r1 ==': column 6: expected an expression after '=='$/],
    [{ hitCondition: 'sometimes' }, /^hit condition 'sometimes' is not understood/],
    [{ logMessage: 'r1 = {r1' }, /^log message: column 6: this '\{' is not closed/],
  ];
  for (const [options, error] of cases) assert.match(table.add('line', 0, 'line 1', options).error ?? '', error);
  assert.equal(table.bySlot().size, 0);
  const blank = table.add('line', 0, 'line 1', { condition: ' ', hitCondition: '', logMessage: '' });
  assert.equal(blank.error, undefined, 'empty options are no options');
  assert.deepEqual(table.decide(0, scriptedJudge([])).stop, [blank.id]);
});

// ---- the runtime -----------------------------------------------------------

type Event = { event: string; args: unknown[] };

/** A runtime with `fixture` loaded, recording its stop, output and end events. */
function setup(fixture: string, options: RuntimeLoadOptions = {}): { rt: EbpfRuntime; next: (name?: string) => Promise<Event>; outputs: string[] } {
  const rt = new EbpfRuntime();
  const errors = rt.load(readFileSync(join(FIXTURES, fixture), 'utf8'), options).filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `${fixture} loads`);
  const queue: Event[] = [];
  const waiters: ((e: Event) => void)[] = [];
  const outputs: string[] = [];
  for (const event of ['stopOnEntry', 'stopOnStep', 'stopOnBreakpoint', 'stopOnException', 'end']) {
    (rt.on as (e: string, f: (...a: unknown[]) => void) => void)(event, (...args) => {
      const waiter = waiters.shift();
      if (waiter) waiter({ event, args });
      else queue.push({ event, args });
    });
  }
  rt.on('output', (text, category) => outputs.push(`${category}: ${text}`));
  const next = async (name?: string): Promise<Event> => {
    const e = queue.shift() ?? await new Promise<Event>((resolve) => waiters.push(resolve));
    if (name !== undefined) assert.equal(e.event, name, `expected ${name}, got ${JSON.stringify(e, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    return e;
  };
  return { rt, next, outputs };
}

const value = (rt: EbpfRuntime, expression: string): string => {
  const got = rt.evaluate(expression, rt.stackFrames()[0].depth);
  assert.ok(!('error' in got), 'error' in got ? got.error : '');
  return got.text;
};

// loop.bpf.s (0-based): 3 `r0 = 0`, 4 `r1 = 0`, 6 `r0 += 1`, 7 `r1 += 1`, 8 `if r1 < 1000000 goto loop`, 9 `exit`.
/** The loop runs 3,000,003 instructions. */
const LOOP_BUDGET = 4_000_000;

test('a conditional line breakpoint stops only where its condition holds', async () => {
  const { rt, next } = setup('loop.bpf.s', { budget: LOOP_BUDGET });
  const [bp] = rt.setBreakpoints([{ line: 7, condition: 'r1 == 500000 || r0 == 3' }]);
  assert.equal(bp.verified, true);
  rt.start(false);
  assert.deepEqual((await next('stopOnBreakpoint')).args, [[bp.id]]);
  assert.deepEqual([value(rt, 'r0'), value(rt, 'r1')], ['0x3 (3)', '0x2 (2)']);
  rt.continue();
  await next('stopOnBreakpoint');
  assert.equal(value(rt, 'r1'), '0x7a120 (500000)');
  rt.continue();
  assert.equal(((await next('end')).args[0] as { r0: bigint }).r0, 1000000n);
});

test('hit conditions count the hits of a line', async () => {
  const { rt, next } = setup('loop.bpf.s', { budget: LOOP_BUDGET });
  rt.setBreakpoints([{ line: 6, hitCondition: '% 250000' }]);
  rt.start(false);
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    await next('stopOnBreakpoint');
    seen.push(value(rt, 'r0'));
    rt.continue();
  }
  assert.deepEqual(seen, ['0x3d08f (249999)', '0x7a11f (499999)', '0xb71af (749999)', '0xf423f (999999)']);
  await next('end');
});

// calls.bpf.s (0-based): 5 `r6 = 10`, 9 `call add3`, 13 `r0 += r6`, 15 `add3:`, 16 `r0 = r1`.

test('a logpoint prints its message with values and does not stop', async () => {
  const { rt, next, outputs } = setup('calls.bpf.s');
  const [bp] = rt.setBreakpoints([{ line: 16, logMessage: 'add3({r1}) with r6 = {r6}, fp {r10}' }]);
  assert.equal(bp.verified, true);
  rt.start(false);
  const end = await next('end');
  assert.equal((end.args[0] as { r0: bigint }).r0, 29n);
  const logs = outputs.filter((o) => o.includes('add3('));
  assert.deepEqual(logs.map((l) => l.replace(/0x[0-9a-f]+ /, 'ADDR ')), [
    'console: add3(10) with r6 = 10, fp ADDR (stack of frame 1 + 512)',
    'console: add3(13) with r6 = 13, fp ADDR (stack of frame 1 + 512)',
  ]);
});

test('a function breakpoint stops at the entry of the label it names, with a condition', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const placed = rt.setFunctionBreakpoints([{ name: 'add3', condition: 'r1 > 10' }, { name: 'missing' }]);
  assert.deepEqual(placed.map((b) => [b.verified, b.slot, b.line]), [[true, 8, 16], [false, undefined, undefined]]);
  assert.match(placed[1].message ?? '', /^no function or label 'missing' in the program \(it has: prog, add3\)$/);
  rt.start(false);
  assert.deepEqual((await next('stopOnBreakpoint')).args, [[placed[0].id]]);
  assert.deepEqual([rt.stackFrames()[0].name, value(rt, 'r1')], ['add3', '0xd (13)']);
});

test('an instruction breakpoint stops before the instruction its address names', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const code = rt.disassemble(0, 12);
  const target = code.find((c) => c.text === 'r0 += r6');
  assert.ok(target, code.map((c) => c.text).join('\n'));
  const [bp, bad, past] = rt.setInstructionBreakpoints([
    { instructionReference: target.address, hitCondition: '1' },
    { instructionReference: '0x0', offset: 4 },
    { instructionReference: '0x400' },
  ]);
  assert.deepEqual([bp.verified, bp.slot, bp.line, bp.instructionReference], [true, target.slot, 13, target.address]);
  assert.deepEqual([bad.verified, bad.message], [false, '0x4 is not the address of an instruction (those are multiples of 8)']);
  assert.deepEqual([past.verified, past.message], [false, 'instruction 128 is past the end of the program (11 slots)']);
  rt.start(false);
  assert.deepEqual((await next('stopOnBreakpoint')).args, [[bp.id]]);
  assert.deepEqual([rt.stackFrames()[0].line, value(rt, 'r6')], [13, '0xd (13)']);
});

test('a condition that cannot be evaluated stops there with a message; one that does not parse is refused', async () => {
  const { rt, next, outputs } = setup('packet.bpf.s', { mem: 'aa bb' });
  const [bad, unreadable] = rt.setBreakpoints([{ line: 4, condition: 'r2 == ' }, { line: 5, condition: '*(u8 *)(r1 + 100) == 0' }]);
  assert.deepEqual([bad.verified, bad.message], [false, "condition 'r2 ==': column 6: expected an expression after '=='"]);
  assert.equal(unreadable.verified, true);
  rt.start(false);
  assert.deepEqual((await next('stopOnBreakpoint')).args, [[unreadable.id]]);
  assert.match(outputs.find((o) => o.startsWith('stderr:')) ?? '',
    /^stderr: breakpoint at line 6: condition '\*\(u8 \*\)\(r1 \+ 100\) == 0' cannot be evaluated \(column 1: read of 1 bytes at 0x[0-9a-f]+: offset 100 is outside input memory \(2 bytes\)\); stopped here$/);
});

test('breakpoint ids are unique across kinds, and each kind replaces only its own', async () => {
  const { rt, next } = setup('calls.bpf.s');
  const [line] = rt.setBreakpoints([13]);
  const [fn] = rt.setFunctionBreakpoints([{ name: 'add3' }]);
  rt.setInstructionBreakpoints([]);
  assert.notEqual(line.id, fn.id);
  rt.setFunctionBreakpoints([]);
  rt.start(false);
  assert.deepEqual((await next('stopOnBreakpoint')).args, [[line.id]]);
  assert.equal(rt.stackFrames()[0].line, 13);
});
