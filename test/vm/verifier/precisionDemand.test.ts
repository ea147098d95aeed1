// Tests of precisionDemand.ts: which registers and fp slots a loop must not
// widen, from small assembled programs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../../src-vm/asm/assembler';
import { checkCfg } from '../../../src-vm/verifier/cfg';
import { computeDemand } from '../../../src-vm/verifier/precisionDemand';

function demandOf(lines: string[]): ReturnType<typeof computeDemand> {
  const r = assemble(`.section socket, "ax"\n${lines.join('\n')}\n`);
  assert.deepEqual(r.diagnostics, []);
  const insns = r.value.sections[0].insns;
  return computeDemand(insns, checkCfg(insns).successors);
}

const regs = (mask: number): number[] => [...Array(11).keys()].filter((r) => (mask >> r) & 1);

test('precision demand: a counter only incremented is not demanded, a compared one is', () => {
  const free = demandOf(['r6 = 0', 'may_goto +2', 'r6 += 1', 'goto -3', 'r0 = 0', 'exit']);
  assert.deepEqual(regs(free.at[1].regs), []);
  const compared = demandOf(['r6 = 0', 'may_goto +2', 'r6 += 1', 'if r6 < 8 goto -3', 'r0 = 0', 'exit']);
  assert.deepEqual(regs(compared.at[1].regs), [6]);
});

test('precision demand: pointer arithmetic demands the scalar and what it was copied from', () => {
  const d = demandOf(['r0 = 1', 'r2 = r0', 'r1 = r10', 'r1 += r2', 'r0 = 0', 'exit']);
  assert.deepEqual(regs(d.at[1].regs), [0]);
  assert.deepEqual(regs(d.at[3].regs), [2]);
});

test('precision demand: spills and fills through r10 carry demand to the slot', () => {
  const d = demandOf(['r6 = 3', '*(u64 *)(r10 - 16) = r6', 'r2 = *(u64 *)(r10 - 16)', 'r1 = r10', 'r1 += r2', 'r0 = 0', 'exit']);
  assert.equal(d.at[2].slots, 1n << 1n);
  assert.deepEqual(regs(d.at[1].regs), [6]);
  assert.equal(d.indirectLoads, false);
});

test('precision demand: a demanded value loaded through another pointer demands every slot', () => {
  const d = demandOf(['r1 = r10', 'r1 += -8', 'r2 = *(u64 *)(r1 + 0)', 'r3 = r10', 'r3 += r2', 'r0 = 0', 'exit']);
  assert.equal(d.indirectLoads, true);
});

test('precision demand: R0 at exit and helper size arguments are demanded; calls clobber r0-r5', () => {
  const d = demandOf(['r6 = 4', 'r2 = r6', 'r1 = r10', 'r1 += -8', 'r3 = 0', 'call 4', 'r0 = 0', 'exit']);
  assert.deepEqual(regs(d.at[7].regs), [0]);
  assert.ok(regs(d.at[5].regs).includes(2), 'bpf_probe_read size (r2)');
  assert.deepEqual(regs(d.at[1].regs), [6]);
});
