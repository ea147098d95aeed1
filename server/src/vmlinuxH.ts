// The vmlinux.h quick fix: recognising clang's "'vmlinux.h' file not found"
// on an eBPF C document, and generating the header next to the document with
// `bpftool btf dump file <BTF> format c` from the running kernel's BTF (or
// the BTF file named in ebpf.c.vmlinuxBtf). Runs bpftool and writes one file;
// never imports vscode.

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { CLANG_SOURCE } from './cDocument';
import type { ServerSettings } from './settings';

export const GENERATE_VMLINUX_COMMAND = 'ebpf.generateVmlinuxH';
export const KERNEL_BTF = '/sys/kernel/btf/vmlinux';

/** clang's fatal error for a missing vmlinux.h, on the document's #include line. */
export function isVmlinuxMissing(d: LspDiagnostic): boolean {
  return d.source === CLANG_SOURCE && /'vmlinux\.h' file not found/.test(typeof d.message === 'string' ? d.message : d.message.value);
}

/** The bpftool to run: the setting, else the first on PATH, else the Debian location. */
export function findBpftool(setting: string): string | undefined {
  if (setting !== '') return existsSync(setting) ? setting : undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'bpftool'));
  return [...onPath, '/usr/sbin/bpftool'].find((p) => existsSync(p));
}

export type VmlinuxOutcome = { path: string; bytes: number } | { error: string };

function runBpftool(bpftool: string, btf: string): Promise<{ stdout: Buffer; stderr: string; status: number | null; error?: string }> {
  return new Promise((done) => {
    const child = spawn(bpftool, ['btf', 'dump', 'file', btf, 'format', 'c'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('error', (err) => done({ stdout: Buffer.alloc(0), stderr, status: null, error: err.message }));
    child.on('close', (status) => done({ stdout: Buffer.concat(chunks), stderr, status }));
  });
}

/** Writes `vmlinux.h` into the directory of `documentPath`, dumped from the configured BTF. */
export async function generateVmlinuxH(documentPath: string, settings: ServerSettings['c']): Promise<VmlinuxOutcome> {
  const btf = settings.vmlinuxBtf || KERNEL_BTF;
  if (!existsSync(btf)) {
    return { error: `cannot generate vmlinux.h: ${btf} does not exist${settings.vmlinuxBtf ? '' : ' (this kernel exposes no BTF); name a BTF file in ebpf.c.vmlinuxBtf'}` };
  }
  const bpftool = findBpftool(settings.bpftoolPath);
  if (!bpftool) return { error: 'cannot generate vmlinux.h: bpftool not found; install it (apt install bpftool / linux-tools) or set ebpf.c.bpftoolPath' };
  const dir = dirname(documentPath);
  if (!existsSync(dir)) return { error: `cannot generate vmlinux.h: the document's directory ${dir} does not exist` };
  const run = await runBpftool(bpftool, btf);
  if (run.error !== undefined || run.status !== 0 || run.stdout.length === 0) {
    const why = run.error ?? (run.stderr.trim() || `exit status ${run.status}`);
    return { error: `${bpftool} btf dump file ${btf} format c failed: ${why}` };
  }
  const path = join(dir, 'vmlinux.h');
  try {
    writeFileSync(path, run.stdout);
  } catch (err) {
    return { error: `cannot write ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { path, bytes: run.stdout.length };
}
