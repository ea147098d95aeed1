// Ring buffer emulation against the live kernel: one scripted sequence of
// small XDP programs (bpf_ringbuf_reserve + submit/discard, bpf_ringbuf_output,
// bpf_ringbuf_query) and user-space consumption runs on a 4096-byte
// BPF_MAP_TYPE_RINGBUF in the kernel (test/fixtures/objects/oracle/
// ringbuf_oracle.c, BPF_PROG_TEST_RUN plus the mmapped consumer/producer
// pages) and in our interpreter (LinuxMachine); the transcripts — each
// step's return value, both positions and every consumed record — must match.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeInsns } from '../../src-vm/isa/insn';
import { LinuxMachine } from '../../src-vm/vm/linux/linuxMachine';
import { RingBuf } from '../../src-vm/vm/maps/ringbuf';
import { kernelUnavailable, processScratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { objectOf, program, type MapSpec } from '../vm/vm/linux/linuxObjects';
import { OBJECT_FIXTURES } from './libbpfOracle';

const RING_SIZE = 4096;
const MAPS: MapSpec[] = [{ name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: RING_SIZE }];
const [AVAIL_DATA, RING, CONS_POS, PROD_POS] = [0, 1, 2, 3];
const NO_WAKEUP = 1;

type Step =
  | { reserve: number; fill: number; discard?: boolean; flags?: number; commitFlags?: number }
  | { output: number; fill: number; flags?: number }
  | { query: number }
  | { consume: number };

/** The script: fills the ring to full, wraps records across the end, discards, queries. */
const SCRIPT: Step[] = [
  { query: RING },
  { reserve: 1000, fill: 0x11 },
  { reserve: 1000, fill: 0x22 },
  { output: 500, fill: 0x33 },
  { reserve: 1500, fill: 0x44 },
  { reserve: 100, fill: 0x45 }, // full: the producer may not run a whole ring ahead
  { output: 100, fill: 0x46 }, // full: -EAGAIN
  { output: 40, fill: 0x47 }, // still fits (4088 bytes used)
  { query: AVAIL_DATA },
  { consume: 2 },
  { query: CONS_POS },
  { query: PROD_POS },
  { reserve: 1000, fill: 0x55, discard: true }, // wraps across the end, discarded
  { reserve: 200, fill: 0x66 },
  { output: 300, fill: 0x77, flags: NO_WAKEUP },
  { reserve: 600, fill: 0x78 }, // full
  { reserve: 456, fill: 0x88, commitFlags: NO_WAKEUP },
  { output: 0, fill: 0 },
  { consume: 1 },
  { consume: 1 },
  { query: AVAIL_DATA },
  { consume: 10 }, // skips the discarded record
  { reserve: 2200, fill: 0x99 }, // wraps across the end, submitted
  { output: 8, fill: 0x9a, flags: 4 }, // unknown flag: -EINVAL
  { reserve: 8, fill: 0x9b, flags: 1 }, // reserve flags must be 0: NULL
  { reserve: 4089, fill: 0x9c }, // larger than the ring: NULL
  { reserve: 4080, fill: 0x9d }, // 4088 bytes with 2208 unconsumed: NULL
  { consume: 5 },
  { reserve: 4088, fill: 0x9e }, // a whole-ring record: NULL even when the ring is empty
  { reserve: 4080, fill: 0xaa }, // the largest record an empty ring takes, wrapping
  { query: AVAIL_DATA },
  { query: PROD_POS },
  { query: 7 }, // unknown query flag: 0
  { consume: 1 },
  { reserve: 0, fill: 0, discard: true },
  { consume: 1 },
];

const HELPER = { output: 130, reserve: 131, submit: 132, discard: 133, query: 134 };

function fillLoop(size: number, fill: number, base: string[]): string[] {
  return [
    'r1 = 0',
    `loop: if r1 >= ${size} goto done`,
    ...base,
    'r2 += r1',
    `w3 = ${fill}`,
    '*(u8 *)(r2 + 0) = w3',
    'r1 += 1',
    'goto loop',
    'done:',
  ];
}

/** The step's program, in LLVM-dialect assembly (`r1 = map rb` is the ring's lddw). */
function stepAsm(step: Exclude<Step, { consume: number }>): string[] {
  if ('query' in step) return ['r1 = map rb', `r2 = ${step.query}`, `call ${HELPER.query}`, 'exit'];
  if ('output' in step) {
    return [
      ...fillLoop(step.output, step.fill, ['r2 = r10', 'r2 += -512']),
      'r1 = map rb', 'r2 = r10', 'r2 += -512', `r3 = ${step.output}`, `r4 = ${step.flags ?? 0}`,
      `call ${HELPER.output}`, 'exit',
    ];
  }
  return [
    'r1 = map rb', `r2 = ${step.reserve}`, `r3 = ${step.flags ?? 0}`, `call ${HELPER.reserve}`,
    'if r0 != 0 goto got', 'r0 = 1', 'exit',
    'got:', 'r6 = r0',
    ...fillLoop(step.reserve, step.fill, ['r2 = r6']),
    'r1 = r6', `r2 = ${step.commitFlags ?? 0}`, `call ${step.discard ? HELPER.discard : HELPER.submit}`,
    'r0 = 0', 'exit',
  ];
}

function describe(step: Step): string {
  return Object.entries(step).map(([k, v]) => `${k}=${typeof v === 'number' && k === 'fill' ? `0x${v.toString(16)}` : v}`).join(' ');
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Runs the script in our interpreter; one transcript block per step. */
function ourTranscript(): string[] {
  const programs = SCRIPT.map((s, i) => ('consume' in s ? undefined : program(`step${i}`, 'xdp', stepAsm(s), MAPS)));
  const object = objectOf(programs.filter((p) => p !== undefined), MAPS);
  const made = LinuxMachine.create(object);
  assert.deepEqual(made.diagnostics, []);
  const machine = made.value;
  const rb = machine.maps.byName('rb');
  assert.ok(rb instanceof RingBuf);
  const positions = (): string => `cons ${rb.consumerPos} prod ${rb.producerPos}`;
  return SCRIPT.map((s, i) => {
    if ('consume' in s) {
      const recs = rb.consume(s.consume).map((r) => `rec ${r.data.length} ${hex(r.data)}`);
      return [...recs, positions()].join('\n');
    }
    const r = machine.run(programs[i]!, { packet: new Uint8Array(14) });
    assert.equal(r.fault, undefined, `step ${i}: ${r.fault?.message}`);
    return `ret ${r.retval | 0} ${positions()}`;
  });
}

/** Runs the script in the kernel through the oracle; one transcript block per step. */
function kernelTranscript(oracle: string): string[] {
  const programs = SCRIPT.map((s, i) => ('consume' in s ? undefined : program(`step${i}`, 'xdp', stepAsm(s), MAPS)));
  const script = SCRIPT.map((s, i) => ('consume' in s ? `consume ${s.consume}` : `run ${hex(encodeInsns(programs[i]!.insns))}`));
  const r = runTool(oracle, [String(RING_SIZE)], script.join('\n') + '\n');
  assert.equal(r.status, 0, `ringbuf oracle failed:\n${r.stdout}${r.stderr}`);
  const blocks: string[] = [];
  let block: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    block.push(line);
    if (/(^|\s)cons \d+ prod \d+$/.test(line)) { blocks.push(block.join('\n')); block = []; }
  }
  return blocks;
}

function buildOracle(): string {
  const cc = findTool('cc', 'gcc', 'clang');
  assert.ok(cc, 'no C compiler (cc) to build the ringbuf oracle');
  assert.ok(existsSync('/usr/include/bpf/libbpf.h'), 'libbpf-dev is not installed: apt-get install libbpf-dev');
  const out = join(processScratchDir('ringbuf'), 'ringbuf_oracle');
  const r = runTool(cc, ['-O1', '-Wall', '-o', out, join(OBJECT_FIXTURES, 'oracle', 'ringbuf_oracle.c'), '-lbpf', '-lelf', '-lz']);
  assert.equal(r.status, 0, `building the ringbuf oracle failed:\n${r.stdout}${r.stderr}`);
  return out;
}

test('ringbuf: reserve/submit/discard/output/query and consumption agree with the kernel step by step', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const kernel = kernelTranscript(buildOracle());
  const ours = ourTranscript();
  assert.equal(kernel.length, SCRIPT.length, `the oracle printed ${kernel.length} steps:\n${kernel.join('\n')}`);
  SCRIPT.forEach((s, i) => assert.equal(ours[i], kernel[i], `step ${i} (${describe(s)})`));
  // the script really exercised what it claims
  const rets = kernel.map((b) => b.split(' ')[1]);
  assert.ok(rets.includes('1'), 'a reserve returned NULL');
  assert.ok(rets.includes('-11'), 'an output failed with -EAGAIN');
  assert.ok(rets.includes('-22'), 'an output failed with -EINVAL');
});
