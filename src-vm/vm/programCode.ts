// The running program as the interpreter's hot loop reads it: one typed array
// per instruction field (code, dst, src, off, imm) plus a breakpoint flag per
// slot, with one spare slot past the end so falling off the program reads
// opcode 0 instead of undefined. Built once per program (and per tail call). Pure.

import type { Insn } from '../isa/insn';

export class ProgramCode {
  readonly length: number;
  readonly code: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly off: Int16Array;
  readonly imm: Int32Array;
  readonly breakAt: Uint8Array;
  breakpointCount = 0;

  constructor(readonly insns: readonly Insn[]) {
    const n = insns.length;
    this.length = n;
    this.code = new Uint8Array(n + 1);
    this.dst = new Uint8Array(n + 1);
    this.src = new Uint8Array(n + 1);
    this.off = new Int16Array(n + 1);
    this.imm = new Int32Array(n + 1);
    this.breakAt = new Uint8Array(n + 1);
    insns.forEach((x, i) => {
      this.code[i] = x.code; this.dst[i] = x.dst; this.src[i] = x.src; this.off[i] = x.off; this.imm[i] = x.imm;
    });
  }

  setBreakpoint(pc: number, on: boolean): void {
    if (pc < 0 || pc >= this.length || (this.breakAt[pc] === 1) === on) return;
    this.breakAt[pc] = on ? 1 : 0;
    this.breakpointCount += on ? 1 : -1;
  }
}

/**
 * One ProgramCode per program a Vm runs (its entry, and each a tail call
 * switches to), so a program's breakpoint marks survive the switches.
 */
export class ProgramCodes {
  private readonly byInsns = new Map<readonly Insn[], ProgramCode>();

  of(insns: readonly Insn[]): ProgramCode {
    let code = this.byInsns.get(insns);
    if (!code) this.byInsns.set(insns, (code = new ProgramCode(insns)));
    return code;
  }
}
