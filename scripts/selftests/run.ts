// `npm run selftests`: the kernel's own verifier selftests as a corpus.
// Prepares the compiled verifier_*.c objects (prepare.ts), then for each test
// program loads it in the live kernel as the kernel's harness does
// (kernelLoader.ts: the program plus the __auxiliary ones) and verifies it with ours
// (ours.ts in a child, with a time limit), and reports verdict and
// first-error-line agreement per file and in total, plus every disagreement
// by category; writes report.json to the work dir. Never writes in the repo.
//
//   node --import tsx scripts/selftests/run.ts [--file verifier_foo] [--limit N] [--timeout SECONDS]
// Work dir: $EBPF_SELFTESTS_DIR or /tmp/ebpf-wb-selftests.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKernelLoader, kernelLoad, loadFlags } from './kernelLoader';
import { compareProgram, kernelResult, type ProgramRecord } from './compare';
import { runOurs } from './oursRunner';
import { prepareCorpus } from './prepare';
import { byCategory, formatTable, tally, type Tally } from './report';

interface Args { file?: string; limit?: number; timeoutMs: number }

function parseArgs(argv: string[]): Args {
  const args: Args = { timeoutMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--file' && value) { args.file = value.replace(/\.(c|o)$/, ''); i++; }
    else if (argv[i] === '--limit' && value) { args.limit = Number(value); i++; }
    else if (argv[i] === '--timeout' && value) { args.timeoutMs = Number(value) * 1000; i++; }
    else throw new Error(`unknown argument ${argv[i]} (use --file verifier_foo, --limit N, --timeout SECONDS)`);
  }
  return args;
}

/** Compares every test program of one object (auxiliary programs are loaded by the tests, not tests themselves). */
async function runFile(helper: string, file: string, objPath: string, args: Args, budget: { left: number }): Promise<{ records: ProgramRecord[]; auxiliary: number; loaderErrors: string[]; crash?: string }> {
  const ours = await runOurs(objPath, args.timeoutMs);
  const records: ProgramRecord[] = [];
  const auxNames = ours.header.programs.filter((p) => p.annotations.auxiliary).map((p) => p.name);
  ours.header.programs.forEach((p, i) => {
    if (p.annotations.auxiliary || budget.left <= 0) return;
    budget.left--;
    const { flags } = loadFlags(p.annotations.flags);
    const load = kernelLoad(helper, { objPath, program: p.name, typeId: p.typeId, attachId: p.attachId, flags, auxiliary: auxNames });
    const kernel = kernelResult(load);
    const result = ours.results[i] ?? { kind: 'internal', error: ours.crash ?? 'no result' };
    records.push(compareProgram(file, p, result, kernel));
  });
  return { records, auxiliary: auxNames.length, loaderErrors: ours.header.loaderErrors, crash: ours.crash };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workDir = process.env.EBPF_SELFTESTS_DIR ?? '/tmp/ebpf-wb-selftests';
  const corpus = prepareCorpus(workDir, args.file);
  if (args.file && corpus.objects.size === 0 && corpus.compileErrors.size === 0) throw new Error(`no ${args.file}.c among the verifier selftests`);
  const helper = buildKernelLoader(workDir);
  const budget = { left: args.limit ?? Infinity };
  const perFile = new Map<string, Tally>();
  const all: ProgramRecord[] = [];
  const notes: Record<string, { auxiliary: number; loaderErrors: string[]; crash?: string }> = {};
  for (const [file, objPath] of corpus.objects) {
    if (budget.left <= 0) break;
    const { records, auxiliary, loaderErrors, crash } = await runFile(helper, file, objPath, args, budget);
    if (crash) console.log(`${file}: our side failed: ${crash}`);
    perFile.set(file, tally(records));
    all.push(...records);
    notes[file] = { auxiliary, loaderErrors, crash };
    process.stderr.write(`${file}: ${records.length} programs\n`);
  }
  const total = tally(all);
  const categories = byCategory(all);
  console.log(formatTable(perFile, total));
  console.log(`\ndisagreements by category (${categories.reduce((n, [, l]) => n + l.length, 0)} programs):`);
  for (const [category, programs] of categories) {
    console.log(`  ${String(programs.length).padStart(4)}  ${category}`);
    console.log(`        e.g. ${programs.slice(0, 3).join(', ')}`);
  }
  console.log(`\nkernel verdict = __success/__failure annotation: ${total.kernelMatchesAnnotation}/${total.annotated}`);
  for (const r of all.filter((x) => x.expect && (x.kernel.kind === 'accept' || x.kernel.kind === 'reject') && (x.expect === 'success') !== (x.kernel.kind === 'accept'))) {
    console.log(`  ${r.file}/${r.name}: annotated ${r.expect}, kernel ${r.kernel.kind === 'reject' ? `rejects: ${r.kernel.message}` : 'accepts'}`);
  }
  const unknownFlags = [...new Set(all.flatMap((r) => loadFlags(r.flags).unknown))];
  if (unknownFlags.length) console.log(`__flag values not applied (unknown): ${unknownFlags.join(', ')}`);
  for (const [file, why] of corpus.compileErrors) console.log(`did not compile: ${file}: ${why}`);
  const reportPath = join(workDir, 'report.json');
  writeFileSync(reportPath, JSON.stringify({ total, perFile: Object.fromEntries(perFile), categories: Object.fromEntries(categories),
    compileErrors: Object.fromEntries(corpus.compileErrors), files: notes, programs: all }, null, 1));
  console.log(`\nreport: ${reportPath}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
