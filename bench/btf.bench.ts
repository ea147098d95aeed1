// BTF benchmark: parsing the running kernel's BTF (/sys/kernel/btf/vmlinux,
// or the file named by EBPF_BENCH_BTF), and what the loader, CO-RE and the
// verifier do with it afterwards: name lookups, sizes, the raw dump and C
// definitions of every type. `benchBtf()` returns the lines to print.

import { existsSync, readFileSync } from 'node:fs';
import { parseBtf, type Btf } from '../src-vm/elf/btf';
import { dumpBtfRaw } from '../src-vm/elf/btfDump';
import { btfDefinition } from '../src-vm/elf/btfPrint';

const ROUNDS = 7;

function time<T>(run: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Best and median of ROUNDS runs, in ms. */
function rounds(run: () => unknown): { best: number; median: number } {
  const ms = Array.from({ length: ROUNDS }, () => time(run).ms).sort((a, b) => a - b);
  return { best: ms[0], median: ms[Math.floor(ROUNDS / 2)] };
}

function fmt(ms: number): string {
  return `${ms.toFixed(1).padStart(7)} ms`;
}

function afterParse(btf: Btf): string[] {
  const lookup = time(() => btf.findByName('STRUCT', 'task_struct'));
  const sizes = time(() => btf.types.reduce((n, t) => n + (btf.sizeOf(t.id) ?? 0), 0));
  const dump = time(() => dumpBtfRaw(btf));
  const defs = time(() => btf.types.reduce((n, t) => n + btfDefinition(btf, t.id).length, 0));
  return [
    `  first findByName (builds the name index) ${fmt(lookup.ms)}`,
    `  sizeOf every type                         ${fmt(sizes.ms)}`,
    `  raw dump (bpftool format)                 ${fmt(dump.ms)}  (${dump.value.length} lines)`,
    `  C definition of every type                ${fmt(defs.ms)}  (${(defs.value / 1e6).toFixed(1)} M chars)`,
  ];
}

export function benchBtf(): string[] {
  const path = process.env.EBPF_BENCH_BTF ?? '/sys/kernel/btf/vmlinux';
  if (!existsSync(path)) return [`BTF: ${path} not found (set EBPF_BENCH_BTF to a raw BTF file); skipped`];
  const bytes = new Uint8Array(readFileSync(path));
  const first = time(() => parseBtf(bytes));
  const { value: btf, diagnostics } = first.value;
  const r = rounds(() => parseBtf(bytes));
  const mb = bytes.length / 1e6;
  return [
    `BTF parse of ${path} (${mb.toFixed(1)} MB, ${btf.types.length - 1} types, ${diagnostics.length} diagnostics; ${ROUNDS} runs after a cold one)`,
    `  cold ${fmt(first.ms)}, best ${fmt(r.best)}, median ${fmt(r.median)}  (${(mb / (r.best / 1e3)).toFixed(0)} MB/s)`,
    ...afterParse(btf),
  ];
}
