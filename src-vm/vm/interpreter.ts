// The eBPF interpreter (RFC 9669 semantics): registers, budget, breakpoints,
// reset/reuse, and the stepping API the debugger drives. The hot loop is one
// flat switch on the opcode byte over the typed arrays of programCode.ts, with
// registers as 32-bit halves; longer operations live in int64.ts and
// interpreterOps.ts, calls and frames in interpreterCalls.ts, the vocabulary
// in interpreterTypes.ts. Never throws on program behaviour: faults stop the
// run with the pc and a sentence. Pure; no I/O.

import type { Insn } from '../isa/insn';
import { FRAME_POINTER } from '../isa/opcodes';
import type { HelperTable } from './helpers';
import { CONFORMANCE_HELPERS } from './helpers';
import * as I from './int64';
import { Memory, REGION_LO_BASE, regionAddress, type MemoryAccess, type Region } from './memory';
import { execAtomic, execFieldLoad, execFieldStore, execLdPacket, loadSize } from './interpreterOps';
import { callHelper, callInsn, invokeCallback, PROGRAM_SWITCHED, returnFromCall } from './interpreterCalls';
import {
  DEFAULT_BUDGET, MAX_FRAMES, MAY_GOTO_LIMIT, STACK_SIZE,
  type CallFrame, type StopReason, type VmFault, type VmOptions, type VmStatus,
} from './interpreterTypes';
import { ProgramCodes, type ProgramCode } from './programCode';

export { DEFAULT_BUDGET, MAX_FRAMES, MAY_GOTO_LIMIT, STACK_SIZE } from './interpreterTypes';
export type { CallFrame, StopReason, VmFault, VmOptions, VmStatus } from './interpreterTypes';

const P = new Uint32Array(2);

export class Vm {
  readonly memory = new Memory();
  readonly lo = new Uint32Array(11);
  readonly hi = new Uint32Array(11);
  /** The program being run, as the hot loop reads it (a tail call replaces it). */
  private prog: ProgramCode;
  /** Every program's code, kept from switch to switch with its breakpoints. */
  private readonly codes = new ProgramCodes();
  pc = 0;
  /** Frames depth at which `exit` ends the run (raised while a helper runs a callback; interpreterCalls). */
  exitDepth = 0;
  /** Set by switchProgram during a helper call (read by interpreterCalls). */
  switched = false;
  private readonly resolveLddw: VmOptions['resolveLddw'];
  /** Instructions executed so far. */
  steps = 0;
  status: VmStatus = 'ready';
  fault: VmFault | undefined;
  budget: number;
  readonly helpers: HelperTable;
  /** Frames of bpf-to-bpf calls in progress, innermost last (the main program's frame is not in it). */
  readonly frames: CallFrame[] = [];
  readonly stacks: Region[] = [];
  /** Regions the legacy packet loads (ldabs/ldind) read, when the program has a packet. */
  packet: Region | undefined;
  mayGotoLeft = MAY_GOTO_LIMIT;

  constructor(insns: readonly Insn[], options: VmOptions = {}) {
    this.prog = this.codes.of(insns);
    this.resolveLddw = options.resolveLddw;
    this.budget = options.budget ?? DEFAULT_BUDGET;
    this.helpers = options.helpers ?? CONFORMANCE_HELPERS;
    for (let f = 0; f < MAX_FRAMES; f++) {
      this.stacks.push(this.memory.add(`stack of frame ${f}`, 'stack', new Uint8Array(STACK_SIZE), true));
    }
    this.setRegAddress(FRAME_POINTER, this.stacks[0], STACK_SIZE);
  }

  /**
   * Makes the Vm ready to run its entry program again (after a tail call, the
   * program it started with): registers, frames, counters and stack 0
   * cleared, regions past the first `keepRegions` dropped.
   */
  reset(entry: readonly Insn[], keepRegions: number): void {
    if (this.prog.insns !== entry) this.prog = this.codes.of(entry);
    this.memory.truncate(keepRegions);
    this.status = 'ready';
    this.fault = undefined;
    this.pc = 0;
    this.steps = 0;
    this.frames.length = 0;
    this.exitDepth = 0;
    this.mayGotoLeft = MAY_GOTO_LIMIT;
    this.packet = undefined;
    this.lo.fill(0);
    this.hi.fill(0);
    this.stacks[0].bytes.fill(0);
    this.setRegAddress(FRAME_POINTER, this.stacks[0], STACK_SIZE);
  }

  /** The program being run (a tail call replaces it). */
  get insns(): readonly Insn[] {
    return this.prog.insns;
  }

  /** Its number of instruction slots. */
  get length(): number {
    return this.prog.length;
  }

  /**
   * A tail call: from a helper, replaces the running program with `insns`
   * (same memory, same r1; the main frame's stack is reused, as the kernel
   * does) and continues at its first instruction.
   */
  switchProgram(insns: readonly Insn[]): void {
    this.prog = this.codes.of(insns);
    this.frames.length = 0;
    this.setRegAddress(FRAME_POINTER, this.stacks[0], STACK_SIZE);
    this.switched = true;
  }

  /**
   * Runs the function at `pc` as a callback of the helper being called
   * (bpf_loop, for_each_map_elem…) with `args` in r1..r5; returns its r0, or
   * undefined when the run stopped inside it (fault, budget).
   */
  invoke(pc: number, args: readonly bigint[]): bigint | undefined {
    return invokeCallback(this, pc, args);
  }

  getReg(r: number): bigint {
    return I.toBig(this.lo[r], this.hi[r]);
  }

  setReg(r: number, value: bigint): void {
    I.fromBig(P, value);
    this.lo[r] = P[0];
    this.hi[r] = P[1];
  }

  setRegAddress(r: number, region: Region, offset = 0): void {
    this.setReg(r, regionAddress(region, offset));
  }

  setBreakpoint(pc: number, on: boolean): void {
    this.prog.setBreakpoint(pc, on);
  }

  /** Sets or clears a breakpoint in `insns`, the running program or one a tail call may switch to. */
  setBreakpointIn(insns: readonly Insn[], pc: number, on: boolean): void {
    this.codes.of(insns).setBreakpoint(pc, on);
  }

  /** Whether a breakpoint is set on `pc` of the running program. */
  isBreakpoint(pc: number): boolean {
    return this.prog.breakAt[pc] === 1;
  }

  /** Ends the program with `r0` (used by helpers such as uBPF's unwind). */
  exitProgram(r0: bigint): void {
    this.setReg(0, r0);
    this.status = 'exited';
  }

  /** Stops the run with a fault at the current pc. */
  fail(code: string, message: string, access?: MemoryAccess): StopReason {
    this.status = 'faulted';
    this.fault = { pc: this.pc, code, message: `pc ${this.pc}: ${message}`, access };
    return 'fault';
  }

  step(): StopReason {
    return this.run(1);
  }

  /**
   * Runs until the program exits or faults, `maxSteps` instructions have run,
   * or (after the first instruction, and unless `breaks` is false) a
   * breakpoint's pc is reached. `maxSteps` counts the program's own
   * instructions: a helper's callback runs whole within one of them.
   */
  run(maxSteps = Infinity, breaks = true): StopReason {
    if (this.status !== 'ready') return this.stoppedReason();
    const { code, dst, src, off, imm, breakAt } = this.prog;
    const { lo: rl, hi: rh } = this;
    const regions = this.memory.byHi;
    const hasBreaks = breaks && this.prog.breakpointCount > 0;
    const limit = Math.min(maxSteps, this.budget - this.steps);
    let pc = this.pc;
    let n = 0;
    for (;;) {
      if (n >= limit) {
        this.pc = pc; this.steps += n;
        return n >= maxSteps ? 'steps' : this.budgetExhausted();
      }
      if (hasBreaks && n > 0 && breakAt[pc] === 1) { this.pc = pc; this.steps += n; return 'breakpoint'; }
      const at = pc++;
      const d = dst[at];
      n++;
      switch (code[at]) {
        // ---- ALU64, immediate operand (sign-extended to 64 bits) ----
        case 0x07: { const i = imm[at]; const l = rl[d] + (i >>> 0); rl[d] = l; rh[d] = rh[d] + (i >> 31) + (l > 0xffffffff ? 1 : 0); break; }
        case 0x17: { const i = imm[at]; const l = rl[d] - (i >>> 0); rl[d] = l; rh[d] = rh[d] - (i >> 31) - (l < 0 ? 1 : 0); break; }
        case 0x27: { const i = imm[at]; I.mul64(P, rl[d], rh[d], i >>> 0, i >> 31); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x37: { const i = imm[at]; (off[at] === 1 ? I.sdiv64 : I.udiv64)(P, rl[d], rh[d], i >>> 0, (i >> 31) >>> 0); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x47: { const i = imm[at]; rl[d] = rl[d] | i; rh[d] = rh[d] | (i >> 31); break; }
        case 0x57: { const i = imm[at]; rl[d] = rl[d] & i; rh[d] = rh[d] & (i >> 31); break; }
        case 0x67: { I.lsh64(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x77: { I.rsh64(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x87: { const l = rl[d]; rl[d] = -l; rh[d] = ~rh[d] + (l === 0 ? 1 : 0); break; }
        case 0x97: { const i = imm[at]; (off[at] === 1 ? I.smod64 : I.umod64)(P, rl[d], rh[d], i >>> 0, (i >> 31) >>> 0); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0xa7: { const i = imm[at]; rl[d] = rl[d] ^ i; rh[d] = rh[d] ^ (i >> 31); break; }
        case 0xb7: { const i = imm[at]; rl[d] = i; rh[d] = i >> 31; break; }
        case 0xc7: { I.arsh64(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0xd7: { I.bswap(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        // ---- ALU64, register operand ----
        case 0x0f: { const s = src[at]; const l = rl[d] + rl[s]; rl[d] = l; rh[d] = rh[d] + rh[s] + (l > 0xffffffff ? 1 : 0); break; }
        case 0x1f: { const s = src[at]; const l = rl[d] - rl[s]; rl[d] = l; rh[d] = rh[d] - rh[s] - (l < 0 ? 1 : 0); break; }
        case 0x2f: { const s = src[at]; I.mul64(P, rl[d], rh[d], rl[s], rh[s]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x3f: { const s = src[at]; (off[at] === 1 ? I.sdiv64 : I.udiv64)(P, rl[d], rh[d], rl[s], rh[s]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x4f: { const s = src[at]; rl[d] = rl[d] | rl[s]; rh[d] = rh[d] | rh[s]; break; }
        case 0x5f: { const s = src[at]; rl[d] = rl[d] & rl[s]; rh[d] = rh[d] & rh[s]; break; }
        case 0x6f: { I.lsh64(P, rl[d], rh[d], rl[src[at]]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x7f: { I.rsh64(P, rl[d], rh[d], rl[src[at]]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0x9f: { const s = src[at]; (off[at] === 1 ? I.smod64 : I.umod64)(P, rl[d], rh[d], rl[s], rh[s]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0xaf: { const s = src[at]; rl[d] = rl[d] ^ rl[s]; rh[d] = rh[d] ^ rh[s]; break; }
        case 0xbf: {
          const s = src[at]; const o = off[at];
          if (o === 0) { rl[d] = rl[s]; rh[d] = rh[s]; } else { I.signExtend(P, rl[s], o); rl[d] = P[0]; rh[d] = P[1]; }
          break;
        }
        case 0xcf: { I.arsh64(P, rl[d], rh[d], rl[src[at]]); rl[d] = P[0]; rh[d] = P[1]; break; }
        // ---- ALU32, immediate operand (results zero-extended) ----
        case 0x04: { rl[d] = rl[d] + imm[at]; rh[d] = 0; break; }
        case 0x14: { rl[d] = rl[d] - imm[at]; rh[d] = 0; break; }
        case 0x24: { rl[d] = Math.imul(rl[d], imm[at]); rh[d] = 0; break; }
        case 0x34: { const i = imm[at]; rl[d] = off[at] === 1 ? I.sdiv32(rl[d], i) : i === 0 ? 0 : Math.floor(rl[d] / (i >>> 0)); rh[d] = 0; break; }
        case 0x44: { rl[d] = rl[d] | imm[at]; rh[d] = 0; break; }
        case 0x54: { rl[d] = rl[d] & imm[at]; rh[d] = 0; break; }
        case 0x64: { rl[d] = rl[d] << imm[at]; rh[d] = 0; break; }
        case 0x74: { rl[d] = rl[d] >>> imm[at]; rh[d] = 0; break; }
        case 0x84: { rl[d] = -rl[d]; rh[d] = 0; break; }
        case 0x94: { const i = imm[at]; rl[d] = off[at] === 1 ? I.smod32(rl[d], i) : i === 0 ? rl[d] : rl[d] % (i >>> 0); rh[d] = 0; break; }
        case 0xa4: { rl[d] = rl[d] ^ imm[at]; rh[d] = 0; break; }
        case 0xb4: { rl[d] = imm[at]; rh[d] = 0; break; }
        case 0xc4: { rl[d] = rl[d] >> imm[at]; rh[d] = 0; break; }
        case 0xd4: { I.truncate(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        case 0xdc: { I.bswap(P, rl[d], rh[d], imm[at]); rl[d] = P[0]; rh[d] = P[1]; break; }
        // ---- ALU32, register operand ----
        case 0x0c: { rl[d] = rl[d] + rl[src[at]]; rh[d] = 0; break; }
        case 0x1c: { rl[d] = rl[d] - rl[src[at]]; rh[d] = 0; break; }
        case 0x2c: { rl[d] = Math.imul(rl[d], rl[src[at]]); rh[d] = 0; break; }
        case 0x3c: { const v = rl[src[at]]; rl[d] = off[at] === 1 ? I.sdiv32(rl[d], v) : v === 0 ? 0 : Math.floor(rl[d] / v); rh[d] = 0; break; }
        case 0x4c: { rl[d] = rl[d] | rl[src[at]]; rh[d] = 0; break; }
        case 0x5c: { rl[d] = rl[d] & rl[src[at]]; rh[d] = 0; break; }
        case 0x6c: { rl[d] = rl[d] << rl[src[at]]; rh[d] = 0; break; }
        case 0x7c: { rl[d] = rl[d] >>> rl[src[at]]; rh[d] = 0; break; }
        case 0x9c: { const v = rl[src[at]]; rl[d] = off[at] === 1 ? I.smod32(rl[d], v) : v === 0 ? rl[d] : rl[d] % v; rh[d] = 0; break; }
        case 0xac: { rl[d] = rl[d] ^ rl[src[at]]; rh[d] = 0; break; }
        case 0xbc: {
          const s = src[at]; const o = off[at];
          rl[d] = o === 0 ? rl[s] : (rl[s] << (32 - o)) >> (32 - o); rh[d] = 0;
          break;
        }
        case 0xcc: { rl[d] = rl[d] >> rl[src[at]]; rh[d] = 0; break; }
        // ---- loads and stores ----
        case 0x18: {
          if (src[at] !== 0) {
            this.pc = at;
            const v = this.resolveLddw ? this.resolveLddw(src[at], imm[at], imm[at + 1], at) : undefined;
            if (typeof v !== 'bigint') { this.steps += n; return this.unresolvedLddw(at, v); }
            rl[d] = Number(v & 0xffffffffn); rh[d] = Number(v >> 32n); pc++;
            break;
          }
          rl[d] = imm[at]; rh[d] = imm[at + 1]; pc++;
          break;
        }
        case 0x61: case 0x69: case 0x71: case 0x79: case 0x81: case 0x89: case 0x91: {
          const op = code[at]; const s = src[at]; const size = loadSize(op);
          const a = rl[s] + off[at] - REGION_LO_BASE; const r = regions[rh[s]];
          if (r === undefined || a < 0 || a + size > r.size) {
            this.pc = at;
            if (r?.fields === undefined || !execFieldLoad(this, at, r, a, size)) { this.steps += n; return r?.fields ? 'fault' : this.memFault(s, off[at], size, false); }
            break;
          }
          const v = r.view;
          switch (op) {
            case 0x61: rl[d] = v.getUint32(a, true); rh[d] = 0; break;
            case 0x69: rl[d] = v.getUint16(a, true); rh[d] = 0; break;
            case 0x71: rl[d] = v.getUint8(a); rh[d] = 0; break;
            case 0x79: rl[d] = v.getUint32(a, true); rh[d] = v.getUint32(a + 4, true); break;
            case 0x81: { const x = v.getInt32(a, true); rl[d] = x; rh[d] = x >> 31; break; }
            case 0x89: { const x = v.getInt16(a, true); rl[d] = x; rh[d] = x >> 31; break; }
            default: { const x = v.getInt8(a); rl[d] = x; rh[d] = x >> 31; break; }
          }
          break;
        }
        case 0x62: case 0x6a: case 0x72: case 0x7a: case 0x63: case 0x6b: case 0x73: case 0x7b: {
          const op = code[at]; const size = loadSize(op);
          const a = rl[d] + off[at] - REGION_LO_BASE; const r = regions[rh[d]];
          if (r === undefined || a < 0 || a + size > r.size || !r.writable) {
            this.pc = at;
            if (r?.fields === undefined || !execFieldStore(this, at, r, a, size)) { this.steps += n; return r?.fields ? 'fault' : this.memFault(d, off[at], size, true); }
            break;
          }
          const isReg = (op & 0x07) === 0x03;
          const vl = isReg ? rl[src[at]] : imm[at];
          const v = r.view;
          if (size === 4) v.setUint32(a, vl, true);
          else if (size === 1) v.setUint8(a, vl);
          else if (size === 2) v.setUint16(a, vl, true);
          else { v.setUint32(a, vl, true); v.setUint32(a + 4, isReg ? rh[src[at]] : imm[at] >> 31, true); }
          break;
        }
        case 0xc3: case 0xdb: {
          this.pc = at;
          if (!execAtomic(this, at)) { this.steps += n; return 'fault'; }
          break;
        }
        case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50: {
          this.pc = at;
          if (!execLdPacket(this, at)) { this.steps += n; return this.stoppedReason(); }
          break;
        }
        // ---- jumps, 64-bit compares ----
        case 0x05: pc += off[at]; break;
        case 0x15: { const i = imm[at]; if (rl[d] === (i >>> 0) && rh[d] === (i >> 31) >>> 0) pc += off[at]; break; }
        case 0x1d: { const s = src[at]; if (rl[d] === rl[s] && rh[d] === rh[s]) pc += off[at]; break; }
        case 0x55: { const i = imm[at]; if (rl[d] !== (i >>> 0) || rh[d] !== (i >> 31) >>> 0) pc += off[at]; break; }
        case 0x5d: { const s = src[at]; if (rl[d] !== rl[s] || rh[d] !== rh[s]) pc += off[at]; break; }
        case 0x45: { const i = imm[at]; if ((rl[d] & i) !== 0 || (rh[d] & (i >> 31)) !== 0) pc += off[at]; break; }
        case 0x4d: { const s = src[at]; if ((rl[d] & rl[s]) !== 0 || (rh[d] & rh[s]) !== 0) pc += off[at]; break; }
        case 0x25: { const i = imm[at]; if (I.ugt64(rl[d], rh[d], i >>> 0, (i >> 31) >>> 0)) pc += off[at]; break; }
        case 0x2d: { const s = src[at]; if (I.ugt64(rl[d], rh[d], rl[s], rh[s])) pc += off[at]; break; }
        case 0x35: { const i = imm[at]; if (!I.ugt64(i >>> 0, (i >> 31) >>> 0, rl[d], rh[d])) pc += off[at]; break; }
        case 0x3d: { const s = src[at]; if (!I.ugt64(rl[s], rh[s], rl[d], rh[d])) pc += off[at]; break; }
        case 0xa5: { const i = imm[at]; if (I.ugt64(i >>> 0, (i >> 31) >>> 0, rl[d], rh[d])) pc += off[at]; break; }
        case 0xad: { const s = src[at]; if (I.ugt64(rl[s], rh[s], rl[d], rh[d])) pc += off[at]; break; }
        case 0xb5: { const i = imm[at]; if (!I.ugt64(rl[d], rh[d], i >>> 0, (i >> 31) >>> 0)) pc += off[at]; break; }
        case 0xbd: { const s = src[at]; if (!I.ugt64(rl[d], rh[d], rl[s], rh[s])) pc += off[at]; break; }
        case 0x65: { const i = imm[at]; if (I.sgt64(rl[d], rh[d], i >>> 0, i >> 31)) pc += off[at]; break; }
        case 0x6d: { const s = src[at]; if (I.sgt64(rl[d], rh[d], rl[s], rh[s])) pc += off[at]; break; }
        case 0x75: { const i = imm[at]; if (!I.sgt64(i >>> 0, i >> 31, rl[d], rh[d])) pc += off[at]; break; }
        case 0x7d: { const s = src[at]; if (!I.sgt64(rl[s], rh[s], rl[d], rh[d])) pc += off[at]; break; }
        case 0xc5: { const i = imm[at]; if (I.sgt64(i >>> 0, i >> 31, rl[d], rh[d])) pc += off[at]; break; }
        case 0xcd: { const s = src[at]; if (I.sgt64(rl[s], rh[s], rl[d], rh[d])) pc += off[at]; break; }
        case 0xd5: { const i = imm[at]; if (!I.sgt64(rl[d], rh[d], i >>> 0, i >> 31)) pc += off[at]; break; }
        case 0xdd: { const s = src[at]; if (!I.sgt64(rl[d], rh[d], rl[s], rh[s])) pc += off[at]; break; }
        // ---- jumps, 32-bit compares ----
        case 0x06: pc += imm[at]; break;
        case 0x16: if (rl[d] === imm[at] >>> 0) pc += off[at]; break;
        case 0x1e: if (rl[d] === rl[src[at]]) pc += off[at]; break;
        case 0x56: if (rl[d] !== imm[at] >>> 0) pc += off[at]; break;
        case 0x5e: if (rl[d] !== rl[src[at]]) pc += off[at]; break;
        case 0x46: if ((rl[d] & imm[at]) !== 0) pc += off[at]; break;
        case 0x4e: if ((rl[d] & rl[src[at]]) !== 0) pc += off[at]; break;
        case 0x26: if (rl[d] > imm[at] >>> 0) pc += off[at]; break;
        case 0x2e: if (rl[d] > rl[src[at]]) pc += off[at]; break;
        case 0x36: if (rl[d] >= imm[at] >>> 0) pc += off[at]; break;
        case 0x3e: if (rl[d] >= rl[src[at]]) pc += off[at]; break;
        case 0xa6: if (rl[d] < imm[at] >>> 0) pc += off[at]; break;
        case 0xae: if (rl[d] < rl[src[at]]) pc += off[at]; break;
        case 0xb6: if (rl[d] <= imm[at] >>> 0) pc += off[at]; break;
        case 0xbe: if (rl[d] <= rl[src[at]]) pc += off[at]; break;
        case 0x66: if ((rl[d] | 0) > imm[at]) pc += off[at]; break;
        case 0x6e: if ((rl[d] | 0) > (rl[src[at]] | 0)) pc += off[at]; break;
        case 0x76: if ((rl[d] | 0) >= imm[at]) pc += off[at]; break;
        case 0x7e: if ((rl[d] | 0) >= (rl[src[at]] | 0)) pc += off[at]; break;
        case 0xc6: if ((rl[d] | 0) < imm[at]) pc += off[at]; break;
        case 0xce: if ((rl[d] | 0) < (rl[src[at]] | 0)) pc += off[at]; break;
        case 0xd6: if ((rl[d] | 0) <= imm[at]) pc += off[at]; break;
        case 0xde: if ((rl[d] | 0) <= (rl[src[at]] | 0)) pc += off[at]; break;
        case 0xe5: if (--this.mayGotoLeft <= 0) pc += off[at]; break;
        // ---- calls and exit ----
        case 0x85: case 0x8d: {
          this.pc = at;
          const next = code[at] === 0x8d ? callHelper(this, this.getReg(d)) : callInsn(this, at, src[at], imm[at]);
          if (next < 0) {
            this.steps += n;
            return next === PROGRAM_SWITCHED ? this.run(maxSteps - n, breaks) : this.stoppedReason();
          }
          pc = next;
          break;
        }
        case 0x95: {
          if (this.frames.length === this.exitDepth) { this.pc = at; this.steps += n; this.status = 'exited'; return 'exit'; }
          pc = returnFromCall(this);
          break;
        }
        default: {
          this.pc = at; this.steps += n;
          return at >= this.prog.length
            ? this.fail('vm/pc', `execution fell off the end of the program (${this.prog.length} instructions) without exit`)
            : this.fail('vm/opcode', `invalid opcode 0x${code[at].toString(16).padStart(2, '0')}`);
        }
      }
    }
  }

  private stoppedReason(): StopReason {
    return this.status === 'exited' ? 'exit' : 'fault';
  }

  /** Fault for a load/store through register `base` + `off` that leaves every region it may touch. */
  memFault(base: number, off: number, size: number, write: boolean): StopReason {
    const address = BigInt.asUintN(64, this.getReg(base) + BigInt(off));
    const region = this.memory.regionOf(address)?.name;
    const access: MemoryAccess = { address, size, write, region };
    return this.fail('vm/memory', this.memory.describeFault(access), access);
  }

  private unresolvedLddw(at: number, why?: string): StopReason {
    return this.fail('vm/lddw', why ?? `lddw with src=${this.prog.src[at]} refers to a map, BTF object or function that was not resolved (load the program from an object file)`);
  }

  private budgetExhausted(): StopReason {
    return this.fail('vm/budget', `instruction budget of ${this.budget} exhausted (the program may loop forever; raise the budget to run longer)`);
  }
}
