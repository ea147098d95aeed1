// The benchmark programs, in the LLVM/kernel assembly dialect: an ALU loop,
// a byte-load checksum over 4 KiB, and a 32-bit FNV-style hash loop.

import { assemble } from '../src-vm/asm/assembler';
import type { Insn } from '../src-vm/isa/insn';

export interface BenchProgram {
  name: string;
  insns: Insn[];
  mem?: Uint8Array;
}

const ALU_LOOP = `
        r0 = 0
        r1 = 20000000
        r2 = 0x12345
loop:   r0 += r1
        r0 ^= r2
        r2 = r0
        r2 >>= 7
        r1 -= 1
        if r1 != 0 goto loop
        exit
`;

const CHECKSUM = `
        r0 = 0
        r6 = 2000               # passes over the 4 KiB buffer
outer:  r3 = r1
        r4 = r1
        r4 += r2
inner:  r5 = *(u8 *)(r3 + 0)
        r0 += r5
        r3 += 1
        if r3 < r4 goto inner
        r6 -= 1
        if r6 != 0 goto outer
        exit
`;

const HASH32 = `
        w0 = 0x811c9dc5         # FNV offset basis
        w1 = 10000000
loop:   w2 = w1
        w2 &= 0xff
        w0 ^= w2
        w0 *= 0x1000193         # FNV prime
        w3 = w0
        w3 >>= 13
        w0 ^= w3
        w1 -= 1
        if w1 != 0 goto loop
        exit
`;

function program(name: string, text: string, mem?: Uint8Array): BenchProgram {
  const { value, diagnostics } = assemble(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${name}: ${errors.map((d) => d.message).join('; ')}`);
  const code = value.sections.find((s) => s.kind === 'code' && s.insns.length > 0);
  if (!code) throw new Error(`${name}: no instructions`);
  return { name, insns: code.insns, mem };
}

const buffer = new Uint8Array(4096).map((_, i) => (i * 31 + 7) & 0xff);

export const BENCH_PROGRAMS: BenchProgram[] = [
  program('alu loop (64-bit)', ALU_LOOP),
  program('checksum 4 KiB (u8 loads)', CHECKSUM, buffer),
  program('hash loop (32-bit)', HASH32),
];
