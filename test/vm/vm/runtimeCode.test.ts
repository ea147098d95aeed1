// The program's code as the debugger presents it: instruction addresses and
// their parsing, disassembled slots with bytes, symbols and source lines,
// slots outside the program, the second slot of an lddw, and function names
// resolved to entry slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemblyTarget, loadDebugProgram } from '../../../src-vm/vm/runtimeLoad';
import { codeSlots, functionEntries, isSecondHalf, OUTSIDE_ADDRESS, slotAddress, slotOfAddress } from '../../../src-vm/vm/runtimeCode';
import type { DebugTarget } from '../../../src-vm/vm/runtimeTarget';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'debug');

function target(text: string): DebugTarget {
  const loaded = loadDebugProgram(text, {});
  assert.ok(loaded.value, loaded.diagnostics.map((d) => d.message).join('\n'));
  return assemblyTarget(loaded.value);
}

const LDDW = '\t.text\nprog:\n\tr1 = 0x123456789 ll\n\tr0 = 1\nout:\n\texit\n';

test('addresses are byte offsets of slots, and read back', () => {
  assert.deepEqual([0, 1, 13].map(slotAddress), ['0x0', '0x8', '0x68']);
  const reads: [string, number | undefined, number | string][] = [
    ['0x68', undefined, 13],
    ['0x60', 8, 13],
    ['104', 0, 13],
    ['0x68', -104, 0],
    ['0x6', 0, '0x6 is not the address of an instruction (those are multiples of 8)'],
    ['0x0', -8, "-0x8 is before the program's first instruction (0x0)"],
    ['main+4', 0, "'main+4' is not an instruction address (they look like 0x18)"],
  ];
  for (const [reference, offset, expected] of reads) {
    const got = slotOfAddress(reference, offset);
    assert.deepEqual(typeof got === 'number' ? got : got.error, expected, `${reference} ${offset}`);
  }
});

test('slots come with bytes, text, symbol and line; outside the program they are marked', () => {
  const t = target(readFileSync(join(FIXTURES, 'calls.bpf.s'), 'utf8'));
  const slots = codeSlots(t, -1, 13);
  assert.equal(slots.length, 13);
  assert.deepEqual(slots[0], { slot: -1, address: OUTSIDE_ADDRESS, bytes: '', text: '<outside the program>', outside: true });
  assert.deepEqual(slots[12], { slot: 11, address: OUTSIDE_ADDRESS, bytes: '', text: '<outside the program>', outside: true });
  const first = slots[1];
  assert.deepEqual([first.address, first.bytes, first.text, first.symbol, first.line], ['0x0', 'b7 06 00 00 0a 00 00 00', 'r6 = 0xa', 'prog', 5]);
  const add3 = slots.find((s) => s.symbol === 'add3');
  assert.deepEqual([add3?.slot, add3?.address, add3?.text, add3?.line], [8, '0x40', 'r0 = r1', 16]);
  assert.deepEqual(slots.filter((s) => s.symbol).map((s) => s.symbol), ['prog', 'add3']);
});

test('the second slot of an lddw is shown as such, also when a request starts on it', () => {
  const t = target(LDDW);
  assert.deepEqual(codeSlots(t, 0, 4).map((s) => s.text), ['r1 = 0x123456789 ll', '(second slot of the lddw above)', 'r0 = 0x1', 'exit']);
  assert.deepEqual(codeSlots(t, 1, 1).map((s) => [s.text, s.bytes]), [['(second slot of the lddw above)', '00 00 00 00 01 00 00 00']]);
  assert.deepEqual([0, 1, 2, 3].map((s) => isSecondHalf(t, s)), [false, true, false, false]);
});

test('function names and labels resolve to their entry slots', () => {
  assert.deepEqual([...functionEntries(target(LDDW))], [['prog', 0], ['out', 3]]);
  const calls = target(readFileSync(join(FIXTURES, 'calls.bpf.s'), 'utf8'));
  assert.deepEqual([...functionEntries(calls)], [['prog', 0], ['add3', 8]]);
});
