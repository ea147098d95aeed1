// Packets per second through a realistic XDP parser (bench/xdp_parser.bpf.c:
// Ethernet/VLAN/IPv4/IPv6/TCP/UDP and a hash-map lookup) in our interpreter,
// next to the kernel's own BPF_PROG_TEST_RUN time per packet for the same
// program and packets (`bpftool prog run … repeat N`), and the ratio. The
// kernel half needs clang-19, bpftool and root; without them it says why.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadObject } from '../src-vm/elf/loader';
import { LinuxMachine } from '../src-vm/vm/linux/linuxMachine';
import { buildCorpus } from '../test/kernel/progRunCorpus';
import { findTool, runTool } from '../test/support/tools';
import { compileBenchProgram } from './compileBench';

const KERNEL_REPEAT = 100_000;
const OUR_SECONDS = 1.5;

function ourPacketsPerSecond(obj: string, packets: Uint8Array[]): { pps: number; insnsPerPacket: number } {
  const loaded = loadObject(new Uint8Array(readFileSync(obj)), { name: 'xdp_parser' });
  const machine = LinuxMachine.create(loaded.value).value;
  const prog = machine.program('xdp_parser')!;
  let n = 0;
  let steps = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(OUR_SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    for (const packet of packets) { steps += machine.run(prog, { packet }).steps; n++; }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { pps: n / seconds, insnsPerPacket: steps / n };
}

/** Mean kernel test-run nanoseconds per packet over the packets, or why it cannot be measured. */
function kernelNsPerPacket(obj: string, packets: Uint8Array[], dir: string): number | string {
  const bpftool = findTool('bpftool');
  if (!bpftool) return 'bpftool not found';
  const pin = `/sys/fs/bpf/ebpf-wb-bench-${process.pid}`;
  const load = runTool(bpftool, ['prog', 'loadall', obj, pin]);
  if (load.status !== 0) return `the kernel refused the program (root needed?): ${(load.stdout + load.stderr).trim().split('\n').pop()}`;
  try {
    const times = packets.map((packet, i) => {
      const file = join(dir, `p${i}.bin`);
      writeFileSync(file, packet);
      const r = runTool(bpftool, ['prog', 'run', 'pinned', join(pin, 'xdp_parser'), 'data_in', file, 'repeat', String(KERNEL_REPEAT)]);
      const m = /duration(?: \(average\))?: (\d+)ns/.exec(r.stdout + r.stderr);
      return m ? Number(m[1]) : NaN;
    });
    const ok = times.filter((t) => !Number.isNaN(t));
    return ok.length === 0 ? 'bpftool prog run reported no duration' : ok.reduce((a, b) => a + b, 0) / ok.length;
  } finally {
    rmSync(pin, { recursive: true, force: true });
  }
}

export function benchProgRun(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-bench-'));
  try {
    const obj = compileBenchProgram('xdp_parser.bpf.c', dir);
    if (!obj) return ['program run: clang-19 not found or the bench program did not compile; skipped'];
    const packets = buildCorpus().map((p) => p.bytes).filter((b) => b.length >= 14 && b.length <= 1500);
    const ours = ourPacketsPerSecond(obj, packets);
    const lines = [`XDP parser + hash map (${packets.length} packets, ${ours.insnsPerPacket.toFixed(0)} insns/packet on average)`,
      `  interpreter:  ${(ours.pps / 1e3).toFixed(1)} k packets/s (${(1e9 / ours.pps).toFixed(0)} ns/packet)`];
    const kernel = kernelNsPerPacket(obj, packets, dir);
    if (typeof kernel === 'string') lines.push(`  kernel test run: not measured — ${kernel}`);
    else {
      lines.push(`  kernel test run: ${(1e9 / kernel / 1e6).toFixed(2)} M packets/s (${kernel.toFixed(0)} ns/packet, bpftool prog run repeat ${KERNEL_REPEAT})`);
      lines.push(`  ratio: the interpreter takes ${((1e9 / ours.pps) / kernel).toFixed(0)}x the kernel's time per packet`);
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
