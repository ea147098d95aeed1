// Why the verifier rejected a program, told as places in the source: the
// instruction where the offending register got the type or bounds the error
// complains about (read back along the failing path of the verifier log), and
// for the common mistakes where the missing check belongs (quick fixes build
// on these). Pure: report + locator in, notes out.

import { parseVerifierLog, type LogLine, type Span, type VerifierErrorReport } from '../../src-vm/index';

export interface CauseNote {
  insnIdx: number;
  message: string;
  /** `origin`: where the register got its type or bounds; `missing-check`: where a check belongs (quick fixes use it). */
  role: 'origin' | 'missing-check';
  /** The register the note is about. */
  regno: number;
}

type InsnLine = Extract<LogLine, { kind: 'insn' }>;

/** The register the message is about: the first `R<n>` in it or in its detail lines. */
export function offendingRegister(error: VerifierErrorReport): number | undefined {
  for (const text of [error.message, ...error.detail]) {
    const m = /\bR(\d+)\b/.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Index of the last element before `end` that passes `test`, or -1. */
function lastIndex<T>(items: readonly T[], test: (item: T) => boolean, end = items.length): number {
  for (let i = end - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

/** The instruction lines of the failing path, oldest first, ending just before the error instruction. */
export function failingPath(log: readonly string[], errorInsn: number): InsnLine[] {
  const lines = parseVerifierLog(log.join('\n'));
  let i = lastIndex(lines, (l) => l.kind === 'insn' && l.idx === errorInsn);
  if (i < 0) return [];
  const path: InsnLine[] = [];
  for (i--; i >= 0; i--) {
    const line = lines[i];
    if (line.kind === 'insn') path.push(line);
    else if (line.kind === 'branch') {
      // The path resumed here from the branch at `from`: continue before that instruction.
      const at = lastIndex(lines, (l) => l.kind === 'insn' && l.idx === line.from, i);
      if (at < 0) break;
      i = at + 1;
    }
  }
  return path.reverse();
}

function writes(line: InsnLine, reg: number): boolean {
  if (/^call\b/.test(line.asm)) return reg <= 5;
  return new RegExp(`^[rw]${reg}\\s*(?:[-+*/%&|^]|<<|>>|s>>)?=`).test(line.asm);
}

function stateOf(line: InsnLine, reg: number): string | undefined {
  return line.state.find((s) => s.regno === reg && s.name === `R${reg}`)?.text;
}

function callee(line: InsnLine): string {
  return /^call\s+([\w]+?)(?:#\d+)?$/.exec(line.asm)?.[1] ?? 'the call';
}

/** A note at the writer for the few mistakes whose fix is a missing check. */
function missingCheck(error: VerifierErrorReport, reg: number, writer: InsnLine): CauseNote | undefined {
  const text = [error.message, ...error.detail].join('\n');
  if (/_or_null/.test(text)) {
    return { insnIdx: writer.idx, regno: reg, role: 'missing-check', message: `R${reg} may be NULL after this: compare it with 0 (if (!ptr) return …) before using it` };
  }
  const pkt = /invalid access to packet, off=(-?\d+) size=(\d+)/.exec(text);
  if (pkt) {
    const end = Number(pkt[1]) + Number(pkt[2]);
    return { insnIdx: writer.idx, regno: reg, role: 'missing-check', message: `no comparison with data_end covers offset ${end} of this packet pointer: check (void *)(ptr + ${end}) <= data_end before the access` };
  }
  if (/!read_ok/.test(text) && /^call\b/.test(writer.asm) && reg >= 1) {
    return { insnIdx: writer.idx, regno: reg, role: 'origin', message: `R${reg} is scratched by ${callee(writer)} (R1-R5 do not survive a call): set it again after the call` };
  }
  return undefined;
}

/** Where the offending register got its type or bounds, and where a check is missing. */
export function causesOf(error: VerifierErrorReport, log: readonly string[]): CauseNote[] {
  const reg = offendingRegister(error);
  if (reg === undefined || reg === 10) return [];
  const path = failingPath(log, error.insnIdx);
  const writer = path[lastIndex(path, (l) => writes(l, reg))] as InsnLine | undefined;
  if (!writer) return [];
  const state = stateOf(writer, reg);
  const how = /^call\b/.test(writer.asm)
    ? (reg === 0 ? `returned by ${callee(writer)} here` : `scratched by ${callee(writer)} here`)
    : `set here (${writer.asm.trim()})`;
  const notes: CauseNote[] = [{ insnIdx: writer.idx, regno: reg, role: 'origin', message: `R${reg}${state !== undefined && !(/^call\b/.test(writer.asm) && reg > 0) ? `=${state}` : ''} ${how}` }];
  const check = missingCheck(error, reg, writer);
  if (check) notes.push(check);
  return notes;
}

export interface PlacedCause {
  message: string;
  span: Span;
  role: CauseNote['role'];
  regno: number;
}

/** Placed notes: those whose instruction has a source position. */
export function placeCauses(notes: readonly CauseNote[], locate: (insnIdx: number) => Span | undefined): PlacedCause[] {
  return notes.flatMap((n) => {
    const span = locate(n.insnIdx);
    return span ? [{ message: n.message, span, role: n.role, regno: n.regno }] : [];
  });
}
