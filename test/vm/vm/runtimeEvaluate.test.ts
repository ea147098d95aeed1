// What the debugger shows for an evaluated expression: a lone register as
// the register view, numbers as `0x… (signed)` at their type's width,
// pointers as region + offset, char arrays as strings, wider values as hex
// bytes, maps as kind and element count, a missing element as a sentence;
// and logpoint values in their short form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn } from '../../../src-vm/isa/insn';
import { Vm } from '../../../src-vm/vm/interpreter';
import { regionAddress } from '../../../src-vm/vm/memory';
import { parseExpression } from '../../../src-vm/vm/expr/parser';
import type { ExprSymbols } from '../../../src-vm/vm/expr/scope';
import { breakpointJudge, evaluateAt } from '../../../src-vm/vm/runtimeEvaluate';

function vm(): Vm {
  const v = new Vm([insn(0x95)]);
  const input = v.memory.add('input memory', 'mem', Uint8Array.from([1, 2, 3, 4]), true);
  v.setReg(1, regionAddress(input));
  v.setReg(2, 0xffffffffffffffffn);
  return v;
}

const SYMBOLS: ExprSymbols = {
  global: (name) => (name === 'label'
    ? { name, typeName: 'char[8]', section: '.data', shape: { kind: 'array', count: 8, element: { kind: 'int', size: 1, signed: true, name: 'char' } }, bytes: () => Uint8Array.from([0x66, 0x77, 0, 0, 0, 0, 0, 0]) }
    : name === 'cfg'
      ? { name, typeName: 'struct cfg', section: '.rodata', shape: { kind: 'bytes' }, bytes: () => Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1]) }
      : undefined),
  map: (name) => (name === 'counts'
    ? { name, type: 'percpu_array', keySize: 4, valueSize: 8, maxEntries: 4, lookup: (k) => (k[0] < 4 ? new Uint8Array(8).fill(k[0]) : undefined), count: () => 4 }
    : undefined),
  constant: () => undefined,
};

/** Expression -> [text, type] as evaluate shows them (`@n`: the address of input byte n), or the error. */
const VIEWS: readonly [string, [string, string] | { error: string }][] = [
  ['r2', ['0xffffffffffffffff (-1)', 'u64']],
  ['w2', ['0xffffffff (-1)', 'u32']],
  ['r1', ['@0 (input memory + 0)', 'pointer to input memory']],
  ['r1 + 3', ['@3 (input memory + 3)', 'pointer to input memory']],
  ['(u8 *)r1 + 4', ['@4 (input memory + 4)', 'pointer to input memory']],
  ['*(u8 *)(r1 + 3)', ['0x4 (4)', 'u8']],
  ['(u8)255', ['0xff (-1)', 'u8']],
  ['(s16)-2', ['0xfffe (-2)', 's16']],
  ['-1', ['0xffffffff (-1)', 'int']],
  ['r2 == -1', ['0x1 (1)', 'int']],
  ['(long)-5', ['0xfffffffffffffffb (-5)', 'long']],
  ['label', ['"fw"', 'char[8]']],
  ['cfg', ['de ad be ef 01', 'struct cfg']],
  ['counts', ["percpu_array map 'counts': 4 elements (of at most 4; keys 4 bytes, values 8 bytes)", 'percpu_array map']],
  ['counts[2]', ['0x202020202020202 (144680345676153346)', 'u64']],
  ['counts[9]', ["map 'counts' has no element with key 0x9", 'no element']],
  ['r11', { error: "cannot evaluate 'r11': only registers r0..r10 and w0..w10 can be evaluated" }],
  ['r1 +* 2', { error: 'column 5: 2 is an int, not a pointer: say how many bytes to load, as in *(u32 *)(…)' }],
  ['*(r1 + 1)', { error: 'column 1: this value is a u64, not a pointer: say how many bytes to load, as in *(u32 *)(…)' }],
];

test('evaluated expressions show as the debugger shows values', () => {
  const v = vm();
  for (const [expression, expected] of VIEWS) {
    const got = evaluateAt(v, 0, expression, SYMBOLS);
    if ('error' in expected) assert.deepEqual(got, expected, expression);
    else {
      assert.ok(!('error' in got), `${expression}: ${'error' in got ? got.error : ''}`);
      const text = expected[0].replace(/@(\d+)/, (_, n: string) => `0x${(v.getReg(1) + BigInt(n)).toString(16)}`);
      assert.deepEqual([got.text, got.type], [text, expected[1]], expression);
      assert.equal(got.name, expression);
    }
  }
});

test('a lone register keeps the register view, value included', () => {
  assert.deepEqual(evaluateAt(vm(), 0, ' r2 '), { name: 'r2', value: 0xffffffffffffffffn, text: '0xffffffffffffffff (-1)', type: 'u64' });
  const pointer = evaluateAt(vm(), 0, '%r1');
  assert.ok(!('error' in pointer));
  assert.deepEqual(pointer.pointsTo, { region: 'input memory', offset: 0 });
});

test('logpoints print numbers in decimal by type, pointers as region + offset, failures in angle brackets', () => {
  const v = vm();
  const judge = breakpointJudge(v, SYMBOLS);
  const shown: [string, RegExp][] = [
    ['r2', /^18446744073709551615$/],
    ['(s64)r2', /^-1$/],
    ['*(s8 *)(r1 + 3) - 10', /^-6$/],
    ['r1 + 2', /^0x[0-9a-f]+ \(input memory \+ 2\)$/],
    ['label', /^"fw"$/],
    ['counts[9]', /^map 'counts' has no element with key 0x9$/],
    ['*(u32 *)(r1 + 2)', /^<column 1: read of 4 bytes at 0x[0-9a-f]+: offset 2 is outside input memory \(4 bytes\)>$/],
  ];
  for (const [expression, expected] of shown) {
    const parsed = parseExpression(expression);
    assert.ok('expr' in parsed, expression);
    assert.match(judge.show(parsed.expr), expected, expression);
  }
  const condition = parseExpression('*(u8 *)r1 == 1 && r2 + 1 == 0');
  assert.ok('expr' in condition);
  assert.equal(judge.condition(condition.expr), true);
});
