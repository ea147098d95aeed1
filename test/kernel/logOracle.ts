// Test support: the kernel's verifier log at a chosen level (1 or 2), which
// bpftool cannot ask for (-d always means 1|2|4). Builds
// test/fixtures/objects/oracle/load_with_log.c once per test process against
// libbpf-dev and returns the log with what our verifier does not print
// (6.18's `func#N @M` and `Live regs before insn:` preamble) left out.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { processScratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { OBJECT_FIXTURES } from './libbpfOracle';

const SOURCE = join(OBJECT_FIXTURES, 'oracle', 'load_with_log.c');

let built: string | undefined;

/** The built loader, or why it cannot be built here (a skip reason). */
export function logLoader(): { path: string } | string {
  if (built) return { path: built };
  const cc = findTool('cc', 'gcc', 'clang');
  if (!cc) return 'no C compiler (cc) to build the log loader';
  if (!existsSync('/usr/include/bpf/libbpf.h')) return 'libbpf-dev is not installed: apt-get install libbpf-dev';
  const out = join(processScratchDir('logloader'), 'load_with_log');
  const r = runTool(cc, ['-O1', '-Wall', '-o', out, SOURCE, '-lbpf', '-lelf', '-lz']);
  if (r.status !== 0) throw new Error(`building the log loader failed:\n${r.stdout}${r.stderr}`);
  built = out;
  return { path: out };
}

/** The kernel's log of the object's (single) program at `level`, without the liveness preamble. */
export function kernelLog(loader: string, objPath: string, level: 1 | 2): { ok: boolean; lines: string[] } {
  const r = runTool(loader, [objPath, String(level)]);
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  const ok = lines[0]?.endsWith(' OK') ?? false;
  let body = lines.slice(1);
  const liveEnd = body.findIndex((l) => l === 'Live regs before insn:');
  if (liveEnd >= 0) {
    let k = liveEnd + 1;
    while (k < body.length && /^\s+\d+: /.test(body[k])) k++;
    body = [...body.slice(0, liveEnd), ...body.slice(k)];
  }
  return { ok, lines: body.filter((l) => !/^func#\d+ @\d+$/.test(l)) };
}

/** Map addresses differ run to run (the kernel prints the map's kernel address, we print 0x0): mask both. */
export function maskMapAddresses(line: string): string {
  return line.replace(/^(\d+: \(18\) r\d+ = )0x[0-9a-f]+\s*/, '$1MAP ');
}
