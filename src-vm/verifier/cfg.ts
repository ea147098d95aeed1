// The verifier's control-flow pass, run before any state is explored: the
// kernel's add_subprog_and_kfunc + check_subprogs + the ldimm64 shape check of
// resolve_pseudo_ldimm64 + check_cfg. Finds subprogram boundaries from call
// targets, and rejects what the kernel rejects here with its exact words:
// bad call targets, jumps leaving their subprogram, falling off a subprogram,
// back-edges (unprivileged only), unreachable code, jumps into an lddw.
// Pure: takes instructions, returns plain data. Imports only the ISA tables.

import { LDDW_CODE, type Insn } from '../isa/insn';
import { CLS, JMP, PSEUDO_CALL, PSEUDO_LD } from '../isa/opcodes';

export interface Subprog {
  /** First instruction slot. */
  start: number;
  /** One past the last slot. */
  end: number;
}

export interface CfgError {
  /** The instruction the message is about. */
  insnIdx: number;
  /** The kernel's text, without the trailing newline. */
  message: string;
}

export interface CfgResult {
  /** Subprograms in address order; [0] is the main program. */
  subprogs: Subprog[];
  /** Errors in the order the kernel meets them: errors[0] is the one it prints. */
  errors: CfgError[];
  /** Control-flow successors of each slot (the second slot of an lddw has none; a call's are the fall-through, then the callee). */
  successors: number[][];
  /** Slots in depth-first postorder of the kernel's walk from instruction 0. */
  postorder: number[];
  /** Subprogram index of each slot. */
  subprogOf: number[];
  /** Where the kernel marks a prune point: branch and jump targets, conditional jumps, after calls. */
  prunePoints: boolean[];
}

export interface CfgOptions {
  /** CAP_BPF (default true): bounded loops and bpf-to-bpf calls are allowed. */
  privileged?: boolean;
}

/** The kernel's BPF_MAX_SUBPROGS. */
export const MAX_SUBPROGS = 256;

const isLdImm64 = (i: Insn): boolean => i.code === LDDW_CODE;
const isPseudoFunc = (i: Insn): boolean => isLdImm64(i) && i.src === PSEUDO_LD.FUNC;
const isCall = (i: Insn): boolean => i.code === (CLS.JMP | JMP.CALL);
const isPseudoCall = (i: Insn): boolean => isCall(i) && i.src === PSEUDO_CALL.LOCAL;
const isKfuncCall = (i: Insn): boolean => isCall(i) && i.src === PSEUDO_CALL.KFUNC;
const jmpClass = (i: Insn): boolean => (i.code & 7) === CLS.JMP || (i.code & 7) === CLS.JMP32;
const jmpOp = (i: Insn): number => i.code & 0xf0;

/** Where a jump (not call, not exit) goes: JMP32|JA takes its offset from imm. */
function jumpDest(i: Insn, idx: number): number {
  return i.code === (CLS.JMP32 | JMP.JA) ? idx + i.imm + 1 : idx + i.off + 1;
}

/** add_subprog_and_kfunc: subprogram starts from call and function-reference targets. */
function findSubprogs(insns: readonly Insn[], privileged: boolean, errors: CfgError[]): number[] | undefined {
  const starts = new Set<number>([0]);
  for (let i = 0; i < insns.length; i++) {
    const x = insns[i];
    if (!isPseudoFunc(x) && !isPseudoCall(x) && !isKfuncCall(x)) continue;
    if (!privileged) {
      errors.push({ insnIdx: i, message: 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN' });
      return undefined;
    }
    if (isKfuncCall(x)) continue; // kfuncs are resolved against BTF by the call checks
    const target = i + x.imm + 1;
    if (target < 0 || target >= insns.length) {
      errors.push({ insnIdx: i, message: 'call to invalid destination' });
      return undefined;
    }
    if (!starts.has(target) && starts.size >= MAX_SUBPROGS) {
      errors.push({ insnIdx: i, message: 'too many subprograms' });
      return undefined;
    }
    starts.add(target);
  }
  return [...starts].sort((a, b) => a - b);
}

/** check_subprogs: jumps stay inside their subprogram, which ends in exit or ja. Stops at the first error, like the kernel. */
function checkSubprogs(insns: readonly Insn[], subprogs: readonly Subprog[], errors: CfgError[]): boolean {
  for (const sp of subprogs) {
    for (let i = sp.start; i < sp.end; i++) {
      const x = insns[i];
      if (jmpClass(x) && jmpOp(x) !== JMP.EXIT && jmpOp(x) !== JMP.CALL) {
        const dest = jumpDest(x, i);
        if (dest < sp.start || dest >= sp.end) {
          errors.push({ insnIdx: i, message: `jump out of range from insn ${i} to ${dest}` });
          return false;
        }
      }
    }
    const last = insns[sp.end - 1].code;
    if (last !== (CLS.JMP | JMP.EXIT) && last !== (CLS.JMP32 | JMP.JA) && last !== (CLS.JMP | JMP.JA)) {
      errors.push({ insnIdx: sp.end - 1, message: 'last insn is not an exit or jmp' });
      return false;
    }
  }
  return true;
}

/** resolve_pseudo_ldimm64's shape check: an lddw is followed by a slot with only imm set. */
function checkLdImm64Shape(insns: readonly Insn[], errors: CfgError[]): boolean {
  for (let i = 0; i < insns.length; i++) {
    if (!isLdImm64(insns[i])) continue;
    const next = insns[i + 1];
    if (!next || next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
      errors.push({ insnIdx: i, message: 'invalid bpf_ld_imm64 insn' });
      return false;
    }
    i++;
  }
  return true;
}

/** Successor edges of slot t as the kernel's visit_insn pushes them: [fall-through, branch?]. */
export function insnEdges(insns: readonly Insn[], t: number): { fall?: number; branch?: number } {
  const x = insns[t];
  if (isPseudoFunc(x)) return { fall: t + 2, branch: t + x.imm + 1 };
  if (!jmpClass(x)) return { fall: t + (isLdImm64(x) ? 2 : 1) };
  switch (jmpOp(x)) {
    case JMP.EXIT: return {};
    case JMP.CALL: return isPseudoCall(x) ? { fall: t + 1, branch: t + x.imm + 1 } : { fall: t + 1 };
    case JMP.JA: return { fall: jumpDest(x, t) };
    default: return { fall: t + 1, branch: t + x.off + 1 };
  }
}

const DISCOVERED = 0x10, EXPLORED = 0x20, FALL = 1, BRANCH = 2;

/** check_cfg's iterative depth-first walk; records postorder and stops at the first error. */
function walk(insns: readonly Insn[], privileged: boolean, out: CfgResult): boolean {
  const state = new Array<number>(insns.length).fill(0);
  const stack = [0];
  state[0] = DISCOVERED;
  while (stack.length > 0) {
    const t = stack[stack.length - 1];
    const edges = insnEdges(insns, t);
    let next: number | undefined;
    for (const [e, w] of [[FALL, edges.fall], [BRANCH, edges.branch]] as const) {
      if (w === undefined || state[t] >= (DISCOVERED | e)) continue;
      if (w < 0 || w >= insns.length) {
        out.errors.push({ insnIdx: t, message: `jump out of range from insn ${t} to ${w}` });
        return false;
      }
      if (state[w] === 0) {
        state[t] = DISCOVERED | e;
        state[w] = DISCOVERED;
        next = w;
        break;
      }
      if ((state[w] & 0xf0) === DISCOVERED && !privileged) {
        out.errors.push({ insnIdx: t, message: `back-edge from insn ${t} to ${w}` });
        return false;
      }
      // A back-edge when privileged (a bounded loop, left to the state walk) or a
      // forward/cross edge: either way the kernel goes on to this insn's next edge.
      if (state[w] === EXPLORED) state[t] = DISCOVERED | e;
    }
    if (next !== undefined) { stack.push(next); continue; }
    state[t] = EXPLORED;
    out.postorder.push(t);
    stack.pop();
  }
  return checkAllExplored(insns, state, out.errors);
}

/** The closing scan of check_cfg: every slot reached, and no jump into an lddw's second half. */
function checkAllExplored(insns: readonly Insn[], state: readonly number[], errors: CfgError[]): boolean {
  for (let i = 0; i < insns.length; i++) {
    if (state[i] !== EXPLORED) {
      errors.push({ insnIdx: i, message: `unreachable insn ${i}` });
      return false;
    }
    if (isLdImm64(insns[i])) {
      if (state[i + 1] !== 0) {
        errors.push({ insnIdx: i, message: `jump into the middle of ldimm64 insn ${i}` });
        return false;
      }
      i++;
    }
  }
  return true;
}

function markStructure(insns: readonly Insn[], out: CfgResult): void {
  for (let t = 0; t < insns.length; t++) {
    const x = insns[t];
    const { fall, branch } = insnEdges(insns, t);
    out.successors[t] = [fall, branch].filter((w): w is number => w !== undefined && w >= 0 && w < insns.length);
    markPrunePoints(x, t, fall, branch, out.prunePoints);
    if (isLdImm64(x)) t++; // the second half has no edges of its own
  }
}

/** The kernel's structural prune points (helper-specific ones, e.g. callback-calling helpers, are the call checks' business). */
function markPrunePoints(x: Insn, t: number, fall: number | undefined, branch: number | undefined, points: boolean[]): void {
  mark(points, branch);
  const op = jmpOp(x);
  if (jmpClass(x) && op !== JMP.EXIT && op !== JMP.CALL && op !== JMP.JA) points[t] = true;
  if (isCall(x) || isPseudoFunc(x) || (jmpClass(x) && op === JMP.JA)) mark(points, fall);
  if (isPseudoCall(x) || isPseudoFunc(x)) points[t] = true;
}

function mark(points: boolean[], at: number | undefined): void {
  if (at !== undefined && at >= 0 && at < points.length) points[at] = true;
}

/** The kernel's control-flow checks on a whole program (all subprograms, as loaded). */
export function checkCfg(insns: readonly Insn[], options: CfgOptions = {}): CfgResult {
  const privileged = options.privileged ?? true;
  const n = insns.length;
  const out: CfgResult = {
    subprogs: [], errors: [], successors: Array.from({ length: n }, () => []), postorder: [],
    subprogOf: new Array<number>(n).fill(0), prunePoints: new Array<boolean>(n).fill(false),
  };
  if (n === 0) return out;
  const starts = findSubprogs(insns, privileged, out.errors);
  if (!starts) return out;
  out.subprogs = starts.map((start, k) => ({ start, end: starts[k + 1] ?? n }));
  out.subprogs.forEach((sp, k) => out.subprogOf.fill(k, sp.start, sp.end));
  markStructure(insns, out);
  if (!checkSubprogs(insns, out.subprogs, out.errors)) return out;
  if (!checkLdImm64Shape(insns, out.errors)) return out;
  walk(insns, privileged, out);
  return out;
}
