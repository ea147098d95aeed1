// `npm run bench`: interpreter speed in instructions per second on three
// programs (an ALU loop, a byte-load checksum over 4 KiB, a 32-bit hash loop),
// and assembler/decoder throughput. A benchmark, not a test: it prints figures.

import { BENCH_PROGRAMS } from './programs';
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
  console.log(`eBPF Workbench interpreter benchmark (node ${process.version}, best of ${ROUNDS} runs)`);
  for (const p of BENCH_PROGRAMS) {
    const make = (): Vm => {
      const { vm, invalid } = createVm(p.insns, { mem: p.mem, budget: 1e12 });
      if (!vm) throw new Error(`${p.name}: ${invalid.map((d) => d.message).join('; ')}`);
      return vm;
    };
    const runs = Array.from({ length: ROUNDS }, () => timeOnce(make));
    const best = runs.reduce((a, b) => (b.ns < a.ns ? b : a));
    const mips = best.steps / (best.ns / 1e3);
    console.log(`${p.name.padEnd(26)} ${(mips).toFixed(1).padStart(8)} M insn/s  (${best.steps} insns in ${(best.ns / 1e6).toFixed(1)} ms, r0=0x${best.r0.toString(16)})`);
  }
}

main();
