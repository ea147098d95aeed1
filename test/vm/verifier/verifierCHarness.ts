// Test support for the C cases of the verifier: compiles a case with clang-19
// (-O2 -g, BTF maps), loads the object with our loader and verifies its one
// program with the object's maps, as libbpf would hand them to the kernel.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadObject } from '../../../src-vm/elf/loader';
import { VERIFIABLE_TYPES } from '../../../src-vm/verifier/progTypes';
import type { LogLevel } from '../../../src-vm/verifier/log';
import { verifyProgram, type VerifierReport } from '../../../src-vm/verifier/verify';
import { targetsOfObject } from '../../../src-vm/verifyTargets';
import { findTool, runTool } from '../../support/tools';
import { archInclude } from '../elf/loaderFixtures';
import { C_PRELUDE, type VerifierCCase } from './verifierCCases';

export const CLANG = findTool('clang-19');

/** Compiles the case into `dir`; returns the object path or throws with clang's output. */
export function compileCase(c: VerifierCCase, dir: string): string {
  const src = join(dir, `${c.name}.c`);
  const obj = join(dir, `${c.name}.o`);
  writeFileSync(src, C_PRELUDE + c.source);
  const r = runTool(CLANG!, ['-O2', '-g', '-target', 'bpf', `-I${archInclude()}`, '-c', src, '-o', obj]);
  if (r.status !== 0) throw new Error(`${c.name}: clang failed: ${r.stderr}`);
  return obj;
}

export function verifyObjectFile(path: string, programName: string, logLevel: LogLevel = 2): VerifierReport {
  const loaded = loadObject(new Uint8Array(readFileSync(path)), { name: programName });
  const t = targetsOfObject(loaded.value).find((p) => p.name === programName);
  if (!t) throw new Error(`${programName}: not in the object (${loaded.diagnostics.map((d) => d.message).join('; ')})`);
  const type = VERIFIABLE_TYPES.find((v) => v === t.type);
  if (!type) throw new Error(`${programName}: program type ${t.type} is not modelled`);
  return verifyProgram({ ...t, type }, { logLevel });
}
