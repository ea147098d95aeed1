// The kernel as the interpreter's oracle: every bpf_conformance vector the
// kernel can run is wrapped as an XDP program, loaded with bpftool and run with
// BPF_PROG_TEST_RUN; the full 64-bit r0 the kernel computes must equal ours.
// Wrapping: a prolog sets r1/r2 to the input memory as the conformance
// contract says, every `exit` becomes a jump to an epilogue that stores r0 at
// the start of the packet. Vectors that call helpers (the kernel's numbering
// differs from uBPF's) or subprograms are left out; the kernel may also reject
// a vector (its verifier is stricter than the ISA) — those are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insn, type Insn } from '../../../src-vm/isa/insn';
import { writeElf } from '../../../src-vm/elf/elfWriter';
import { parseVectorFile } from '../../../src-vm/conformance/vectorFile';
import { assembleConformance } from '../../../src-vm/asm/conformanceAsm';
import { runProgram } from '../../../src-vm/vm/runProgram';
import { conformanceDir, readVector, vectorFiles } from '../conformance/vectorsDir';
import { kernelUnavailable, loadAll, scratchDir, testRun, unpin } from '../../support/kernel';

const CTX_SLOT = -512;
const ETH_HLEN = 14;

function prolog(memLen: number, failAt: number): Insn[] {
  const pad = Math.max(memLen, 8);
  const out = [
    insn(0x7b, 10, 1, CTX_SLOT),      // *(u64 *)(r10 - 512) = r1 (ctx)
    insn(0x61, 2, 1, 4),              // r2 = ctx->data_end
    insn(0x61, 1, 1, 0),              // r1 = ctx->data
    insn(0xbf, 3, 1),                 // r3 = r1
    insn(0x07, 3, 0, 0, pad),         // r3 += pad
  ];
  out.push(insn(0x2d, 3, 2, failAt - out.length - 1)); // if r3 > r2 goto fail
  out.push(insn(0xb7, 2, 0, 0, memLen), insn(0xb7, 3, 0, 0, 0));
  if (memLen === 0) out.push(insn(0xb7, 1, 0, 0, 0)); // no memory: r1 = NULL as in uBPF
  return out;
}

const EPILOG: Insn[] = [
  insn(0x79, 6, 10, CTX_SLOT), insn(0x61, 2, 6, 4), insn(0x61, 1, 6, 0), insn(0xbf, 3, 1), insn(0x07, 3, 0, 0, 8),
  insn(0x2d, 3, 2, 3),                 // if r3 > r2 goto fail
  insn(0x7b, 1, 0, 0),                 // *(u64 *)(r1 + 0) = r0
  insn(0xb7, 0, 0, 0, 2), insn(0x95),  // return XDP_PASS
  insn(0xb7, 0, 0, 0, 0), insn(0x95),  // fail: XDP_ABORTED
];

/** The vector inside the XDP wrapper: its exits jump to the epilogue. */
function wrap(vector: Insn[], memLen: number): Insn[] {
  const prologLen = prolog(memLen, 0).length;
  const epilogAt = prologLen + vector.length;
  const body = vector.map((x, i) => (x.code === 0x95 ? insn(0x05, 0, 0, epilogAt - (prologLen + i) - 1) : x));
  return [...prolog(memLen, epilogAt + EPILOG.length - 2), ...body, ...EPILOG];
}

function callsSomething(insns: Insn[]): boolean {
  return insns.some((x) => x.code === 0x85 || x.code === 0x8d);
}

function r0FromPacket(data: Uint8Array): bigint {
  return new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
}

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
      const mem = vector.mem ?? new Uint8Array();
      const objPath = join(scratch.dir, 'vector.o');
      writeFileSync(objPath, writeElf({
        sections: [{ name: 'xdp', kind: 'code', insns: wrap(insns, mem.length), spans: [], bytes: new Uint8Array() }],
        symbols: [{ name: 'vector', section: 'xdp', offset: 0, global: true, kind: 'func' }],
        relocs: [],
      }));
      const load = loadAll(objPath, 'xdp');
      try {
        if (!load.ok) { rejected.push(file); continue; }
        const packet = new Uint8Array(Math.max(mem.length, ETH_HLEN, 8));
        packet.set(mem);
        const run = testRun(`${load.pinDir}/vector`, packet, scratch.dir);
        if ('error' in run) { mismatches.push(`${file}: test run failed: ${run.error}`); continue; }
        const kernel = r0FromPacket(run.dataOut);
        const ours = runProgram(insns, { mem: vector.mem });
        if (run.retval !== 2 || ours.fault || kernel !== ours.r0) {
          mismatches.push(`${file}: kernel r0=0x${kernel.toString(16)} (retval ${run.retval}), ours r0=0x${ours.r0.toString(16)}${ours.fault ? ` fault: ${ours.fault.message}` : ''}`);
        } else {
          agreed.push(file);
        }
      } finally {
        unpin(load.pinDir);
      }
    }
  } finally {
    scratch.cleanup();
  }
  console.log(`# kernel oracle: ${agreed.length} vectors agree with the kernel, ${rejected.length} rejected by its verifier, ${excluded.length} left out (helper or subprogram calls), ${mismatches.length} disagree`);
  if (rejected.length > 0) console.log(`# rejected by the kernel: ${rejected.join(' ')}`);
  assert.deepEqual(mismatches, []);
  assert.ok(agreed.length >= 250, `only ${agreed.length} vectors ran on the kernel: the wrapper or the loader is broken`);
});
