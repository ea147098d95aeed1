// Language-server benchmark: the built server (out/server.js) driven over
// stdio as an editor would. Keystroke-to-diagnostics latency on a
// 1,000-instruction assembly file (median, p95; debounce set to 0, so the
// figure is the server's own work), save-to-diagnostics on a 200-line C file
// next to clang's own compile time for it, and the server's memory (with its
// worker threads) after opening 50 files. `benchLsp()` returns the lines.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification,
  InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, StreamMessageReader, StreamMessageWriter,
  type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { clangArgs, probeClang } from '../src-vm/cli/clang';
import { runTool } from '../test/support/tools';

const KEYSTROKES = 60;
const C_SAVES = 10;
const OPEN_FILES = 50;

class Server {
  private readonly waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  private constructor(readonly proc: ChildProcessWithoutNullStreams, readonly conn: ProtocolConnection) {
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const key = `${p.uri}@${p.version}`;
      this.waiting.get(key)?.(p);
      this.waiting.delete(key);
    });
  }

  static async start(serverJs: string): Promise<Server> {
    const proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: 'pipe' });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.listen();
    const server = new Server(proc, conn);
    await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { ebpf: { asm: { debounceMs: 0 }, c: { debounceMs: 0 } } },
    });
    await conn.sendNotification(InitializedNotification.type, {});
    return server;
  }

  /** Resolves when diagnostics for `uri` at `version` arrive; call before sending what causes them. */
  published(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiting.set(`${uri}@${version}`, resolve));
  }

  async open(uri: string, languageId: string, text: string): Promise<PublishDiagnosticsParams> {
    const done = this.published(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return done;
  }

  stop(): void {
    this.conn.dispose();
    this.proc.kill();
  }
}

/** A 1,000-instruction XDP program: register arithmetic and forward branches, accepted by the verifier. */
function asmProgram(insns: number, seed: number): string {
  const lines = ['        .section xdp, "ax"', '        .globl  prog', 'prog:', '        r0 = 0', '        r6 = 0'];
  for (let i = 0; lines.length - 3 < insns - 2; i++) {
    if (i % 10 === 9) lines.push(`        if r6 > ${i + seed} goto l${i}`, `        r0 += 1`, `l${i}:`);
    else lines.push(`        r6 += ${(i * 7 + seed) % 100}`);
  }
  lines.push('        r0 = 2', '        exit');
  return lines.join('\n') + '\n';
}

/** A 200-line eBPF C file: ten XDP programs, each parsing headers with bounds checks and counting in a map. */
function cProgram(): string {
  const head = [
    '// Benchmark input for the language server: ten XDP header parsers,', '// each with a bounds check against data_end, a map lookup with its',
    '// NULL check and a verdict from the packet bytes.', '',
    '#include <linux/bpf.h>', '#include <bpf/bpf_helpers.h>', '',
    'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");', '',
  ];
  const progs = Array.from({ length: 10 }, (_, n) => [
    'SEC("xdp")', `int parse${n}(struct xdp_md *ctx)`, '{',
    '  void *data = (void *)(long)ctx->data;', '  void *end = (void *)(long)ctx->data_end;',
    `  __u8 *p = data;`, `  if (data + ${20 + n} > end)`, '    return XDP_PASS;',
    `  __u32 key = p[${n}] & 63;`, '  __u64 *v = bpf_map_lookup_elem(&hits, &key);', '  if (!v)', '    return XDP_PASS;',
    `  *v += p[${n + 1}];`, `  if (p[${n + 2}] == 0x${(n + 1).toString(16)})`, '    return XDP_DROP;',
    `  return p[${n + 3}] > ${n * 10} ? XDP_TX : XDP_PASS;`, '}', '', '',
  ]).flat();
  return [...head, ...progs, 'char LICENSE[] SEC("license") = "GPL";'].join('\n') + '\n';
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function keystrokes(server: Server, dir: string): Promise<string> {
  const uri = pathToFileURL(join(dir, 'keystrokes.bpf.s')).href;
  const base = asmProgram(1000, 3);
  const first = await server.open(uri, 'ebpf-asm', base);
  if (first.diagnostics.length > 0) return `asm keystroke: the bench program does not verify: ${first.diagnostics[0].message}`;
  const times: number[] = [];
  for (let k = 0; k < KEYSTROKES; k++) {
    const version = k + 2;
    const text = base.replace('        r0 = 0\n', `        r0 = ${k % 2}\n`);
    const done = server.published(uri, version);
    const start = performance.now();
    await server.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    await done;
    times.push(performance.now() - start);
  }
  const sorted = times.slice(KEYSTROKES / 6).sort((a, b) => a - b); // the first edits warm V8 up
  return `asm keystroke -> diagnostics (1,000 insns, assembled + verified, debounce 0): median ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))} (target p95 <= 50 ms)`;
}

async function cSaves(server: Server, dir: string): Promise<string> {
  const clang = probeClang();
  if ('error' in clang) return `C save: skipped: ${clang.error}`;
  const file = join(dir, 'parse.bpf.c');
  const text = cProgram();
  writeFileSync(file, text);
  const clangTimes: number[] = [];
  for (let i = 0; i < C_SAVES; i++) {
    const start = performance.now();
    const r = runTool(clang.path, [...clangArgs(file), '-c', file, '-o', join(dir, 'parse.o')]);
    clangTimes.push(performance.now() - start);
    if (r.status !== 0) return `C save: clang failed on the bench file: ${r.stderr}`;
  }
  const uri = pathToFileURL(file).href;
  const first = await server.open(uri, 'c', text);
  if (first.diagnostics.length > 0) return `C save: the bench file does not verify: ${first.diagnostics[0].message}`;
  const times: number[] = [];
  for (let i = 0; i < C_SAVES; i++) {
    const version = i + 2;
    const done = server.published(uri, version);
    const start = performance.now();
    await server.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text: text + `// edit ${i}\n` }] });
    await server.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    await done;
    times.push(performance.now() - start);
  }
  const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
  const lines = text.split('\n').length - 1;
  return `C save -> diagnostics (${lines} lines, 10 programs): median ${ms(median(times))}, clang alone ${ms(median(clangTimes))} (${clang.path} ${clang.version}; target <= clang + 50 ms)`;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function memory(serverJs: string, dir: string): Promise<string> {
  const server = await Server.start(serverJs);
  try {
    for (let i = 0; i < OPEN_FILES; i++) {
      await server.open(pathToFileURL(join(dir, `file${i}.bpf.s`)).href, 'ebpf-asm', asmProgram(200 + 10 * i, i));
    }
    await new Promise((r) => setTimeout(r, 500));
    return `server memory after opening ${OPEN_FILES} assembly files (200-690 insns, all verified): ${rssMb(server.proc.pid!).toFixed(0)} MB resident (target <= 200 MB)`;
  } finally {
    server.stop();
  }
}

export async function benchLsp(serverJs = join(__dirname, 'server.js')): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-wb-lsp-bench-'));
  const server = await Server.start(serverJs);
  try {
    const lines = ['language server (out/server.js over stdio)'];
    lines.push(await keystrokes(server, dir));
    lines.push(await cSaves(server, dir));
    lines.push(await memory(serverJs, dir));
    return lines;
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
