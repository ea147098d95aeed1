// Test support: Debian's libbpf as an oracle. Builds the small C helper
// test/fixtures/objects/oracle/libbpf_dump.c once per test process (cc, with
// libbpf-dev), runs it on an object and parses what libbpf made of it:
// programs with their final instructions, maps with their fds and
// definitions (and the kernel's view of each created map), each program's
// verifier log on request, and whether bpf_object__load succeeded.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeInsns, type Insn } from '../../src-vm/isa/insn';
import { processScratchDir } from '../support/kernel';
import { findTool, runTool } from '../support/tools';

export const OBJECT_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'objects');
const SOURCE = join(OBJECT_FIXTURES, 'oracle', 'libbpf_dump.c');
const LIBBPF_HEADER = '/usr/include/bpf/libbpf.h';

export interface OracleProgram {
  name: string;
  section: string;
  type: number;
  attach: number;
  autoload: boolean;
  insns: Insn[];
}

export interface OracleMap {
  name: string;
  fd: number;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
}

export interface OracleDump {
  programs: OracleProgram[];
  maps: OracleMap[];
  /** The kernel's view of each created map (BPF_OBJ_GET_INFO_BY_FD), in the same order; fd is -1. */
  kernelMaps: OracleMap[];
  /** Each program's verifier log lines (with `--log`), by program name. */
  logs: Map<string, string[]>;
  /** 'ok', 'error N' (load), 'open error N', or 'open-only'. */
  status: string;
  stderr: string;
}

let built: string | undefined;

/** The path of the built helper, or why it cannot be built here (a skip reason). */
export function libbpfOracle(): string | { path: string } {
  if (built) return { path: built };
  const cc = findTool('cc', 'gcc', 'clang');
  if (!cc) return 'no C compiler (cc) to build the libbpf oracle';
  if (!existsSync(LIBBPF_HEADER)) return `libbpf-dev is not installed (${LIBBPF_HEADER} missing): apt-get install libbpf-dev`;
  const out = join(processScratchDir('oracle'), 'libbpf_dump');
  const r = runTool(cc, ['-O1', '-Wall', '-o', out, SOURCE, '-lbpf', '-lelf', '-lz']);
  if (r.status !== 0) throw new Error(`building the libbpf oracle failed:\n${r.stdout}${r.stderr}`);
  built = out;
  return { path: out };
}

function hexInsn(hex: string): Insn {
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return decodeInsns(bytes)[0];
}

function field(parts: string[], key: string): string {
  const at = parts.indexOf(key);
  if (at < 0) throw new Error(`oracle line without '${key}': ${parts.join(' ')}`);
  return parts[at + 1];
}

/** Runs the oracle on `objPath` with extra arguments (`--all`, `--only P`, `--open`). */
export function runOracle(oracle: { path: string }, objPath: string, args: readonly string[] = []): OracleDump {
  const r = runTool(oracle.path, [objPath, ...args]);
  const dump: OracleDump = { programs: [], maps: [], kernelMaps: [], logs: new Map(), status: args.includes('--open') ? 'open-only' : '', stderr: r.stderr };
  let log: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const parts = line.split(' ');
    if (parts[0] === '|') log.push(line.slice(2));
    else if (parts[0] === 'log') dump.logs.set(parts[1], (log = []));
    else if (parts[0] === 'insn') dump.programs[dump.programs.length - 1].insns.push(hexInsn(parts[1]));
    else if (parts[0] === 'prog') {
      dump.programs.push({
        name: parts[1], section: field(parts, 'sec'), type: Number(field(parts, 'type')),
        attach: Number(field(parts, 'attach')), autoload: field(parts, 'autoload') === '1', insns: [],
      });
    } else if (parts[0] === 'map' || parts[0] === 'kmap') {
      (parts[0] === 'map' ? dump.maps : dump.kernelMaps).push({
        name: parts[1], fd: parts[0] === 'map' ? Number(field(parts, 'fd')) : -1, type: Number(field(parts, 'type')),
        keySize: Number(field(parts, 'key')), valueSize: Number(field(parts, 'value')),
        maxEntries: Number(field(parts, 'max')), flags: Number(field(parts, 'flags')),
      });
    } else if (parts[0] === 'load') dump.status = parts.slice(1).join(' ');
    else if (parts[0] === 'open') dump.status = line;
  }
  return dump;
}
