// Register liveness (src-vm/verifier/liveness.ts) on small programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../../src-vm/asm/assembler';
import { checkCfg } from '../../../src-vm/verifier/cfg';
import { computeLiveRegs } from '../../../src-vm/verifier/liveness';

function live(asm: string): number[] {
  const insns = assemble(`.section xdp, "ax"\n${asm}\n`).value.sections[0].insns;
  return Array.from(computeLiveRegs(insns, checkCfg(insns).successors));
}

const bits = (...regs: number[]): number => regs.reduce((m, r) => m | (1 << r), 0);

test('a register is live from its definition to its last read', () => {
  assert.deepEqual(live('r2 = 1\nr3 = r2\nr0 = r3\nexit'), [0, bits(2), bits(3), bits(0)]);
});

test('both branches contribute; a write kills liveness', () => {
  // 0: if r1 > 0 goto +2; 1: r0 = r6; 2: exit; 3: r0 = 0; 4: exit
  assert.deepEqual(live('if r1 > 0 goto +2\nr0 = r6\nexit\nr0 = 0\nexit'), [bits(1, 6), bits(6), bits(0), 0, bits(0)]);
});

test('helper calls read r1-r5 and clobber r0-r5; lddw defines its register', () => {
  const l = live('r1 = 1\nr2 = 2 ll\ncall 7\nexit');
  assert.equal(l[2], 0, 'the second lddw slot has no liveness of its own');
  assert.equal(l[3], bits(1, 2, 3, 4, 5));
  assert.equal(l[4], bits(0));
});
