// The verifier on programs nobody would write: thousands of seeded random
// instruction streams (mostly valid encodings, loads and stores through any
// register, helper calls, jumps anywhere) for several program types must each
// end in a verdict — never an exception — within the processed-instruction
// limit; and programs built to exhaust that limit (a loop the verifier must
// unroll, a branch fan-out) end with the kernel's "too large" message while
// the heap stays far below 1 GiB.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../../src-vm/asm/assembler';
import { insn, type Insn } from '../../../src-vm/isa/insn';
import { OPCODE_TABLE, type FieldRule } from '../../../src-vm/isa/opcodes';
import { validateProgram } from '../../../src-vm/isa/validate';
import type { ProgType } from '../../../src-vm/verifier/env';
import { INSN_LIMIT, verifyProgram } from '../../../src-vm/verifier/verify';
import { Rng } from '../../support/rng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x0ddba11);
const TYPES: ProgType[] = ['xdp', 'sched_cls', 'socket_filter', 'kprobe', 'tracepoint', 'cgroup_skb', 'raw_tracepoint'];
const HELPERS = [1, 2, 3, 5, 6, 7, 8, 12, 14, 25, 26, 44, 51, 65, 113, 130, 131, 132, 133, 181];
const MAPS = [
  { name: 'h', type: 'hash', keySize: 4, valueSize: 16, maxEntries: 8 },
  { name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 },
];

const ROWS = OPCODE_TABLE.filter((o) => o.kind !== 'lddw' && o.kind !== 'callx' && o.kind !== 'call');
const JUMPS = new Set(['ja', 'jcond', 'maygoto']);

/** A field value the opcode table allows: `pick` chooses among plausible values for 'any'. */
function field(r: Rng, rule: FieldRule, pick: () => number): number {
  if (rule === 'zero') return 0;
  if (rule === 'reg') return r.below(11);
  if (rule === 'any') return pick();
  return r.pick(rule);
}

/**
 * Instruction `pc` of a `total`-instruction program: jumps land inside it, forward (loops that reach the
 * instruction limit are the exhausting tests below: each costs seconds), calls go to helpers.
 */
function randomInsn(r: Rng, pc: number, total: number): Insn {
  if (r.chance(0.08)) return insn(0x85, 0, 0, 0, r.pick(HELPERS));
  const row = r.pick(ROWS);
  const off = (): number => (JUMPS.has(row.kind) ? r.below(Math.max(1, total - pc - 1)) : r.pick([0, -8, -16, 4, 8, 12, 14, 20, -512, 76, 80]));
  const imm = (): number => r.pick([0, 1, -1, 2, 8, 14, 20, 64, 255, 0x7fffffff, -0x80000000]);
  return insn(row.code, field(r, row.rules.dst, () => r.below(11)), field(r, row.rules.src, () => r.below(11)),
    field(r, row.rules.off, off), field(r, row.rules.imm, imm));
}

const PROLOGUE: readonly Insn[] = [
  insn(0xb7, 0, 0, 0, 0), insn(0xbf, 6, 1), insn(0xbf, 7, 10), insn(0x07, 7, 0, 0, -64), insn(0xb7, 8, 0, 0, 0),
  insn(0x61, 9, 1, 0, 0), insn(0xb7, 2, 0, 0, 1), insn(0xbf, 3, 10), insn(0x07, 3, 0, 0, -8), insn(0xb7, 4, 0, 0, 8),
  insn(0xb7, 5, 0, 0, 0), insn(0x7b, 10, 8, -8), insn(0x7b, 10, 8, -16),
];

test('random programs: a verdict for every one, never an exception, within the instruction limit', (t) => {
  const r = new Rng(SEED);
  const counts = { programs: 0, accepted: 0, rejected: 0 };
  for (let n = 0; n < 3000; n++) {
    const len = 2 + r.below(24);
    // Every register starts initialised (ctx, stack pointers, scalars), so paths get past their first use.
    const insns = [...PROLOGUE];
    for (let k = 0; k < len; k++) insns.push(randomInsn(r, insns.length, PROLOGUE.length + len + 1));
    insns.push(insn(0x95));
    if (validateProgram(insns).some((d) => d.severity === 'error')) continue;
    const type = r.pick(TYPES);
    let report;
    try {
      report = verifyProgram({ insns, type, maps: MAPS, license: 'GPL' }, { logLevel: r.chance(0.1) ? 2 : 0 });
    } catch (e) {
      assert.fail(`program ${n} (${type}) made the verifier throw: ${String(e)}\n${insns.map((i) => JSON.stringify(i)).join('\n')}`);
    }
    assert.ok(report.processedInsns <= INSN_LIMIT + 1);
    counts.programs++;
    if (report.verdict === 'accept') counts.accepted++; else counts.rejected++;
  }
  assert.ok(counts.programs >= 1500, `only ${counts.programs} valid programs generated`);
  assert.ok(counts.accepted > 40, `only ${counts.accepted} accepted: the generator explores too little`);
  t.diagnostic(`${counts.programs} programs: ${counts.accepted} accepted, ${counts.rejected} rejected, none threw`);
});

const HEAP_LIMIT = 1024 * 1024 * 1024;

function exhausting(name: string, source: string): void {
  test(`${name}: stops at the processed-instruction limit with the kernel's message, heap far below 1 GiB`, () => {
    const insns = assemble(`.section xdp, "ax"\n${source}\n`).value.sections[0].insns;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const report = verifyProgram({ insns, type: 'xdp' }, { logLevel: 0 });
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    assert.equal(report.verdict, 'reject');
    assert.equal(report.error?.message, `BPF program is too large. Processed ${INSN_LIMIT + 1} insn`);
    assert.ok(peak - before < HEAP_LIMIT, `heap grew by ${Math.round((peak - before) / 2 ** 20)} MiB`);
  });
}

// Every iteration has a different constant counter, so no state covers another until the limit.
exhausting('a loop to a billion', ['r1 = 0', 'l: r1 += 1', 'if r1 < 1000000000 goto l', 'r0 = 0', 'exit'].join('\n'));
// Thirty unknown bits, each deciding a different constant: 2^30 paths, none prunable against another.
exhausting('a fan-out of distinct paths', [
  'r6 = *(u32 *)(r1 + 12)', 'r7 = 0',
  ...Array.from({ length: 30 }, (_, k) => `r2 = r6\nr2 &= ${1 << (k % 30)}\nif r2 == 0 goto +1\nr7 += ${k + 1}`),
  'r0 = r7', 'r0 &= 3', 'exit',
].join('\n'));
