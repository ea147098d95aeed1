// Unit tests for src-vm/verifier/checks/stackDepth.ts and tailCall.ts:
// check_max_stack_depth's walk (16-byte frames, 8 frames, 512 bytes, private
// stacks of tracing programs, the 256-byte limit under a tail call) and the
// tail call's own map check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgTypeName } from '../../../../src-vm/elf/bpfEnums';
import type { Insn } from '../../../../src-vm/isa/insn';
import { checkMaxStackDepth } from '../../../../src-vm/verifier/checks/stackDepth';
import { checkTailCall } from '../../../../src-vm/verifier/checks/tailCall';
import type { MapRef } from '../../../../src-vm/verifier/regState';
import { initialState } from '../../../../src-vm/verifier/state';

const CALL = (imm: number): Insn => ({ code: 0x85, dst: 0, src: 1, off: 0, imm });
const TAIL: Insn = { code: 0x85, dst: 0, src: 0, off: 0, imm: 12 };
const EXIT: Insn = { code: 0x95, dst: 0, src: 0, off: 0, imm: 0 };

/** main: call sub; exit / sub: [tail call;] exit — with the given stack depths. */
function twoFrames(depths: number[], progType: ProgTypeName, tail = false): string | undefined {
  const sub = tail ? [TAIL, EXIT] : [EXIT];
  const insns = [CALL(1), EXIT, ...sub];
  const subprogOf = insns.map((_, pc) => (pc < 2 ? 0 : 1));
  return checkMaxStackDepth({ insns, starts: [0, 2], subprogOf, depths, progType })?.message;
}

const DEPTHS: [string, number[], ProgTypeName, boolean, string | undefined][] = [
  ['512 + a frame without stack', [512, 0], 'sched_cls', false, undefined],
  ['512 + 8 bytes (rounded to 16)', [512, 8], 'sched_cls', false, 'combined stack size of 2 calls is 528. Too large'],
  ['512 + 8 bytes on a private stack (raw_tp)', [512, 8], 'raw_tracepoint', false, undefined],
  ['500 + 16 on kprobe: 500 is a private stack', [500, 16], 'kprobe', false, undefined],
  ['tail call under 256 bytes', [256, 0], 'sched_cls', true, 'tail_calls are not allowed when call stack of previous frames is 256 bytes. Too large'],
  ['tail call under 240 bytes', [240, 0], 'sched_cls', true, undefined],
  ['a tail call turns private stacks off', [512, 8], 'raw_tracepoint', true, 'tail_calls are not allowed when call stack of previous frames is 512 bytes. Too large'],
];

for (const [name, depths, type, tail, message] of DEPTHS) {
  test(`stack depth: ${name}`, () => assert.equal(twoFrames(depths, type, tail), message));
}

test('stack depth: static recursion is walked to 8 frames', () => {
  const insns = [CALL(1), EXIT, CALL(-1), EXIT];
  const err = checkMaxStackDepth({ insns, starts: [0, 2], subprogOf: [0, 0, 1, 1], depths: [0, 0], progType: 'sched_cls' });
  assert.equal(err?.message, 'the call stack of 8 frames is too deep !');
});

test('tail call: the map must be a prog_array', () => {
  const map = (type: string): MapRef => ({ name: 'm', type, keySize: 4, valueSize: 4, maxEntries: 4 });
  assert.equal(checkTailCall(initialState(), 3, map('prog_array')), undefined);
  assert.equal(checkTailCall(initialState(), 3, map('hash'))?.message, 'expected prog array map for tail call');
});
