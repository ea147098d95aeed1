// Loader benchmark: a generated C object with 50 programs, 100 BTF-defined
// maps, global data and shared subprograms, compiled with clang-19 at bench
// time, then loaded with loadObject. `benchLoader()` returns the lines to print.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadObject } from '../src-vm/elf/loader';

const PROGRAMS = 50;
const MAPS = 100;
const ROUNDS = 7;
const MAP_TYPES = ['BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_ARRAY', 'BPF_MAP_TYPE_PERCPU_ARRAY', 'BPF_MAP_TYPE_LRU_HASH'];

function generateSource(): string {
  const lines = ['#include <linux/bpf.h>', '#include <bpf/bpf_helpers.h>', 'char LICENSE[] SEC("license") = "GPL";',
    'const volatile __u32 limit = 1000;', '__u64 total = 0;'];
  for (let m = 0; m < MAPS; m++) {
    lines.push(`struct { __uint(type, ${MAP_TYPES[m % MAP_TYPES.length]}); __uint(max_entries, ${64 + m}); __type(key, __u32); __type(value, __u64); } map${m} SEC(".maps");`);
  }
  lines.push('static __attribute__((noinline)) __u64 bump(void *map, __u32 key) {',
    '  __u64 *v = bpf_map_lookup_elem(map, &key); if (!v) return 0; __sync_fetch_and_add(v, 1); total += *v; return *v; }');
  for (let p = 0; p < PROGRAMS; p++) {
    lines.push(`SEC("xdp") int prog${p}(struct xdp_md *ctx) {`,
      `  __u32 key = ctx->ingress_ifindex & 63;`,
      `  __u64 a = bump(&map${(2 * p) % MAPS}, key) + bump(&map${(2 * p + 1) % MAPS}, key + 1);`,
      `  return a > limit ? XDP_DROP : XDP_PASS; }`);
  }
  return lines.join('\n') + '\n';
}

function multiarchInclude(): string[] {
  const r = spawnSync('gcc', ['-print-multiarch'], { encoding: 'utf8' });
  const dir = `/usr/include/${(r.stdout ?? '').trim() || 'x86_64-linux-gnu'}`;
  return existsSync(dir) ? ['-I', dir] : [];
}

function compile(dir: string): Uint8Array | string {
  const clang = ['/usr/bin/clang-19', '/usr/lib/llvm-19/bin/clang'].find(existsSync);
  if (!clang) return 'clang-19 is not installed (npm run setup installs it)';
  const src = join(dir, 'big.bpf.c');
  const obj = join(dir, 'big.bpf.o');
  writeFileSync(src, generateSource());
  const r = spawnSync(clang, ['-target', 'bpf', '-O2', '-g', ...multiarchInclude(), '-c', src, '-o', obj], { encoding: 'utf8' });
  if (r.status !== 0) return `clang failed: ${r.stderr}`;
  return new Uint8Array(readFileSync(obj));
}

export function benchLoader(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-bench-'));
  try {
    const bytes = compile(dir);
    if (typeof bytes === 'string') return [`Loader benchmark skipped: ${bytes}`];
    const first = loadObject(bytes);
    const errors = first.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) return [`Loader benchmark: the object did not load: ${errors[0].message}`];
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = process.hrtime.bigint();
      loadObject(bytes);
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const { programs, maps } = first.value;
    const insns = programs.reduce((n, p) => n + p.insns.length, 0);
    return [
      `Loader: object with ${programs.length} programs, ${maps.length} maps (${MAPS} BTF maps + global data), ${insns} insns after linking, ${(bytes.byteLength / 1024).toFixed(0)} KiB`,
      `  loadObject best ${ms[0].toFixed(1)} ms, median ${ms[Math.floor(ROUNDS / 2)].toFixed(1)} ms (${ROUNDS} runs after a first one)`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
