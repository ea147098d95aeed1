// Test support: finding external tools (llvm-19, clang-19, bpftool) and
// running them. Tools live outside PATH on Debian (bpftool in /usr/sbin, llvm
// in /usr/lib/llvm-19/bin), so those directories are searched too.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/lib/llvm-19/bin'];

/** The first of `names` found on PATH or in the extra directories, or undefined. */
export function findTool(...names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter((d) => d.length > 0);
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(cmd: string, args: readonly string[], input?: string): ToolRun {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, input });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}
