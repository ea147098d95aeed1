// Test support for C eBPF sources users would write (examples, snippets):
// compile with clang-19 as the CLI does (-target bpf -O2 -g, the host's
// multiarch headers), run our loader and verifier over the object, and ask
// the live kernel for its verdict.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadObject } from '../../src-vm/elf/loader';
import { targetsOfObject, verifyTarget } from '../../src-vm/verifyTargets';
import { loadAll, unpin } from './kernel';
import { findTool, runTool } from './tools';
import { archInclude } from '../vm/elf/loaderFixtures';

export const CLANG = findTool('clang-19');

/** Compiles `src` to `out`; returns clang's diagnostics text (empty when clean) or fails the test on an error. */
export function compileBpfC(src: string, out: string, includeDirs: readonly string[] = []): string {
  assert.ok(CLANG, 'clang-19 not found');
  const args = ['-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86', `-I${archInclude()}`, ...includeDirs.map((d) => `-I${d}`),
    '-Wall', '-c', src, '-o', out];
  const r = runTool(CLANG, args);
  assert.equal(r.status, 0, `clang-19 ${src}:\n${r.stderr}`);
  return r.stderr.trim();
}

export interface OurView {
  /** Error-level diagnostics of the loader. */
  errors: string[];
  /** Program name -> our verdict ('accept', 'reject: message', or 'not modelled'). */
  verdicts: Map<string, string>;
}

/** Our loader and verifier on an object file. */
export function ourView(objPath: string, name: string): OurView {
  const loaded = loadObject(new Uint8Array(readFileSync(objPath)), { name });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const verdicts = new Map<string, string>();
  for (const t of targetsOfObject(loaded.value)) {
    const out = verifyTarget(t);
    verdicts.set(t.name, out.kind !== 'verified' ? 'not modelled' : out.report.error ? `reject: ${out.report.error.message}` : 'accept');
  }
  return { errors, verdicts };
}

/** The kernel accepts every program of the object (true), refuses the type before its verifier (a reason), or fails the test. */
export function kernelAcceptsAll(objPath: string): true | string {
  const load = loadAll(objPath);
  unpin(load.pinDir);
  if (load.ok) return true;
  if (/Operation not permitted|errno[ =]1\b/.test(load.log) && !load.log.includes('BEGIN PROG LOAD LOG')) return 'refused before the verifier (EPERM)';
  assert.fail(`the kernel rejects ${objPath}:\n${load.log.split('\n').slice(-25).join('\n')}`);
}
