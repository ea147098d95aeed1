// `npm run bench`: interpreter speed in instructions per second on three
// programs (an ALU loop, a byte-load checksum over 4 KiB, a 32-bit hash loop),
// and assembler/decoder throughput. A benchmark, not a test: it prints figures.

import { BENCH_PROGRAMS } from './programs';
import { benchBtf } from './btf.bench';
import { benchLoader } from './loader.bench';
import { benchVerifier } from './verifier.bench';
import { benchProgRun } from './progRun.bench';
import { benchRemote } from './remote.bench';
import { benchLsp } from './lsp.bench';
import { benchE2e } from './e2e.bench';
import { benchDebugger } from './debugger.bench';
import { Vm } from '../src-vm/vm/interpreter';
import { createVm } from '../src-vm/vm/runProgram';

const ROUNDS = 7;

function timeOnce(make: () => Vm): { steps: number; ns: number; r0: bigint } {
  const vm = make();
  const start = process.hrtime.bigint();
  vm.run();
  const ns = Number(process.hrtime.bigint() - start);
  if (vm.status !== 'exited') throw new Error(`bench program did not exit: ${vm.fault?.message}`);
  return { steps: vm.steps, ns, r0: vm.getReg(0) };
}

function main(): void {
  console.log(`eBPF Workbench interpreter benchmark (node ${process.version}, ${ROUNDS} runs each)`);
  for (const p of BENCH_PROGRAMS) {
    const make = (): Vm => {
      const { vm, invalid } = createVm(p.insns, { mem: p.mem, budget: 1e12 });
      if (!vm) throw new Error(`${p.name}: ${invalid.map((d) => d.message).join('; ')}`);
      return vm;
    };
    const runs = Array.from({ length: ROUNDS }, () => timeOnce(make)).sort((a, b) => a.ns - b.ns);
    const best = runs[0];
    const median = runs[Math.floor(runs.length / 2)];
    const mips = (r: { steps: number; ns: number }): string => (r.steps / (r.ns / 1e3)).toFixed(1).padStart(7);
    console.log(`${p.name.padEnd(26)} best ${mips(best)} M insn/s, median ${mips(median)} M insn/s  (${best.steps} insns, r0=0x${best.r0.toString(16)})`);
  }
}

main();
console.log('');
for (const line of benchBtf()) console.log(line);
console.log('');
for (const line of benchLoader()) console.log(line);
console.log('');
for (const line of benchVerifier()) console.log(line);
console.log('');
void benchLsp().then((lines) => { for (const line of lines) console.log(line); }, (err: unknown) => { console.error(`language server bench failed: ${String(err)}`); process.exitCode = 1; })
  .then(async () => { console.log(''); for (const line of await benchRemote()) console.log(line); })
  .catch((err: unknown) => { console.error(`remote bench failed: ${String(err)}`); process.exitCode = 1; })
  .then(() => { console.log(''); for (const line of benchE2e()) console.log(line); })
  .then(async () => { console.log(''); for (const line of await benchDebugger()) console.log(line); })
  .catch((err: unknown) => { console.error(`debugger bench failed: ${String(err)}`); process.exitCode = 1; });
console.log('');
for (const line of benchProgRun()) console.log(line);
