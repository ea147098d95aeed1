// Unit tests for src-vm/verifier/helperRetRange.ts: which helpers' results
// the size argument bounds, and the bounds an unknown result gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scalar, scalarToBig } from '../../../src-vm/verifier/bounds';
import { refineHelperResult } from '../../../src-vm/verifier/helperRetRange';

const ROWS: [helper: string, sizeMax: bigint, smin: bigint, smax: bigint, s32Min: number, s32Max: number][] = [
  ['probe_read_kernel_str', 16n, -4095n, 16n, -4095, 16],
  ['get_stack', 512n, -4095n, 512n, -4095, 512],
  ['probe_read_user_str', 0n, -4095n, 0n, -4095, 0],
  ['probe_read_kernel', 16n, -(2n ** 63n), 2n ** 63n - 1n, -(2 ** 31), 2 ** 31 - 1],
  ['get_current_pid_tgid', 0n, -(2n ** 63n), 2n ** 63n - 1n, -(2 ** 31), 2 ** 31 - 1],
];

for (const [helper, sizeMax, smin, smax, s32Min, s32Max] of ROWS) {
  test(`helper result range: ${helper} with size <= ${sizeMax}`, () => {
    const r0 = new Scalar();
    refineHelperResult(helper, r0, sizeMax);
    const b = scalarToBig(r0);
    assert.deepEqual([b.smin, b.smax, b.s32Min, b.s32Max], [smin, smax, s32Min, s32Max]);
  });
}
