// Debugger expressions evaluated over a hand-built Vm: registers, literals,
// C arithmetic with its promotions and conversions, comparisons signed or
// not by type, shifts, short-circuit logic, casts, loads through casts
// (memory, stack, a context field), pointer arithmetic, globals, map lookups,
// enum constants, byte-order functions, and every runtime error with its
// column. One table row per expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn } from '../../../../src-vm/isa/insn';
import { Vm } from '../../../../src-vm/vm/interpreter';
import { regionAddress } from '../../../../src-vm/vm/memory';
import { evaluateExpr } from '../../../../src-vm/vm/expr/evaluate';
import { parseExpression } from '../../../../src-vm/vm/expr/parser';
import type { ExprMap, ExprSymbols } from '../../../../src-vm/vm/expr/scope';
import { vmScope } from '../../../../src-vm/vm/runtimeEvaluate';

/** A Vm stopped at `exit` with r1 at 16 bytes of input, r2 = -1, r3 = 0x1_0000_0005, a u64 on the stack and a context region. */
function stoppedVm(): Vm {
  const vm = new Vm([insn(0x95)]);
  const input = vm.memory.add('input memory', 'mem', Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x08, 0x00, 0xff, 0xfe, 0, 0, 0, 0]), true);
  vm.setReg(1, regionAddress(input));
  vm.setReg(2, 0xffffffffffffffffn);
  vm.setReg(3, 0x1_0000_0005n);
  vm.setReg(4, 0n);
  const stack = vm.stacks[0].bytes;
  stack.set([0x2a, 0, 0, 0, 0, 0, 0, 0x80], 512 - 8);
  const ctx = vm.memory.add('xdp_md', 'ctx', new Uint8Array(0), false);
  ctx.fields = {
    load: (offset) => (offset === 0 ? regionAddress(input) : offset === 12 ? 3n : `offset ${offset} is not a field`),
    store: () => 'read-only',
  };
  vm.setReg(5, regionAddress(ctx));
  return vm;
}

function fakeMap(name: string, keySize: number, valueSize: number, elements: Map<string, Uint8Array>): ExprMap {
  return {
    name, type: 'hash', keySize, valueSize, maxEntries: 8,
    lookup: (key) => elements.get(Buffer.from(key).toString('hex')),
    count: () => elements.size,
  };
}

const SYMBOLS: ExprSymbols = {
  global: (name) => ({
    packets: { name, typeName: '__u32', section: '.data', shape: { kind: 'int' as const, type: { kind: 'int' as const, size: 4 as const, signed: false, name: '__u32' } }, bytes: () => Uint8Array.from([8, 0, 0, 0]) },
    delta: { name, typeName: 'int', section: '.bss', shape: { kind: 'int' as const, type: { kind: 'int' as const, size: 4 as const, signed: true, name: 'int' } }, bytes: () => Uint8Array.from([0xfe, 0xff, 0xff, 0xff]) },
    ports: { name, typeName: '__u16[3]', section: '.rodata', shape: { kind: 'array' as const, count: 3, element: { kind: 'int' as const, size: 2 as const, signed: false, name: '__u16' } }, bytes: () => Uint8Array.from([53, 0, 0x50, 0, 0xbb, 0x01]) },
    config: { name, typeName: 'struct config', section: '.data', shape: { kind: 'bytes' as const }, bytes: () => new Uint8Array(12) },
    gone: { name, typeName: 'int', section: '.bss', shape: { kind: 'bytes' as const }, bytes: () => 'the map of .bss could not be built' },
  } as Record<string, ReturnType<ExprSymbols['global']>>)[name],
  map: (name) => ({
    counts: fakeMap('counts', 4, 8, new Map([['00000000', Uint8Array.from([5, 0, 0, 0, 0, 0, 0, 0])], ['07000000', Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0])]])),
    wide: fakeMap('wide', 16, 4, new Map()),
    pairs: fakeMap('pairs', 2, 12, new Map([['0100', new Uint8Array(12).fill(0xab)]])),
    triples: fakeMap('triples', 1, 3, new Map([['02', Uint8Array.from([1, 2, 3])]])),
  } as Record<string, ExprMap | undefined>)[name],
  constant: (name) => (name === 'XDP_PASS' ? { value: 2n, type: { kind: 'int', size: 4, signed: false, name: 'unsigned int' } } : undefined),
};

/** Expression -> value (a bigint as the type holds it: negative for signed types), or /error/. */
const CASES: readonly [string, bigint | RegExp][] = [
  // registers and literals
  ['r3', 0x1_0000_0005n],
  ['w3', 5n],
  ['%r3 + 1', 0x1_0000_0006n],
  ['0x2a', 42n],
  ['052', 42n],
  ['0b101', 5n],
  ["'A'", 65n],
  ["'\\n'", 10n],
  ["'\\x41'", 65n],
  ['18446744073709551615', 0xffffffffffffffffn],
  // arithmetic wraps at the common type's width
  ['1 + 2 * 3', 7n],
  ['(1 + 2) * 3', 9n],
  ['r2 + 1', 0n],
  ['w2 + 1', 0n],
  ['-1', -1n],
  ['-r4', 0n],
  ['~0', -1n],
  ['~0u', 0xffffffffn],
  ['7 / 2', 3n],
  ['-7 / 2', -3n],
  ['-7 % 3', -1n],
  ['r2 / 2', 0x7fffffffffffffffn],
  ['0xf0 & 0x3c | 1 ^ 3', 0x32n],
  ['2147483647 + 1', -2147483648n],
  ['2147483648', 2147483648n],
  ['0xffffffff + 1', 0n],
  ['0xffffffffu + 1', 0n],
  ['0xffffffffull + 1', 0x1_0000_0000n],
  // shifts take the left operand's promoted type
  ['1 << 4', 16n],
  ['r3 >> 32', 1n],
  ['-16 >> 2', -4n],
  ['(u32)-16 >> 2', 0x3ffffffcn],
  ['1 << 32', /column 6: a shift of a 32-bit int by 32 is undefined/],
  ['r1 << 64', /column 7: a shift of a 64-bit u64 by 64/],
  // comparisons: signed when both sides are, else unsigned
  ['r2 > 0', 1n],
  ['(s64)r2 > 0', 0n],
  ['(s64)r2 == -1', 1n],
  ['-1 < 0', 1n],
  ['-1 < 0u', 0n],
  ['w3 == 5 && r3 != 5', 1n],
  ['r4 == 0 || *(u8 *)r4', 1n],
  ['r4 != 0 && *(u8 *)r4', 0n],
  ['!r4', 1n],
  ['!r3', 0n],
  ['r4 ? 10 : 20', 20n],
  ['r3 ? 10 : *(u8 *)r4', 10n],
  ['3 >= 3 && 2 <= 1', 0n],
  // casts
  ['(u8)0x1234', 0x34n],
  ['(s8)0xff', -1n],
  ['(unsigned char)-1', 255n],
  ['(__be16)0x10008', 8n],
  ['(long long)w2', 0xffffffffn],
  // loads through casts
  ['*(u8 *)(r1 + 1)', 0x22n],
  ['*(u16 *)(r1 + 8)', 0x0008n],
  ['*(__be16 *)(r1 + 8)', 0x0008n],
  ['ntohs(*(__be16 *)(r1 + 8)) == 0x0800', 1n],
  ['*(u32 *)r1', 0x44332211n],
  ['*(u64 *)(r1 + 0)', 0x8877665544332211n],
  ['*(s8 *)(r1 + 11)', -2n],
  ['*(s16 *)(r1 + 10)', -257n],
  ['*(u32 *)(r10 - 8)', 42n],
  ['*(s64 *)(r10 - 8)', -0x7fffffffffffffd6n],
  ['*(unsigned int *)(r10 - 8) == 42', 1n],
  ['((u16 *)r1)[4]', 0x0008n],
  ['*((u8 *)r1 + 3)', 0x44n],
  ['(u64)((u32 *)r1 + 1) - r1', 4n],
  ['(u32 *)(r1 + 8) - (u32 *)r1', 2n],
  ['*(u8 *)(r1 + 16)', /column 1: read of 1 bytes at 0x[0-9a-f]+: offset 16 is outside input memory \(16 bytes\)/],
  ['*(u32 *)r4', /column 1: read of 4 bytes at 0x0: NULL pointer dereference/],
  ['*(u32 *)(r5 + 0) == r1', 1n],
  ['*(u32 *)(r5 + 12)', 3n],
  ['*(u32 *)(r5 + 4)', /column 1: read of 4 bytes at 0x[0-9a-f]+: xdp_md: offset 4 is not a field/],
  ['*r1', /column 1: r1 is a u64, not a pointer: say how many bytes to load, as in \*\(u32 \*\)/],
  ['*(void *)r1', /column 1: a void pointer cannot be loaded through/],
  // names: globals, maps, constants
  ['packets', 8n],
  ['packets + 1', 9n],
  ['delta', -2n],
  ['delta < 0', 1n],
  ['ports[2]', 443n],
  ['ports[3]', /column 7: index 3 is outside __u16\[3\] \(3 elements\)/],
  ['config + 1', /column 1: this is a 12-byte struct config, not a number/],
  ['gone', /column 1: the map of .bss could not be built/],
  ['counts[0]', 5n],
  ['counts[7] == 257', 1n],
  ['counts[r4 + 7]', 257n],
  ['counts[3] + 1', /column 1: map 'counts' has no element with key 0x3/],
  ['counts + 1', /column 1: 'counts' is a map, not a number; look an element up with counts\[key\]/],
  ['wide[0]', /column 6: map 'wide' has 16-byte keys; an expression gives a key of at most 8 bytes/],
  ['pairs[1] == 0', /this is a 12-byte value of pairs, not a number/],
  ['triples[2]', 0x030201n],
  ['XDP_PASS', 2n],
  ['nothing', /column 1: 'nothing' is not a register \(r0..r10, w0..w10\) nor a global variable, a map or an enum constant of the program/],
  ['r4[1]', /column 1: only a map, an array global or a pointer can be indexed/],
  // functions
  ['htonl(1)', 0x01000000n],
  ['bpf_ntohs(0x3412)', 0x1234n],
  ['__builtin_bswap64(1)', 0x0100000000000000n],
  // run-time errors name their column
  ['1 / r4', /column 5: division by zero/],
  ['5 % (r4)', /column 6: remainder by zero/],
];

test('expressions evaluate as C would over the stopped program', () => {
  const vm = stoppedVm();
  const scope = vmScope(vm, 0, SYMBOLS);
  for (const [text, expected] of CASES) {
    const parsed = parseExpression(text);
    assert.ok('expr' in parsed, `${text}: ${'error' in parsed ? parsed.error : ''}`);
    const got = evaluateExpr(parsed.expr, scope);
    if (expected instanceof RegExp) {
      assert.ok('error' in got, `${text} should fail, got ${JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
      assert.match(got.error, expected, text);
    } else {
      assert.ok(!('error' in got) && got.kind === 'scalar', `${text}: ${'error' in got ? got.error : got.kind}`);
      assert.equal(got.value, expected, text);
    }
  }
});

test('a frame waiting on a call knows only r6..r10, and a program without symbols says so', () => {
  const vm = stoppedVm();
  vm.frames.push({ returnPc: 1, saved: new Uint32Array(10) } as unknown as Vm['frames'][number]);
  const caller = vmScope(vm, 0);
  const r1 = parseExpression('r1 + 1');
  assert.ok('expr' in r1);
  assert.deepEqual(evaluateExpr(r1.expr, caller), { error: 'column 1: r1 is not preserved across the call this frame is waiting on (only r6..r10 are)' });
  const name = parseExpression('x');
  assert.ok('expr' in name);
  assert.deepEqual(evaluateExpr(name.expr, caller), { error: "column 1: 'x' is not a register (r0..r10, w0..w10) nor anything this program defines (it has no global variables or maps)" });
});
