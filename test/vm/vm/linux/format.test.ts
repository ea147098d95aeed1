// Tests for src-vm/vm/linux/format.ts: printf as the kernel's bprintf formats.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPrintf } from '../../../../src-vm/vm/linux/format';

const MEM = new Map<bigint, Uint8Array>([[0x1000n, Uint8Array.from([...'hi\0'].map((c) => c.charCodeAt(0)))], [0x2000n, Uint8Array.of(10, 0, 0, 1)]]);
const read = (a: bigint, n: number): Uint8Array | undefined => {
  for (const [base, bytes] of MEM) if (a >= base && a + BigInt(n) <= base + BigInt(bytes.length)) return bytes.subarray(Number(a - base), Number(a - base) + n);
  return undefined;
};

const CASES: [string, bigint[], string][] = [
  ['%d %i', [BigInt.asUintN(64, -5n), 7n], '-5 7'],
  ['%u', [0xffffffffn], '4294967295'],
  ['%lld', [BigInt.asUintN(64, -9n)], '-9'],
  ['%llu', [BigInt.asUintN(64, -1n)], '18446744073709551615'],
  ['%x %X %#x', [255n, 255n, 255n], 'ff FF 0xff'],
  ['%08x|%-4d|%4d', [0xbeefn, 3n, 3n], '0000beef|3   |   3'],
  ['%c%c', [104n, 105n], 'hi'],
  ['%s!', [0x1000n], 'hi!'],
  ['%s', [0x9999n], '(efault)'],
  ['%pI4', [0x2000n], '10.0.0.1'],
  ['100%%', [], '100%'],
  ['%hhd %hd', [0x1ffn, 0x18000n], '-1 -32768'],
];

test('formatPrintf formats as the kernel does', () => {
  for (const [fmt, args, want] of CASES) assert.equal(formatPrintf(fmt, args, read).text, want, fmt);
});
