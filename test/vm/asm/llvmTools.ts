// Test helper: finds the LLVM 19 tools (llvm-mc, llvm-objcopy, llvm-objdump,
// clang) and runs them on temporary files, so tests can compare our assembler
// and disassembler with LLVM's on the same input. Only tests import this.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEARCH = ['/usr/bin', '/usr/local/bin', '/usr/lib/llvm-19/bin'];

/** Path of `name-19` (or the unversioned name inside the LLVM 19 directory), or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of SEARCH) {
    for (const file of [`${name}-19`, dir.includes('llvm-19') ? name : undefined]) {
      if (file && existsSync(join(dir, file))) return join(dir, file);
    }
  }
  return undefined;
}

export const LLVM_MC = findTool('llvm-mc');
export const LLVM_OBJCOPY = findTool('llvm-objcopy');
export const LLVM_OBJDUMP = findTool('llvm-objdump');
export const CLANG = findTool('clang');

export function missingTools(...tools: [string, string | undefined][]): string | undefined {
  const missing = tools.filter(([, path]) => !path).map(([name]) => `${name}-19`);
  return missing.length ? `${missing.join(', ')} not found (looked in ${SEARCH.join(', ')})` : undefined;
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-asm-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bytes of section `name` of an ELF object, via llvm-objcopy --dump-section. */
export function sectionBytes(objPath: string, name: string, dir: string): Uint8Array {
  const out = join(dir, `section-${Math.random().toString(36).slice(2)}.bin`);
  execFileSync(LLVM_OBJCOPY!, ['--dump-section', `${name}=${out}`, objPath, join(dir, 'discard.o')]);
  return new Uint8Array(readFileSync(out));
}

/** Assembles `source` with `llvm-mc -triple bpfel -mcpu=v4` into `dir/name.o`; returns its path. */
export function llvmMcObject(source: string, dir: string, name = 'input'): string {
  const src = join(dir, `${name}.s`);
  const obj = join(dir, `${name}.o`);
  writeFileSync(src, source);
  execFileSync(LLVM_MC!, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', obj], { stdio: ['ignore', 'ignore', 'pipe'] });
  return obj;
}

export interface ObjdumpSection {
  name: string;
  /** Symbols from the `0000000000000010 <name>:` headers, offsets in slots. */
  symbols: { name: string; offset: number }[];
  /** Slot index and text of each instruction line. */
  lines: { idx: number; text: string }[];
}

/** `llvm-objdump -d --no-show-raw-insn [--mcpu=…]`, parsed per section. */
export function objdump(objPath: string, mcpu?: string): ObjdumpSection[] {
  const args = ['-d', '--no-show-raw-insn', ...(mcpu ? [`--mcpu=${mcpu}`] : []), objPath];
  const out = execFileSync(LLVM_OBJDUMP!, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const sections: ObjdumpSection[] = [];
  for (const line of out.split('\n')) {
    const sec = /^Disassembly of section (.*):$/.exec(line);
    const sym = /^([0-9a-f]{16}) <(.*)>:$/.exec(line);
    const ins = /^\s*(\d+):\t(.*)$/.exec(line);
    if (sec) sections.push({ name: sec[1], symbols: [], lines: [] });
    else if (sym) sections[sections.length - 1].symbols.push({ name: sym[2], offset: parseInt(sym[1], 16) / 8 });
    else if (ins) sections[sections.length - 1].lines.push({ idx: Number(ins[1]), text: ins[2] });
  }
  return sections;
}

/** Whitespace differences (objdump separates `ld_pseudo` operands with a tab) do not count. */
export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
