// Builds a bench program from bench/ with clang-19 (-O2 -g, BPF target): the
// object's path, or undefined when clang is missing or the build fails.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findTool, runTool } from '../test/support/tools';

/** The source beside this module, or under bench/ when this runs bundled from out/. */
function sourceOf(name: string): string | undefined {
  return [join(__dirname, name), join(__dirname, '..', 'bench', name)].find((p) => existsSync(p));
}

export function compileBenchProgram(name: string, dir: string, defines: readonly string[] = []): string | undefined {
  const clang = findTool('clang-19');
  const source = sourceOf(name);
  if (!clang || !source) return undefined;
  const out = join(dir, name.replace(/\.c$/, `${defines.join('').replace(/[^\w]/g, '_')}.o`));
  const multiarch = runTool(findTool('cc', 'gcc') ?? 'cc', ['-print-multiarch']).stdout.trim() || 'x86_64-linux-gnu';
  const r = runTool(clang, ['-target', 'bpf', '-O2', '-g', ...defines.map((d) => `-D${d}`), `-I/usr/include/${multiarch}`, '-c', source, '-o', out]);
  return r.status === 0 ? out : undefined;
}
