// verifyProgram (src-vm/verifier/verify.ts) on the hand-written programs of
// verifierCases.ts, whose expectations were recorded from the live kernel:
// verdict, first error line and instruction must match for every program.
// Also the level-2 log of one program line by line against the kernel's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERIFIER_CASES } from './verifierCases';
import { ourOutcome, sameOutcome, showOutcome, verifyCase } from './verifierHarness';
import { assemble } from '../../../src-vm/asm/assembler';
import { verifyProgram } from '../../../src-vm/verifier/verify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERIFIER_C_CASES } from './verifierCCases';
import { CLANG, compileCase, verifyObjectFile } from './verifierCHarness';

for (const c of VERIFIER_CASES) {
  test(`verifier case ${c.name}`, () => {
    const ours = ourOutcome(verifyCase(c));
    assert.ok(sameOutcome(ours, c.expect), `expected ${showOutcome(c.expect)}, got ${showOutcome(ours)}`);
  });
}

const ETH_CHECK = `
  r2 = *(u32 *)(r1 + 0)
  r3 = *(u32 *)(r1 + 4)
  r4 = r2
  r4 += 14
  if r4 > r3 goto +5
  r0 = *(u8 *)(r2 + 13)
  *(u64 *)(r10 - 8) = r0
  r0 = *(u64 *)(r10 - 8)
  r0 &= 1
  exit
  r0 = 2
  exit
`;

/** The kernel's (6.18) level-2 log of ETH_CHECK, without timing, liveness and precision lines. */
const KERNEL_LOG = [
  '0: R1=ctx() R10=fp0',
  '0: (61) r2 = *(u32 *)(r1 +0)          ; R1=ctx() R2=pkt(r=0)',
  '1: (61) r3 = *(u32 *)(r1 +4)          ; R1=ctx() R3=pkt_end()',
  '2: (bf) r4 = r2                       ; R2=pkt(r=0) R4=pkt(r=0)',
  '3: (07) r4 += 14                      ; R4=pkt(off=14,r=0)',
  '4: (2d) if r4 > r3 goto pc+5          ; R3=pkt_end() R4=pkt(off=14,r=14)',
  '5: (71) r0 = *(u8 *)(r2 +13)          ; R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R2=pkt(r=14)',
  '6: (7b) *(u64 *)(r10 -8) = r0         ; R0=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R10=fp0 fp-8=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))',
  '7: (79) r0 = *(u64 *)(r10 -8)         ; R0=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R10=fp0 fp-8=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))',
  '8: (57) r0 &= 1                       ; R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=1,var_off=(0x0; 0x1))',
  '9: (95) exit',
  '',
  'from 4 to 10: R1=ctx() R2=pkt(r=0) R3=pkt_end() R4=pkt(off=14,r=0xfffffffffffffffe) R10=fp0',
  '10: R1=ctx() R2=pkt(r=0) R3=pkt_end() R4=pkt(off=14,r=0xfffffffffffffffe) R10=fp0',
  '10: (b7) r0 = 2                       ; R0=2',
  '11: (95) exit',
  'stack depth 8',
  'processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0',
];

test('verifier log: level 2 matches the kernel line by line', () => {
  const insns = assemble(`.section xdp, "ax"\n${ETH_CHECK}`).value.sections[0].insns;
  const report = verifyProgram({ insns, type: 'xdp' }, { logLevel: 2 });
  assert.equal(report.verdict, 'accept');
  assert.deepEqual(report.log, KERNEL_LOG);
  assert.equal(report.processedInsns, 12);
  assert.equal(report.totalStates, 1);
});

test('verifier log: level 1 is the failing path (states included), the error and the statistics', () => {
  const insns = assemble('.section xdp, "ax"\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit\n').value.sections[0].insns;
  const report = verifyProgram({ insns, type: 'xdp' }, { logLevel: 1 });
  assert.deepEqual(report.log, [
    '0: R1=ctx() R10=fp0',
    '0: (61) r2 = *(u32 *)(r1 +0)          ; R1=ctx() R2=pkt(r=0)',
    '1: (71) r0 = *(u8 *)(r2 +0)',
    'invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)',
    'R2 offset is outside of the packet',
    'processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
  ]);
  assert.deepEqual(report.error, {
    insnIdx: 1, code: 'pkt-access', message: 'invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)', detail: ['R2 offset is outside of the packet'],
  });
});

test('verifier: recorded states per instruction for hovers', () => {
  const insns = assemble('.section xdp, "ax"\nr0 = 1\nif r0 == 1 goto +0\nexit\n').value.sections[0].insns;
  const report = verifyProgram({ insns, type: 'xdp' }, { logLevel: 0, recordStates: true });
  assert.deepEqual(report.log, []);
  assert.deepEqual(report.statesAt?.get(0), ['R1=ctx() R10=fp0']);
  assert.deepEqual(report.statesAt?.get(2), ['R0=1 R1=ctx() R10=fp0']);
});

test('verifier C cases (maps): our outcome is the recorded kernel outcome', (t) => {
  if (!CLANG) { t.skip('clang-19 is not installed (apt-get install clang-19)'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-verifier-'));
  try {
    for (const c of VERIFIER_C_CASES) {
      const ours = ourOutcome(verifyObjectFile(compileCase(c, dir), c.name));
      assert.ok(sameOutcome(ours, c.expect), `${c.name}: expected ${showOutcome(c.expect)}, got ${showOutcome(ours)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
