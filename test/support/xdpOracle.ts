// Test support: run an instruction list on the kernel and get its full 64-bit
// r0 back. The program is wrapped as XDP: a prolog puts the input memory in
// r1/r2 as the conformance contract says (r1 = NULL without memory), every
// `exit` becomes a jump to an epilogue that stores r0 at the start of the
// packet; BPF_PROG_TEST_RUN runs it and the packet carries r0 back.
// Programs that call anything cannot be wrapped (their exits are not ours).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insn, type Insn } from '../../src-vm/isa/insn';
import { writeElf } from '../../src-vm/elf/elfWriter';
import { loadAll, testRun, unpin } from './kernel';

const CTX_SLOT = -512;
const ETH_HLEN = 14;

function prolog(memLen: number, failAt: number): Insn[] {
  const out = [
    insn(0x7b, 10, 1, CTX_SLOT),              // *(u64 *)(r10 - 512) = r1 (ctx)
    insn(0x61, 2, 1, 4),                      // r2 = ctx->data_end
    insn(0x61, 1, 1, 0),                      // r1 = ctx->data
    insn(0xbf, 3, 1),                         // r3 = r1
    insn(0x07, 3, 0, 0, Math.max(memLen, 8)), // r3 += packet bytes the program may touch
  ];
  out.push(insn(0x2d, 3, 2, failAt - out.length - 1)); // if r3 > r2 goto fail
  out.push(insn(0xb7, 2, 0, 0, memLen), insn(0xb7, 3, 0, 0, 0));
  if (memLen === 0) out.push(insn(0xb7, 1, 0, 0, 0));
  return out;
}

const EPILOG: Insn[] = [
  insn(0x79, 6, 10, CTX_SLOT), insn(0x61, 2, 6, 4), insn(0x61, 1, 6, 0), insn(0xbf, 3, 1), insn(0x07, 3, 0, 0, 8),
  insn(0x2d, 3, 2, 3),                 // if r3 > r2 goto fail
  insn(0x7b, 1, 0, 0),                 // *(u64 *)(r1 + 0) = r0
  insn(0xb7, 0, 0, 0, 2), insn(0x95),  // return XDP_PASS
  insn(0xb7, 0, 0, 0, 0), insn(0x95),  // fail: return XDP_ABORTED
];

export function callsSomething(insns: readonly Insn[]): boolean {
  return insns.some((x) => x.code === 0x85 || x.code === 0x8d);
}

/** The program inside the XDP wrapper. */
export function wrapForXdp(program: readonly Insn[], memLen: number): Insn[] {
  const prologLen = prolog(memLen, 0).length;
  const epilogAt = prologLen + program.length;
  const body = program.map((x, i) => (x.code === 0x95 ? insn(0x05, 0, 0, epilogAt - (prologLen + i) - 1) : x));
  return [...prolog(memLen, epilogAt + EPILOG.length - 2), ...body, ...EPILOG];
}

export type KernelVerdict =
  | { kind: 'ran'; r0: bigint }
  | { kind: 'rejected'; log: string }
  | { kind: 'error'; message: string };

/** Loads the wrapped program into the kernel, runs it once on `mem`, and unloads it. */
export function runOnKernel(program: readonly Insn[], mem: Uint8Array, scratchDir: string): KernelVerdict {
  const objPath = join(scratchDir, 'oracle.o');
  writeFileSync(objPath, writeElf({
    sections: [{ name: 'xdp', kind: 'code', insns: wrapForXdp(program, mem.length), spans: [], bytes: new Uint8Array() }],
    symbols: [{ name: 'oracle', section: 'xdp', offset: 0, global: true, kind: 'func' }],
    relocs: [],
  }));
  const load = loadAll(objPath, 'xdp');
  try {
    if (!load.ok) return { kind: 'rejected', log: load.log };
    const packet = new Uint8Array(Math.max(mem.length, ETH_HLEN, 8));
    packet.set(mem);
    const run = testRun(`${load.pinDir}/oracle`, packet, scratchDir);
    if ('error' in run) return { kind: 'error', message: `test run failed: ${run.error}` };
    if (run.retval !== 2) return { kind: 'error', message: `wrapper returned ${run.retval}, not XDP_PASS` };
    return { kind: 'ran', r0: new DataView(run.dataOut.buffer, run.dataOut.byteOffset, 8).getBigUint64(0, true) };
  } finally {
    unpin(load.pinDir);
  }
}
