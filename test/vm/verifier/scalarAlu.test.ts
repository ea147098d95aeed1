// scalarAlu.ts: every transfer function is sound (the result contains the
// concrete eBPF result for any members of its inputs) on random states of
// both widths, and reproduces transitions captured from the Linux 6.18.44
// verifier log (a register before and after one instruction, as the kernel
// printed them) without needing the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scalar, scalarClone, scalarConst } from '../../../src-vm/verifier/bounds';
import { parseRegValue } from '../../../src-vm/verifier/logParse';
import {
  type AluOp, canComputeRange, forkMinusOneOrZero, scalarAlu, scalarByteSwap, scalarMov, scalarMovImm, scalarMovSx,
  scalarNeg,
} from '../../../src-vm/verifier/scalarAlu';
import { formatScalar } from '../../../src-vm/verifier/scalarPrint';
import { insn } from '../../../src-vm/isa/insn';
import { initialState, step, type Reg } from '../../support/scalarExec';
import {
  concreteAlu, concreteByteSwap, concreteMovSx, concreteNeg, contains, randomValue, Rng, s64, scalarAround, u64,
} from './scalarKit';

const OPS: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'lsh', 'rsh', 'arsh', 'xor'];

for (const op of OPS) {
  for (const alu32 of [false, true]) {
    test(`${alu32 ? 'alu32' : 'alu64'} ${op} is sound on random states`, () => {
      const rng = new Rng(op.length * 131 + (alu32 ? 7 : 0));
      for (let k = 0; k < 1500; k++) {
        const x = randomValue(rng);
        const shift = op === 'lsh' || op === 'rsh' || op === 'arsh';
        const y = shift ? BigInt(rng.int(alu32 ? 32 : 64)) : randomValue(rng);
        const dst = scalarAround(rng, x);
        // shifts are tracked only by a known amount: give them constants most of the time
        const src = shift && rng.chance(0.8) ? scalarConst(y) : scalarAround(rng, y);
        const before = formatScalar(dst);
        scalarAlu(dst, src, op, alu32);
        const expected = concreteAlu(op, x, y, alu32);
        assert.ok(contains(dst, expected), `${op}${alu32 ? '32' : ''}: ${x} op ${y} = ${expected} not in ${formatScalar(dst)} (dst was ${before}, src ${formatScalar(src)})`);
      }
    });
  }
}

test('neg, byte swaps, moves and sign-extending moves are sound', () => {
  const rng = new Rng(5);
  for (let k = 0; k < 3000; k++) {
    const x = randomValue(rng);
    const alu32 = rng.chance(0.5);
    let s = scalarAround(rng, x);
    scalarNeg(s, alu32);
    assert.ok(contains(s, concreteNeg(x, alu32)), `neg ${x}`);
    for (const kind of ['le', 'be', 'bswap'] as const) {
      for (const width of [16, 32, 64] as const) {
        s = scalarAround(rng, x);
        scalarByteSwap(s, kind, width);
        assert.ok(contains(s, concreteByteSwap(kind, x, width)), `${kind}${width} ${x}: ${formatScalar(s)}`);
      }
    }
    const out = new Scalar();
    scalarMov(out, scalarAround(rng, x), alu32);
    assert.ok(contains(out, alu32 ? x & 0xffffffffn : x), `mov ${x}`);
    for (const bits of (alu32 ? [8, 16] : [8, 16, 32]) as (8 | 16 | 32)[]) {
      const from = scalarAround(rng, x);
      scalarMovSx(out, from, bits, alu32);
      assert.ok(contains(out, concreteMovSx(x, bits, alu32)), `movsx${bits}${alu32 ? ' (32)' : ''} ${x} from ${formatScalar(from)}: ${formatScalar(out)}`);
    }
    const imm = Number(BigInt.asIntN(32, x));
    scalarMovImm(out, imm, alu32);
    assert.equal(formatScalar(out), formatScalar(scalarConst(alu32 ? BigInt(imm >>> 0) : u64(BigInt(imm)))));
  }
});

test('shifts by an unknown or too-large amount, division and modulo give unknown', () => {
  const unknownAmount = scalarAround(new Rng(1), 3n);
  assert.ok(!canComputeRange('lsh', unknownAmount, false) || formatScalar(unknownAmount).startsWith('3'));
  assert.ok(!canComputeRange('lsh', scalarConst(64n), false));
  assert.ok(!canComputeRange('rsh', scalarConst(32n), true));
  assert.ok(canComputeRange('arsh', scalarConst(31n), true));
  for (const op of ['div', 'sdiv', 'mod', 'smod'] as AluOp[]) {
    const dst = scalarConst(100n);
    scalarAlu(dst, scalarConst(7n), op, false);
    assert.equal(formatScalar(dst), 'scalar()', op);
  }
});

test('and/or with a constant forks a {-1, 0} register into -1 here and 0 elsewhere', () => {
  const wide = parseRegValue('scalar(smin=smin32=-1,smax=smax32=0)');
  assert.equal(wide.kind, 'scalar');
  if (wide.kind !== 'scalar') return;
  const dst = scalarClone(wide.scalar);
  const other = forkMinusOneOrZero(dst, scalarConst(5n));
  assert.ok(other);
  assert.equal(formatScalar(dst), '-1');
  assert.equal(formatScalar(other!), '0');
  assert.equal(forkMinusOneOrZero(scalarClone(wide.scalar), scalarAround(new Rng(2), 5n)), undefined, 'only constants fork');
  const narrow = parseRegValue('scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=0,var_off=(0x0; 0xffffffff))');
  if (narrow.kind !== 'scalar') return;
  const d32 = scalarClone(narrow.scalar);
  const o32 = forkMinusOneOrZero(d32, scalarConst(3n));
  assert.ok(o32);
  assert.equal([d32.s32Min, d32.u32Max, o32!.s32Max, o32!.u32Min].join(), [-1, 0xffffffff, 0, 0].join());
  assert.equal(s64(BigInt(d32.varOff.vLo)), 0xffffffffn, 'the low half of dst is known all ones');
});

interface AluGolden { code: number; same?: boolean; off: number; imm: number; dst: string; src: string; after: string }

/** Captured from the Linux 6.18.44 verifier log (bpftool -d prog load, log level 2). */
const KERNEL_TRANSITIONS: AluGolden[] = [
  { code: 0x4, off: 0, imm: 128, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', src: '', after: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))' }, // alu32 add K
  { code: 0x4, off: 0, imm: 128, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', src: '', after: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))' }, // alu32 add K
  { code: 0xc, off: 0, imm: 0, dst: '0x3ffff', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar(smin=umin=smin32=umin32=0x3ffff,smax=umax=smax32=umax32=0x40006,var_off=(0x0; 0x7ffff))' }, // alu32 add X
  { code: 0xc, same: true, off: 0, imm: 0, dst: 'scalar(smin=umin=umin32=0xfffffff8,smax=umax=0xffffffff,smin32=-8,smax32=-1,var_off=(0xfffffff8; 0x7))', src: 'scalar(smin=umin=umin32=0xfffffff8,smax=umax=0xffffffff,smin32=-8,smax32=-1,var_off=(0xfffffff8; 0x7))', after: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xf))' }, // alu32 add X
  { code: 0x54, off: 0, imm: 230, dst: 'scalar(umax=0xffffffffedcba988)', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=230,var_off=(0x0; 0xe6))' }, // alu32 and K
  { code: 0x54, off: 0, imm: 63, dst: 'scalar(smin=0,smax=umax=umax32=0xff800000,smax32=0x7f800000,var_off=(0x0; 0xff800000))', src: '', after: '0' }, // alu32 and K
  { code: 0x5c, off: 0, imm: 0, dst: '0xf8ffffffffffffff', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 and X
  { code: 0x5c, off: 0, imm: 0, dst: '-1', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 and X
  { code: 0xc4, off: 0, imm: 31, dst: 'scalar(smin=0x8000000000000001,smax=0x7ffffffffffffffe,umin=umin32=1,umax=0xfffffffffffffffe,umax32=0xfffffffe)', src: '', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=0,var_off=(0x0; 0xffffffff))' }, // alu32 arsh K
  { code: 0xc4, off: 0, imm: 28, dst: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xf))', src: '', after: '0xffffffff' }, // alu32 arsh K
  { code: 0xcc, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar()' }, // alu32 arsh X
  { code: 0xcc, off: 0, imm: 0, dst: 'scalar()', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar()' }, // alu32 arsh X
  { code: 0x64, off: 0, imm: 0, dst: '0xffffffff', src: '', after: '0xffffffff' }, // alu32 lsh K
  { code: 0x64, off: 0, imm: 22, dst: 'scalar(smin=0,smax=umax=umax32=0xfffffffe,smax32=0x7ffffffe,var_off=(0x0; 0xfffffffe))', src: '', after: 'scalar(smin=0,smax=umax=umax32=0xff800000,smax32=0x7f800000,var_off=(0x0; 0xff800000))' }, // alu32 lsh K
  { code: 0x6c, same: true, off: 0, imm: 0, dst: '-1', src: '-1', after: 'scalar()' }, // alu32 lsh X
  { code: 0x6c, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=128,var_off=(0x0; 0x80))', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar()' }, // alu32 lsh X
  { code: 0xbc, off: 0, imm: 0, dst: '255', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))' }, // alu32 mov X
  { code: 0xbc, off: 0, imm: 0, dst: '255', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))' }, // alu32 mov X
  { code: 0xbc, off: 16, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=32767,var_off=(0x0; 0x7fff))', src: '1', after: '1' }, // alu32 movsx16
  { code: 0xbc, off: 16, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', src: 'scalar()', after: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-32768,smax32=32767,var_off=(0x0; 0xffffffff))' }, // alu32 movsx16
  { code: 0xbc, off: 8, imm: 0, dst: 'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))' }, // alu32 movsx8
  { code: 0xbc, off: 8, imm: 0, dst: 'scalar()', src: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xe))', after: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xf))' }, // alu32 movsx8
  { code: 0x24, off: 0, imm: 2, dst: 'scalar(smin=umin=umin32=0xfffffda0,smax=umax=0xffffffff,smin32=-608,smax32=-1,var_off=(0xfffffda0; 0x25f))', src: '', after: 'scalar(smin=umin=umin32=0xfffffb40,smax=umax=umax32=0xfffffffe,smin32=-1216,smax32=-2,var_off=(0xfffffb40; 0x4be))' }, // alu32 mul K
  { code: 0x24, off: 0, imm: 2, dst: 'scalar(smin=umin=umin32=0xfffffda0,smax=umax=0xffffffff,smin32=-608,smax32=-1,var_off=(0xfffffda0; 0x25f))', src: '', after: 'scalar(smin=umin=umin32=0xfffffb40,smax=umax=umax32=0xfffffffe,smin32=-1216,smax32=-2,var_off=(0xfffffb40; 0x4be))' }, // alu32 mul K
  { code: 0x2c, off: 0, imm: 0, dst: 'scalar()', src: 'scalar(smin=0xfffffffffff00000,smax=smax32=0xfffff,smin32=0xfff00000)', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 mul X
  { code: 0x2c, off: 0, imm: 0, dst: '0x8000000000000000', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xffff0001,smax32=0,var_off=(0x0; 0xffffffff))', after: '0' }, // alu32 mul X
  { code: 0x84, off: 0, imm: 0, dst: '-10632', src: '', after: '10632' }, // alu32 neg
  { code: 0x84, off: 0, imm: 0, dst: '-10632', src: '', after: '10632' }, // alu32 neg
  { code: 0x44, off: 0, imm: -1073741824, dst: 'scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=0,var_off=(0x0; 0xffffffff))', src: '', after: '0xffffffff' }, // alu32 or K
  { code: 0x44, off: 0, imm: -608, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=umin=umin32=0xfffffda0,smax=umax=0xffffffff,smin32=-608,smax32=-1,var_off=(0xfffffda0; 0x25f))' }, // alu32 or K
  { code: 0x4c, off: 0, imm: 0, dst: 'scalar(smin=smin32=-128,smax=smax32=127)', src: '15', after: 'scalar(smin=umin=umin32=15,smax=umax=0xffffffff,smin32=0x8000000f,var_off=(0xf; 0xfffffff0))' }, // alu32 or X
  { code: 0x4c, off: 0, imm: 0, dst: '0', src: 'scalar(smin=0,smax=umax=0xffffffff,smin32=0xffff0001,smax32=0,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 or X
  { code: 0x74, off: 0, imm: 2, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x3fffffff,var_off=(0x0; 0x3fffffff))' }, // alu32 rsh K
  { code: 0x74, off: 0, imm: 2, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x3fffffff,var_off=(0x0; 0x3fffffff))' }, // alu32 rsh K
  { code: 0x7c, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar(smin=smin32=-128,smax=smax32=127)', after: 'scalar()' }, // alu32 rsh X
  { code: 0x7c, off: 0, imm: 0, dst: '0', src: '3', after: '0' }, // alu32 rsh X
  { code: 0x14, off: 0, imm: -8, dst: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)', src: '', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 sub K
  { code: 0x14, off: 0, imm: -64567328, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 sub K
  { code: 0x1c, off: 0, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '-1', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 sub X
  { code: 0x1c, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=umax32=0x7fffffff,var_off=(0x0; 0x7fffffff))', src: 'scalar(smin=0,smax=umax=umax32=0xfffffff0,smin32=-4080,smax32=0,var_off=(0x0; 0xfffffff0))', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 sub X
  { code: 0xa4, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xe600,var_off=(0x0; 0xe600))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xe600,var_off=(0x0; 0xe600))' }, // alu32 xor K
  { code: 0xa4, off: 0, imm: -128, dst: 'scalar(smax=0x7fffffff00000002,umax=0xffffffff00000002,smin32=0,smax32=umax32=2,var_off=(0x0; 0xffffffff00000003))', src: '', after: 'scalar(smin=umin=umin32=0xffffff80,smax=umax=umax32=0xffffff83,smin32=-128,smax32=-125,var_off=(0xffffff80; 0x3))' }, // alu32 xor K
  { code: 0xac, off: 0, imm: 0, dst: 'scalar(smin=umin=smin32=umin32=8057,smax=umax=smax32=umax32=8064,var_off=(0x1f00; 0xff))', src: 'scalar()', after: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))' }, // alu32 xor X
  { code: 0xac, off: 0, imm: 0, dst: 'scalar(smin=0xffffffffedcba988,smax=smax32=-1,umin=0xffffffffedcba988,smin32=umin32=0xedcba988,var_off=(0xffffffffedcba988; 0x12345677))', src: '0', after: 'scalar(smin=umin=smin32=umin32=0xedcba988,smax=umax=0xffffffff,smax32=-1,var_off=(0xedcba988; 0x12345677))' }, // alu32 xor X
  { code: 0x7, off: 0, imm: 32, dst: '10632', src: '', after: '10664' }, // alu64 add K
  { code: 0x7, off: 0, imm: 32, dst: '10632', src: '', after: '10664' }, // alu64 add K
  { code: 0xf, same: true, off: 0, imm: 0, dst: '-184', src: '-184', after: '-368' }, // alu64 add X
  { code: 0xf, off: 0, imm: 0, dst: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))', src: 'scalar(smax=0x7fffffff7fffffff,umax=0xffffffff7fffffff,smin32=0,umax32=0x7fffffff,var_off=(0x0; 0xffffffff7fffffff))', after: 'scalar()' }, // alu64 add X
  { code: 0x57, off: 0, imm: 14083, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=14083,var_off=(0x0; 0x3703))' }, // alu64 and K
  { code: 0x57, off: 0, imm: 2, dst: '0', src: '', after: '0' }, // alu64 and K
  { code: 0x5f, off: 0, imm: 0, dst: 'scalar(smin=0xffffffffedcba988,smax=smax32=-1,umin=0xffffffffedcba988,smin32=umin32=0xedcba988,var_off=(0xffffffffe0000000; 0x1fffffff))', src: 'scalar()', after: 'scalar()' }, // alu64 and X
  { code: 0x5f, off: 0, imm: 0, dst: 'scalar(smin=umin=smin32=umin32=8,smax=umax=smax32=umax32=0x1234567f,var_off=(0x0; 0x1fffffff))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x1234567f,var_off=(0x0; 0x1fffffff))' }, // alu64 and X
  { code: 0xc7, off: 0, imm: 14, dst: '0xffffffff', src: '', after: '0x3ffff' }, // alu64 arsh K
  { code: 0xc7, off: 0, imm: 12, dst: 'scalar(smin=umin=smin32=umin32=0xedcba988,smax=umax=0xffffffff,smax32=-1,var_off=(0xedcba988; 0x12345677))', src: '', after: 'scalar(smin=umin=smin32=umin32=0xedcba,smax=umax=smax32=umax32=0xfffff,var_off=(0xedcba; 0x12345))' }, // alu64 arsh K
  { code: 0xcf, off: 0, imm: 0, dst: 'scalar(smax=0x7fff0f0000000000,umax=0xffff0f0000000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffff0f0000000000))', src: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))', after: 'scalar()' }, // alu64 arsh X
  { code: 0xcf, off: 0, imm: 0, dst: '0x80000000000', src: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))', after: 'scalar()' }, // alu64 arsh X
  { code: 0x67, off: 0, imm: 32, dst: 'scalar(smin=0xffffffff80000000)', src: '', after: 'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))' }, // alu64 lsh K
  { code: 0x67, off: 0, imm: 32, dst: 'scalar(smin=0xffffffff80000000)', src: '', after: 'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))' }, // alu64 lsh K
  { code: 0x6f, off: 0, imm: 0, dst: '0', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', after: 'scalar()' }, // alu64 lsh X
  { code: 0x6f, off: 0, imm: 0, dst: '100', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', after: 'scalar()' }, // alu64 lsh X
  { code: 0xbf, off: 0, imm: 0, dst: 'scalar(smin=0x80000000ffff8001,umin=umin32=0xffff8001,smin32=-32767,smax32=-1,var_off=(0xffff8000; 0xffffffff00007fff))', src: 'scalar()', after: 'scalar()' }, // alu64 mov X
  { code: 0xbf, off: 0, imm: 0, dst: 'scalar(smax=0x7fffffffffff8000,umax=0xffffffffffff8000,umax32=0xffff8000)', src: 'scalar()', after: 'scalar()' }, // alu64 mov X
  { code: 0xbf, off: 16, imm: 0, dst: '1', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=502,var_off=(0x0; 0x1ff))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=502,var_off=(0x0; 0x1ff))' }, // alu64 movsx16
  { code: 0xbf, off: 16, imm: 0, dst: '0xffffffff00000000', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4095,var_off=(0x0; 0xfff))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4095,var_off=(0x0; 0xfff))' }, // alu64 movsx16
  { code: 0xbf, off: 32, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar(smin=umin=smin32=umin32=0xedcba988,smax=umax=0xffffffff,smax32=-1,var_off=(0xedcba988; 0x12345677))', after: 'scalar(smin=0xffffffffedcba988,smax=smax32=-1,umin=0xffffffffedcba988,smin32=umin32=0xedcba988,var_off=(0xffffffffe0000000; 0x1fffffff))' }, // alu64 movsx32
  { code: 0xbf, same: true, off: 32, imm: 0, dst: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))', src: 'scalar(smax=0x7ffffffffffffff0,umax=0xfffffffffffffff0,smax32=0x7ffffff0,umax32=0xfffffff0,var_off=(0x0; 0xfffffffffffffff0))', after: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)' }, // alu64 movsx32
  { code: 0xbf, off: 8, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: 'scalar()', after: 'scalar(smin=smin32=-128,smax=smax32=127)' }, // alu64 movsx8
  { code: 0xbf, off: 8, imm: 0, dst: 'scalar()', src: '0', after: '0' }, // alu64 movsx8
  { code: 0x27, off: 0, imm: 4095, dst: '0xffffffff', src: '', after: '0xffefffff001' }, // alu64 mul K
  { code: 0x27, off: 0, imm: 4095, dst: '0xc0000000', src: '', after: '0xbff40000000' }, // alu64 mul K
  { code: 0x2f, off: 0, imm: 0, dst: 'scalar(smin=0x8000000080000000,smax=0x7ffffffffffffff7,umin=umin32=0x80000000,umax=0xfffffffffffffff7,smax32=-9,umax32=0xfffffff7,var_off=(0x80000000; 0xffffffff7fffffff))', src: 'scalar(smin=0xfffffffffff00000,smax=smax32=0xfffff,smin32=0xfff00000)', after: 'scalar()' }, // alu64 mul X
  { code: 0x2f, off: 0, imm: 0, dst: 'scalar(smin=0x8000000080000000,smax=0x7ffffffffffffff7,umin=umin32=0x80000000,umax=0xfffffffffffffff7,smax32=-9,umax32=0xfffffff7,var_off=(0x80000000; 0xffffffff7fffffff))', src: 'scalar(smin=0xfffffffffff00000,smax=smax32=0xfffff,smin32=0xfff00000)', after: 'scalar()' }, // alu64 mul X
  { code: 0x87, off: 0, imm: 0, dst: '0x100000000', src: '', after: '0xffffffff00000000' }, // alu64 neg
  { code: 0x87, off: 0, imm: 0, dst: '0x7fffffffffffffff', src: '', after: '0x8000000000000001' }, // alu64 neg
  { code: 0x47, off: 0, imm: 100, dst: 'scalar(smin=umin=smin32=umin32=0x40000000,smax=umax=smax32=umax32=0x4000ffff,var_off=(0x40000000; 0xffff))', src: '', after: 'scalar(smin=umin=smin32=umin32=0x40000064,smax=umax=smax32=umax32=0x4000ffff,var_off=(0x40000064; 0xff9b))' }, // alu64 or K
  { code: 0x47, off: 0, imm: -100, dst: 'scalar(smin=umin=smin32=umin32=0x40000064,smax=umax=smax32=umax32=0x4000ffff,var_off=(0x40000064; 0xff9b))', src: '', after: 'scalar(smin=smin32=-4,smax=smax32=-1,umin=0xfffffffffffffffc,umin32=0xfffffffc,var_off=(0xfffffffffffffffc; 0x3))' }, // alu64 or K
  { code: 0x4f, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: 'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))', after: 'scalar(smax=0x7fffffff000000ff,umax=0xffffffff000000ff,smin32=0,smax32=umax32=255,var_off=(0x0; 0xffffffff000000ff))' }, // alu64 or X
  { code: 0x4f, same: true, off: 0, imm: 0, dst: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xe))', src: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xe))', after: 'scalar(smin=umin=umin32=0xfffffff0,smax=umax=umax32=0xfffffffe,smin32=-16,smax32=-2,var_off=(0xfffffff0; 0xe))' }, // alu64 or X
  { code: 0x77, off: 0, imm: 44, dst: '0x8000000000000001', src: '', after: '0x80000' }, // alu64 rsh K
  { code: 0x77, off: 0, imm: 13, dst: 'scalar(smin=umin=smin32=umin32=0xedcba,smax=umax=smax32=umax32=0xfffff,var_off=(0xedcba; 0x12345))', src: '', after: 'scalar(smin=umin=smin32=umin32=118,smax=umax=smax32=umax32=127,var_off=(0x76; 0x9))' }, // alu64 rsh K
  { code: 0x7f, same: true, off: 0, imm: 0, dst: '0xbb9f', src: '0xbb9f', after: 'scalar()' }, // alu64 rsh X
  { code: 0x7f, off: 0, imm: 0, dst: 'scalar()', src: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar()' }, // alu64 rsh X
  { code: 0x17, off: 0, imm: 0, dst: '0', src: '', after: '0' }, // alu64 sub K
  { code: 0x17, off: 0, imm: 0, dst: '0', src: '', after: '0' }, // alu64 sub K
  { code: 0x1f, off: 0, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '1', after: 'scalar(smin=-1,smax=0xfffffffe)' }, // alu64 sub X
  { code: 0x1f, off: 0, imm: 0, dst: 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', src: '1', after: 'scalar(smin=-1,smax=0xfffffffe)' }, // alu64 sub X
  { code: 0xa7, off: 0, imm: 127, dst: '3', src: '', after: '124' }, // alu64 xor K
  { code: 0xa7, off: 0, imm: -61, dst: '0xffff0000', src: '', after: '0xffffffff0000ffc3' }, // alu64 xor K
  { code: 0xaf, same: true, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xfffe,var_off=(0x0; 0xffff))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xfffe,var_off=(0x0; 0xffff))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // alu64 xor X
  { code: 0xaf, off: 0, imm: 0, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // alu64 xor X
  { code: 0xdc, off: 0, imm: 16, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=230,var_off=(0x0; 0xe6))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xe600,var_off=(0x0; 0xe600))' }, // be16
  { code: 0xdc, off: 0, imm: 16, dst: 'scalar(smin=0xffffffffedcba989,smax=smax32=-1,umin=0xffffffffedcba989,smin32=umin32=0xedcba989,var_off=(0xffffffffe0000000; 0x1fffffff))', src: 'scalar()', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))' }, // be16
  { code: 0xdc, off: 0, imm: 32, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))', src: 'scalar(smin=umin=umin32=64,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', after: 'scalar(smin=0,smax=umax=umax32=0xffff0000,smax32=0x7fff0000,var_off=(0x0; 0xffff0000))' }, // be32
  { code: 0xdc, off: 0, imm: 32, dst: '0', src: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0x13acb87,var_off=(0x0; 0x13acb87))', after: '0' }, // be32
  { code: 0xdc, off: 0, imm: 64, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xfffff,var_off=(0x0; 0xfffff))', src: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))', after: 'scalar(smax=0x7fff0f0000000000,umax=0xffff0f0000000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffff0f0000000000))' }, // be64
  { code: 0xdc, off: 0, imm: 64, dst: '0x80000', src: 'scalar(smin=umin=smin32=umin32=128,smax=umax=smax32=umax32=135,var_off=(0x80; 0x7))', after: '0x80000000000' }, // be64
  { code: 0xd7, off: 0, imm: 16, dst: '0xfffffffff', src: '', after: '0xffff' }, // bswap16
  { code: 0xd7, off: 0, imm: 16, dst: '0x7fffffff', src: '', after: '0xffff' }, // bswap16
  { code: 0xd7, off: 0, imm: 32, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: '', after: 'scalar(smin=0,smax=umax=umax32=0xff000000,smax32=0x7f000000,var_off=(0x0; 0xff000000))' }, // bswap32
  { code: 0xd7, off: 0, imm: 32, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))', src: '', after: 'scalar(smin=0,smax=umax=umax32=0xff000000,smax32=0x7f000000,var_off=(0x0; 0xff000000))' }, // bswap32
  { code: 0xd7, off: 0, imm: 64, dst: 'scalar(smin=smin32=-128,smax=smax32=127)', src: '', after: 'scalar()' }, // bswap64
  { code: 0xd7, off: 0, imm: 64, dst: 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)', src: '', after: 'scalar()' }, // bswap64
  { code: 0xd4, off: 0, imm: 16, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))' }, // le16
  { code: 0xd4, off: 0, imm: 16, dst: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))', src: '', after: 'scalar(smin=smin32=0,smax=umax=smax32=umax32=4080,var_off=(0x0; 0xff0))' }, // le16
  { code: 0xd4, off: 0, imm: 32, dst: '0', src: '', after: '0' }, // le32
  { code: 0xd4, off: 0, imm: 32, dst: '0', src: '', after: '0' }, // le32
  { code: 0xd4, off: 0, imm: 64, dst: 'scalar(smin=0,smax=umax=umax32=0x80000000,smax32=0,var_off=(0x0; 0x80000000))', src: '', after: 'scalar(smin=0,smax=umax=umax32=0x80000000,smax32=0,var_off=(0x0; 0x80000000))' }, // le64
  { code: 0xd4, off: 0, imm: 64, dst: 'scalar(smin=0,smax=umax=umax32=0x80000000,smax32=0,var_off=(0x0; 0x80000000))', src: '', after: 'scalar(smin=0,smax=umax=umax32=0x80000000,smax32=0,var_off=(0x0; 0x80000000))' }, // le64
];

function regFromText(text: string): Reg {
  const v = parseRegValue(text);
  if (v.kind !== 'scalar') throw new Error(`not a scalar: ${text}`);
  return { t: 'scalar', s: v.scalar, id: 0 };
}

test('transitions printed by the kernel are reproduced exactly', () => {
  for (const g of KERNEL_TRANSITIONS) {
    const st = initialState();
    st.regs[1] = regFromText(g.dst);
    if (g.src) st.regs[2] = regFromText(g.src);
    const i = insn(g.code, 1, g.same ? 1 : 2, g.off, g.imm);
    step({ idGen: 0, live: [] }, [i], st);
    const r = st.regs[1];
    assert.equal(r.t === 'scalar' ? formatScalar(r.s) : r.t, g.after, `0x${g.code.toString(16)} imm=${g.imm} on ${g.dst} with ${g.src || g.imm}`);
  }
});
