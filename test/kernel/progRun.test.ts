// Differential suite: clang-built programs (XDP and TC parsers and
// rewriters, socket filters, cgroup_skb, one program per map type, tail
// calls, maps of maps, callbacks, string and checksum helpers) run on the
// same packet corpus in our interpreter (LinuxMachine) and in the live
// kernel through BPF_PROG_TEST_RUN. Every run must agree on the return value
// (or on the kernel refusing the input, by errno) and the packet after; after
// each program's corpus every dumpable map must hold the same elements.
// Programs of one object run in order on shared maps in both worlds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelUnavailable, scratchDir } from '../support/kernel';
import { compileBpfC } from '../support/bpfC';
import { loadObject } from '../../src-vm/elf/loader';
import { LinuxMachine } from '../../src-vm/vm/linux/linuxMachine';
import type { BpfMap } from '../../src-vm/vm/maps';
import { buildCorpus } from './progRunCorpus';
import { dumpKernelMap, loadObjectInKernel, runInKernel, unpinObject, type KernelRun } from './progRunKernel';

const FIXTURES = ['xdp_parse', 'xdp_rewrite', 'tc', 'socket', 'maps', 'callbacks', 'helpers'];
const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'progrun');
const DUMPABLE = new Set(['array', 'percpu_array', 'hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'lpm_trie']);
const MIN_PROGRAMS = 60;
const MIN_PACKETS = 20;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function ourDump(map: BpfMap): string[] {
  return map.entries().map((e) => `${hex(e.key)} => ${e.perCpu ? e.perCpu.map(hex).join('|') : hex(e.value)}`).sort();
}

function possibleCpus(): number {
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  return text.split(',').reduce((n, part) => { const [lo, hi] = part.split('-').map(Number); return n + (hi ?? lo) - lo + 1; }, 0);
}

function describeKernel(k: KernelRun): string {
  return 'errno' in k ? `refused (${k.errno})` : `retval ${k.retval}, ${k.dataOut.length} bytes out`;
}

interface Tally { programs: number; runs: number; mapChecks: number; disagreements: string[] }

function runFixture(name: string, dir: string, tally: Tally): void {
  const obj = join(dir, `${name}.o`);
  compileBpfC(join(FIXTURE_DIR, `${name}.c`), obj, [FIXTURE_DIR]);
  const loaded = loadObject(new Uint8Array(readFileSync(obj)), { name });
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), [], `${name}: loader errors`);
  const machine = LinuxMachine.create(loaded.value, { nCpus: possibleCpus() });
  assert.deepEqual(machine.diagnostics.filter((d) => d.severity === 'error'), [], `${name}: machine errors`);
  const kernel = loadObjectInKernel(obj);
  try {
    assert.ok(kernel.ok, `${name}: the kernel refused the object:\n${kernel.log.split('\n').slice(-20).join('\n')}`);
    const corpus = buildCorpus();
    for (const program of loaded.value.programs) {
      tally.programs++;
      for (const packet of corpus) {
        tally.runs++;
        const ours = machine.value.run(program, { packet: packet.bytes });
        const theirs = runInKernel(kernel.pinDir, program.name, packet.bytes, dir);
        const where = `${name}/${program.name} on '${packet.name}'`;
        if (ours.fault) { tally.disagreements.push(`${where}: ours faulted: ${ours.fault.message}; kernel: ${describeKernel(theirs)}`); continue; }
        if ('errno' in theirs) {
          if (ours.refused?.errno !== theirs.errno) tally.disagreements.push(`${where}: kernel ${theirs.message}; ours ${ours.refused ? ours.refused.errno : `ran (retval ${ours.retval})`}`);
          continue;
        }
        if (ours.refused) { tally.disagreements.push(`${where}: ours refused (${ours.refused.message}); kernel ran: ${describeKernel(theirs)}`); continue; }
        if (ours.retval !== theirs.retval) tally.disagreements.push(`${where}: retval ours ${ours.retval}, kernel ${theirs.retval}`);
        const out = hex(ours.packetOut ?? new Uint8Array(0));
        if (out !== hex(theirs.dataOut)) tally.disagreements.push(`${where}: packet after differs\n  ours   ${out}\n  kernel ${hex(theirs.dataOut)}`);
      }
      compareMaps(machine.value, loaded.value.maps, kernel.pinDir, `${name}/${program.name}`, tally);
    }
  } finally {
    unpinObject(kernel.pinDir);
  }
}

function compareMaps(machine: LinuxMachine, defs: readonly { name: string; type: string }[], pinDir: string, where: string, tally: Tally): void {
  defs.forEach((def, i) => {
    const map = machine.maps.at(i);
    if (!map || !DUMPABLE.has(def.type)) return;
    tally.mapChecks++;
    const theirs = dumpKernelMap(pinDir, def.name.replace(/\./g, '_'));
    const ours = ourDump(map);
    if (typeof theirs === 'string') { tally.disagreements.push(`${where}: map ${def.name}: ${theirs}`); return; }
    if (ours.join('\n') !== theirs.join('\n')) {
      tally.disagreements.push(`${where}: map ${def.name} differs after the corpus\n  ours:   ${ours.join('; ')}\n  kernel: ${theirs.join('; ')}`);
    }
  });
}

test('clang-built programs run in our interpreter exactly as in BPF_PROG_TEST_RUN', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  assert.ok(buildCorpus().length >= MIN_PACKETS);
  const { dir, cleanup } = scratchDir();
  const tally: Tally = { programs: 0, runs: 0, mapChecks: 0, disagreements: [] };
  try {
    for (const name of FIXTURES) runFixture(name, dir, tally);
  } finally {
    cleanup();
  }
  t.diagnostic(`${tally.programs} programs, ${tally.runs} runs, ${tally.mapChecks} map comparisons, ${tally.disagreements.length} disagreements`);
  assert.ok(tally.programs >= MIN_PROGRAMS, `only ${tally.programs} programs (need ${MIN_PROGRAMS})`);
  if (process.env.PROGRUN_TRACE) for (const d of tally.disagreements) console.log(d);
  assert.deepEqual(tally.disagreements.slice(0, 30), [], `${tally.disagreements.length} disagreements`);
});
