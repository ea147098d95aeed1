// The verifier against the live kernel: every program of
// test/vm/verifier/verifierCases.ts is written as an ELF object, loaded with
// `bpftool -d` (log level 2) and verified by us. The verdict must agree on
// every program; the first error line and its instruction must agree on at
// least 95% of rejects (the figures are printed); and the kernel must still
// say what the table records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPFTOOL, kernelUnavailable, loadAll, scratchDir, unpin } from '../support/kernel';
import { runTool } from '../support/tools';
import { VERIFIER_CASES } from '../vm/verifier/verifierCases';
import { VERIFIER_C_CASES } from '../vm/verifier/verifierCCases';
import { CLANG, compileCase, verifyObjectFile } from '../vm/verifier/verifierCHarness';
import { caseObject, kernelOutcome, type Outcome, ourOutcome, sameOutcome, showOutcome, verifyCase } from '../vm/verifier/verifierHarness';

/** Processed-instruction counts, kernel next to ours, of the programs loaded with a log. */
const processedPairs: [number, number][] = [];

function loggedOutcome(path: string, oursProcessed?: number): Outcome {
  const load = loadAll(path);
  unpin(load.pinDir);
  const m = /processed (\d+) insns/.exec(load.log);
  if (m && oursProcessed !== undefined) processedPairs.push([Number(m[1]), oursProcessed]);
  return kernelOutcome(load.ok, load.log);
}

/** Loads without a log (too big to read): only the verdict is known. */
function quietLoadAccepts(path: string): boolean {
  const pinDir = `/sys/fs/bpf/ebpf-wb-quiet-${process.pid}`;
  const r = runTool(BPFTOOL!, ['prog', 'loadall', path, pinDir]);
  unpin(pinDir);
  return r.status === 0;
}

test('verifier: verdicts and first error lines agree with the live kernel', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const { dir, cleanup } = scratchDir();
  const verdictMismatch: string[] = [];
  const lineMismatch: string[] = [];
  const tableStale: string[] = [];
  let rejects = 0, accepts = 0, linesAgree = 0, quiet = 0;
  try {
    for (const c of VERIFIER_CASES) {
      const path = join(dir, `${c.name}.o`);
      writeFileSync(path, caseObject(c));
      const report = verifyCase(c);
      const ours = ourOutcome(report);
      if (c.quietKernelLoad) {
        const kernelAccepts = quietLoadAccepts(path);
        if (kernelAccepts !== (c.expect === 'accept')) tableStale.push(`${c.name}: table says ${showOutcome(c.expect)}, kernel ${kernelAccepts ? 'accepts' : 'rejects'}`);
        if (kernelAccepts !== (ours === 'accept')) verdictMismatch.push(`${c.name}: kernel ${kernelAccepts ? 'accepts' : 'rejects'}; ours ${showOutcome(ours)}`);
        quiet++;
        continue;
      }
      const kernel = loggedOutcome(path, report.processedInsns);
      if (!sameOutcome(kernel, c.expect)) tableStale.push(`${c.name}: table says ${showOutcome(c.expect)}, kernel ${showOutcome(kernel)}`);
      if ((kernel === 'accept') !== (ours === 'accept')) {
        verdictMismatch.push(`${c.name}: kernel ${showOutcome(kernel)}; ours ${showOutcome(ours)}`);
        continue;
      }
      if (kernel === 'accept') { accepts++; continue; }
      rejects++;
      if (sameOutcome(kernel, ours)) linesAgree++;
      else lineMismatch.push(`${c.name}: kernel ${showOutcome(kernel)}; ours ${showOutcome(ours)}`);
    }
  } finally {
    cleanup();
  }
  const pct = rejects ? (100 * linesAgree) / rejects : 100;
  console.log(`verifier differential: ${VERIFIER_CASES.length} programs (${accepts} accepted, ${rejects} rejected by both, ${quiet} compared by verdict only), ` +
    `verdict mismatches ${verdictMismatch.length}, first error line agreement ${linesAgree}/${rejects} (${pct.toFixed(1)}%)`);
  const sameProcessed = processedPairs.filter(([k, o]) => k === o).length;
  console.log(`processed instructions equal to the kernel's on ${sameProcessed}/${processedPairs.length} programs`);
  for (const m of [...verdictMismatch, ...lineMismatch, ...tableStale]) console.log(`  ${m}`);
  assert.deepEqual(verdictMismatch, [], 'verdicts must agree on every program');
  assert.deepEqual(tableStale, [], 'the case table must record what the kernel says');
  assert.ok(pct >= 95, `first error line agreement ${pct.toFixed(1)}% < 95%`);
});

test('verifier: C programs with maps agree with the live kernel', (t) => {
  const why = kernelUnavailable() ?? (CLANG ? undefined : 'clang-19 is not installed');
  if (why) { t.skip(why); return; }
  const { dir, cleanup } = scratchDir();
  const problems: string[] = [];
  let rejects = 0, linesAgree = 0;
  try {
    for (const c of VERIFIER_C_CASES) {
      const path = compileCase(c, dir);
      const report = verifyObjectFile(path, c.name);
      const kernel = loggedOutcome(path, report.processedInsns);
      const ours = ourOutcome(report);
      if (!sameOutcome(kernel, c.expect)) problems.push(`${c.name}: table says ${showOutcome(c.expect)}, kernel ${showOutcome(kernel)}`);
      if ((kernel === 'accept') !== (ours === 'accept')) problems.push(`${c.name}: VERDICT kernel ${showOutcome(kernel)}; ours ${showOutcome(ours)}`);
      else if (kernel !== 'accept') {
        rejects++;
        if (sameOutcome(kernel, ours)) linesAgree++;
        else problems.push(`${c.name}: kernel ${showOutcome(kernel)}; ours ${showOutcome(ours)}`);
      }
    }
  } finally {
    cleanup();
  }
  console.log(`verifier C differential: ${VERIFIER_C_CASES.length} programs, first error line agreement ${linesAgree}/${rejects}`);
  const sameProcessed = processedPairs.filter(([k, o]) => k === o).length;
  console.log(`processed instructions equal to the kernel's on ${sameProcessed}/${processedPairs.length} programs (assembly and C)`);
  for (const p of problems) console.log(`  ${p}`);
  assert.deepEqual(problems.filter((p) => p.includes('VERDICT') || p.includes('table says')), []);
  assert.ok(rejects === 0 || linesAgree / rejects >= 0.95, `first error line agreement ${linesAgree}/${rejects} < 95%`);
});
