// Global (non-static) subprograms, as the kernel treats them: a call does not
// enter the callee but checks the caller's R1-R5 against the callee's
// signature (btf_check_func_arg_match), then R0 becomes an unknown scalar and
// R1-R5 unreadable ("Func#N ('f') is global and assumed valid."); every global
// function called is verified afterwards on its own (do_check_subprogs), its
// arguments set up from the signature alone. Signatures arrive already
// resolved (funcSignatures.ts): this module never sees BTF.

import { newId, type VerifyEnv } from '../env';
import { reject, type CheckResult, VerifierError } from '../errors';
import { hasConstOffset, notInit, pointerReg, regClone, type RegState, regTypeName, unknownScalar } from '../regState';
import { FuncState, VerifierState } from '../state';
import { checkCtxPtrOff } from './mem';
import { progTypeRules } from '../progTypes';
import type { ProgType } from '../env';
import { helperMemAccess } from './call';
import { CHANGES_PKT_DATA, clearAllPktPointers } from './pktInvalidate';
import type { Insn } from '../../isa/insn';

/** What an argument of a global function is, as btf_prepare_func_args decides it. */
export type GlobalArg =
  | { kind: 'scalar' }
  | { kind: 'ctx' }
  /** PTR_TO_MEM of `size` bytes (the pointee's size), `_or_null` unless `arg:nonnull`. */
  | { kind: 'mem'; size: number; nullable: boolean }
  /** `arg:arena`: the caller may pass an arena pointer or a scalar; the callee sees a scalar. */
  | { kind: 'arena' }
  /** Kinds this verifier does not model yet (trusted kernel pointers, dynptrs). */
  | { kind: 'unsupported'; what: string };

/** One function of the program that has a func_info record. */
export interface SubprogSignature {
  /** Its first instruction. */
  start: number;
  name: string;
  /** BTF linkage global: verified once on its own, not at each call. */
  global: boolean;
  args?: readonly GlobalArg[];
  /** The kernel's message refusing the signature (btf_prepare_func_args failed). */
  refused?: string;
  /** Its BTF return type is a small int or an enum (check_btf_func's scalar_return); undefined when unknown. */
  scalarReturn?: boolean;
}

export interface GlobalCallee {
  /** func#N: the subprogram's index. */
  index: number;
  sig: SubprogSignature;
}

/** The global functions of one program and which of them calls have reached (subprog_aux->called/verified). */
export class GlobalFuncs {
  private readonly byStart = new Map<number, GlobalCallee>();
  private readonly called = new Set<number>();
  private readonly verified = new Set<number>();
  /** Subprograms that call a helper changing packet data, themselves or through their callees (changes_pkt_data). */
  private readonly changesPkt: ReadonlySet<number>;
  /** What the kernel logs before the main program when its own signature is refused (do_check_common ignores it otherwise). */
  readonly mainRefusal: string | undefined;

  /** `subprogOf`: the subprogram index of every instruction (cfg.ts). */
  constructor(sigs: readonly SubprogSignature[] | undefined, insns: readonly Insn[], subprogOf: readonly number[]) {
    this.changesPkt = changesPktData(insns, subprogOf);
    this.mainRefusal = sigs?.find((sig) => sig.start === 0 && sig.global)?.refused;
    for (const sig of sigs ?? []) {
      const index = subprogOf[sig.start] ?? -1;
      if (sig.start > 0 && subprogOf[sig.start - 1] === index) continue; // not where a subprogram starts
      if (sig.global && index > 0) this.byStart.set(sig.start, { index, sig });
    }
  }

  /** The global function starting at `target`, if it is one. */
  at(target: number): GlobalCallee | undefined {
    return this.byStart.get(target);
  }

  /** The next global function called but not yet verified, lowest index first (one pass of do_check_subprogs). */
  nextToVerify(): GlobalCallee | undefined {
    const pending = [...this.byStart.values()].filter((c) => this.called.has(c.index) && !this.verified.has(c.index));
    pending.sort((a, b) => a.index - b.index);
    const next = pending[0];
    if (next) this.verified.add(next.index);
    return next;
  }

  /** check_func_call for a global callee: the arguments against the signature, then R0 unknown and R1-R5 cleared. */
  call(env: VerifyEnv, st: VerifierState, pc: number, callee: GlobalCallee): CheckResult {
    const { index, sig } = callee;
    const found = sig.refused ?? argsMismatch(env, st, pc, sig.args ?? []);
    // The mismatch is logged first (btf_check_subprog_call), then the lock test, then the refusal.
    const mismatch = found instanceof VerifierError ? [found.message, ...found.trail] : found ? [found] : [];
    const lines = st.lock ? ['global function calls are not allowed while holding a lock,', 'use static function instead']
      : mismatch.length > 0 ? [`Caller passes invalid args into func#${index} ('${sig.name}')`] : [];
    if (lines.length > 0) {
      const [first, ...rest] = [...mismatch, ...lines];
      return reject(pc, found instanceof VerifierError ? found.code : 'global-func', first, ...rest);
    }
    const unsupported = sig.args?.find((a) => a.kind === 'unsupported');
    if (unsupported?.kind === 'unsupported') {
      return reject(pc, 'unsupported', `${unsupported.what} of global function ${sig.name}() is not modelled by this verifier yet`);
    }
    this.called.add(index);
    if (this.changesPkt.has(index)) clearAllPktPointers(st);
    const regs = st.cur.regs;
    for (let r = 1; r <= 5; r++) regs[r] = notInit();
    regs[0] = unknownScalar();
    return undefined;
  }
}

/** mark_subprog_changes_pkt_data and merge_callee_effects: direct helper calls, then through bpf-to-bpf calls to a fixpoint. */
function changesPktData(insns: readonly Insn[], subprogOf: readonly number[]): Set<number> {
  const marked = new Set<number>();
  const edges: [number, number][] = [];
  insns.forEach((i, pc) => {
    if (i.code !== 0x85) return;
    if (i.src === 0 && CHANGES_PKT_DATA.has(i.imm)) marked.add(subprogOf[pc]);
    const callee = subprogOf[pc + 1 + i.imm];
    if (i.src === 1 && callee !== undefined) edges.push([subprogOf[pc], callee]);
  });
  for (let grew = true; grew;) {
    grew = false;
    for (const [caller, callee] of edges) {
      if (marked.has(callee) && !marked.has(caller)) { marked.add(caller); grew = true; }
    }
  }
  return marked;
}

type Mismatch = string | VerifierError | undefined;

/** btf_check_func_arg_match: each argument register against its kind. */
function argsMismatch(env: VerifyEnv, st: VerifierState, pc: number, args: readonly GlobalArg[]): Mismatch {
  for (let i = 0; i < args.length; i++) {
    const regno = i + 1;
    const reg = st.cur.regs[regno];
    const arg = args[i];
    if (arg.kind === 'scalar' && reg.type !== 'scalar') return `R${regno} is not a scalar`;
    if (arg.kind === 'ctx') {
      if (reg.type === 'ctx') {
        const err = checkCtxPtrOff(pc, regno, reg);
        if (err) return err;
      } else return `arg#${i} expects pointer to ctx`;
    }
    if (arg.kind === 'arena' && reg.type !== 'scalar') return `R${regno} is not a pointer to arena or scalar.`;
    if (arg.kind === 'mem') {
      const err = memArgMismatch(env, st, pc, regno, reg, arg.size);
      if (err) return err;
      if (!arg.nullable && reg.maybeNull) return `arg#${i} is expected to be non-NULL`;
    }
  }
  return undefined;
}

const MEM_ARG_TYPES = new Set(['stack', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem']);

/** Program types whose ctx the kernel rewrites (convert_ctx_access); for the others ctx can be memory of a helper or global function. */
const NO_CTX_CONVERSION: ReadonlySet<ProgType> = new Set(['kprobe', 'tracepoint', 'raw_tracepoint', 'raw_tracepoint_writable', 'tracing', 'syscall', 'lsm']);

/** check_helper_mem_access on a ctx without conversion: its last byte must be readable, then writable, as a ctx field. */
function ctxAsMemory(env: VerifyEnv, reg: RegState, size: number): Mismatch {
  const off = reg.off + size - 1;
  for (const write of [false, true]) {
    const res = progTypeRules(env.progType)?.ctxAccess({ off, size: 1, write, signExtend: false, attach: env.attach }) ?? { ok: false };
    if (!res.ok) return res.notModelled ? `${res.notModelled} is not modelled by this verifier yet` : `invalid bpf_context access off=${off} size=1`;
  }
  return undefined;
}

/** check_mem_reg: NULL passes; otherwise `size` bytes must be readable and writable through the pointer. */
function memArgMismatch(env: VerifyEnv, st: VerifierState, pc: number, regno: number, reg: RegState, size: number): Mismatch {
  if (reg.type === 'scalar' && hasConstOffset(reg) && reg.s.varOff.vLo === 0 && reg.s.varOff.vHi === 0) return undefined;
  if (reg.type === 'ctx' && size > 0 && NO_CTX_CONVERSION.has(env.progType)) return ctxAsMemory(env, reg, size);
  if (!MEM_ARG_TYPES.has(reg.type)) {
    const notNull = regClone(reg);
    notNull.maybeNull = false; // check_mem_reg looks at the pointer as if it were not NULL
    return `R${regno} type=${regTypeName(notNull)} expected=fp`;
  }
  return helperMemAccess(st, pc, regno, size, false) ?? helperMemAccess(st, pc, regno, size, true);
}

/** The state a global function is verified from (do_check_common): R1-R5 from its signature, R10 its own stack. */
export function globalEntryState(env: VerifyEnv, sig: SubprogSignature): VerifierState {
  const st = new VerifierState();
  const f = new FuncState(0, -1);
  (sig.args ?? []).forEach((arg, k) => { f.regs[k + 1] = argEntryReg(env, arg); });
  f.regs[10] = pointerReg('stack');
  st.frames.push(f);
  st.pc = sig.start;
  return st;
}

function argEntryReg(env: VerifyEnv, arg: GlobalArg): RegState {
  if (arg.kind === 'ctx') return pointerReg('ctx');
  if (arg.kind !== 'mem') return unknownScalar();
  const r = pointerReg('mem');
  r.memSize = arg.size;
  r.maybeNull = arg.nullable;
  r.id = newId(env);
  return r;
}

/** `exit` of the global function being verified (check_return_code for a subprogram): R0 must be a written scalar. */
export function checkGlobalExit(st: VerifierState, pc: number): CheckResult {
  const r0 = st.cur.regs[0];
  if (r0.type === 'not_init') return reject(pc, 'read-uninit', 'R0 !read_ok');
  if (r0.type !== 'scalar') return reject(pc, 'retval', `At subprogram exit the register R0 is not a scalar value (${regTypeName(r0)})`);
  return undefined;
}
