// branches.ts: is_branch_taken never contradicts a concrete outcome, and the
// refined registers of the path a concrete pair takes still contain that pair
// (both widths, every condition, constant and register operands, and the same
// register on both sides); plus branch outcomes captured from the Linux
// 6.18.44 verifier log: the fall-through and the jump state of the register.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarClone, scalarConst } from '../../../src-vm/verifier/bounds';
import { type Cond, isBranchTaken, refineBranch } from '../../../src-vm/verifier/branches';
import { parseRegValue } from '../../../src-vm/verifier/logParse';
import { formatInvariantViolation, formatScalar } from '../../../src-vm/verifier/scalarPrint';
import { insn } from '../../../src-vm/isa/insn';
import { initialState, step, type Reg } from '../../support/scalarExec';
import { concreteCond, contains, randomValue, Rng, scalarAround } from './scalarKit';

const CONDS: Cond[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'];

for (const cond of CONDS) {
  for (const is32 of [false, true]) {
    test(`${is32 ? 'jmp32' : 'jmp'} ${cond}: decisions and refinements are sound`, () => {
      const rng = new Rng(cond.length * 977 + (is32 ? 1 : 0));
      for (let k = 0; k < 2000; k++) {
        const same = rng.chance(0.1);
        const x = randomValue(rng);
        const y = same ? x : rng.chance(0.3) ? BigInt.asUintN(64, BigInt(Number(BigInt.asIntN(32, randomValue(rng))))) : randomValue(rng);
        const a = scalarAround(rng, x);
        const b = same ? a : rng.chance(0.5) ? scalarConst(y) : scalarAround(rng, y);
        const taken = concreteCond(cond, x, y, is32);
        const where = `${x} ${cond} ${y} on ${formatScalar(a)}, ${formatScalar(b)}`;
        const pred = isBranchTaken(a, b, cond, is32);
        if (pred !== -1) { assert.equal(pred === 1, taken, `decided wrongly: ${where}`); continue; }
        const tA = scalarClone(a), fA = scalarClone(a);
        const tB = same ? tA : scalarClone(b), fB = same ? fA : scalarClone(b);
        refineBranch(tA, tB, fA, fB, cond, is32);
        const [ra, rb] = taken ? [tA, tB] : [fA, fB];
        assert.ok(contains(ra, x), `${taken ? 'jump' : 'fall-through'} lost ${x}: ${where} -> ${formatScalar(ra)}`);
        assert.ok(contains(rb, y), `${taken ? 'jump' : 'fall-through'} lost ${y}: ${where} -> ${formatScalar(rb)}`);
      }
    });
  }
}

test('a refinement that empties a range is reported as the kernel reports it', () => {
  // w9 in [-1, 0] compared with itself: `if w9 s> w9` cannot jump, and the jump copy's bounds cross.
  const v = parseRegValue('scalar(smin=smin32=-1,smax=smax32=0)');
  if (v.kind !== 'scalar') throw new Error('parse');
  const t = scalarClone(v.scalar), f = scalarClone(v.scalar);
  const bad = refineBranch(t, t, f, f, 'jsgt', true);
  assert.deepEqual(bad, { where: 'true_reg1', violation: 'range bounds violation' });
  assert.equal(formatScalar(t), 'scalar(smin=smin32=0,smax=smax32=-1)');
  assert.equal(formatInvariantViolation(bad!.where, bad!.violation, t),
    'verifier bug: REG INVARIANTS VIOLATION (true_reg1): range bounds violation u64=[0x0, 0xffffffffffffffff] ' +
    's64=[0x0, 0xffffffffffffffff] u32=[0x0, 0xffffffff] s32=[0x0, 0xffffffff] var_off=(0x0, 0xffffffffffffffff)');
});

interface BranchGolden { code: number; same?: boolean; off: number; imm: number; dst: string; src: string; after: string; jump?: string }

/** Captured from the Linux 6.18.44 verifier log: the register on the fall-through line and on `from N to M:`. */
const KERNEL_BRANCHES: BranchGolden[] = [
  { code: 0x15, off: 3, imm: 16, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', jump: '16' }, // jmp jeq K
  { code: 0x15, off: 3, imm: 63, dst: 'scalar(smax32=0x66d7b8)', src: '', after: 'scalar(smax32=0x66d7b8)', jump: '63' }, // jmp jeq K
  { code: 0x1d, off: 1, imm: 0, dst: 'scalar()', src: '0x9cff', after: 'scalar()', jump: '0x9cff' }, // jmp jeq X
  { code: 0x1d, off: 1, imm: 0, dst: 'scalar()', src: '0x9cff', after: 'scalar()', jump: '0x9cff' }, // jmp jeq X
  { code: 0x35, off: 3, imm: -32768, dst: 'scalar()', src: '', after: 'scalar(umax=0xffffffffffff7fff)', jump: 'scalar(smin=smin32=-32768,smax=smax32=-1,umin=0xffffffffffff8000,umin32=0xffff8000,var_off=(0xffffffffffff8000; 0x7fff))' }, // jmp jge K
  { code: 0x35, off: 1, imm: 128, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f))', jump: 'scalar(smin=umin=umin32=128,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))' }, // jmp jge K
  { code: 0x3d, same: true, off: 3, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=6,var_off=(0x0; 0x7))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))' }, // jmp jge X
  { code: 0x3d, same: true, off: 3, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=6,var_off=(0x0; 0x7))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))' }, // jmp jge X
  { code: 0x25, off: 4, imm: -305419896, dst: 'scalar()', src: '', after: 'scalar(umax=0xffffffffedcba988)', jump: 'scalar(smin=0xffffffffedcba989,smax=smax32=-1,umin=0xffffffffedcba989,smin32=umin32=0xedcba989,var_off=(0xffffffffe0000000; 0x1fffffff))' }, // jmp jgt K
  { code: 0x25, off: 11, imm: -167, dst: 'scalar()', src: '', after: 'scalar(umax=0xffffffffffffff59)', jump: 'scalar(smin=smin32=-166,smax=smax32=-1,umin=0xffffffffffffff5a,umin32=0xffffff5a,var_off=(0xffffffffffffff00; 0xff))' }, // jmp jgt K
  { code: 0x2d, same: true, off: 11, imm: 0, dst: 'scalar()', src: 'scalar()', after: 'scalar()', jump: 'scalar(umin=1,umax=0xfffffffffffffffe)' }, // jmp jgt X
  { code: 0x2d, off: 1, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x1fffe,var_off=(0x0; 0x1ffff))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x1fffe,var_off=(0x0; 0x1ffff))', jump: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=0x1fffe,var_off=(0x0; 0x1ffff))' }, // jmp jgt X
  { code: 0xb5, off: 3, imm: 255, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=0xffffff80,smax=umax=0xffffffff,smin32=-128,smax32=-1,var_off=(0xffffff80; 0x7f))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f))' }, // jmp jle K
  { code: 0xb5, off: 7, imm: 3, dst: 'scalar()', src: '', after: 'scalar(umin=4)', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=3,var_off=(0x0; 0x3))' }, // jmp jle K
  { code: 0xbd, off: 2, imm: 0, dst: 'scalar()', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xfffe0000,smax32=0x1ffff,var_off=(0x0; 0xffffffff))', after: 'scalar(umin=1)', jump: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // jmp jle X
  { code: 0xbd, off: 2, imm: 0, dst: 'scalar()', src: '0x9cff', after: 'scalar(umin=40192)', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x9cff,var_off=(0x0; 0xffff))' }, // jmp jle X
  { code: 0xa5, off: 3, imm: 83592, dst: 'scalar()', src: '', after: 'scalar(umin=0x14688)', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x14687,var_off=(0x0; 0x1ffff))' }, // jmp jlt K
  { code: 0xad, same: true, off: 1, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=umin=umin32=1,smax=umax=umax32=0xfffffffe,var_off=(0x0; 0xffffffff))' }, // jmp jlt X
  { code: 0xad, off: 1, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))' }, // jmp jlt X
  { code: 0x55, off: 1, imm: 8, dst: 'scalar()', src: '', after: '8', jump: 'scalar()' }, // jmp jne K
  { code: 0x55, off: 4, imm: 256, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: '', after: '256', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // jmp jne K
  { code: 0x5d, same: true, off: 3, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))' }, // jmp jne X
  { code: 0x5d, off: 4, imm: 0, dst: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)', src: 'scalar()', after: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)', jump: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)' }, // jmp jne X
  { code: 0x45, off: 2, imm: -32768, dst: 'scalar(smax=0x7fffff7f00000000,umax=0xffffff7f00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffff7f00000000))', src: '', after: '0', jump: 'scalar(smax=0x7fffff7f00000000,umax=0xffffff7f00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffff7f00000000))' }, // jmp jset K
  { code: 0x45, off: 4, imm: -2, dst: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))', src: '', after: '0', jump: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))' }, // jmp jset K
  { code: 0x4d, off: 2, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // jmp jset X
  { code: 0x4d, off: 3, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: 'scalar(smin=0xc000000040000000,smax=0,umax=0xffffffffc0000000,smax32=0x40000000,umax32=0xc0000000,var_off=(0x0; 0xffffffffc0000000))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // jmp jset X
  { code: 0x75, off: 9, imm: 32, dst: 'scalar()', src: '', after: 'scalar(smax=31)', jump: 'scalar(smin=umin=32,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))' }, // jmp jsge K
  { code: 0x75, off: 19, imm: -89688275, dst: 'scalar()', src: '', after: 'scalar(smax=0xfffffffffaa7772c,umin=0x8000000000000000,umax=0xfffffffffaa7772c,var_off=(0x8000000000000000; 0x7fffffffffffffff))', jump: 'scalar(smin=0xfffffffffaa7772d)' }, // jmp jsge K
  { code: 0x7d, off: 3, imm: 0, dst: 'scalar()', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smax=0xfffffffe)', jump: 'scalar(smin=0,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))' }, // jmp jsge X
  { code: 0x7d, off: 3, imm: 0, dst: 'scalar()', src: '0x9322b', after: 'scalar(smax=0x9322a)', jump: 'scalar(smin=umin=0x9322b,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))' }, // jmp jsge X
  { code: 0x65, off: 1, imm: 127, dst: 'scalar()', src: '', after: 'scalar(smax=127)', jump: 'scalar(smin=umin=128,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))' }, // jmp jsgt K
  { code: 0x65, off: 16, imm: 305419896, dst: 'scalar()', src: '', after: 'scalar(smax=0x12345678)', jump: 'scalar(smin=umin=0x12345679,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))' }, // jmp jsgt K
  { code: 0x6d, off: 2, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x7ffffff,var_off=(0x0; 0x7ffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x7ffffff,var_off=(0x0; 0x7ffffff))', jump: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=0x7ffffff,var_off=(0x0; 0x7ffffff))' }, // jmp jsgt X
  { code: 0x6d, same: true, off: 3, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', jump: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=6,var_off=(0x0; 0x7))' }, // jmp jsgt X
  { code: 0xd5, off: 2, imm: -20238, dst: 'scalar()', src: '', after: 'scalar(smin=-20237)', jump: 'scalar(smax=-20238,umin=0x8000000000000000,umax=0xffffffffffffb0f2,var_off=(0x8000000000000000; 0x7fffffffffffffff))' }, // jmp jsle K
  { code: 0xd5, off: 4, imm: -128, dst: 'scalar(smin=0xffffffffedcba9c8,smax=smax32=-1,umin=0xffffffffedcba9c8,smin32=umin32=0xedcba9c8,var_off=(0xffffffffedcba9c8; 0x12345637))', src: '', after: 'scalar(smin=smin32=-56,smax=smax32=-1,umin=0xffffffffffffffc8,umin32=0xffffffc8,var_off=(0xffffffffffffffc8; 0x37))', jump: 'scalar(smin=0xffffffffedcba9c8,smax=smax32=-128,umin=0xffffffffedcba9c8,umax=0xffffffffffffff80,smin32=umin32=0xedcba9c8,umax32=0xffffff80,var_off=(0xffffffffedcba9c8; 0x12345637))' }, // jmp jsle K
  { code: 0xdd, off: 3, imm: 0, dst: 'scalar()', src: '64', after: 'scalar(smin=umin=65,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))', jump: 'scalar(smax=64)' }, // jmp jsle X
  { code: 0xdd, off: 2, imm: 0, dst: 'scalar()', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', after: 'scalar(smin=umin=1,umax=0x7fffffffffffffff,var_off=(0x0; 0x7fffffffffffffff))', jump: 'scalar(smax=255)' }, // jmp jsle X
  { code: 0xc5, off: 4, imm: 66777, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=0x104d9,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x104d8,var_off=(0x0; 0x1ffff))' }, // jmp jslt K
  { code: 0xc5, off: 4, imm: 305419896, dst: 'scalar(smin=0,smax=umax=umax32=0xfffffff0,smax32=0x7ffffff0,var_off=(0x0; 0xfffffff0))', src: '', after: 'scalar(smin=umin=umin32=0x12345678,smax=umax=umax32=0xfffffff0,smax32=0x7ffffff0,var_off=(0x0; 0xfffffff0))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x12345677,var_off=(0x0; 0x1ffffff0))' }, // jmp jslt K
  { code: 0xcd, off: 1, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4095,var_off=(0x0; 0xfff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4094,var_off=(0x0; 0xfff))' }, // jmp jslt X
  { code: 0xcd, same: true, off: 4, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=umin=umin32=1,smax=umax=umax32=0xfffffffe,var_off=(0x0; 0xffffffff))' }, // jmp jslt X
  { code: 0x16, off: 1, imm: 64, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', jump: '64' }, // jmp32 jeq K
  { code: 0x16, off: 4, imm: 64, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: '64' }, // jmp32 jeq K
  { code: 0x1e, same: true, off: 2, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // jmp32 jeq X
  { code: 0x1e, same: true, off: 4, imm: 0, dst: 'scalar(smin=umin=smin32=umin32=33,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar(smin=umin=smin32=umin32=33,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', after: 'scalar(smin=umin=smin32=umin32=33,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', jump: 'scalar(smin=umin=smin32=umin32=33,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))' }, // jmp32 jeq X
  { code: 0x36, off: 1, imm: 1073741824, dst: 'scalar(smin=0,smax=umax=umax32=0x80007ffe,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x3fffffff,var_off=(0x0; 0x3fffffff))', jump: 'scalar(smin=umin=umin32=0x40000000,smax=umax=umax32=0x80007ffe,var_off=(0x0; 0xffffffff))' }, // jmp32 jge K
  { code: 0x36, off: 2, imm: 1930597, dst: 'scalar()', src: '', after: 'scalar(smax=0x7fffffff001d7564,umax=0xffffffff001d7564,smin32=0,smax32=umax32=0x1d7564,var_off=(0x0; 0xffffffff001fffff))', jump: 'scalar(smin=0x80000000001d7565,umin=umin32=0x1d7565)' }, // jmp32 jge K
  { code: 0x3e, same: true, off: 21, imm: 0, dst: 'scalar()', src: 'scalar()', after: 'scalar(smin=0x8000000000000001,smax=0x7ffffffffffffffe,umin=umin32=1,umax=0xfffffffffffffffe,umax32=0xfffffffe)', jump: 'scalar()' }, // jmp32 jge X
  { code: 0x3e, off: 3, imm: 0, dst: 'scalar()', src: '7', after: 'scalar(smax=0x7fffffff00000006,umax=0xffffffff00000006,smin32=0,smax32=umax32=6,var_off=(0x0; 0xffffffff00000007))', jump: 'scalar(smin=0x8000000000000007,umin=umin32=7)' }, // jmp32 jge X
  { code: 0x26, off: 0, imm: 8, dst: 'scalar(smin=umin=4095,smax=umax=0x100000ffe,var_off=(0x0; 0x1ffffffff))', src: '', after: 'scalar(smin=umin=4095,smax=umax=0x100000008,smin32=0,smax32=umax32=8,var_off=(0x0; 0x10000000f))', jump: 'scalar(smin=umin=4095,smax=umax=0x100000ffe,umin32=9,var_off=(0x0; 0x1ffffffff))' }, // jmp32 jgt K
  { code: 0x26, off: 1, imm: 7, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-7,smax32=0,var_off=(0x0; 0xffffffff))', src: '', after: '0', jump: 'scalar(smin=umin=umin32=0xfffffff9,smax=umax=0xffffffff,smin32=-7,smax32=-1,var_off=(0xfffffff8; 0x7))' }, // jmp32 jgt K
  { code: 0x2e, off: 3, imm: 0, dst: '0xf8ffffffffffffff', src: 'scalar(smin=smin32=-128,smax=smax32=127)', after: '0xf8ffffffffffffff', jump: '0xf8ffffffffffffff' }, // jmp32 jgt X
  { code: 0x2e, same: true, off: 3, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=umin=umin32=1,smax=umax=umax32=0xfffffffe,var_off=(0x0; 0xffffffff))' }, // jmp32 jgt X
  { code: 0xb6, off: 2, imm: 305419896, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=0x12345679,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x12345678,var_off=(0x0; 0x1fffffff))' }, // jmp32 jle K
  { code: 0xb6, off: 4, imm: 255, dst: 'scalar(umin=0x14688)', src: '', after: 'scalar(smin=0x8000000000000100,umin=0x14688,umin32=256)', jump: 'scalar(smax=0x7fffffff000000ff,umin=0x14688,umax=0xffffffff000000ff,smin32=0,smax32=umax32=255,var_off=(0x0; 0xffffffff000000ff))' }, // jmp32 jle K
  { code: 0xbe, off: 4, imm: 0, dst: 'scalar()', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', after: 'scalar(smin=0x8000000000000001,umin=umin32=1)', jump: 'scalar(smax=0x7fffffff00000ff0,umax=0xffffffff00000ff0,smin32=0,smax32=umax32=4080,var_off=(0x0; 0xffffffff00000fff))' }, // jmp32 jle X
  { code: 0xbe, off: 3, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: '0xffffffff00000000', after: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', jump: '0' }, // jmp32 jle X
  { code: 0xa6, off: 2, imm: 1572881, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000000180011,umin=umin32=0x180011)', jump: 'scalar(smax=0x7fffffff00180010,umax=0xffffffff00180010,smin32=0,smax32=umax32=0x180010,var_off=(0x0; 0xffffffff001fffff))' }, // jmp32 jlt K
  { code: 0xa6, off: 3, imm: 4, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=4,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=3,var_off=(0x0; 0x3))' }, // jmp32 jlt K
  { code: 0xae, off: 3, imm: 0, dst: 'scalar()', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4,var_off=(0x0; 0x4))', after: 'scalar()', jump: 'scalar(smax=0x7fffffff00000003,umax=0xffffffff00000003,smin32=0,smax32=umax32=3,var_off=(0x0; 0xffffffff00000003))' }, // jmp32 jlt X
  { code: 0xae, off: 3, imm: 0, dst: 'scalar()', src: '-100', after: 'scalar(smin=0x80000000ffffff9c,umin=umin32=0xffffff9c,smin32=-100,smax32=-1,var_off=(0xffffff80; 0xffffffff0000007f))', jump: 'scalar(smax=0x7fffffffffffff9b,umax=0xffffffffffffff9b,umax32=0xffffff9b)' }, // jmp32 jlt X
  { code: 0x56, off: 3, imm: 65536, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000000010000,smax=0x7fffffff00010000,umin=smin32=umin32=0x10000,umax=0xffffffff00010000,smax32=umax32=0x10000,var_off=(0x10000; 0xffffffff00000000))', jump: 'scalar()' }, // jmp32 jne K
  { code: 0x56, off: 3, imm: 65536, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000000010000,smax=0x7fffffff00010000,umin=smin32=umin32=0x10000,umax=0xffffffff00010000,smax32=umax32=0x10000,var_off=(0x10000; 0xffffffff00000000))', jump: 'scalar()' }, // jmp32 jne K
  { code: 0x5e, off: 4, imm: 0, dst: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))', src: 'scalar()', after: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))', jump: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))' }, // jmp32 jne X
  { code: 0x5e, off: 4, imm: 0, dst: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))', src: 'scalar()', after: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))', jump: 'scalar(smax=0x7fffffe000000040,umax=0xffffffe000000040,smin32=0,smax32=umax32=64,var_off=(0x0; 0xffffffe000000060))' }, // jmp32 jne X
  { code: 0x46, off: 3, imm: -23, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=22,var_off=(0x0; 0x16))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // jmp32 jset K
  { code: 0x46, off: 4, imm: -16, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))', jump: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // jmp32 jset K
  { code: 0x4e, off: 2, imm: 0, dst: 'scalar(smin=0,smax=umax=umax32=0xfffffff0,smax32=0x7ffffff0,var_off=(0x0; 0xfffffff0))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', after: 'scalar(smin=0,smax=umax=umax32=0xfffffff0,smax32=0x7ffffff0,var_off=(0x0; 0xfffffff0))', jump: 'scalar(smin=0,smax=umax=umax32=0xfffffff0,smax32=0x7ffffff0,var_off=(0x0; 0xfffffff0))' }, // jmp32 jset X
  { code: 0x4e, off: 4, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xff000000,smax32=0xffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=smin32=-32768,smax=smax32=32767)', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xff000000,smax32=0xffffff,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xff000000,smax32=0xffffff,var_off=(0x0; 0xffffffff))' }, // jmp32 jset X
  { code: 0x76, off: 3, imm: -8, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000080000000,smax=0x7ffffffffffffff7,umin=umin32=0x80000000,umax=0xfffffffffffffff7,smax32=-9,umax32=0xfffffff7,var_off=(0x80000000; 0xffffffff7fffffff))', jump: 'scalar(smin32=-8)' }, // jmp32 jsge K
  { code: 0x76, off: 3, imm: -8, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000080000000,smax=0x7ffffffffffffff7,umin=umin32=0x80000000,umax=0xfffffffffffffff7,smax32=-9,umax32=0xfffffff7,var_off=(0x80000000; 0xffffffff7fffffff))', jump: 'scalar(smin32=-8)' }, // jmp32 jsge K
  { code: 0x7e, off: 1, imm: 0, dst: 'scalar()', src: 'scalar()', after: 'scalar(smax32=0x7ffffffe)', jump: 'scalar()' }, // jmp32 jsge X
  { code: 0x7e, off: 1, imm: 0, dst: '0x80000003', src: 'scalar()', after: '0x80000003', jump: '0x80000003' }, // jmp32 jsge X
  { code: 0x66, off: 4, imm: -2, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=0x80000000,smax=umax=umax32=0xfffffffe,smax32=-2,var_off=(0x80000000; 0x7fffffff))', jump: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-1,var_off=(0x0; 0xffffffff))' }, // jmp32 jsgt K
  { code: 0x66, off: 4, imm: 375030, dst: 'scalar(smin=0,smax=umax=0x1fffffffffff,var_off=(0x0; 0x1fffffffffff))', src: '', after: 'scalar(smin=0,smax=umax=0x1fffffffffff,smax32=0x5b8f6,var_off=(0x0; 0x1fffffffffff))', jump: 'scalar(smin=umin=smin32=umin32=0x5b8f7,smax=umax=0x1fff7fffffff,umax32=0x7fffffff,var_off=(0x0; 0x1fff7fffffff))' }, // jmp32 jsgt K
  { code: 0x6e, off: 1, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', jump: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))' }, // jmp32 jsgt X
  { code: 0x6e, off: 16, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-381,smax32=378,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=smin32=0,smax=umax=umax32=0x7fffffff,var_off=(0x0; 0x7fffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-381,smax32=378,var_off=(0x0; 0xffffffff))', jump: 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=378,var_off=(0x0; 0x1ff))' }, // jmp32 jsgt X
  { code: 0xd6, off: 2, imm: 31, dst: 'scalar(smin=0x8000000000000010,umin=umin32=16,smin32=0x80000010,var_off=(0x10; 0xffffffffffffffef))', src: '', after: 'scalar(smin=0x8000000000000020,smax=0x7fffffff7fffffff,umin=smin32=umin32=32,umax=0xffffffff7fffffff,umax32=0x7fffffff,var_off=(0x10; 0xffffffff7fffffef))', jump: 'scalar(smin=0x8000000000000010,umin=umin32=16,smin32=0x80000010,smax32=31,var_off=(0x10; 0xffffffffffffffef))' }, // jmp32 jsle K
  { code: 0xd6, off: 1, imm: -1, dst: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)', src: '', after: 'scalar(smin=smin32=0,smax=umax=umax32=0x7fffffff,var_off=(0x0; 0x7fffffff))', jump: 'scalar(smin=0xffffffff80000000,smax=smax32=-1,umin=0xffffffff80000000,umin32=0x80000000,var_off=(0xffffffff80000000; 0x7fffffff))' }, // jmp32 jsle K
  { code: 0xde, off: 4, imm: 0, dst: 'scalar()', src: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))', after: 'scalar(smin32=0x80000001)', jump: 'scalar(smax32=0x7ffffff0)' }, // jmp32 jsle X
  { code: 0xde, same: true, off: 24, imm: 0, dst: 'scalar(smin=smin32=-32768,smax=smax32=32767)', src: 'scalar(smin=smin32=-32768,smax=smax32=32767)', after: 'scalar(smin=-32768,smax=32767,smin32=-32767,smax32=32766)', jump: 'scalar(smin=smin32=-32768,smax=smax32=32767)' }, // jmp32 jsle X
  { code: 0xc6, off: 2, imm: -1815156, dst: 'scalar()', src: '', after: 'scalar(smin32=0xffe44d8c)', jump: 'scalar(smin=0x8000000080000000,smax=0x7fffffffffe44d8b,umin=umin32=0x80000000,umax=0xffffffffffe44d8b,smax32=umax32=0xffe44d8b,var_off=(0x80000000; 0xffffffff7fffffff))' }, // jmp32 jslt K
  { code: 0xc6, off: 1, imm: 2, dst: 'scalar()', src: '', after: 'scalar(smin=0x8000000000000002,smax=0x7fffffff7fffffff,umin=smin32=umin32=2,umax=0xffffffff7fffffff,umax32=0x7fffffff,var_off=(0x0; 0xffffffff7fffffff))', jump: 'scalar(smax32=1)' }, // jmp32 jslt K
  { code: 0xce, off: 3, imm: 0, dst: 'scalar()', src: '0', after: 'scalar(smax=0x7fffffff7fffffff,umax=0xffffffff7fffffff,smin32=0,umax32=0x7fffffff,var_off=(0x0; 0xffffffff7fffffff))', jump: 'scalar(smin=0x8000000080000000,umin=umin32=0x80000000,smax32=-1,var_off=(0x80000000; 0xffffffff7fffffff))' }, // jmp32 jslt X
  { code: 0xce, off: 3, imm: 0, dst: 'scalar()', src: '0', after: 'scalar(smax=0x7fffffff7fffffff,umax=0xffffffff7fffffff,smin32=0,umax32=0x7fffffff,var_off=(0x0; 0xffffffff7fffffff))', jump: 'scalar(smin=0x8000000080000000,umin=umin32=0x80000000,smax32=-1,var_off=(0x80000000; 0xffffffff7fffffff))' }, // jmp32 jslt X
];

function regFromText(text: string): Reg {
  const v = parseRegValue(text);
  if (v.kind !== 'scalar') throw new Error(`not a scalar: ${text}`);
  return { t: 'scalar', s: v.scalar, id: 0 };
}

const text = (r: Reg): string => (r.t === 'scalar' ? formatScalar(r.s) : r.t);

test('branch outcomes printed by the kernel are reproduced exactly', () => {
  for (const g of KERNEL_BRANCHES) {
    const st = initialState();
    st.regs[1] = regFromText(g.dst);
    if (g.src) st.regs[2] = regFromText(g.src);
    const res = step({ idGen: 0, live: [] }, [insn(g.code, 1, g.same ? 1 : 2, g.off, g.imm)], st);
    const what = `0x${g.code.toString(16)} imm=${g.imm} on ${g.dst} with ${g.src || g.imm}`;
    assert.equal(text(st.regs[1]), g.after, `fall-through: ${what}`);
    if (g.jump === undefined) { assert.equal(res.pushed.length, 0, `decided: ${what}`); continue; }
    assert.equal(res.pushed.length, 1, `both ways: ${what}`);
    assert.equal(text(res.pushed[0].state.regs[1]), g.jump, `jump: ${what}`);
  }
});
