// The kernel as the interpreter's oracle (BPF_PROG_TEST_RUN through bpftool):
// every bpf_conformance vector the kernel accepts, and a few hundred seeded
// random ALU/JMP programs, must give the same full 64-bit r0 on the kernel as
// on our interpreter. Vectors that call helpers (the kernel numbers them
// differently from uBPF) or subprograms are left out; vectors the kernel's
// stricter verifier rejects are counted and listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { parseVectorFile } from '../../../src-vm/conformance/vectorFile';
import { assembleConformance } from '../../../src-vm/asm/conformanceAsm';
import { runProgram } from '../../../src-vm/vm/runProgram';
import { conformanceDir, readVector, vectorFiles } from '../conformance/vectorsDir';
import { kernelUnavailable, scratchDir } from '../../support/kernel';
import { callsSomething, runOnKernel } from '../../support/xdpOracle';

test('kernel oracle: conformance vectors give the same r0 on the kernel as on our interpreter', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const dir = conformanceDir('tests');
  const scratch = scratchDir();
  const agreed: string[] = [], rejected: string[] = [], excluded: string[] = [], mismatches: string[] = [];
  try {
    for (const file of vectorFiles(dir)) {
      const vector = parseVectorFile(readVector(dir, file)).value;
      const insns = vector.raw ?? assembleConformance(vector.asm ?? '').value.insns;
      if (callsSomething(insns)) { excluded.push(file); continue; }
      const verdict = runOnKernel(insns, vector.mem ?? new Uint8Array(), scratch.dir);
      if (verdict.kind === 'rejected') { rejected.push(file); continue; }
      const ours = runProgram(insns, { mem: vector.mem });
      if (verdict.kind === 'error') mismatches.push(`${file}: ${verdict.message}`);
      else if (ours.fault || verdict.r0 !== ours.r0) {
        mismatches.push(`${file}: kernel r0=0x${verdict.r0.toString(16)}, ours r0=0x${ours.r0.toString(16)} ${ours.fault?.message ?? ''}`);
      } else agreed.push(file);
    }
  } finally {
    scratch.cleanup();
  }
  console.log(`# kernel oracle: ${agreed.length} vectors agree with the kernel, ${rejected.length} rejected by its verifier, ${excluded.length} left out (helper or subprogram calls), ${mismatches.length} disagree`);
  if (rejected.length > 0) console.log(`# rejected by the kernel: ${rejected.join(' ')}`);
  assert.deepEqual(mismatches, []);
  assert.ok(agreed.length >= 250, `only ${agreed.length} vectors ran on the kernel: the wrapper or the loader is broken`);
});

/** xorshift32: deterministic programs, so a disagreement reproduces. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n; };
}

const ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0];
const JMP_OPS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
const IMMS = [0, 1, -1, 2, 3, 7, 31, 32, 63, 0x7fffffff, -0x80000000, 0xff, 0x8000, 0x12345678, -12345];

function randomAlu(r: (n: number) => number, reg: () => number): Insn {
  const cls = r(2) ? 0x07 : 0x04;
  const width = cls === 0x07 ? 64 : 32;
  const op = ALU_OPS[r(ALU_OPS.length)];
  const isShift = op === 0x60 || op === 0x70 || op === 0xc0;
  const isDiv = op === 0x30 || op === 0x90;
  if (r(2)) { // register operand; sdiv/smod and movsx via off
    const off = isDiv ? r(2) : op === 0xb0 && r(3) === 0 ? [8, 16, 32][r(width === 64 ? 3 : 2)] : 0;
    return insn(cls | op | 0x08, reg(), reg(), off);
  }
  let imm = isShift ? r(width) : IMMS[r(IMMS.length)];
  if (isDiv && imm === 0) imm = 3;
  return insn(cls | op, reg(), 0, isDiv ? r(2) : 0, imm);
}

function randomUnary(r: (n: number) => number, reg: () => number): Insn {
  switch (r(3)) {
    case 0: return insn(r(2) ? 0x87 : 0x84, reg());
    case 1: return insn([0xd4, 0xdc, 0xd7][r(3)], reg(), 0, 0, [16, 32, 64][r(3)]);
    default: return insn(r(2) ? 0x87 : 0x84, reg());
  }
}

/** Straight-line ALU code with forward jumps over r0..r9, all initialised with 64-bit constants. */
function randomProgram(seed: number): Insn[] {
  const r = rng(seed);
  const reg = (): number => r(10);
  const body: Insn[] = [];
  const length = 20 + r(30);
  for (let i = 0; i < length; i++) {
    const left = length - i - 1;
    if (left > 0 && r(6) === 0) {
      const cls = r(2) ? 0x05 : 0x06;
      const op = JMP_OPS[r(JMP_OPS.length)];
      body.push(r(2) ? insn(cls | op | 0x08, reg(), reg(), r(left + 1)) : insn(cls | op, reg(), 0, r(left + 1), IMMS[r(IMMS.length)]));
    } else body.push(r(8) === 0 ? randomUnary(r, reg) : randomAlu(r, reg));
  }
  const init = Array.from({ length: 10 }, (_, k) => lddwSlots(k, (BigInt(r(0x7fffffff)) << 33n) ^ BigInt(r(0x7fffffff)) ^ BigInt(seed * k))).flat();
  const fold = Array.from({ length: 9 }, (_, k) => insn(0xaf, 0, k + 1)); // r0 ^= r1..r9
  return [...init, ...body, ...fold, insn(0x95)];
}

test('kernel oracle: 300 random ALU/JMP programs give the same r0 on the kernel as on our interpreter', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const scratch = scratchDir();
  const mismatches: string[] = [];
  let agreed = 0, rejected = 0;
  try {
    for (let seed = 1; seed <= 300; seed++) {
      const program = randomProgram(seed);
      const verdict = runOnKernel(program, new Uint8Array(), scratch.dir);
      if (verdict.kind === 'rejected') { rejected++; continue; }
      const ours = runProgram(program);
      if (verdict.kind === 'error') mismatches.push(`seed ${seed}: ${verdict.message}`);
      else if (ours.fault || ours.r0 !== verdict.r0) mismatches.push(`seed ${seed}: kernel 0x${verdict.r0.toString(16)}, ours 0x${ours.r0.toString(16)} ${ours.fault?.message ?? ''}`);
      else agreed++;
    }
  } finally {
    scratch.cleanup();
  }
  console.log(`# kernel oracle, random programs: ${agreed} agree, ${rejected} rejected by the kernel verifier, ${mismatches.length} disagree`);
  assert.deepEqual(mismatches, []);
  assert.ok(agreed >= 270, `only ${agreed} of 300 random programs were accepted by the kernel`);
});
