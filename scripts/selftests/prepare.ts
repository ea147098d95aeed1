// The selftests corpus on disk: downloads Debian's linux-source-6.12 with
// apt-get, extracts only the verifier selftests and the headers they include,
// generates bpf_helper_defs.h and vmlinux.h, and compiles each
// tools/testing/selftests/bpf/progs/verifier_*.c with clang-19. Every step is
// skipped when its output already exists. Works outside the repo only.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_PACKAGE = 'linux-source-6.12';
const TREE = 'linux-source-6.12';
const SELFTESTS = `${TREE}/tools/testing/selftests/bpf`;
const CLANG = '/usr/bin/clang-19';
const BPFTOOL = '/usr/sbin/bpftool';
/** Files against this kernel's vmlinux.h that only build without -Werror. */
const NO_WERROR = new Set(['verifier_vfs_accept', 'verifier_vfs_reject']);
const SYSTEM_INCLUDES = ['/usr/lib/llvm-19/lib/clang/19/include', '/usr/local/include', '/usr/include/x86_64-linux-gnu', '/usr/include'];

export interface Corpus {
  workDir: string;
  /** Compiled objects by file stem (verifier_foo), and why the others did not compile. */
  objects: Map<string, string>;
  compileErrors: Map<string, string>;
  sourceDir: string;
}

function run(cmd: string, args: string[], cwd: string, stdoutFile?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  if (stdoutFile) writeFileSync(stdoutFile, r.stdout);
  return r.stdout;
}

function sh(script: string, cwd: string): void {
  run('/bin/sh', ['-c', script], cwd);
}

function download(workDir: string): void {
  if (readdirSync(workDir).some((f) => f.startsWith(`${SOURCE_PACKAGE}_`) && f.endsWith('.deb'))) return;
  console.log(`downloading ${SOURCE_PACKAGE} with apt-get…`);
  const r = spawnSync('apt-get', ['download', SOURCE_PACKAGE], { cwd: workDir, encoding: 'utf8' });
  if (r.status !== 0) {
    console.log('apt-get download failed; running apt-get update and retrying');
    run('apt-get', ['update'], workDir);
    run('apt-get', ['download', SOURCE_PACKAGE], workDir);
  }
}

function extract(workDir: string): void {
  if (existsSync(join(workDir, SELFTESTS, 'progs')) && existsSync(join(workDir, TREE, 'tools/lib/bpf/bpf_helpers.h'))) return;
  console.log('extracting the verifier selftests and their headers…');
  sh(`dpkg-deb --fsys-tarfile ${SOURCE_PACKAGE}_*.deb | tar -x ./usr/src/${TREE}.tar.xz -O > ${TREE}.tar.xz`, workDir);
  const wanted = [`${SELFTESTS}/progs/*`, `${SELFTESTS}/*.h`, `${TREE}/tools/lib/bpf/*`, `${TREE}/tools/include/*`,
    `${TREE}/scripts/bpf_doc.py`, `${TREE}/include/uapi/linux/bpf.h`];
  run('tar', ['-xJf', `${TREE}.tar.xz`, '--wildcards', ...wanted], workDir);
}

/** include/bpf/: libbpf 1.5's headers from the tree plus a generated bpf_helper_defs.h. */
function libbpfHeaders(workDir: string): string {
  const inc = join(workDir, 'include');
  const bpfDir = join(inc, 'bpf');
  if (existsSync(join(bpfDir, 'bpf_helper_defs.h'))) return inc;
  mkdirSync(bpfDir, { recursive: true });
  const libbpf = join(workDir, TREE, 'tools/lib/bpf');
  for (const f of readdirSync(libbpf).filter((n) => n.endsWith('.h'))) copyFileSync(join(libbpf, f), join(bpfDir, f));
  try {
    run('python3', ['scripts/bpf_doc.py', '--header', '--file', 'include/uapi/linux/bpf.h'], join(workDir, TREE), join(bpfDir, 'bpf_helper_defs.h'));
  } catch (e) {
    console.log(`bpf_doc.py failed, using Debian's bpf_helper_defs.h: ${(e as Error).message.split('\n')[0]}`);
    copyFileSync('/usr/include/bpf/bpf_helper_defs.h', join(bpfDir, 'bpf_helper_defs.h'));
  }
  return inc;
}

function vmlinuxHeader(inc: string): void {
  const path = join(inc, 'vmlinux.h');
  if (existsSync(path)) return;
  run(BPFTOOL, ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], inc, path);
}

function compileFlags(workDir: string, inc: string, stem: string): string[] {
  return ['-g', '-Wall', NO_WERROR.has(stem) ? '-Wno-error' : '-Werror', '-D__TARGET_ARCH_x86', '-mlittle-endian',
    `-I${inc}`, `-I${join(workDir, SELFTESTS)}`, `-I${join(workDir, TREE, 'tools/include/uapi')}`,
    '-Wno-compare-distinct-pointer-types', ...SYSTEM_INCLUDES.flatMap((d) => ['-idirafter', d]),
    '-DENABLE_ATOMICS_TESTS', '-O2', '--target=bpf', '-mcpu=v3'];
}

function compileAll(workDir: string, inc: string, only?: string): Pick<Corpus, 'objects' | 'compileErrors'> {
  const progs = join(workDir, SELFTESTS, 'progs');
  const outDir = join(workDir, 'objects');
  mkdirSync(outDir, { recursive: true });
  const objects = new Map<string, string>();
  const compileErrors = new Map<string, string>();
  const stems = readdirSync(progs).filter((f) => /^verifier_.*\.c$/.test(f)).map((f) => f.slice(0, -2)).sort();
  for (const stem of stems.filter((s) => !only || s === only)) {
    const out = join(outDir, `${stem}.o`);
    if (!existsSync(out)) {
      const r = spawnSync(CLANG, [...compileFlags(workDir, inc, stem), '-c', join(progs, `${stem}.c`), '-o', out], { encoding: 'utf8' });
      if (r.status !== 0) { compileErrors.set(stem, r.stderr.split('\n').slice(0, 3).join(' | ')); continue; }
    }
    objects.set(stem, out);
  }
  return { objects, compileErrors };
}

/** Prepares the corpus in `workDir` (all files, or only `only`) and returns the objects. */
export function prepareCorpus(workDir: string, only?: string): Corpus {
  mkdirSync(workDir, { recursive: true });
  if (!existsSync(CLANG)) throw new Error(`${CLANG} is missing: apt-get install clang-19`);
  if (!existsSync(BPFTOOL)) throw new Error(`${BPFTOOL} is missing: apt-get install bpftool`);
  download(workDir);
  extract(workDir);
  const inc = libbpfHeaders(workDir);
  vmlinuxHeader(inc);
  console.log('compiling verifier_*.c with clang-19…');
  return { workDir, sourceDir: join(workDir, SELFTESTS, 'progs'), ...compileAll(workDir, inc, only) };
}
