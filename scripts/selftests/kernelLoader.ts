// The kernel side of the selftests run, loaded as the kernel's own test
// harness does: a small libbpf program (its C source is below, built into
// the work dir with cc and Debian's libbpf) opens the object fresh, autoloads
// only the test program and the object's __auxiliary programs (which fill
// prog-array slots), applies the test's __flag load flags, sets the program
// type where Debian's libbpf 1.1 does not know the section name (tc/ingress,
// tcx/…), loads at log level 2 and prints the status and the test program's log.

import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HELPER_SOURCE = String.raw`
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* selftest_load OBJ PROG TYPE ATTACH FLAGS [AUX...] */
int main(int argc, char **argv)
{
	static char log[1 << 24];
	struct bpf_program *prog, *test = NULL;
	struct bpf_object *obj;
	int err;

	if (argc < 6)
		return 2;
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("status open-error %d\n", errno);
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		int load = strcmp(bpf_program__name(prog), argv[2]) == 0;

		for (int i = 6; i < argc; i++)
			load |= strcmp(bpf_program__name(prog), argv[i]) == 0;
		bpf_program__set_autoload(prog, load);
		if (load && bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC && atoi(argv[3]) > 0) {
			bpf_program__set_type(prog, atoi(argv[3]));
			bpf_program__set_expected_attach_type(prog, atoi(argv[4]));
		}
		if (strcmp(bpf_program__name(prog), argv[2]) == 0) {
			test = prog;
			bpf_program__set_flags(prog, bpf_program__flags(prog) | strtoul(argv[5], NULL, 0));
			bpf_program__set_log_buf(prog, log, sizeof(log));
			bpf_program__set_log_level(prog, 2);
		}
	}
	if (!test) {
		printf("status no-such-program\n");
		return 1;
	}
	err = bpf_object__load(obj);
	printf("fd %d\n", bpf_program__fd(test));
	printf("status %s %d\n", err ? "error" : "ok", -err);
	for (char *save = NULL, *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("| %s\n", line);
	bpf_object__close(obj);
	return 0;
}
`;

/** What the helper reports: libbpf's status, whether the test program itself got an fd, its log and libbpf's warnings. */
export interface KernelLoad {
  status: 'ok' | 'error' | 'open-error' | 'no-such-program' | 'crash';
  errno: number;
  programLoaded: boolean;
  log: string[];
  libbpfWarnings: string;
}

/** Builds the helper into `workDir` once; returns its path. */
export function buildKernelLoader(workDir: string): string {
  const src = join(workDir, 'selftest_load.c');
  const bin = join(workDir, 'selftest_load');
  if (existsSync(bin)) return bin;
  writeFileSync(src, HELPER_SOURCE);
  const r = spawnSync('cc', ['-O1', '-Wall', '-o', bin, src, '-lbpf', '-lelf', '-lz'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the kernel loader failed (needs cc and libbpf-dev):\n${r.stderr}`);
  return bin;
}

export interface LoadRequest { objPath: string; program: string; typeId: number; attachId: number; flags: number; auxiliary: string[] }

export function kernelLoad(helper: string, req: LoadRequest): KernelLoad {
  const args = [req.objPath, req.program, String(req.typeId), String(req.attachId), String(req.flags), ...req.auxiliary];
  const r = spawnSync(helper, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: KernelLoad = { status: 'crash', errno: 0, programLoaded: false, log: [], libbpfWarnings: r.stderr ?? '' };
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('| ')) out.log.push(line.slice(2));
    else if (line.startsWith('fd ')) out.programLoaded = Number(line.slice(3)) >= 0;
    else if (line.startsWith('status ')) {
      const [, status, errno] = line.split(' ');
      out.status = status as KernelLoad['status'];
      out.errno = Number(errno ?? 0);
    }
  }
  return out;
}

/** Load flags by the names __flag() uses (uapi bpf.h). */
const FLAG_BITS: Record<string, number> = {
  BPF_F_STRICT_ALIGNMENT: 1, BPF_F_ANY_ALIGNMENT: 2, BPF_F_TEST_RND_HI32: 4, BPF_F_TEST_STATE_FREQ: 8,
  BPF_F_SLEEPABLE: 16, BPF_F_XDP_HAS_FRAGS: 32, BPF_F_XDP_DEV_BOUND_ONLY: 64, BPF_F_TEST_REG_INVARIANTS: 128,
};

/** The OR of a test's __flag()s; unknown names are returned so the report can list them. */
export function loadFlags(names: readonly string[]): { flags: number; unknown: string[] } {
  let flags = 0;
  const unknown: string[] = [];
  for (const n of names) {
    const bit = FLAG_BITS[n] ?? (/^(0x[0-9a-f]+|\d+)$/i.test(n) ? Number(n) : undefined);
    if (bit === undefined) unknown.push(n);
    else flags |= bit;
  }
  return { flags, unknown };
}
