// Test support: the running kernel as an oracle, through bpftool. Loads ELF
// objects (pinned under a private bpffs directory, removed afterwards) and runs
// programs with BPF_PROG_TEST_RUN. `kernelUnavailable()` says why tests that
// need the kernel must skip — only when the kernel truly refuses BPF.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeElf } from '../../src-vm/elf/elfWriter';
import type { AsmObject } from '../../src-vm/asm/object';
import { insn } from '../../src-vm/isa/insn';
import { findTool, runTool } from './tools';

export const BPFTOOL = findTool('bpftool');
const PIN_ROOT = '/sys/fs/bpf';

let probed: string | undefined | null = null;

export interface KernelLoad {
  ok: boolean;
  /** bpftool's output: libbpf messages and the kernel verifier log. */
  log: string;
}

/** A scratch directory for objects and packet files, removed by `cleanup`. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A scratch directory that lives as long as this test process (built helpers, compiled fixtures). */
export function processScratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ebpf-wb-${prefix}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let pinCounter = 0;

/** Loads `objPath` (all its programs) and pins them in a fresh directory; returns the pin directory. */
export function loadAll(objPath: string, type?: string): KernelLoad & { pinDir: string } {
  const pinDir = `${PIN_ROOT}/ebpf-wb-test-${process.pid}-${pinCounter++}`;
  const args = ['-d', 'prog', 'loadall', objPath, pinDir, ...(type ? ['type', type] : [])];
  const r = runTool(BPFTOOL!, args);
  return { ok: r.status === 0, log: r.stdout + r.stderr, pinDir };
}

export function unpin(pinDir: string): void {
  try {
    rmSync(pinDir, { recursive: true, force: true });
  } catch {
    // Not ours to remove (no permission on /sys/fs/bpf): nothing was pinned there by us.
  }
}

/** Runs a pinned program once on `data` with BPF_PROG_TEST_RUN; returns its return value and output data. */
export function testRun(pinPath: string, data: Uint8Array, dir: string): { retval: number; dataOut: Uint8Array } | { error: string } {
  const inPath = join(dir, 'data_in.bin');
  const outPath = join(dir, 'data_out.bin');
  writeFileSync(inPath, data);
  rmSync(outPath, { force: true });
  const r = runTool(BPFTOOL!, ['prog', 'run', 'pinned', pinPath, 'data_in', inPath, 'data_out', outPath]);
  const m = /Return value: (\d+)/.exec(r.stdout + r.stderr);
  if (r.status !== 0 || !m) return { error: (r.stdout + r.stderr).trim() };
  return { retval: Number(m[1]), dataOut: new Uint8Array(readFileSync(outPath)) };
}

function probe(): string | undefined {
  if (!BPFTOOL) return 'bpftool is not installed (apt-get install bpftool)';
  const { dir, cleanup } = scratchDir();
  try {
    const obj: AsmObject = {
      sections: [{ name: 'xdp', kind: 'code', insns: [insn(0xb7, 0, 0, 0, 2), insn(0x95)], spans: [], bytes: new Uint8Array() }],
      symbols: [{ name: 'probe', section: 'xdp', offset: 0, global: true, kind: 'func', size: 16 }],
      relocs: [],
    };
    const path = join(dir, 'probe.o');
    writeFileSync(path, writeElf(obj));
    const load = loadAll(path);
    unpin(load.pinDir);
    if (load.ok) return undefined;
    if (/Operation not permitted|EPERM/.test(load.log)) return `the kernel refuses BPF here (EPERM): ${load.log.split('\n').slice(-3).join(' ')}`;
    return undefined; // loading works in principle; a real failure must show up in the test itself
  } finally {
    cleanup();
  }
}

/** Why tests that need the kernel cannot run here, or undefined when they can. Probed once. */
export function kernelUnavailable(): string | undefined {
  if (probed === null) probed = probe();
  return probed;
}
