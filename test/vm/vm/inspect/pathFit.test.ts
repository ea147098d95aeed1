// Choosing the verifier path the run is on: printed register states scored
// against concrete values (constants, stack and packet offsets, scalar
// bounds), and slotState picking the best-fitting path's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathFit, registerFit, type ConcreteRegister } from '../../../../src-vm/vm/inspect/pathFit';
import { slotState, type VerifierStates } from '../../../../src-vm/vm/inspect/verifierAnnotations';

const scalar = (value: bigint): ConcreteRegister => ({ value });
const pointer = (kind: string, offset: number): ConcreteRegister => ({ value: 0xa80000000n + BigInt(offset), pointsTo: { kind, offset } });

const CASES: [string, ConcreteRegister, 'fits' | 'neutral' | 'contradicts'][] = [
  ['32', scalar(32n), 'fits'],
  ['32', scalar(33n), 'contradicts'],
  ['-1', scalar(0xffffffffffffffffn), 'fits'],
  ['fp-8', pointer('stack', -8), 'fits'],
  ['fp0', pointer('stack', 0), 'fits'],
  ['fp-8', pointer('stack', -16), 'contradicts'],
  ['pkt(off=14,r=34)', pointer('packet', 14), 'fits'],
  ['pkt(off=18,r=38)', pointer('packet', 14), 'contradicts'],
  ['pkt(r=0)', pointer('packet', 0), 'fits'],
  ['pkt(id=2,off=14,r=0,var_off=(0x0; 0xff))', pointer('packet', 20), 'neutral'],
  ['scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', scalar(200n), 'fits'],
  ['scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', scalar(300n), 'contradicts'],
  ['scalar()', scalar(5n), 'neutral'],
  ['ctx()', pointer('ctx', 0), 'neutral'],
];

for (const [text, reg, expected] of CASES) {
  test(`${text} against ${reg.pointsTo ? `${reg.pointsTo.kind}+${reg.pointsTo.offset}` : reg.value}: ${expected}`, () => {
    const score = registerFit(text, reg);
    const got = score > 0 ? 'fits' : score < 0 ? 'contradicts' : 'neutral';
    assert.equal(got, expected, `score ${score}`);
  });
}

test('slotState picks the path the registers fit, the first one when none fits better', () => {
  const states: VerifierStates = {
    kind: 'verified', verdict: 'accept',
    statesAt: new Map([[5, [' R1=pkt(off=18,r=38) R2=4 R10=fp0', ' R1=pkt(off=14,r=34) R2=0 R10=fp0']]]),
  };
  const onIpv4 = new Map([[1, pointer('packet', 14)], [2, scalar(0n)]]);
  const chosen = slotState(states, 5, (s) => pathFit(s, onIpv4))!;
  assert.equal(chosen.index, 1);
  assert.equal(chosen.regs.get(1), 'pkt(off=14,r=34)');
  assert.equal(slotState(states, 5)!.index, 0, 'without a fit, the first path');
  const unknown = new Map([[3, scalar(9n)]]);
  assert.equal(slotState(states, 5, (s) => pathFit(s, unknown))!.index, 0, 'ties keep the first path');
});
