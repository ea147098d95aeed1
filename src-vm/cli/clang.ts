// Compiling eBPF C with clang, shared by the CLI (`verify foo.bpf.c`, sync,
// from a file) and the language server (async, the unsaved buffer on stdin,
// cancellable): finding clang and its version, the include paths (settings,
// compile_commands.json, multiarch, libbpf), the flags, and clang's messages
// read back as positions. Node I/O (spawn, fs) is allowed here and in cli.ts
// only; the rest of src-vm stays pure.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Tried in order when no clang path is configured: the newest first. */
export const CLANG_CANDIDATES = ['clang-21', 'clang-20', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14', 'clang'];
/** BTF-defined maps (`__uint(type, …) SEC(".maps")`) and BTF line info need at least this major version. */
export const MIN_CLANG_MAJOR = 12;

export const INSTALL_HINT = 'install it (Debian/Ubuntu: `apt-get install clang`, or clang-19) or set `ebpf.c.clangPath`';

export interface ClangFound { path: string; major: number; version: string }
export type ClangProbe = ClangFound | { error: string };

const probes = new Map<string, ClangProbe>();

function versionOf(path: string): { major: number; version: string } | undefined {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  const m = /clang version (\d+)\.(\d+)(?:\.(\d+))?/.exec(r.stdout);
  return m ? { major: Number(m[1]), version: m[0].slice('clang version '.length) } : undefined;
}

/** The clang to use: `explicit` when given, else the newest on PATH; with one actionable message when none fits. Cached. */
export function probeClang(explicit?: string): ClangProbe {
  const key = explicit ?? '';
  const cached = probes.get(key);
  if (cached) return cached;
  let result: ClangProbe | undefined;
  for (const candidate of explicit ? [explicit] : CLANG_CANDIDATES) {
    const v = versionOf(candidate);
    if (!v) continue;
    result = v.major >= MIN_CLANG_MAJOR ? { path: candidate, ...v }
      : { error: `${candidate} is clang ${v.version}; eBPF with BTF needs clang ${MIN_CLANG_MAJOR} or newer: ${INSTALL_HINT}` };
    if ('path' in result) break;
  }
  result ??= explicit
    ? { error: `clang was not found at ${explicit} (ebpf.c.clangPath): ${INSTALL_HINT}` }
    : { error: `clang was not found (tried ${CLANG_CANDIDATES.join(', ')}): ${INSTALL_HINT}` };
  probes.set(key, result);
  return result;
}

let multiarch: string | undefined;

/** Debian's multiarch triplet (asm/types.h, needed by linux/bpf.h, lives in /usr/include/<triplet>). */
function multiarchTriplet(): string {
  multiarch ??= spawnSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).stdout?.trim()
    || (process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu');
  return multiarch;
}

/** bpf_tracing.h's PT_REGS macros want the architecture the program will run on. */
const TARGET_ARCH: Readonly<Record<string, string>> = { x64: 'x86', arm64: 'arm64', arm: 'arm', s390x: 's390', ppc64: 'powerpc', riscv64: 'riscv', loong64: 'loongarch' };

/** The usual system include paths and defines for BPF C: multiarch, /usr/local/include, __TARGET_ARCH_*. */
export function systemArgs(): string[] {
  const args: string[] = [];
  const arch = `/usr/include/${multiarchTriplet()}`;
  if (existsSync(arch)) args.push(`-I${arch}`);
  if (existsSync('/usr/local/include')) args.push('-I/usr/local/include');
  const target = TARGET_ARCH[process.arch];
  if (target) args.push(`-D__TARGET_ARCH_${target}`);
  return args;
}

interface CompileCommand { directory?: string; file?: string; arguments?: string[]; command?: string }

/** Flags worth taking from a compile_commands.json entry: include paths, defines, forced includes. */
const KEPT_FLAGS = ['-I', '-isystem', '-iquote', '-idirafter', '-D', '-U', '-include'];

function keptFlags(args: readonly string[], directory: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = KEPT_FLAGS.find((f) => args[i] === f || args[i].startsWith(f));
    if (!flag) continue;
    let value = args[i] === flag ? args[++i] : args[i].slice(flag.length);
    if (value === undefined) break;
    if (flag !== '-D' && flag !== '-U' && !isAbsolute(value)) value = resolve(directory, value);
    out.push(flag === '-I' || flag === '-D' || flag === '-U' ? `${flag}${value}` : flag, ...(flag === '-I' || flag === '-D' || flag === '-U' ? [] : [value]));
  }
  return out;
}

/** Include paths and defines for `file` from the nearest compile_commands.json (the file's directory, its build/, or above). */
export function compileCommandsArgs(file: string): string[] {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'compile_commands.json'), join(dir, 'build', 'compile_commands.json')]) {
      if (!existsSync(candidate)) continue;
      try {
        const entries = JSON.parse(readFileSync(candidate, 'utf8')) as CompileCommand[];
        const entry = entries.find((e) => e.file !== undefined && resolve(e.directory ?? dir, e.file) === resolve(file));
        if (!entry) continue;
        const args = entry.arguments ?? (entry.command ?? '').split(/\s+/).filter((s) => s.length > 0);
        return keptFlags(args, entry.directory ?? dir);
      } catch {
        continue;
      }
    }
    if (dirname(dir) === dir) return [];
  }
}

export interface CompileOptions {
  includePaths?: readonly string[];
  extraArgs?: readonly string[];
  /** The clang to run (`ebpf.c.clangPath`); empty or absent: the newest on PATH. Used by the file compiles. */
  clangPath?: string;
}

/** Every flag but the input and output: `-target bpf -g -O2`, includes (file's dir, settings, compile_commands, system). */
export function clangArgs(file: string, opts: CompileOptions = {}): string[] {
  return [
    '-target', 'bpf', '-g', '-O2', '-fno-color-diagnostics', '-fno-caret-diagnostics', '-fdiagnostics-print-source-range-info',
    `-I${dirname(file)}`, ...(opts.includePaths ?? []).map((p) => `-I${p}`),
    ...compileCommandsArgs(file), ...systemArgs(), ...(opts.extraArgs ?? []),
  ];
}

/** A compile's object, or why there is none (with clang's messages when it ran and failed). */
export type CompileResult = { bytes: Uint8Array } | { error: string; stderr?: string };

/** What one run of clang on `file` into `out` produced. */
function fileCompileResult(clang: string, out: string, r: { error?: Error; status: number | null; stderr: string }): CompileResult {
  if (r.error) return { error: `could not run ${clang}: ${r.error.message}` };
  if (r.status !== 0) return { error: `clang failed:\n${r.stderr.trim()}`, stderr: r.stderr };
  return { bytes: new Uint8Array(readFileSync(out)) };
}

/** The CLI's compile: `file` from disk with the configured or the first suitable clang. */
export function compileCFile(file: string, opts: CompileOptions = {}): CompileResult {
  const clang = probeClang(opts.clangPath || undefined);
  if ('error' in clang) return clang;
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-cc-'));
  try {
    const out = join(dir, 'prog.o');
    const r = spawnSync(clang.path, [...clangArgs(file, opts), '-c', file, '-o', out], { encoding: 'utf8' });
    return fileCompileResult(clang.path, out, r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** compileCFile without blocking: the debugger compiles in the extension host, which must stay responsive. */
export function compileCFileAsync(file: string, opts: CompileOptions = {}): Promise<CompileResult> {
  const clang = probeClang(opts.clangPath || undefined);
  if ('error' in clang) return Promise.resolve(clang);
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-cc-'));
  const out = join(dir, 'prog.o');
  return new Promise<CompileResult>((done) => {
    const child = spawn(clang.path, [...clangArgs(file, opts), '-c', file, '-o', out]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', (error) => done(fileCompileResult(clang.path, out, { error, status: null, stderr })));
    child.on('close', (status) => done(fileCompileResult(clang.path, out, { status, stderr })));
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export interface BufferCompile {
  /** The object, when clang succeeded. */
  bytes?: Uint8Array;
  stderr: string;
  /** Exit status, or the signal that killed clang (a crash). */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** The compile was aborted through the signal. */
  aborted: boolean;
}

/** Compiles `source` (an unsaved buffer of `file`) from stdin with `clang`; killed when `signal` aborts. */
export function compileCBuffer(clang: string, file: string, source: string, opts: CompileOptions, signal?: AbortSignal): Promise<BufferCompile> {
  return new Promise((done) => {
    const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-cc-'));
    const out = join(dir, 'prog.o');
    const finish = (r: Omit<BufferCompile, 'bytes'>, withObject: boolean): void => {
      let bytes: Uint8Array | undefined;
      try {
        if (withObject && existsSync(out)) bytes = new Uint8Array(readFileSync(out));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      done({ ...r, bytes });
    };
    // The document's directory may not exist (an untitled buffer, a remote file): quote includes then search only -I paths.
    const cwd = existsSync(dirname(file)) ? dirname(file) : dir;
    const child = spawn(clang, [...clangArgs(file, opts), '-x', 'c', '-c', '-', '-o', out], { cwd, signal });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.stdin.on('error', () => { /* clang exited before reading all input: its status says why */ });
    child.on('error', (err) => finish({ stderr: stderr || err.message, status: null, signal: null, aborted: signal?.aborted === true }, false));
    child.on('close', (status, sig) => finish({ stderr, status, signal: sig, aborted: signal?.aborted === true }, status === 0));
    child.stdin.end(source);
  });
}

/** Where clang reads stdin from, as its messages and the BTF line info name it. */
export const STDIN_NAME = '<stdin>';

export interface ClangMessage {
  file: string;
  /** 1-based, as clang prints them; the end is exclusive when known. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: 'error' | 'warning' | 'note' | 'remark';
  message: string;
  /** `-Wunused-variable` and the like. */
  flag?: string;
  /** For a message in a header: the `<stdin>` line that includes it. */
  includedFrom?: number;
}

const MESSAGE = /^(.+?):(\d+):(\d+):((?:\{\d+:\d+-\d+:\d+\})*):? ?(fatal error|error|warning|note|remark): (.*?)(?: \[(-W[^\],]+)[^\]]*\])?$/;
const RANGE = /\{(\d+):(\d+)-(\d+):(\d+)\}/g;
const INCLUDED_FROM = /^In file included from (.+?):(\d+):/;

const before = (l1: number, c1: number, l2: number, c2: number): boolean => l1 < l2 || (l1 === l2 && c1 < c2);

/** The caret position grown to cover every source range clang printed (`{2:3-2:6}{2:9-2:10}`, ends exclusive). */
function widenToRanges(msg: ClangMessage, ranges: string): void {
  for (const r of ranges.matchAll(RANGE)) {
    const [sl, sc, el, ec] = [Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])];
    if (before(sl, sc, msg.line, msg.column)) {
      msg.endLine ??= msg.line;
      msg.endColumn ??= msg.column;
      msg.line = sl;
      msg.column = sc;
    }
    if (msg.endLine === undefined || before(msg.endLine, msg.endColumn ?? 0, el, ec)) {
      msg.endLine = el;
      msg.endColumn = ec;
    }
  }
}

/** clang's stderr -> messages with positions; `In file included from <stdin>:N` is kept for headers. */
export function parseClangMessages(stderr: string): ClangMessage[] {
  const out: ClangMessage[] = [];
  let includedFrom: number | undefined;
  for (const line of stderr.split('\n')) {
    const inc = INCLUDED_FROM.exec(line);
    if (inc) {
      if (inc[1] === STDIN_NAME) includedFrom = Number(inc[2]);
      continue;
    }
    const m = MESSAGE.exec(line);
    if (!m) continue;
    const severity = m[5] === 'fatal error' ? 'error' : m[5] as ClangMessage['severity'];
    const msg: ClangMessage = { file: m[1], line: Number(m[2]), column: Number(m[3]), severity, message: m[6] };
    widenToRanges(msg, m[4]);
    if (m[7]) msg.flag = m[7];
    if (m[1] !== STDIN_NAME && includedFrom !== undefined) msg.includedFrom = includedFrom;
    if (m[1] === STDIN_NAME) includedFrom = undefined;
    out.push(msg);
  }
  return out;
}
