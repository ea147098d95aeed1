// Reads what `bpftool -d prog loadall` prints back into plain data: per
// program, the kernel's verdict, the failing instruction, the message and its
// detail lines, the `; text @ file.c:LINE` source line libbpf's BTF put before
// that instruction, and the statistics line. Pure (no fs, no ssh2, no vscode);
// instruction lines are classified with the verifier's own log reader.

import type { Diagnostic } from './diagnostics';
import { parseLogLine } from './verifier/logParse';

/** The source line the kernel printed before an instruction: `; return data[8]; @ bad.c:11`. */
export interface KernelSourceLine {
  text: string;
  file: string;
  line: number;
}

export interface KernelError {
  /** Instruction the kernel stopped at; -1 when its message names none. */
  insn: number;
  message: string;
  detail: string[];
  source?: KernelSourceLine;
}

export interface KernelProgramLog {
  name: string;
  /** 'not-loaded': libbpf stopped before this program (an earlier one failed). */
  verdict: 'accept' | 'reject' | 'not-loaded';
  error: KernelError | null;
  processedInsns?: number;
  totalStates?: number;
  peakStates?: number;
  timeUs?: number;
  /** The verifier log between BEGIN and END PROG LOAD LOG. */
  log: string[];
  /** Where bpftool pinned it, when it did. */
  pinnedAt?: string;
}

export interface KernelLoadLog {
  programs: KernelProgramLog[];
  /** Lines saying why the object as a whole failed (libbpf and bpftool errors), in order. */
  objectErrors: string[];
}

const FOUND_PROG = /^libbpf: sec '.*': found program '([^']+)'/;
const PROG_LINE = /^libbpf: prog '([^']+)': (.*)$/;
const SOURCE_LINE = /^; (.*) @ (.+):(\d+)$/;
const STATS = /^processed (\d+) insns \(limit \d+\) max_states_per_insn \d+ total_states (\d+) peak_states (\d+)/;
const TIME = /^verification time (\d+) usec$/;
/** Messages that name their instruction themselves, where no instruction line precedes them. */
const INSN_IN_MESSAGE = [/^unreachable insn (\d+)/, /^back-edge from insn (\d+)/, /^jump out of range from insn (\d+)/, /^insn (\d+) /];
const TRAILER = [TIME, /^stack depth /, STATS, /^Live regs before insn:/];
const OBJECT_ERROR = /^(?:Error: |libbpf: .*(?:failed|[Ee]rror))/;

function program(programs: Map<string, KernelProgramLog>, name: string): KernelProgramLog {
  let p = programs.get(name);
  if (!p) {
    p = { name, verdict: 'not-loaded', error: null, log: [] };
    programs.set(name, p);
  }
  return p;
}

/** Splits bpftool's output into programs and their verifier logs. Never throws. */
export function parseKernelLoadLog(output: string): KernelLoadLog {
  const programs = new Map<string, KernelProgramLog>();
  const objectErrors: string[] = [];
  let inLog: KernelProgramLog | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (inLog) {
      if (line === '-- END PROG LOAD LOG --') inLog = undefined;
      else inLog.log.push(line);
      continue;
    }
    const found = FOUND_PROG.exec(line);
    if (found) { program(programs, found[1]); continue; }
    const m = PROG_LINE.exec(line);
    if (!m) {
      if (OBJECT_ERROR.test(line)) objectErrors.push(line);
      continue;
    }
    const p = program(programs, m[1]);
    const what = m[2];
    if (what === '-- BEGIN PROG LOAD LOG --') inLog = p;
    else if (/^failed to load|^BPF program load failed/.test(what)) p.verdict = 'reject';
    else if (what.startsWith("pinned at '")) {
      p.verdict = 'accept';
      p.pinnedAt = what.slice("pinned at '".length, -1);
    }
  }
  for (const p of programs.values()) summarize(p);
  return { programs: [...programs.values()], objectErrors };
}

/** Fills the statistics and, for a rejected program, the error from its log. */
function summarize(p: KernelProgramLog): void {
  for (const line of p.log) {
    const stats = STATS.exec(line);
    if (stats) {
      p.processedInsns = Number(stats[1]);
      p.totalStates = Number(stats[2]);
      p.peakStates = Number(stats[3]);
    }
    const time = TIME.exec(line);
    if (time) p.timeUs = Number(time[1]);
  }
  // libbpf prints the log of a program the kernel accepted even when a later
  // program fails and nothing gets pinned: the statistics line says it passed.
  if (p.verdict === 'not-loaded' && p.processedInsns !== undefined) p.verdict = 'accept';
  if (p.verdict === 'reject') p.error = kernelError(p.log);
}

/** The error at the end of a rejected program's log. */
export function kernelError(log: readonly string[]): KernelError {
  let lastInsn = -1;
  let lastInsnAt = -1;
  let source: KernelSourceLine | undefined;
  let sourceOfLast: KernelSourceLine | undefined;
  log.forEach((line, i) => {
    const src = SOURCE_LINE.exec(line);
    if (src) { source = { text: src[1], file: src[2], line: Number(src[3]) }; return; }
    const parsed = parseLogLine(line);
    if (parsed.kind === 'insn') {
      lastInsn = parsed.idx;
      lastInsnAt = i;
      sourceOfLast = source;
    }
  });
  const tail = log.slice(lastInsnAt + 1).filter((l) => l.trim() !== '' && !isStateOrTrailer(l));
  const message = tail[0] ?? 'the kernel rejected the program without a message';
  const named = INSN_IN_MESSAGE.map((re) => re.exec(message)).find((m) => m);
  const insn = lastInsnAt >= 0 ? lastInsn : named ? Number(named[1]) : -1;
  return { insn, message, detail: tail.slice(1), source: lastInsnAt >= 0 ? sourceOfLast : undefined };
}

function isStateOrTrailer(line: string): boolean {
  if (TRAILER.some((re) => re.test(line)) || SOURCE_LINE.test(line)) return true;
  const kind = parseLogLine(line).kind;
  return kind === 'state' || kind === 'branch' || kind === 'safe';
}

/**
 * The kernel's rejection as a diagnostic on its source line (0-based), tagged
 * (spanning the whole line) with where it came from, e.g. `kernel (box, 6.18.0)`. Undefined when the
 * program was accepted or the log named no source line.
 */
export function kernelDiagnostic(p: KernelProgramLog, origin: string): Diagnostic | undefined {
  if (!p.error) return undefined;
  const { source, message, detail, insn } = p.error;
  const text = [`${origin}: ${p.name}: ${message}`, ...detail].join('\n');
  const diagnostic: Diagnostic = { severity: 'error', code: 'kernel/rejected', message: text, insnIdx: insn >= 0 ? insn : undefined };
  if (!source) return diagnostic;
  return { ...diagnostic, span: { line: source.line - 1, col: 0, endLine: source.line, endCol: 0 } };
}
