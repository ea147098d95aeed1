// Verifier benchmark against the live kernel: every program of the verifier's
// differential suite (assembly and C cases), verified by us (log level 0, best
// of a few runs after a warm-up) and loaded into the kernel with log level 4
// (statistics only) by a small libbpf loader built here at run time; prints
// time and processed instructions side by side. `benchVerifier()` returns the lines.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadObject } from '../src-vm/elf/loader';
import { VERIFIABLE_TYPES } from '../src-vm/verifier/progTypes';
import { verifyProgram, type VerifierProgram } from '../src-vm/verifier/verify';
import { targetsOfObject } from '../src-vm/verifyTargets';
import { findTool, runTool } from '../test/support/tools';
import { kernelUnavailable } from '../test/support/kernel';
import { VERIFIER_CASES } from '../test/vm/verifier/verifierCases';
import { C_PRELUDE, VERIFIER_C_CASES } from '../test/vm/verifier/verifierCCases';
import { caseObject, caseProgram } from '../test/vm/verifier/verifierHarness';

/** Kernel loads per program (best time kept) and our runs per program after one warm-up. */
const KERNEL_ROUNDS = 3;
const OUR_ROUNDS = 5;
/** Passes of our verifier over every program before timing, so V8 has compiled the hot paths. */
const WARM_UP_PASSES = 2;
/** Stop repeating our run on a program once this much time went into it. */
const OUR_BUDGET_MS = 300;
const TARGET_TIME_RATIO = 3;
const TARGET_PROCESSED_RATIO = 1.5;

const LOADER_SOURCE = String.raw`/* Loads each OBJ's program NAME ROUNDS times with verifier log level 4
 * (statistics only) and prints, per load:
 *   stat NAME ok|err USEC PROCESSED     (-1 where the log has no such line) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#define LOG_SIZE (1 << 16)
static char log_buf[LOG_SIZE];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) { return 0; }

static long stat_after(const char *log, const char *prefix)
{
	const char *at = strstr(log, prefix);
	return at ? strtol(at + strlen(prefix), NULL, 10) : -1;
}

static void load_once(const char *path, const char *name)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	int err;

	if (!obj) {
		printf("stat %s open -1 -1\n", name);
		return;
	}
	log_buf[0] = 0;
	bpf_object__for_each_program(prog, obj) {
		int mine = strcmp(bpf_program__name(prog), name) == 0;
		bpf_program__set_autoload(prog, mine);
		if (mine) {
			bpf_program__set_log_buf(prog, log_buf, LOG_SIZE);
			bpf_program__set_log_level(prog, 4);
		}
	}
	err = bpf_object__load(obj);
	printf("stat %s %s %ld %ld\n", name, err ? "err" : "ok",
	       stat_after(log_buf, "verification time "), stat_after(log_buf, "processed "));
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;

	libbpf_set_print(quiet);
	for (int i = 2; i + 1 < argc; i += 2)
		for (int r = 0; r < rounds; r++)
			load_once(argv[i], argv[i + 1]);
	return 0;
}
`;

interface BenchProgram {
  name: string;
  objPath: string;
  program: VerifierProgram;
}

interface Figures { usec: number; processed: number }

interface Row { name: string; kernel?: Figures; kernelVerdict?: string; ours: Figures; oursVerdict: string }


function multiarchInclude(): string[] {
  const cc = findTool('cc', 'gcc');
  const arch = cc ? runTool(cc, ['-print-multiarch']).stdout.trim() : '';
  const dir = `/usr/include/${arch || 'x86_64-linux-gnu'}`;
  return existsSync(dir) ? [`-I${dir}`] : [];
}

function asmPrograms(dir: string): BenchProgram[] {
  return VERIFIER_CASES.map((c) => {
    const objPath = join(dir, `${c.name}.o`);
    writeFileSync(objPath, caseObject(c));
    return { name: c.name, objPath, program: caseProgram(c) };
  });
}

/** The C cases compiled as the C harness compiles them, and their one program as our loader hands it over. */
function cPrograms(dir: string, clang: string): BenchProgram[] | string {
  const out: BenchProgram[] = [];
  for (const c of VERIFIER_C_CASES) {
    const src = join(dir, `${c.name}.c`);
    const objPath = join(dir, `${c.name}.o`);
    writeFileSync(src, C_PRELUDE + c.source);
    const r = runTool(clang, ['-O2', '-g', '-target', 'bpf', ...multiarchInclude(), '-c', src, '-o', objPath]);
    if (r.status !== 0) return `${c.name}: clang failed: ${r.stderr}`;
    // The program as the CLI and the tests hand it over: maps with their flags and BTF fields, subprogram signatures.
    const loaded = loadObject(new Uint8Array(readFileSync(objPath)), { name: c.name });
    const t = targetsOfObject(loaded.value).find((p) => p.name === c.name);
    const type = VERIFIABLE_TYPES.find((v) => v === t?.type);
    if (!t || !type) return `${c.name}: program not found or of an unmodelled type`;
    out.push({ name: c.name, objPath, program: { ...t, type } });
  }
  return out;
}

/** Our best time (µs) and our processed count; the warm-up pass over every program has run before. */
function timeOurs(p: BenchProgram): { figures: Figures; verdict: string } {
  const first = verifyProgram(p.program, { logLevel: 0 });
  let best = Infinity;
  let spent = 0;
  for (let i = 0; i < OUR_ROUNDS && spent < OUR_BUDGET_MS * 1e3; i++) {
    const start = process.hrtime.bigint();
    verifyProgram(p.program, { logLevel: 0 });
    const us = Number(process.hrtime.bigint() - start) / 1e3;
    best = Math.min(best, us);
    spent += us;
  }
  return { figures: { usec: best, processed: first.processedInsns }, verdict: first.verdict };
}

/** Why the kernel cannot be asked here, or undefined; a probe that fails outright is a reason too. */
function kernelProbe(): string | undefined {
  try {
    return kernelUnavailable();
  } catch (e) {
    return `probing the kernel failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function buildLoader(dir: string): string {
  const cc = findTool('cc', 'gcc', 'clang');
  if (!cc) return 'no C compiler (cc) to build the log-level-4 loader';
  if (!existsSync('/usr/include/bpf/libbpf.h')) return 'libbpf-dev is not installed (/usr/include/bpf/libbpf.h missing)';
  const src = join(dir, 'stats_loader.c');
  const exe = join(dir, 'stats_loader');
  writeFileSync(src, LOADER_SOURCE);
  const r = runTool(cc, ['-O1', '-Wall', '-o', exe, src, '-lbpf', '-lelf', '-lz']);
  return r.status === 0 ? exe : `building the log-level-4 loader failed: ${r.stderr.trim()}`;
}

/** The kernel's best verification time and its processed count per program, by name. */
function kernelFigures(loader: string, programs: BenchProgram[]): Map<string, { figures: Figures; verdict: string }> {
  const args = [String(KERNEL_ROUNDS), ...programs.flatMap((p) => [p.objPath, p.name])];
  const r = runTool(loader, args);
  const result = new Map<string, { figures: Figures; verdict: string }>();
  for (const line of r.stdout.split('\n')) {
    const [tag, name, status, usec, processed] = line.split(' ');
    if (tag !== 'stat' || Number(usec) < 0) continue;
    const seen = result.get(name);
    const figures = { usec: Math.min(Number(usec), seen?.figures.usec ?? Infinity), processed: Number(processed) };
    result.set(name, { figures, verdict: status === 'ok' ? 'accept' : 'reject' });
  }
  return result;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function formatRow(r: Row): string {
  const k = r.kernel;
  const ratio = k ? (r.ours.usec / Math.max(k.usec, 1)).toFixed(1) : '-';
  const pRatio = k && k.processed > 0 ? (r.ours.processed / k.processed).toFixed(2) : '-';
  return `  ${r.name.padEnd(34)} ${String(k?.usec ?? '-').padStart(8)} ${r.ours.usec.toFixed(0).padStart(8)} ${ratio.padStart(7)}` +
    ` ${String(k?.processed ?? '-').padStart(9)} ${String(r.ours.processed).padStart(9)} ${pRatio.padStart(6)}`;
}

function summary(rows: Row[]): string[] {
  const paired = rows.filter((r): r is Row & { kernel: Figures } => r.kernel !== undefined);
  const timeRatio = median(paired.map((r) => r.ours.usec / Math.max(r.kernel.usec, 1)));
  const procRatio = median(paired.filter((r) => r.kernel.processed > 0).map((r) => r.ours.processed / r.kernel.processed));
  const verdicts = paired.filter((r) => r.kernelVerdict !== r.oursVerdict).map((r) => r.name);
  const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  return [
    `  medians over ${paired.length} programs: kernel ${median(paired.map((r) => r.kernel.usec))} µs, ours ${median(paired.map((r) => r.ours.usec)).toFixed(0)} µs;` +
      ` kernel ${median(paired.map((r) => r.kernel.processed))} insns processed, ours ${median(paired.map((r) => r.ours.processed))}`,
    `  median time ratio (ours / kernel) ${timeRatio.toFixed(2)} (target <= ${TARGET_TIME_RATIO}: ${mark(timeRatio <= TARGET_TIME_RATIO)})`,
    `  median processed-instruction ratio ${procRatio.toFixed(2)} (target <= ${TARGET_PROCESSED_RATIO}: ${mark(procRatio <= TARGET_PROCESSED_RATIO)})`,
    `  totals: kernel ${paired.reduce((n, r) => n + r.kernel.usec, 0)} µs, ours ${paired.reduce((n, r) => n + r.ours.usec, 0).toFixed(0)} µs` +
      (verdicts.length ? `; verdicts differ on ${verdicts.join(', ')}` : '; verdicts agree on every program'),
  ];
}

function oursOnly(rows: Row[], why: string): string[] {
  return [
    `  kernel figures unavailable (${why}); ours only:`,
    ...rows.map(formatRow),
    `  median over ${rows.length} programs: ${median(rows.map((r) => r.ours.usec)).toFixed(0)} µs, ${median(rows.map((r) => r.ours.processed))} insns processed`,
  ];
}

export function benchVerifier(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-vbench-'));
  try {
    const clang = findTool('clang-19');
    const c = clang ? cPrograms(dir, clang) : 'clang-19 is not installed';
    const programs = [...asmPrograms(dir), ...(typeof c === 'string' ? [] : c)];
    const head = [`Verifier vs the kernel: ${programs.length} programs of the differential suite` +
      (typeof c === 'string' ? ` (assembly only: ${c})` : ` (${VERIFIER_CASES.length} assembly, ${VERIFIER_C_CASES.length} C)`) +
      `; kernel log level 4 best of ${KERNEL_ROUNDS}, ours log level 0 best of up to ${OUR_ROUNDS} after ${WARM_UP_PASSES} warm-up passes`];
    for (let i = 0; i < WARM_UP_PASSES; i++) for (const p of programs) verifyProgram(p.program, { logLevel: 0 });
    const rows: Row[] = programs.map((p) => {
      const o = timeOurs(p);
      return { name: p.name, ours: o.figures, oursVerdict: o.verdict };
    });
    const why = kernelProbe();
    const loader = why ?? buildLoader(dir);
    if (why || !loader.startsWith(dir)) return [...head, ...oursOnly(rows, why ?? loader)];
    const kernel = kernelFigures(loader, programs);
    for (const r of rows) {
      r.kernel = kernel.get(r.name)?.figures;
      r.kernelVerdict = kernel.get(r.name)?.verdict;
    }
    const header = `  ${'program'.padEnd(34)} ${'kern µs'.padStart(8)} ${'ours µs'.padStart(8)} ${'ratio'.padStart(7)} ${'kern insn'.padStart(9)} ${'ours insn'.padStart(9)} ${'ratio'.padStart(6)}`;
    const missing = rows.filter((r) => !r.kernel).map((r) => r.name);
    return [...head, header, ...rows.map(formatRow),
      ...(missing.length ? [`  no kernel statistics for: ${missing.join(', ')}`] : []), ...summary(rows)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
