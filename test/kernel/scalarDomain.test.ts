// The scalar value domain (src-vm/verifier: tnum, bounds, ALU transfer
// functions, branch refinement, log printing) against the live kernel's
// verifier. Seeded random XDP programs (test/support/scalarPrograms.ts) are
// loaded with `bpftool -d` (log level 2); their logs are replayed in the
// kernel's exploration order (test/support/scalarReplay.ts) and every
// register the kernel prints after every instruction, on every path, must
// equal ours: same value and same text. Precision marks (`P`) are not
// compared: precision tracking belongs to a later layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { writeElf } from '../../src-vm/elf/elfWriter';
import type { AsmSymbol } from '../../src-vm/asm/object';
import type { Insn } from '../../src-vm/isa/insn';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../support/kernel';
import { generateProgram, Rng } from '../support/scalarPrograms';
import { programLog, replayProgram, ReplayStats } from '../support/scalarReplay';

const SEED = 0x5ca1a7;
const PROGRAMS = 1500;
const PER_OBJECT = 40;

interface Program { name: string; insns: Insn[] }

/** Loads programs many per object; a rejected program ends its object's load, so the rest go again. */
function verifyAll(programs: Program[], dir: string, stats: ReplayStats): void {
  let queue = programs;
  let object = 0;
  while (queue.length > 0) {
    const batch = queue.slice(0, PER_OBJECT);
    const symbols: AsmSymbol[] = [];
    const insns: Insn[] = [];
    for (const p of batch) {
      symbols.push({ name: p.name, section: 'xdp', offset: insns.length, global: true, kind: 'func', size: p.insns.length * 8 });
      insns.push(...p.insns);
    }
    const path = join(dir, `scalar${object++}.o`);
    writeFileSync(path, writeElf({ sections: [{ name: 'xdp', kind: 'code', insns, spans: [], bytes: new Uint8Array() }], symbols, relocs: [] }));
    const load = loadAll(path, 'xdp');
    unpin(load.pinDir);
    let done = 0;
    for (const p of batch) {
      const log = programLog(load.log, p.name);
      if (log === undefined) break;
      replayProgram(p.name, p.insns, log, stats);
      done++;
    }
    if (done === 0) throw new Error(`bpftool gave no verifier log for ${batch[0].name}: ${load.log.slice(-2000)}`);
    queue = queue.slice(done);
  }
}

/** Every operation the domain claims, each of which the programs must have exercised. */
const MUST_COVER = [
  ...['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'lsh', 'rsh', 'arsh', 'xor']
    .flatMap((op) => ['alu64', 'alu32'].flatMap((w) => [`${w} ${op} K`, `${w} ${op} X`])),
  'alu64 mov K', 'alu64 mov X', 'alu32 mov K', 'alu32 mov X', 'lddw',
  'alu64 movsx8', 'alu64 movsx16', 'alu64 movsx32', 'alu32 movsx8', 'alu32 movsx16', 'alu64 neg', 'alu32 neg',
  'le16', 'le32', 'le64', 'be16', 'be32', 'be64', 'bswap16', 'bswap32', 'bswap64',
  'ldx 8', 'ldx 16', 'ldx 32', 'ldsx 8', 'ldsx 16', 'ldsx 32', 'fork before and', 'fork before or',
  ...['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'].flatMap((c) =>
    ['jmp', 'jmp32'].flatMap((w) => ['K', 'X'].flatMap((f) => [`${w} ${c} ${f} (fall-through)`, `${w} ${c} ${f} (jump)`, `${w} ${c} ${f}`]))),
];

test('scalar domain: every register the kernel verifier prints agrees with ours', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const rng = new Rng(SEED);
  const programs = Array.from({ length: PROGRAMS }, (_, i) => ({ name: `s${i}`, insns: generateProgram(rng) }));
  const stats = new ReplayStats();
  const { dir, cleanup } = scratchDir();
  const started = Date.now();
  try {
    verifyAll(programs, dir, stats);
  } finally {
    cleanup();
  }
  let insnChecks = 0, insnAgreed = 0;
  for (const [name, tally] of stats.byCategory) {
    if (name === 'liveness') continue;
    insnChecks += tally.checked;
    insnAgreed += tally.agreed;
  }
  console.log(`# scalar domain vs kernel ${release()}: ${stats.programs} programs in ${Date.now() - started} ms, ` +
    `${stats.registersAgreed}/${stats.registersCompared} printed registers agree, ` +
    `${insnAgreed}/${insnChecks} instruction and branch states agree, ${stats.programsAborted} replays lost the kernel's path`);
  const rows = [...stats.byCategory].sort(([a], [b]) => a.localeCompare(b)).map(([c, t]) => `${c} ${t.agreed}/${t.checked}`);
  console.log(`# per operation: ${rows.join('; ')}`);
  assert.equal(stats.programs, PROGRAMS);
  assert.deepEqual(stats.failures, []);
  assert.equal(stats.registersAgreed, stats.registersCompared);
  const disagreeing = [...stats.byCategory].filter(([, t]) => t.agreed !== t.checked).map(([c]) => c);
  assert.deepEqual(disagreeing, [], 'operations with disagreements');
  const missing = MUST_COVER.filter((c) => !stats.byCategory.get(c)?.checked);
  assert.deepEqual(missing, [], 'operations the generated programs no longer exercise');
});
