// Test helper for the loader tests: the C fixtures of test/fixtures/objects,
// compiled now by clang-19 (as build.sh does) into a scratch directory, or the
// committed objects when clang-19 is absent; and the loader run on them with
// libbpf's object name.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadObject } from '../../../src-vm/elf/loader';
import { objectNameFromPath } from '../../../src-vm/elf/globalData';
import { OBJECT_FIXTURES } from '../../kernel/libbpfOracle';
import { processScratchDir } from '../../support/kernel';
import { findTool, runTool } from '../../support/tools';

export const CLANG = findTool('clang-19');

/** Every fixture, by base name (`net_progs` for net_progs.bpf.c). */
export const FIXTURE_NAMES = ['net_progs', 'tracing', 'linking', 'optional', 'legacy_maps'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** Fixtures libbpf 1.x and the kernel accept (legacy_maps is refused by design). */
export const LOADABLE_FIXTURES: readonly FixtureName[] = ['net_progs', 'tracing', 'linking', 'optional'];

/** Fixtures `bpftool prog loadall` can load and pin: all their programs load by default. */
export const PINNABLE_FIXTURES: readonly FixtureName[] = ['net_progs', 'tracing', 'linking'];

/** Where the host's asm/ headers are, for <linux/bpf.h> under -target bpf. */
export function archInclude(): string {
  const cc = findTool('cc', 'gcc');
  const multiarch = cc ? runTool(cc, ['-print-multiarch']).stdout.trim() : '';
  return `/usr/include/${multiarch || 'x86_64-linux-gnu'}`;
}

let builtDir: string | undefined;

/** Path of the fixture's object: freshly compiled when clang-19 is here, else the committed one. */
export function fixtureObject(name: FixtureName): string {
  if (!CLANG) return join(OBJECT_FIXTURES, `${name}.bpf.o`);
  builtDir ??= processScratchDir('objects');
  const out = join(builtDir, `${name}.bpf.o`);
  if (!existsSync(out)) {
    // Run in the fixture directory, as build.sh does: clang reads the source
    // lines it records in .BTF.ext through the (prefix-mapped) relative path.
    const src = `${name}.bpf.c`;
    const r = spawnSync(CLANG, ['-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86', `-I${archInclude()}`,
      `-ffile-prefix-map=${OBJECT_FIXTURES}=.`, '-c', src, '-o', out], { cwd: OBJECT_FIXTURES, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`clang-19 failed on ${src}:\n${r.stderr}`);
  }
  return out;
}

export function fixtureBytes(name: FixtureName): Uint8Array {
  return new Uint8Array(readFileSync(fixtureObject(name)));
}

/** The loader on a fixture, named as libbpf names the object from its path. */
export function loadFixture(name: FixtureName) {
  const path = fixtureObject(name);
  return loadObject(new Uint8Array(readFileSync(path)), { name: objectNameFromPath(path) });
}

/** Compiles a small C program for BPF (libbpf-dev headers on the path); undefined without clang-19. */
export function compileC(source: string): Uint8Array | undefined {
  if (!CLANG) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-c-'));
  try {
    writeFileSync(join(dir, 'prog.bpf.c'), source);
    const r = spawnSync(CLANG, ['-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86', `-I${archInclude()}`, '-c', 'prog.bpf.c', '-o', 'prog.bpf.o'],
      { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`clang-19 failed:\n${r.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'prog.bpf.o')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
