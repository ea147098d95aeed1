// Tests of loopConvergence.ts: forced checkpoints, the on-path verdicts
// (prune, infinite loop, go on) and widening of imprecise scalars.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn } from '../../../src-vm/isa/insn';
import { checkCfg } from '../../../src-vm/verifier/cfg';
import { findPrevEntry, loopInfo, onPathVerdict, widenImpreciseScalars } from '../../../src-vm/verifier/loopConvergence';
import { constScalar, unknownScalar } from '../../../src-vm/verifier/regState';
import { initialState, stateClone } from '../../../src-vm/verifier/state';

// 0: r6 = 0; 1: may_goto +2; 2: r6 += 1; 3: goto -3; 4: r0 = 0; 5: exit; (6: call bpf_loop, unreachable here)
const INSNS = [
  insn(0xb7, 6, 0, 0, 0), insn(0xe5, 0, 0, 2, 0), insn(0x07, 6, 0, 0, 1), insn(0x05, 0, 0, -3, 0),
  insn(0xb7, 0, 0, 0, 0), insn(0x95, 0, 0, 0, 0),
];

function info() {
  const cfg = checkCfg(INSNS);
  return loopInfo(INSNS, cfg.successors, cfg.prunePoints);
}

test('loop convergence: may_goto forces a checkpoint', () => {
  const li = info();
  assert.deepEqual(li.forceCheckpoint, [false, true, false, false, false, false]);
  assert.equal(li.mayGoto[1], true);
});

test('loop convergence: at may_goto a covering state of another depth prunes, the same depth and state is a loop', () => {
  const li = info();
  const old = initialState();
  old.pc = 1;
  old.cur.regs[6] = unknownScalar();
  const cur = stateClone(old);
  cur.cur.regs[6] = constScalar(3n);
  assert.equal(onPathVerdict(li, 1, old, cur), 'miss', 'same depth, not identical');
  cur.mayGotoDepth = 1;
  assert.equal(onPathVerdict(li, 1, old, cur), 'prune');
  const same = stateClone(old);
  assert.equal(onPathVerdict(li, 1, old, same), 'loop');
  same.mayGotoDepth = 2;
  assert.equal(onPathVerdict(li, 1, old, same), 'prune');
});

test('loop convergence: the previous entry is the nearest ancestor checkpoint at the pc', () => {
  const a = initialState(); a.pc = 1;
  const b = initialState(); b.pc = 3; b.parent = a;
  const c = initialState(); c.pc = 1; c.parent = b;
  assert.equal(findPrevEntry(c, 1, c), c);
  assert.equal(findPrevEntry(b, 1, c), a);
  assert.equal(findPrevEntry(b, 4, c), undefined);
});

test('loop convergence: changed scalars nothing demands are widened, equal ones kept', () => {
  const li = info();
  const old = initialState();
  old.pc = 2;
  old.cur.regs[6] = constScalar(0n);
  old.cur.regs[7] = constScalar(5n);
  const cur = stateClone(old);
  cur.cur.regs[6] = constScalar(1n);
  widenImpreciseScalars(li, old, cur);
  assert.equal(cur.cur.regs[6].s.umaxLo, 0xffffffff, 'r6 widened to unknown');
  assert.equal(cur.cur.regs[7].s.umaxLo, 5, 'r7 unchanged');
});
