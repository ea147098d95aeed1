// The benchmark programs, as instruction lists: an ALU loop, a byte-load
// checksum over 4 KiB, and a 32-bit FNV-style hash loop.

import { insn, type Insn } from '../src-vm/isa/insn';

export interface BenchProgram {
  name: string;
  insns: Insn[];
  mem?: Uint8Array;
}

const aluLoop: Insn[] = [
  insn(0xb7, 0, 0, 0, 0),          // r0 = 0
  insn(0xb7, 1, 0, 0, 20_000_000), // r1 = 20000000
  insn(0xb7, 2, 0, 0, 0x12345),    // r2 = 0x12345
  insn(0x0f, 0, 1),                // loop: r0 += r1
  insn(0xaf, 0, 2),                // r0 ^= r2
  insn(0xbf, 2, 0),                // r2 = r0
  insn(0x77, 2, 0, 0, 7),          // r2 >>= 7
  insn(0x17, 1, 0, 0, 1),          // r1 -= 1
  insn(0x55, 1, 0, -6, 0),         // if r1 != 0 goto loop
  insn(0x95),                      // exit
];

const checksum: Insn[] = [
  insn(0xb7, 0, 0, 0, 0),          // r0 = 0
  insn(0xb7, 6, 0, 0, 2000),       // r6 = 2000 (passes over the buffer)
  insn(0xbf, 3, 1),                // outer: r3 = r1
  insn(0xbf, 4, 1),                // r4 = r1
  insn(0x0f, 4, 2),                // r4 += r2
  insn(0x71, 5, 3, 0),             // inner: r5 = *(u8 *)(r3 + 0)
  insn(0x0f, 0, 5),                // r0 += r5
  insn(0x07, 3, 0, 0, 1),          // r3 += 1
  insn(0xad, 3, 4, -4),            // if r3 < r4 goto inner
  insn(0x17, 6, 0, 0, 1),          // r6 -= 1
  insn(0x55, 6, 0, -9, 0),         // if r6 != 0 goto outer
  insn(0x95),
];

const hash32: Insn[] = [
  insn(0xb4, 0, 0, 0, 0x811c9dc5 | 0), // w0 = FNV offset basis
  insn(0xb4, 1, 0, 0, 10_000_000),     // w1 = 10000000
  insn(0xbc, 2, 1),                    // loop: w2 = w1
  insn(0x54, 2, 0, 0, 0xff),           // w2 &= 0xff
  insn(0xac, 0, 2),                    // w0 ^= w2
  insn(0x24, 0, 0, 0, 0x01000193),     // w0 *= FNV prime
  insn(0xbc, 3, 0),                    // w3 = w0
  insn(0x74, 3, 0, 0, 13),             // w3 >>= 13
  insn(0xac, 0, 3),                    // w0 ^= w3
  insn(0x14, 1, 0, 0, 1),              // w1 -= 1
  insn(0x56, 1, 0, -9, 0),             // if w1 != 0 goto loop
  insn(0x95),
];

const packet = new Uint8Array(4096).map((_, i) => (i * 31 + 7) & 0xff);

export const BENCH_PROGRAMS: BenchProgram[] = [
  { name: 'alu loop (64-bit)', insns: aluLoop },
  { name: 'checksum 4 KiB (u8 loads)', insns: checksum, mem: packet },
  { name: 'hash loop (32-bit)', insns: hash32 },
];
