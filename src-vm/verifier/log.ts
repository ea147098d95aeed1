// The verifier log in the kernel's format (kernel/bpf/log.c and do_check's
// printing): at level 2 every processed instruction as
// `0: (61) r1 = *(u32 *)(r1 +0)          ; R1=pkt(r=0)` (the registers the
// instruction touched), full states where paths start (`from 4 to 10: ...`),
// pruned paths (`7: safe`), source lines (`; x = 1; @ file.c:3`), and the
// closing statistics. Level 1 prints the same lines but keeps only the path
// that is being explored: when a path ends, its lines are dropped back to
// where the state it continues from was pushed (the kernel's pop_log), so a
// rejected program's log is the path that failed; it has no `from X to Y`
// headers, and the statistics without `stack depth`.

import { formatKernelInsn } from '../asm/disasmKernel';
import type { Insn } from '../isa/insn';
import { type LineTable, verifierSourceLine } from '../elf/lineTable';
import { formatReg } from './regState';
import { formatStack } from './stackState';
import { type FuncState, formatFrame, formatRefs, formatState, type VerifierState } from './state';

export type LogLevel = 0 | 1 | 2;

const LOG_ALIGNMENT = 40;
const LOG_MIN_ALIGNMENT = 8;

/** vlog_alignment: spaces after an instruction before its `;` state. */
export function stateColumnPad(insnTextLength: number): number {
  const pos = insnTextLength + 1;
  const col = Math.ceil(Math.max(pos + LOG_MIN_ALIGNMENT / 2, LOG_ALIGNMENT) / LOG_MIN_ALIGNMENT) * LOG_MIN_ALIGNMENT;
  return col - pos - 1;
}

export class VerifierLog {
  readonly lines: string[] = [];
  private lastSourceRecord = -1;

  constructor(readonly level: LogLevel, private readonly insns: readonly Insn[], private readonly lineTable?: LineTable) {}

  get verbose(): boolean {
    return this.level >= 2;
  }

  /** Where the log ends now, for `rewind` when the path pushed here is explored. */
  mark(): number {
    return this.lines.length;
  }

  /** Level 1: the lines of finished paths are dropped back to where the next path was pushed. */
  rewind(mark: number): void {
    if (this.level === 1 && mark < this.lines.length) this.lines.length = mark;
  }

  /** The full state where a path starts: `0: R1=ctx() R10=fp0` or `from 4 to 10: ...`. */
  pathStart(st: VerifierState, from: number | undefined): void {
    if (this.level === 0 || (from !== undefined && !this.verbose)) return;
    const items = formatState(st).join(' ');
    if (from !== undefined) {
      this.lines.push('', `from ${from} to ${st.pc}: ${items}`);
    }
    this.lines.push(`${st.pc}: ${items}`);
  }

  pruned(pc: number): void {
    if (this.level > 0) this.lines.push(`${pc}: safe`);
  }

  /** The instruction line, with the touched registers and stack slots after it. */
  insn(pc: number, st: VerifierState | undefined, touched: readonly number[], touchedSlot?: number): void {
    if (this.level === 0) return;
    this.sourceLine(pc);
    const text = `${pc}: ${formatKernelInsn(this.insns, pc)}`;
    if (!st) { this.lines.push(text); return; }
    const f = st.cur;
    const items = [...new Set(touched)].sort((a, b) => a - b)
      .filter((r) => f.regs[r].type !== 'not_init')
      .map((r) => `R${r}=${formatReg(f.regs[r], f.frameno)}`);
    if (touchedSlot !== undefined) {
      const slot = formatStack(f.stack, f.frameno).find((s) => s.startsWith(`fp${touchedSlot}=`));
      if (slot) items.push(slot);
    }
    const refs = formatRefs(st);
    if (refs && (items.length || touched.length)) items.push(refs); // a scratched state prints its references
    if (f.frameno && (items.length || touched.length)) items.unshift(`frame${f.frameno}:`);
    // Scratched registers that print nothing (R0 of a void helper) still leave the kernel's bare `;`.
    const suffix = items.length ? `; ${items.join(' ')}` : touched.length ? ';' : '';
    this.lines.push(suffix ? `${text}${' '.repeat(stateColumnPad(text.length))}${suffix}` : text);
  }

  /** verbose_linfo: a record's line once, and not again for a record of the same file and line (another column). */
  /** A bpf-to-bpf call entered: both frames in full, then the callee's first state (check_func_call's dump). */
  callEntry(st: VerifierState, target: number): void {
    if (this.level === 0) return;
    const callee = st.cur, caller = st.frames[st.frames.length - 2];
    // The caller's R1-R5 are already cleared when the kernel prints it (clear_caller_saved_regs).
    const callerItems = formatFrame(caller).filter((item) => !/^R[1-5]=/.test(item));
    this.lines.push('caller:', ` ${callerItems.join(' ')}`, 'callee:', ` ${formatFrame(callee).join(' ')}`);
    this.lines.push(`${target}: ${formatFrame(callee).join(' ')}`);
  }

  /** A subprogram returned to `retPc`: the callee's last frame and the caller's frame (prepare_func_exit's dump). */
  callReturn(callee: FuncState, caller: FuncState, retPc: number): void {
    if (this.level === 0) return;
    this.lines.push('returning from callee:', ` ${formatFrame(callee).join(' ')}`, `to caller at ${retPc}:`, ` ${formatFrame(caller).join(' ')}`);
  }

  /** print_insn_state on a line of its own (`1: R0=0`): registers scratched after a dump, before `pc` runs. */
  scratchedState(pc: number, st: VerifierState, regs: readonly number[]): void {
    if (this.level === 0) return;
    const f = st.cur;
    const items = regs.filter((r) => f.regs[r].type !== 'not_init').map((r) => `R${r}=${formatReg(f.regs[r], f.frameno)}`);
    if (f.frameno) items.unshift(`frame${f.frameno}:`);
    this.lines.push(`${pc}: ${items.join(' ')}`);
  }

  private sourceLine(pc: number): void {
    if (!this.lineTable) return;
    const k = pc < this.lineTable.insnCount ? this.lineTable.recordOfSlot[pc] : -1;
    if (k < 0 || k === this.lastSourceRecord) return;
    const loc = this.lineTable.records[k];
    const prev = this.lastSourceRecord >= 0 ? this.lineTable.records[this.lastSourceRecord] : undefined;
    if (prev && prev.fileName === loc.fileName && prev.line === loc.line) return;
    this.lastSourceRecord = k;
    this.lines.push(verifierSourceLine(loc));
  }

  /** The failing instruction (always shown, as the kernel's log ends with it) and its message lines. */
  error(pc: number, message: string, detail: readonly string[]): void {
    if (this.level === 0) return;
    if (pc >= 0) { // errors found after the walk (combined stack size) belong to no instruction
      this.sourceLine(pc);
      this.lines.push(`${pc}: ${formatKernelInsn(this.insns, pc)}`);
    }
    this.lines.push(message, ...detail);
  }

  summary(stackDepths: readonly number[], stats: { processed: number; maxStatesPerInsn: number; totalStates: number; peakStates: number }): void {
    if (this.level === 0) return;
    if (this.verbose) this.lines.push(`stack depth ${stackDepths.join('+')}`);
    this.lines.push(`processed ${stats.processed} insns (limit 1000000) max_states_per_insn ${stats.maxStatesPerInsn} ` +
      `total_states ${stats.totalStates} peak_states ${stats.peakStates} mark_read 0`);
  }
}
