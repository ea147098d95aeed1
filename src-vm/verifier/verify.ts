// The verifier's driver (the kernel's bpf_check/do_check): control flow first
// (cfg.ts), then depth-first abstract interpretation of every path with a
// worklist of forked states, pruning at the kernel's prune points against
// states already verified (state.ts), loop detection, the 1,000,000 processed
// instruction limit, and the log (log.ts). Returns a VerifierReport; only a
// broken invariant of our own throws (InternalError).

import type { Insn } from '../isa/insn';
import { lddwImm64 } from '../isa/insn';
import { type LineTable, locationAt } from '../elf/lineTable';
import { checkCfg } from './cfg';
import type { AttachTypeName } from '../elf/bpfEnums';
import type { ProgType, VerifyEnv } from './env';
import { reject, VerifierError } from './errors';
import { computeLiveRegs } from './liveness';
import { VerifierLog, type LogLevel } from './log';
import { constScalar, formatReg, type MapRef, pointerReg } from './regState';
import { formatState, initialState, stateClone, stateSubsumes, type VerifierState } from './state';
import { checkAlu } from './checks/alu';
import { checkHelperCall } from './checks/call';
import { checkExit } from './checks/exit';
import { checkCondJump } from './checks/jmp';
import { checkLdAbs, exitAfterLdAbs } from './checks/ldAbs';
import { checkBtfFuncReturns } from './checks/btfFuncRules';
import { checkMayGoto } from './checks/mayGoto';
import { returnFromCallback } from './checks/callbacks';
import { type LoopInfo, loopInfo, onPathVerdict } from './loopConvergence';
import { enterSubprog, returnFromSubprog } from './checks/subprogCall';
import { checkMaxStackDepth } from './checks/stackDepth';
import { checkAtomic, checkLoad, checkStore } from './checks/mem';
import { checkMapProgCompat } from './mapProgCompat';
import { checkWrite } from './checks/regCheck';
import { checkGlobalExit, type GlobalCallee, GlobalFuncs, globalEntryState, type SubprogSignature } from './checks/globalFunc';
import { checkCallUnderLock } from './checks/spinLock';
import { isTailCall, returnAfterTailCall } from './checks/tailCall';

export const INSN_LIMIT = 1_000_000;

export interface VerifierProgram {
  insns: readonly Insn[];
  type: ProgType;
  /** The expected attach type (from the section name), for rules that depend on it. */
  attach?: AttachTypeName;
  /** Maps an `r1 = map[...]` lddw refers to, by the index in its imm field. */
  maps?: readonly MapRef[];
  lineTable?: LineTable;
  /** The object's license string: GPL-only helpers need a GPL-compatible one. */
  license?: string;
  /** Loaded with BPF_F_SLEEPABLE (the section name says so); syscall programs are regardless. */
  sleepable?: boolean;
  /** Functions with func_info (from BTF): global ones are verified on their own and checked at each call by signature. */
  subprogs?: readonly SubprogSignature[];
}

export interface VerifierOptions {
  logLevel?: LogLevel;
  /** Keep the printed state before each instruction (at most 16 per instruction). */
  recordStates?: boolean;
}

export interface VerifierErrorReport {
  insnIdx: number;
  /** Our stable category of the rejection ('pkt-access', 'stack-read', 'ref-leak', …), for diagnostic codes. */
  code: string;
  message: string;
  detail: string[];
  file?: string;
  line?: number;
  column?: number;
}

export interface VerifierReport {
  verdict: 'accept' | 'reject';
  error?: VerifierErrorReport;
  log: string[];
  processedInsns: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
  /** Bytes of stack per subprogram. */
  stackDepth: number[];
  statesAt?: Map<number, string[]>;
}

const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

/** A forked state waiting to be explored; `logMark` is where the log ended when it was pushed. */
interface Pending { state: VerifierState; from: number; logMark: number }

type StepOutcome = { next: number } | { done: true } | VerifierError;

class Explorer {
  readonly env: VerifyEnv;
  readonly log: VerifierLog;
  readonly prunePoints: boolean[];
  readonly globals: GlobalFuncs;
  /** The subprogram the current pass starts in: 0, or the global function being verified. */
  private rootSubprog = 0;
  private readonly stored: VerifierState[][] = [];
  private readonly worklist: Pending[] = [];
  processed = 0;
  totalStates = 0;
  /** Stored states not forgotten yet, and their maximum. */
  liveStates = 0;
  peakStates = 0;
  maxStatesPerInsn = 0;
  /** Stack bytes used per subprogram. */
  readonly stackDepths: number[];
  private jmps = 0;
  private lastCheckpointJmps = 0;
  private lastCheckpointInsns = 0;
  readonly statesAt?: Map<number, string[]>;

  constructor(
    readonly program: VerifierProgram, opts: VerifierOptions, prunePoints: boolean[], private readonly subprogOf: number[],
    subprogCount: number, private readonly liveRegs: Uint16Array, private readonly loops: LoopInfo,
  ) {
    this.stackDepths = new Array<number>(subprogCount).fill(0);
    this.env = { insns: program.insns, progType: program.type, attach: program.attach, sleepable: isSleepable(program), maps: program.maps ?? [], idGen: 0, forks: [] };
    this.log = new VerifierLog(opts.logLevel ?? 2, program.insns, program.lineTable);
    this.prunePoints = prunePoints;
    this.globals = new GlobalFuncs(program.subprogs, program.insns, subprogOf);
    if (opts.recordStates) this.statesAt = new Map();
  }

  /** The main program, then every global function it (transitively) calls (do_check_main, do_check_subprogs). */
  run(): VerifierError | undefined {
    if (this.globals.mainRefusal && this.log.level > 0) this.log.lines.push(this.globals.mainRefusal);
    const err = this.runPass(initialState());
    if (err) return err;
    for (let g = this.globals.nextToVerify(); g; g = this.globals.nextToVerify()) {
      if (this.log.level > 0) this.log.lines.push(`Validating ${g.sig.name}() func#${g.index}...`);
      this.rootSubprog = g.index;
      this.stored.length = 0; // free_states: each pass prunes only against its own states
      const gErr = this.runPass(globalEntryState(this.env, g.sig));
      if (gErr) return gErr;
      if (this.log.level > 0) this.log.lines.push(`Func#${g.index} ('${g.sig.name}') is safe for any args that match its prototype`);
    }
    return undefined;
  }

  private runPass(start: VerifierState): VerifierError | undefined {
    let cur: VerifierState | undefined = start;
    this.log.pathStart(cur, undefined);
    let from: number | undefined;
    // Errors found between instructions belong to the one the log showed last (the kernel's prev_insn_idx).
    let prevPc = start.pc;
    while (cur) {
      if (++this.processed > INSN_LIMIT) {
        return reject(prevPc, 'too-large', `BPF program is too large. Processed ${this.processed} insn`);
      }
      const visit = this.prunePoints[cur.pc] ? this.visit(cur, from ?? prevPc) : 'go';
      if (visit instanceof VerifierError) return visit;
      prevPc = cur.pc;
      if (visit === 'go') {
        if (from !== undefined) this.log.pathStart(cur, from);
        this.record(cur);
        const out = this.step(cur);
        if (out instanceof VerifierError) return out;
        for (const fork of this.env.forks.splice(0)) this.push(fork, cur.pc);
        if ('next' in out) { cur.pc = out.next; from = undefined; continue; }
      } else {
        this.log.pruned(cur.pc);
      }
      this.finishPath(cur);
      const nextPath = this.worklist.pop();
      if (nextPath) this.log.rewind(nextPath.logMark);
      cur = nextPath?.state;
      from = nextPath?.from;
    }
    this.log.rewind(0); // level 1 keeps no path of a program that passed (do_check_common)
    return undefined;
  }

  private record(st: VerifierState): void {
    if (!this.statesAt) return;
    const list = this.statesAt.get(st.pc) ?? [];
    if (list.length < 16) list.push(formatState(st).join(' '));
    this.statesAt.set(st.pc, list);
  }

  private push(fork: VerifierState, from: number): void {
    if (fork.parent) fork.parent.branches++;
    this.worklist.push({ state: fork, from, logMark: this.log.mark() });
  }

  /** Each frame's stack use, per subprogram (the kernel's subprog[].stack_depth). */
  recordStackDepths(st: VerifierState): void {
    st.frames.forEach((f, k) => {
      const call = this.program.insns[f.callsite];
      const sub = k === 0 ? this.rootSubprog : this.subprogOf[f.callsite + 1 + call.imm];
      this.stackDepths[sub] = Math.max(this.stackDepths[sub] ?? 0, f.stack.allocated);
    });
  }

  private finishPath(st: VerifierState): void {
    this.recordStackDepths(st);
    for (let p = st.parent; p; p = p.parent) {
      if (--p.branches > 0) break;
    }
  }

  /** is_state_visited: 'prune' when a verified state covers cur, else maybe store a checkpoint. */
  private visit(cur: VerifierState, prevPc: number): 'prune' | 'go' | VerifierError {
    const list = this.stored[cur.pc] ?? (this.stored[cur.pc] = []);
    // The kernel counts the states it compared (states_cnt) and records the most only when none matched.
    const compared = list.length;
    for (let k = 0; k < list.length; k++) {
      const old = list[k];
      if (old.branches === 0) {
        if (stateSubsumes(old, cur, this.liveRegs[cur.pc])) { old.hits++; return 'prune'; }
      } else {
        const verdict = onPathVerdict(this.loops, cur.pc, old, cur);
        if (verdict === 'prune') { old.hits++; return 'prune'; }
        if (verdict === 'loop') return reject(prevPc, 'loop', `infinite loop detected at insn ${cur.pc}`);
      }
      // The kernel forgets states that keep failing to match (miss_cnt > hit_cnt * 3 + 3); a forgotten
      // state only keeps its place in the parent chain (branch counts), not its registers and stack.
      if (++old.misses > old.hits * 3 + 3) {
        list.splice(k--, 1);
        old.frames = [];
        this.liveStates--;
      }
    }
    this.maxStatesPerInsn = Math.max(this.maxStatesPerInsn, compared);
    if (this.loops.forceCheckpoint[cur.pc] || (this.jmps - this.lastCheckpointJmps >= 2 && this.processed - this.lastCheckpointInsns >= 8)) {
      const cp = stateClone(cur);
      cp.branches = 1;
      cp.parent = cur.parent;
      cur.parent = cp;
      list.push(cp);
      this.totalStates++;
      this.peakStates = Math.max(this.peakStates, ++this.liveStates);
      this.lastCheckpointJmps = this.jmps;
      this.lastCheckpointInsns = this.processed;
    }
    return 'go';
  }

  private step(st: VerifierState): StepOutcome {
    const pc = st.pc;
    const i = this.program.insns[pc];
    const cls = i.code & 7;
    if (cls === 0x05 || cls === 0x06) { this.jmps++; return this.stepJump(st, pc, i); }
    const err = this.stepPlain(st, pc, i, cls);
    if (err) return err;
    if (cls === 0x00 && i.code !== 0x18 && st.frames.length > 1) {
      this.log.insn(pc, undefined, []); // the return dump follows the instruction, not its state
      return this.exitAfterLdAbs(st, pc);
    }
    this.logInsn(st, pc, i);
    return { next: pc + (i.code === 0x18 ? 2 : 1) };
  }

  /** LD_ABS/IND in a subprogram may end it (the hidden `exit` with r0 = 0 bpf_gen_ld_abs emits): that return is explored too. */
  private exitAfterLdAbs(st: VerifierState, pc: number): StepOutcome {
    const back = exitAfterLdAbs(this.env, st, pc);
    if (back instanceof VerifierError) return back;
    this.log.callReturn(back.callee, st.cur, back.next);
    this.log.scratchedState(back.next, st, [0]); // check_ld_abs marked R0 scratched before the exit
    return { next: back.next };
  }

  private stepPlain(st: VerifierState, pc: number, i: Insn, cls: number): VerifierError | undefined {
    switch (cls) {
      case 0x04: case 0x07: return checkAlu(this.env, st, pc, i);
      case 0x01: return checkLoad(this.env, st, pc, i);
      case 0x02: return checkStore(this.env, st, pc, i);
      case 0x03: return (i.code & 0xe0) === 0xc0 ? checkAtomic(this.env, st, pc, i) : checkStore(this.env, st, pc, i);
      default: return i.code === 0x18 ? this.stepLddw(st, pc, i) : checkLdAbs(this.env, st, pc, i);
    }
  }

  private stepLddw(st: VerifierState, pc: number, i: Insn): VerifierError | undefined {
    const err = checkWrite(pc, i.dst);
    if (err) return err;
    const regs = st.cur.regs;
    if (i.src === 0) { regs[i.dst] = constScalar(lddwImm64(this.program.insns, pc)); return undefined; }
    if (i.src === 4) { regs[i.dst] = pointerReg('func'); regs[i.dst].subprogno = pc + 1 + i.imm; return undefined; } // BPF_PSEUDO_FUNC
    // BPF_PSEUDO_MAP_FD / _VALUE (1, 2) and the loader's fd-less BPF_PSEUDO_MAP_IDX / _IDX_VALUE (5, 6).
    const isValue = i.src === 2 || i.src === 6;
    const map = this.env.maps[i.imm];
    if (![1, 2, 5, 6].includes(i.src) || !map) return reject(pc, 'map-fd', `fd ${i.imm} is not pointing to valid bpf_map`);
    const r = pointerReg(isValue ? 'map_value' : 'map_ptr', isValue ? this.program.insns[pc + 1].imm : 0);
    r.map = map;
    regs[i.dst] = r;
    return undefined;
  }

  private stepJump(st: VerifierState, pc: number, i: Insn): StepOutcome {
    const op = i.code & 0xf0;
    if (op === 0x90) { // exit
      this.recordStackDepths(st);
      if (st.frames.length > 1) {
        const callee = st.cur;
        const back = st.cur.callback ? returnFromCallback(this.loops, st, pc) : returnFromSubprog(st, pc);
        if (back instanceof VerifierError) return back;
        this.log.insn(pc, undefined, []);
        if (!callee.callback && 'next' in back) this.log.callReturn(callee, st.cur, back.next);
        return back;
      }
      const err = this.rootSubprog ? checkGlobalExit(st, pc) : checkExit(this.env, st, pc);
      if (err) return err;
      this.log.insn(pc, undefined, []);
      return { done: true };
    }
    if (op === 0x80) {
      const locked = checkCallUnderLock(st, pc, i);
      if (locked) return locked;
      if (i.src === 1) {
        const global = this.globals.at(pc + 1 + i.imm);
        if (global) return this.stepGlobalCall(st, pc, global);
        const into = enterSubprog(st, pc, i);
        if (!(into instanceof VerifierError)) {
          this.log.insn(pc, undefined, []);
          if ('next' in into) this.log.callEntry(st, into.next);
        }
        return into;
      }
      if (i.src !== 0) return reject(pc, 'unsupported', 'kfunc calls are not modelled by this verifier yet');
      const gpl = GPL_COMPATIBLE.has(this.program.license ?? '');
      const err = checkHelperCall(this.env, st, pc, i, gpl);
      if (err) return err;
      if (isTailCall(i) && st.frames.length > 1) return this.returnAfterTailCall(st, pc);
      this.log.insn(pc, st, [0]);
      return { next: pc + 1 };
    }
    if (op === 0x00) { this.log.insn(pc, undefined, []); return { next: pc + 1 + ((i.code & 7) === 0x06 ? i.imm : i.off) }; }
    if (op === 0xe0) {
      const out = checkMayGoto(this.env, this.loops, st, pc, i);
      if (!(out instanceof VerifierError)) this.log.insn(pc, undefined, []);
      return out;
    }
    const res = checkCondJump(this.env, st, pc, i);
    if ('error' in res) return res.error;
    this.log.insn(pc, st, (i.code & 0x08) ? [i.dst, i.src] : [i.dst]);
    return res;
  }

  /** A call of a global function: checked against its signature, not entered (check_func_call's global path). */
  private stepGlobalCall(st: VerifierState, pc: number, callee: GlobalCallee): StepOutcome {
    const err = this.globals.call(this.env, st, pc, callee);
    if (err) return err;
    this.log.insn(pc, undefined, []);
    if (this.log.level > 0) {
      const f = st.cur;
      this.log.lines.push(`Func#${callee.index} ('${callee.sig.name}') is global and assumed valid.`,
        `${pc + 1}:${f.frameno ? ` frame${f.frameno}:` : ''} R0=${formatReg(f.regs[0], f.frameno)}`);
    }
    return { next: pc + 1 };
  }

  private returnAfterTailCall(st: VerifierState, pc: number): StepOutcome {
    const back = returnAfterTailCall(this.env, st, pc);
    if (back instanceof VerifierError) return back;
    this.log.insn(pc, undefined, []);
    this.log.callReturn(back.callee, st.cur, back.next);
    return { next: back.next };
  }

  private logInsn(st: VerifierState, pc: number, i: Insn): void {
    if (this.log.level === 0) return;
    const cls = i.code & 7;
    const useX = (i.code & 0x08) !== 0;
    const touched = cls === 0x01 ? [i.dst, i.src] : cls === 0x02 ? [i.dst] : cls === 0x03 ? [i.dst, i.src] : useX ? [i.dst, i.src] : [i.dst];
    const base = cls === 0x01 ? st.cur.regs[i.src] : st.cur.regs[i.dst];
    const slot = (cls <= 0x03 && i.code !== 0x18) && base.type === 'stack' ? Math.floor((base.off + i.off) / 8) * 8 : undefined;
    this.log.insn(pc, st, touched, slot);
  }
}

/** Verifies one program as the kernel would (privileged: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN). */
export function verifyProgram(program: VerifierProgram, opts: VerifierOptions = {}): VerifierReport {
  const cfg = checkCfg(program.insns);
  const live = computeLiveRegs(program.insns, cfg.successors);
  const loops = loopInfo(program.insns, cfg.successors, cfg.prunePoints);
  const explorer = new Explorer(program, opts, cfg.prunePoints, cfg.subprogOf, Math.max(cfg.subprogs.length, 1), live, loops);
  // Before any instruction is explored: the maps the program names (resolve_pseudo_ldimm64), then check_cfg.
  const early = checkMapProgCompat(program.insns, program.maps ?? [], program.type, isSleepable(program)) ??
    (cfg.errors.length > 0 ? reject(cfg.errors[0].insnIdx, 'cfg', cfg.errors[0].message) : undefined) ??
    checkBtfFuncReturns(program.insns, program.subprogs);
  const err = early ?? explorer.run() ?? checkMaxStackDepth({
    insns: program.insns, starts: cfg.subprogs.map((sp) => sp.start), subprogOf: cfg.subprogOf, depths: explorer.stackDepths,
    progType: program.type, attach: program.attach,
  });
  if (err) {
    if (early) explorer.log.lines.push(err.message, ...err.trail);
    else explorer.log.error(err.insnIdx, err.message, err.trail);
  }
  const stats = { processed: Math.min(explorer.processed, INSN_LIMIT + 1), maxStatesPerInsn: explorer.maxStatesPerInsn, totalStates: explorer.totalStates, peakStates: explorer.peakStates };
  explorer.log.summary(explorer.stackDepths, stats);
  return {
    verdict: err ? 'reject' : 'accept',
    error: err && errorReport(err, program.lineTable),
    log: explorer.log.lines,
    processedInsns: stats.processed,
    totalStates: stats.totalStates,
    peakStates: stats.peakStates,
    maxStatesPerInsn: stats.maxStatesPerInsn,
    stackDepth: explorer.stackDepths,
    statesAt: explorer.statesAt,
  };
}

function isSleepable(program: VerifierProgram): boolean {
  return program.sleepable ?? program.type === 'syscall';
}

function errorReport(err: VerifierError, lineTable?: LineTable): VerifierErrorReport {
  const loc = lineTable && locationAt(lineTable, err.insnIdx);
  const report: VerifierErrorReport = { insnIdx: err.insnIdx, code: err.code, message: err.message, detail: [...err.trail] };
  if (loc) { report.file = loc.fileName; report.line = loc.line; report.column = loc.column; }
  return report;
}
