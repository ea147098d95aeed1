// Tests for src-vm/vm/inspect/verifierAnnotations.ts: printed verifier states
// read back into register and stack-slot notes as the kernel log prints them,
// what the explaining row says (several paths, a rejection, dead code, no
// verifier for the type), and real runs of the verifier on assembly: a
// program two paths reach the end of, and a rejected one annotated up to
// where the verifier got.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleSource } from '../../../../src-vm/program';
import { targetsOfAsm } from '../../../../src-vm/verifyTargets';
import {
  parseSlotState, registerNote, slotState, stackNote, statesSummary, verifierStates, type VerifierStates,
} from '../../../../src-vm/vm/inspect/verifierAnnotations';

const STATE = 'R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R1=ctx() R2=pkt(off=14,r=34) R10=fp0 '
  + 'fp-8=pkt(r=34) fp-16=mmmmmmmm fp-24=00000000 fp-32=mmmm???? fp-40=rrrrmmmm fp-48=0';

const REGISTERS: [number, string][] = [
  [0, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
  [1, 'ctx()'],
  [2, 'pkt(off=14,r=34)'],
  [3, 'not initialized'],
  [10, 'fp0'],
];

for (const [reg, note] of REGISTERS) {
  test(`register note r${reg}: ${note}`, () => {
    assert.equal(registerNote(parseSlotState(STATE, 1), reg), note);
  });
}

const SLOTS: [number, string][] = [
  [-8, 'spilled pkt(r=34)'],
  [-16, 'misc'],
  [-24, 'zero'],
  [-32, 'mmmm???? (m misc, ? invalid)'],
  [-40, 'rrrrmmmm (r spill, m misc)'],
  [-48, 'spilled 0'],
  [-56, 'invalid'],
];

for (const [offset, note] of SLOTS) {
  test(`stack note fp${offset}: ${note}`, () => {
    assert.equal(stackNote(parseSlotState(STATE, 1), offset), note);
  });
}

test('a subprogram frame\'s printed state (frame1: prefix) still reads', () => {
  const s = parseSlotState('frame1: R1=pkt(r=0) R10=fp0 fp-8=mmmmmmmm', 2);
  assert.deepEqual([s.paths, [...s.regs], [...s.stack]], [2, [[1, 'pkt(r=0)'], [10, 'fp0']], [[-8, 'mmmmmmmm']]]);
});

const VERIFIED: VerifierStates = { kind: 'verified', verdict: 'accept', statesAt: new Map([[0, ['R1=ctx() R10=fp0']], [5, ['R0=1', 'R0=2', 'R0=3']], [9, Array(16).fill('R0=1')]]) };
const REJECTED: VerifierStates = { ...VERIFIED, verdict: 'reject', error: { insnIdx: 5, message: 'R0 !read_ok' } };

const SUMMARIES: [string, VerifierStates, number, string | undefined][] = [
  ['one path of an accepted program needs no word', VERIFIED, 0, undefined],
  ['several paths', VERIFIED, 5, 'state before instruction 5 on the first of 3 paths the verifier explored (the one the run\'s registers fit)'],
  ['as many paths as the verifier keeps', VERIFIED, 9, 'state before instruction 9 on the first of 16 or more paths the verifier explored (the one the run\'s registers fit)'],
  ['dead code', VERIFIED, 3, 'instruction 3 was not reached by the verifier (dead code)'],
  ['not reached in a rejected program', REJECTED, 7, 'instruction 7 was not reached by the verifier: the verifier rejects the program at instruction 5: R0 !read_ok'],
  ['reached in a rejected program', REJECTED, 0, 'the verifier rejects the program at instruction 5: R0 !read_ok'],
  ['no verifier for the type', { kind: 'unavailable', reason: 'program type kprobe is not modelled' }, 0, 'no annotations: program type kprobe is not modelled'],
];

for (const [name, states, slot, expected] of SUMMARIES) {
  test(`states summary: ${name}`, () => {
    assert.equal(statesSummary(states, slot), expected);
  });
}

function verifyAsm(body: string): VerifierStates {
  const assembled = assembleSource(`\t.section\txdp,"ax",@progbits\nprog:\n${body}`);
  assert.deepEqual(assembled.diagnostics.filter((d) => d.severity === 'error'), []);
  return verifierStates(targetsOfAsm(assembled.value.object).targets[0]);
}

test('a bounds-checked packet read: the load is annotated with the proven range, the exit with the first of two paths', () => {
  const states = verifyAsm([
    'r2 = *(u32 *)(r1 + 0)', 'r3 = *(u32 *)(r1 + 4)', 'r4 = r2', 'r4 += 14', '*(u64 *)(r10 - 8) = r2', 'r0 = 1',
    'if r4 <= r3 goto ok', 'goto out', 'ok:', 'r0 = *(u8 *)(r2 + 12)', 'out:', 'exit',
  ].join('\n'));
  assert.equal(states.kind === 'verified' && states.verdict, 'accept');
  const load = slotState(states, 8)!;
  assert.deepEqual([registerNote(load, 2), registerNote(load, 4), stackNote(load, -8)], ['pkt(r=14)', 'pkt(off=14,r=14)', 'spilled pkt(r=14)']);
  const exit = slotState(states, 9)!;
  assert.equal(exit.paths, 2);
  assert.equal(registerNote(exit, 0), '1', 'the first path (the fall-through) set r0 = 1');
  assert.match(statesSummary(states, 9) ?? '', /first of 2 paths/);
});

test('a rejected program is annotated where the verifier got, and says why it stopped', () => {
  const states = verifyAsm(['r2 = *(u32 *)(r1 + 0)', 'r0 = *(u8 *)(r2 + 12)', 'exit'].join('\n'));
  assert.equal(states.kind === 'verified' && states.verdict, 'reject');
  assert.equal(registerNote(slotState(states, 1)!, 2), 'pkt(r=0)');
  assert.equal(slotState(states, 2), undefined);
  assert.match(statesSummary(states, 2) ?? '', /^instruction 2 was not reached by the verifier: the verifier rejects the program at instruction 1: invalid access to packet/);
});

test('a section without a program type leaves the program unannotated, saying why', () => {
  const assembled = assembleSource('\t.text\nf:\nr0 = 0\nexit\n');
  const target = { ...targetsOfAsm(assembled.value.object).targets[0] };
  const states = verifierStates(target);
  assert.equal(states.kind, 'unavailable');
  assert.match(statesSummary(states, 0) ?? '', /^no annotations: program type \(none\) is not modelled by our verifier/);
});
