// Test helper for the CO-RE suites: the C fixtures of test/fixtures/core,
// compiled now by clang-19 (core_kernel.bpf.c against a vmlinux.h bpftool
// dumps from the running kernel into a scratch directory — never committed),
// the running kernel's BTF as target, and libbpf 1.1's own CO-RE log (bpftool
// -d prints libbpf's debug output) for comparison with ours.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBtf, type Btf } from '../../../src-vm/elf/btf';
import { objectNameFromPath } from '../../../src-vm/elf/globalData';
import { loadObject } from '../../../src-vm/elf/loader';
import { BPFTOOL } from '../../support/kernel';
import { runTool } from '../../support/tools';
import { archInclude, CLANG } from './loaderFixtures';

export const CORE_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'core');
export const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';

/** The fixtures, by base name; `vmlinux` ones include the generated vmlinux.h. */
export const CORE_FIXTURE_NAMES = ['core_kernel', 'core_flavors', 'core_poison', 'core_ambiguous'] as const;
export type CoreFixtureName = (typeof CORE_FIXTURE_NAMES)[number];
const NEEDS_VMLINUX_H: ReadonlySet<CoreFixtureName> = new Set(['core_kernel']);

/** Why the kernel-target tests cannot run here (no clang-19, bpftool or kernel BTF), or undefined. */
export function coreToolsMissing(): string | undefined {
  if (!CLANG) return 'clang-19 not found (install clang-19)';
  if (!BPFTOOL) return 'bpftool not found (install bpftool)';
  if (!existsSync(VMLINUX_BTF)) return `${VMLINUX_BTF} is missing: the kernel was built without CONFIG_DEBUG_INFO_BTF`;
  return undefined;
}

let scratch: string | undefined;

/** The scratch directory of this process's CO-RE builds (created on first use). */
export function coreScratchDir(): string {
  return scratchDirectory();
}

function scratchDirectory(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'ebpf-wb-core-'));
  return scratch;
}

/** Removes the scratch directory (objects and vmlinux.h). */
export function cleanupCoreScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** vmlinux.h for the running kernel, dumped once per process into the scratch directory. */
function vmlinuxHeaderDir(): string {
  const dir = scratchDirectory();
  const header = join(dir, 'vmlinux.h');
  if (!existsSync(header)) {
    const r = runTool(BPFTOOL!, ['btf', 'dump', 'file', VMLINUX_BTF, 'format', 'c']);
    if (r.status !== 0) throw new Error(`bpftool btf dump failed: ${r.stderr}`);
    writeFileSync(header, r.stdout);
  }
  return dir;
}

/** Compiles fixture `name` with clang-19 into the scratch directory; returns the object's path. */
export function compileCoreFixture(name: CoreFixtureName): string {
  const dir = scratchDirectory();
  const out = join(dir, `${name}.bpf.o`);
  if (existsSync(out)) return out;
  const includes = [`-I${archInclude()}`, ...(NEEDS_VMLINUX_H.has(name) ? [`-I${vmlinuxHeaderDir()}`] : [])];
  const r = runTool(CLANG!, ['-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86', ...includes,
    `-ffile-prefix-map=${CORE_FIXTURES}=.`, '-c', join(CORE_FIXTURES, `${name}.bpf.c`), '-o', out]);
  if (r.status !== 0) throw new Error(`clang-19 failed on ${name}.bpf.c:\n${r.stderr}`);
  return out;
}

/** The committed build of a fixture without vmlinux.h (for tests that need no tools). */
export function committedCoreObject(name: Exclude<CoreFixtureName, 'core_kernel'>): Uint8Array {
  return new Uint8Array(readFileSync(join(CORE_FIXTURES, `${name}.bpf.o`)));
}

let kernelBtf: Btf | undefined;

/** The running kernel's BTF, parsed once per process. */
export function kernelTarget(): Btf {
  if (!kernelBtf) {
    const parsed = parseBtf(new Uint8Array(readFileSync(VMLINUX_BTF)));
    if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error(`parsing ${VMLINUX_BTF}: ${parsed.diagnostics[0].message}`);
    kernelBtf = parsed.value;
  }
  return kernelBtf;
}

/** The loader with the kernel's BTF as CO-RE target, on the object at `path`. */
export function loadAgainstKernel(path: string) {
  return loadObject(new Uint8Array(readFileSync(path)), { name: objectNameFromPath(path), targetBtf: kernelTarget() });
}

/** The lines of libbpf's log that belong to CO-RE relocation (what our `coreLog` holds). */
const CORE_LINE = /^libbpf: ((?:prog '[^']*': relo #|CO-RE relocating |sec '[^']*': (?:found \d+ CO-RE|skipping CO-RE)).*)$/;

/** libbpf 1.1's CO-RE log for `path`, from `bpftool -d prog loadall` (pins removed again). */
export function libbpfCoreLog(path: string): { lines: string[]; all: string } {
  const pinDir = join('/sys/fs/bpf', `ebpf-wb-core-${process.pid}-${Date.now()}`);
  try {
    const r = runTool(BPFTOOL!, ['-d', 'prog', 'loadall', path, pinDir]);
    const all = r.stdout + r.stderr;
    return { lines: all.split('\n').flatMap((l) => { const m = CORE_LINE.exec(l); return m ? [m[1]] : []; }), all };
  } finally {
    rmSync(pinDir, { recursive: true, force: true });
  }
}
