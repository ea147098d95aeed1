// The step history is exact: every position of a run, revisited in any order
// by restoring a checkpoint and replaying, shows the same registers, memory
// regions, maps, clock, random state and output as when the run first passed
// it; runs resumed from a revisited position end as the original did; a hand
// edit changes the future until the user goes back before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadObject } from '../../../../src-vm/elf/loader';
import type { LoadedProgram } from '../../../../src-vm/elf/loadedObject';
import { LinuxMachine } from '../../../../src-vm/vm/linux/linuxMachine';
import { readPcap } from '../../../../src-vm/vm/linux/pcap';
import { codeAndTables } from '../../../../src-vm/vm/history/opaque';
import { StepHistory, type Position, type Rewindable } from '../../../../src-vm/vm/history/stepHistory';
import { objectOf, program, type MapSpec } from '../linux/linuxObjects';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Subject {
  machine: LinuxMachine;
  target: Rewindable;
}

function subject(machine: LinuxMachine, prog: LoadedProgram, packet: Uint8Array | undefined): Subject {
  const run = machine.begin(prog, { packet });
  assert.ok(!('refused' in run), 'the input is accepted');
  return {
    machine,
    target: {
      vm: run.vm,
      run: (n, breaks) => run.run(n, breaks),
      stateRoots: () => [run.vm, run.state],
      opaque: codeAndTables(run.vm, [prog, prog.insns]),
    },
  };
}

/** Everything a user could see of the run at this moment. */
function fingerprint({ machine, target: { vm } }: Subject): string {
  const regs = Array.from({ length: 11 }, (_, r) => vm.getReg(r).toString(16)).join(',');
  const regions = vm.memory.byHi.slice(1).map((r) => `${r?.name}:${r?.size}:${r ? hex(r.bytes.subarray(0, r.size)) : ''}`).join('|');
  const records = machine.state.records.map((r) => (r.kind === 'trace' ? r.text : hex(r.data))).join(';');
  const clock = `${machine.state.clockReads}/${machine.state.random}`;
  return [vm.pc, vm.steps, vm.status, vm.frames.length, regs, regions, JSON.stringify(machine.dumpMaps()), records, clock].join('\n');
}

/** Runs to the end one instruction at a time, remembering every position and what it looked like. */
function recordRun(s: Subject, history: StepHistory): { positions: Position[]; seen: Map<number, string>; final: string } {
  const { vm } = s.target;
  const positions: Position[] = [];
  const seen = new Map<number, string>();
  while (vm.status === 'ready') {
    positions.push({ steps: vm.steps, pc: vm.pc, depth: vm.frames.length, code: vm.insns });
    seen.set(vm.steps, fingerprint(s));
    history.run(1);
  }
  return { positions, seen, final: fingerprint(s) };
}

/** A seeded order to revisit positions in (xorshift32). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function checkRevisits(s: Subject, interval: number, samples: number): void {
  const history = new StepHistory(s.target, interval);
  const { positions, seen, final } = recordRun(s, history);
  assert.ok(history.checkpointCount > 2, `several checkpoints (${history.checkpointCount})`);
  for (const p of shuffled(positions, 0x9e3779b9).slice(0, samples)) {
    assert.ok(history.seek(p), `position ${p.steps} is known`);
    assert.equal(fingerprint(s), seen.get(p.steps), `state at step ${p.steps} (pc ${p.pc})`);
  }
  // From a revisited position the run ends exactly as the first time.
  history.seek(positions[Math.floor(positions.length / 3)]);
  history.run(Infinity);
  assert.equal(fingerprint(s), final);
}

const COUNTS: MapSpec = { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 64 };
const EVENTS: MapSpec = { name: 'events', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 };
const LRU: MapSpec = { name: 'recent', type: 'lru_hash', keySize: 4, valueSize: 4, maxEntries: 4 };

/** Touches what a run can change: stack, hash and LRU maps, ring buffer, clock, random, trace output, the packet and its bounds. */
const BUSY_XDP = [
  'r6 = r1', 'r7 = 0',
  'loop:',
  '*(u32 *)(r10 - 4) = r7', 'r1 = r7', 'r1 *= 3', '*(u64 *)(r10 - 16) = r1',
  'r1 = map counts', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16', 'r4 = 0', 'call 2',
  'r1 = map recent', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16', 'r4 = 0', 'call 2',
  'call 7', '*(u64 *)(r10 - 24) = r0', 'call 5', 'r8 = r0',
  'r1 = map events', 'r2 = 8', 'r3 = 0', 'call 131', 'if r0 == 0 goto skip',
  '*(u64 *)(r0 + 0) = r8', 'r1 = r0', 'r2 = 0', 'call 132',
  'skip:',
  '*(u32 *)(r10 - 32) = 0x64253d69', '*(u8 *)(r10 - 28) = 0', 'r1 = r10', 'r1 += -32', 'r2 = 5', 'r3 = r7', 'call 6',
  'r7 += 1', 'if r7 < 12 goto loop',
  '*(u32 *)(r10 - 4) = 5', 'r1 = map counts', 'r2 = r10', 'r2 += -4', 'call 3',
  'r1 = r6', 'r2 = 14', 'call 44',
  'r2 = *(u32 *)(r6 + 0)', 'r3 = *(u32 *)(r6 + 4)', 'r4 = r2', 'r4 += 1', 'if r4 > r3 goto out',
  'r1 = *(u8 *)(r2 + 0)', 'r1 ^= 0xff', '*(u8 *)(r2 + 0) = r1',
  'out:', 'r0 = 2', 'exit',
];

const PACKET = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);

function busySubject(): Subject {
  const maps = [COUNTS, EVENTS, LRU];
  const obj = objectOf([program('busy', 'xdp', BUSY_XDP, maps)], maps);
  const machine = LinuxMachine.create(obj).value;
  return subject(machine, obj.programs[0], PACKET);
}

test('every revisited position of a busy XDP run looks exactly as it did (maps, ring buffer, clock, random, packet)', () => {
  const s = busySubject();
  checkRevisits(s, 64, 400);
  assert.equal(s.target.vm.getReg(0), 2n);
});

test('the bundled examples rewind exactly, on their sample packets', () => {
  const pcap = readPcap(readFileSync(join(ROOT, 'examples', 'packets', 'firewall.pcap'))).value;
  for (const name of ['xdp_firewall', 'tc_counter', 'socket_filter', 'exec_tracer']) {
    const obj = loadObject(readFileSync(join(ROOT, 'examples', 'prebuilt', `${name}.bpf.o`)), { name }).value;
    const prog = obj.programs[0];
    const machine = LinuxMachine.create(obj).value;
    const isPacket = prog.type !== 'kprobe';
    const s = subject(machine, prog, isPacket ? pcap[0] : undefined);
    checkRevisits(s, 4, 200);
  }
});

test('a hand edit changes the future; going back before it brings the original future back', () => {
  const s = busySubject();
  const history = new StepHistory(s.target, 32);
  const { vm } = s.target;
  const original = recordRun(s, history);
  const editAt = original.positions[150];
  history.seek(editAt);
  vm.setReg(7, 11n); // the loop ends after this round
  history.edited();
  history.run(Infinity);
  const edited = fingerprint(s);
  assert.notEqual(edited, original.final);
  const after = original.positions[170];
  history.seek(original.positions[160]);
  assert.equal(vm.getReg(7), 11n, 'after the edit, the edited value is what the run had');
  assert.ok(after.steps > 0);
  history.seek(original.positions[100]);
  assert.equal(fingerprint(s), original.seen.get(original.positions[100].steps));
  history.run(Infinity);
  assert.equal(fingerprint(s), original.final, 'the edit is forgotten once the run went back before it');
});

test('a run split by checkpoints still stops at a breakpoint on the boundary', () => {
  const s = busySubject();
  const history = new StepHistory(s.target, 10);
  const { vm } = s.target;
  vm.setBreakpoint(2, true); // the loop head
  const hits: number[] = [];
  for (let reason = history.run(Infinity); reason === 'breakpoint'; reason = history.run(Infinity)) hits.push(vm.steps);
  assert.equal(hits.length, 12, 'the loop head is reached 12 times, each a stop');
});
