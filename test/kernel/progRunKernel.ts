// The kernel side of the program-run differential suite: load an object
// with bpftool (programs and maps pinned), run a pinned program once on a
// packet with BPF_PROG_TEST_RUN on CPU 0 (taskset, so per-CPU maps and
// bpf_get_smp_processor_id are deterministic), and dump a pinned map.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPFTOOL } from '../support/kernel';
import { findTool, runTool } from '../support/tools';
import { errnoFromText, errnoName } from '../../src-vm/vm/maps';

const TASKSET = findTool('taskset');

function bpftool(args: string[]): ReturnType<typeof runTool> {
  return TASKSET ? runTool(TASKSET, ['-c', '0', BPFTOOL!, ...args]) : runTool(BPFTOOL!, args);
}

export interface KernelObject {
  ok: boolean;
  log: string;
  pinDir: string;
}

let counter = 0;

export function loadObjectInKernel(objPath: string): KernelObject {
  const pinDir = `/sys/fs/bpf/ebpf-wb-progrun-${process.pid}-${counter++}`;
  const r = bpftool(['prog', 'loadall', objPath, pinDir, 'pinmaps', join(pinDir, 'maps')]);
  return { ok: r.status === 0, log: r.stdout + r.stderr, pinDir };
}

export type KernelRun = { retval: number; dataOut: Uint8Array } | { errno: string; message: string };

export function runInKernel(pinDir: string, program: string, packet: Uint8Array, scratch: string): KernelRun {
  const inPath = join(scratch, 'in.bin');
  const outPath = join(scratch, 'out.bin');
  writeFileSync(inPath, packet);
  rmSync(outPath, { force: true });
  const r = bpftool(['prog', 'run', 'pinned', join(pinDir, program), 'data_in', inPath, 'data_out', outPath, 'data_size_out', '8192', 'repeat', '1']);
  const text = r.stdout + r.stderr;
  const m = /Return value: (\d+)/.exec(text);
  if (r.status === 0 && m) return { retval: Number(m[1]), dataOut: new Uint8Array(readFileSync(outPath)) };
  const line = text.split('\n').find((l) => l.startsWith('Error')) ?? text.trim();
  const errno = errnoFromText(line);
  return { errno: errno === undefined ? 'unknown' : errnoName(errno), message: line };
}

interface JsonEntry {
  key: string[];
  value?: string[];
  values?: { cpu: number; value: string[] }[];
}

const hex = (a: string[]): string => a.map((h) => h.replace(/^0x/, '')).join('');

/** The map's elements as sorted `key => value` lines (per-CPU values joined with `|`). */
export function dumpKernelMap(pinDir: string, pinName: string): string[] | string {
  const r = bpftool(['-j', 'map', 'dump', 'pinned', join(pinDir, 'maps', pinName)]);
  if (r.status !== 0) return `bpftool map dump failed: ${(r.stdout + r.stderr).trim()}`;
  const entries = JSON.parse(r.stdout) as JsonEntry[];
  return entries.map((e) => `${hex(e.key)} => ${e.values ? e.values.map((v) => hex(v.value)).join('|') : hex(e.value ?? [])}`).sort();
}

export function unpinObject(pinDir: string): void {
  rmSync(pinDir, { recursive: true, force: true });
}
