#!/usr/bin/env node
// The `ebpf-workbench` command-line entry: node's fs and stdio wired into the
// pure command layer in src-vm/cli/. The only src-vm file that touches fs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './cli/io';
import { runCli } from './cli/main';

const CLANGS = ['clang-19', 'clang'];

/** Debian keeps asm/types.h (needed by linux/bpf.h) in the multiarch include directory. */
function multiarchIncludes(): string[] {
  const arch = spawnSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).stdout?.trim() || 'x86_64-linux-gnu';
  return existsSync(`/usr/include/${arch}`) ? [`-I/usr/include/${arch}`] : [];
}

function compileC(path: string): { bytes: Uint8Array } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-cc-'));
  try {
    const out = join(dir, 'prog.o');
    for (const clang of CLANGS) {
      const r = spawnSync(clang, ['-target', 'bpf', '-O2', '-g', ...multiarchIncludes(), '-c', path, '-o', out], { encoding: 'utf8' });
      if (r.error) continue;
      if (r.status !== 0) return { error: `clang failed:\n${r.stderr.trim()}` };
      return { bytes: new Uint8Array(readFileSync(out)) };
    }
    return { error: 'clang is not installed: apt-get install clang (or clang-19)' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const nodeIo: CliIo = {
  compileC,
  readFile: (path) => new Uint8Array(readFileSync(path)),
  writeFile: (path, data) => writeFileSync(path, data),
  listDir: (path) => {
    try {
      return statSync(path).isDirectory() ? readdirSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

process.exitCode = runCli(nodeIo, process.argv.slice(2));
