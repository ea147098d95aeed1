// Fuzzing the core: 100,000 random instruction streams through the decoder,
// validator, both disassemblers and the interpreter, and 10,000 random or
// mutated assembly lines through both assemblers. Nothing may throw, no run may
// exceed its budget, every diagnostic must point inside its input.
// Deterministic: the seed is fixed (override with FUZZ_SEED).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInsns, encodeInsns, insn, type Insn } from '../src-vm/isa/insn';
import { OPCODE_TABLE, type FieldRule } from '../src-vm/isa/opcodes';
import { validateBytes } from '../src-vm/isa/validate';
import { disassemble } from '../src-vm/asm/disassembler';
import { disassembleConformance } from '../src-vm/asm/conformanceDisasm';
import { assemble } from '../src-vm/asm/assembler';
import { assembleConformance } from '../src-vm/asm/conformanceAsm';
import { runProgram } from '../src-vm/vm/runProgram';
import type { Diagnostic } from '../src-vm/diagnostics';
import { Rng } from './support/rng';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1234);


const INTERESTING = [0, 1, -1, 2, 7, 8, 16, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0xff, 0x1000];

/** A value for one field that usually obeys the opcode table's rule for it, and sometimes does not. */
function fieldValue(r: Rng, rule: FieldRule, wild: () => number): number {
  if (r.chance(0.02)) return wild();
  if (rule === 'zero') return 0;
  if (rule === 'reg') return r.below(11);
  if (rule === 'any') return wild();
  return r.pick(rule);
}

function plausibleInsn(r: Rng, len: number): Insn {
  const row = r.pick(OPCODE_TABLE);
  const small = (): number => r.below(2 * len + 1) - len;
  const off16 = (): number => (r.chance(0.7) ? small() : (r.next() << 16) >> 16);
  const imm32 = (): number => (r.chance(0.3) ? small() : r.chance(0.6) ? r.pick(INTERESTING) : r.next() | 0);
  return insn(row.code, fieldValue(r, row.rules.dst, () => r.below(16)), fieldValue(r, row.rules.src, () => r.below(16)),
    (fieldValue(r, row.rules.off, off16) << 16) >> 16, fieldValue(r, row.rules.imm, imm32));
}

function randomStream(r: Rng): Uint8Array {
  const len = 1 + r.below(12);
  const insns: Insn[] = [];
  for (let i = 0; i < len; i++) {
    insns.push(r.chance(0.85) ? plausibleInsn(r, len) : insn(r.below(256), r.below(16), r.below(16), (r.next() << 16) >> 16, r.next() | 0));
  }
  if (r.chance(0.7)) insns.push(insn(0x95));
  const bytes = encodeInsns(insns);
  return r.chance(0.03) ? bytes.subarray(0, r.below(bytes.length + 1)) : bytes;
}

/** disassemble (in its exact, round-trip form) -> assemble must give back the same slots. */
function assertRoundTrip(insns: Insn[]): void {
  const text = disassemble(insns, { roundTrip: true }).join('\n');
  const back = assemble(text);
  const code = back.value.sections.find((sec) => sec.kind === 'code')?.insns ?? [];
  assert.deepEqual(encodeInsns(code), encodeInsns(insns), `round trip changed the program:\n${text}\n${back.diagnostics.map((d) => d.message).join('\n')}`);
}

test('100,000 random instruction streams: decode, validate, disassemble, run within budget', () => {
  const r = new Rng(SEED);
  const BUDGET = 500;
  let valid = 0, exited = 0, faulted = 0, roundTrips = 0;
  for (let n = 0; n < 100_000; n++) {
    const bytes = randomStream(r);
    const insns = decodeInsns(bytes);
    const problems = validateBytes(bytes.byteLength, insns);
    disassemble(insns);
    disassembleConformance(insns);
    if (problems.length > 0) {
      assert.ok(problems.every((d) => d.message.length > 0));
      continue;
    }
    valid++;
    assertRoundTrip(insns);
    roundTrips++;
    const mem = r.chance(0.5) ? new Uint8Array(r.below(64)) : undefined;
    const result = runProgram(insns, { mem, budget: BUDGET });
    assert.ok(result.steps <= BUDGET, `ran ${result.steps} steps past the budget of ${BUDGET}`);
    assert.equal(result.invalid, undefined);
    if (result.fault) faulted++; else exited++;
  }
  console.log(`# fuzz streams: seed 0x${SEED.toString(16)}, ${valid} valid (${exited} exited, ${faulted} faulted, ${roundTrips} reassembled to the same bytes), ${100_000 - valid} rejected`);
  assert.ok(valid > 10_000, `too few valid streams (${valid}) to exercise the interpreter`);
  assert.ok(exited > 1_000 && faulted > 1_000);
});

const SEED_LINES = [
  'r0 = 0', 'w1 += 2', 'r1 = *(u8 *)(r2 + 20)', '*(u32 *)(r10 - 4) = r1', 'if r1 > 0x5 goto +2',
  'if w1 s< w2 goto LBB0_3', 'r1 = 0x1122334455667788 ll', 'lock *(u64 *)(r1 + 0) += r2',
  'r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)', 'call 1', 'call bpf_map_lookup_elem', 'exit', 'LBB0_3:',
  '.section xdp,"ax",@progbits', '.globl prog', 'r1 = be16 r1', 'r2 = (s8)r3', 'r1 s/= r2', 'gotol +1',
  '0: (b7) r0 = 0 ; R0_w=0', 'mov %r0, 1', 'ldxw %r1, [%r2+4]', 'jeq %r1, 0, +2', 'lock fetch add [%r10-8], %r1',
  'lddw %r0, 0x1122334455667788', 'call local func1', 'be16 %r0', 'movsx1664 %r1, %r2', 'exit',
];
const NOISE = ['r', 'w', '%', '(', ')', '[', ']', '*', '+', '-', '=', ',', ':', '0x', '99999999999999999999', 'r11', 'w12', '\t', '"', '\\', 'goto', 'if', 'll', ';', '#', '\u00e9', '\u{1F600}', '\0', '  ', 'lock', 'call', '.', 'u64', 's32'];

function mutate(r: Rng, line: string): string {
  let s = line;
  const edits = 1 + r.below(4);
  for (let e = 0; e < edits; e++) {
    const at = r.below(s.length + 1);
    switch (r.below(5)) {
      case 0: s = s.slice(0, at) + r.pick(NOISE) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + r.below(4)); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(r.below(0x80)) + s.slice(at + 1); break;
      case 3: s = s.split(' ').reverse().join(' '); break;
      default: s = s + ' ' + r.pick(SEED_LINES); break;
    }
  }
  return s;
}

function randomLine(r: Rng): string {
  if (r.chance(0.8)) return mutate(r, r.pick(SEED_LINES));
  return Array.from({ length: 1 + r.below(8) }, () => r.pick(NOISE)).join(r.chance(0.5) ? ' ' : '');
}

function checkSpans(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/); // LSP line terminators
  for (const d of diagnostics) {
    assert.ok(d.message.length > 0);
    if (!d.span) continue;
    assert.ok(d.span.line >= 0 && d.span.line < lines.length, `diagnostic line ${d.span.line} outside the input ${JSON.stringify(text)}: ${d.message}`);
    assert.ok(d.span.col >= 0 && d.span.col <= lines[d.span.line].length + 1, `column ${d.span.col} outside line ${d.span.line}: ${d.message}`);
  }
}

test('10,000 random or mutated assembly lines: both assemblers report, never throw', () => {
  const r = new Rng(SEED ^ 0xa5a5a5a5);
  let withErrors = 0;
  for (let n = 0; n < 10_000; n++) {
    const line = randomLine(r);
    const text = r.chance(0.3) ? ['.text', 'prog:', line, 'exit'].join('\n') : line;
    const llvm = assemble(text);
    const conf = assembleConformance(text);
    checkSpans(text, llvm.diagnostics);
    checkSpans(text, conf.diagnostics);
    if (llvm.diagnostics.length > 0) withErrors++;
  }
  console.log(`# fuzz lines: ${withErrors} of 10000 drew diagnostics from the LLVM-dialect assembler`);
  assert.ok(withErrors > 1000);
});
