// What a test box offers before anything is deployed: kernel release and
// architecture, bpftool (where, which version), bpffs at /sys/fs/bpf, kernel
// BTF, tracefs, and whether we are root or may use sudo without a password.
// One fixed probe script runs remotely (no user data in it); `parsePreflight`
// turns its key=value output into a report where each gap says how to fix it.

import { RemoteError } from './errors';
import type { RemoteConnection } from './connection';
import { script } from './shellQuote';

export interface PreflightProblem {
  what: string;
  fix: string;
}

export interface PreflightReport {
  release: string;
  arch: string;
  /** Absolute path of bpftool, when found. */
  bpftool?: string;
  bpftoolVersion?: string;
  bpffsMounted: boolean;
  kernelBtf: boolean;
  /** Directory holding trace_pipe, when tracefs is mounted. */
  tracefs?: string;
  root: boolean;
  passwordlessSudo: boolean;
  /** Missing pieces; empty when the box is ready. Warnings do not block deploys. */
  problems: PreflightProblem[];
  warnings: PreflightProblem[];
}

const PROBE = `
printf 'release=%s\\n' "$(uname -r)"
printf 'arch=%s\\n' "$(uname -m)"
printf 'uid=%s\\n' "$(id -u)"
if sudo -n true >/dev/null 2>&1; then echo sudo=yes; else echo sudo=no; fi
for p in "$(command -v bpftool 2>/dev/null)" /usr/sbin/bpftool /usr/local/sbin/bpftool /sbin/bpftool; do
  if [ -n "$p" ] && [ -x "$p" ]; then printf 'bpftool=%s\\n' "$p"; printf 'bpftool_version=%s\\n' "$("$p" version 2>/dev/null | head -n 1)"; break; fi
done
if grep -qs ' /sys/fs/bpf bpf ' /proc/mounts; then echo bpffs=yes; else echo bpffs=no; fi
if [ -e /sys/kernel/btf/vmlinux ]; then echo btf=yes; else echo btf=no; fi
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
  if grep -qs " $d tracefs " /proc/mounts; then printf 'tracefs=%s\\n' "$d"; break; fi
done
`;

/** The probe as an argument list. */
export const PREFLIGHT_COMMAND = script(PROBE);

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !out.has(line.slice(0, eq))) out.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return out;
}

/** The probe's output as a report. Pure. */
export function parsePreflight(text: string, wantSudo: boolean): PreflightReport {
  const f = fields(text);
  const root = f.get('uid') === '0';
  const report: PreflightReport = {
    release: f.get('release') ?? '?', arch: f.get('arch') ?? '?',
    bpftool: f.get('bpftool') || undefined, bpftoolVersion: f.get('bpftool_version') || undefined,
    bpffsMounted: f.get('bpffs') === 'yes', kernelBtf: f.get('btf') === 'yes', tracefs: f.get('tracefs') || undefined,
    root, passwordlessSudo: f.get('sudo') === 'yes', problems: [], warnings: [],
  };
  const { problems, warnings } = report;
  if (!report.bpftool) problems.push({ what: 'bpftool is not installed', fix: 'install bpftool: apt-get install bpftool (Debian/Ubuntu) or dnf install bpftool (Fedora)' });
  if (!report.bpffsMounted) problems.push({ what: 'the BPF file system is not mounted at /sys/fs/bpf', fix: 'mount it: mount -t bpf bpf /sys/fs/bpf' });
  if (!root && !wantSudo) problems.push({ what: 'not logged in as root', fix: 'log in as root, or pass --sudo (needs passwordless sudo for this user)' });
  if (!root && wantSudo && !report.passwordlessSudo) {
    problems.push({ what: 'sudo asks for a password', fix: 'allow passwordless sudo for this user (a NOPASSWD line in /etc/sudoers.d/), or log in as root' });
  }
  if (!report.kernelBtf) warnings.push({ what: 'no kernel BTF (/sys/kernel/btf/vmlinux)', fix: 'CO-RE programs cannot load; use a kernel built with CONFIG_DEBUG_INFO_BTF=y' });
  if (!report.tracefs) warnings.push({ what: 'tracefs is not mounted', fix: 'for trace output, mount it: mount -t tracefs tracefs /sys/kernel/tracing' });
  return report;
}

/** Probes the box. */
export async function preflight(conn: RemoteConnection, wantSudo: boolean): Promise<PreflightReport> {
  const r = await conn.exec(PREFLIGHT_COMMAND, 'preflight');
  if (r.code !== 0) throw new RemoteError('preflight', `the probe script exited with ${r.code ?? r.signal}`, r.stderr, 'is the login shell POSIX (sh, bash, dash, zsh)?');
  return parsePreflight(r.stdout.toString('utf8'), wantSudo);
}

/** The report as lines for people. */
export function formatPreflight(label: string, r: PreflightReport): string[] {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  return [
    `${label}: Linux ${r.release} (${r.arch})`,
    `  bpftool: ${r.bpftool ? `${r.bpftool} (${r.bpftoolVersion ?? 'version unknown'})` : 'missing'}`,
    `  /sys/fs/bpf mounted: ${yes(r.bpffsMounted)}; kernel BTF: ${yes(r.kernelBtf)}; tracefs: ${r.tracefs ?? 'not mounted'}`,
    `  root: ${yes(r.root)}; passwordless sudo: ${yes(r.passwordlessSudo)}`,
    ...r.problems.map((p) => `  problem: ${p.what}: ${p.fix}`),
    ...r.warnings.map((p) => `  warning: ${p.what}: ${p.fix}`),
    r.problems.length === 0 ? '  ready' : `  not ready (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})`,
  ];
}
