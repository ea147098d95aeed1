// Test helper for the BTF suites: where the C fixtures live, how to compile
// them with clang-19 (adding the multiarch include directory that
// linux/types.h needs), and reading an object's .BTF and .BTF.ext.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool, runTool } from '../../support/tools';
import { readElf, sectionBytes, type ElfFile } from '../../../src-vm/elf/elf';
import { parseBtf, type Btf } from '../../../src-vm/elf/btf';
import { parseBtfExt, type BtfExt } from '../../../src-vm/elf/btfExt';
import type { Diagnostic } from '../../../src-vm/diagnostics';

export const BTF_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'btf');
export const CLANG = findTool('clang-19');
export const C_SOURCES = ['types.bpf.c', 'core.bpf.c', 'lines.bpf.c'];

/** `/usr/include/<multiarch>`, where Debian keeps asm/types.h. */
function multiarchInclude(): string[] {
  const root = '/usr/include';
  for (const d of existsSync(root) ? readdirSync(root) : []) {
    if (existsSync(join(root, d, 'asm', 'types.h'))) return [`-I${join(root, d)}`];
  }
  return [];
}

/** Compiles fixture `src` into `dir` with `clang-19 -target <target> -O2 -g`; returns the object's path. */
export function compileFixture(src: string, dir: string, target = 'bpf'): string {
  if (!CLANG) throw new Error('clang-19 not found');
  const out = join(dir, src.replace(/\.c$/, target === 'bpfeb' ? '.eb.o' : '.o'));
  const r = runTool(CLANG, ['-target', target, '-O2', '-g', ...multiarchInclude(), '-c', join(BTF_FIXTURES, src), '-o', out]);
  if (r.status !== 0) throw new Error(`clang-19 failed on ${src}:\n${r.stderr}`);
  return out;
}

export interface ObjectBtf {
  elf: ElfFile;
  btf: Btf;
  ext: BtfExt;
  btfDiagnostics: Diagnostic[];
  extDiagnostics: Diagnostic[];
}

/** Reads the .BTF and .BTF.ext sections of the object at `path`. */
export function objectBtf(path: string): ObjectBtf {
  const elf = readElf(new Uint8Array(readFileSync(path))).value;
  const btf = parseBtf(sectionBytes(elf, '.BTF'));
  const ext = parseBtfExt(sectionBytes(elf, '.BTF.ext'), btf.value);
  return { elf, btf: btf.value, ext: ext.value, btfDiagnostics: btf.diagnostics, extDiagnostics: ext.diagnostics };
}

/** The committed build of fixture `name` (e.g. 'types.bpf.o'). */
export function committedObject(name: string): ObjectBtf {
  return objectBtf(join(BTF_FIXTURES, name));
}
