// Operator spellings shared by both disassembler dialects (LLVM and kernel
// print ALU, jump and atomic operators alike) and the options they take.
// Pure data; imports only the ISA core.

import type { Insn } from '../isa/insn';
import { ALU, ATOMIC, JMP, type OpcodeInfo } from '../isa/opcodes';

export interface DisasmSymbol {
  name: string;
  /** Slot index in the section. */
  offset: number;
}

export interface DisasmOptions {
  /** `llvm` (default): llvm-objdump's text; `kernel`: the verifier log's. */
  dialect?: 'llvm' | 'kernel';
  /**
   * LLVM: name 32-bit loads, stores and atomics with `w` registers, as
   * llvm-objdump does for `--mcpu=v3` and later (default true). Without it,
   * `w1 = *(u32 *)…` prints as `r1 = *(u32 *)…`, as plain llvm-objdump does.
   */
  alu32?: boolean;
  /**
   * LLVM: print what llvm-objdump leaves ambiguous so that the text assembles
   * back to the same bytes: bpf-to-bpf calls as `call pc+0x3`, kfunc calls as
   * `call kernel-function#N`, and any slot that is not a valid instruction
   * (reserved fields set, unknown opcode) as a raw `.quad 0x…`.
   */
  roundTrip?: boolean;
  /** Kernel: start each line with the opcode, `(bf) r1 = r6` (default true). */
  opcodePrefix?: boolean;
  /** LLVM: symbols of the section, to note jump targets as `<func+0x10>` like llvm-objdump. */
  symbols?: readonly DisasmSymbol[];
  /** Kernel: the name of a call's target (kfuncs, subprograms), like disasm.c's `cb_call`. */
  callName?: (insn: Insn, idx: number) => string | undefined;
  /** Kernel: the text of an `lddw` immediate (map pointers…), like disasm.c's `cb_imm`. */
  immText?: (insns: readonly Insn[], idx: number, imm64: bigint) => string | undefined;
}

export const ALU_OP_TEXT: Readonly<Record<number, string>> = {
  [ALU.ADD]: '+=', [ALU.SUB]: '-=', [ALU.MUL]: '*=', [ALU.DIV]: '/=', [ALU.OR]: '|=', [ALU.AND]: '&=',
  [ALU.LSH]: '<<=', [ALU.RSH]: '>>=', [ALU.MOD]: '%=', [ALU.XOR]: '^=', [ALU.MOV]: '=', [ALU.ARSH]: 's>>=',
};

export const JMP_OP_TEXT: Readonly<Record<number, string>> = {
  [JMP.JEQ]: '==', [JMP.JGT]: '>', [JMP.JGE]: '>=', [JMP.JSET]: '&', [JMP.JNE]: '!=', [JMP.JSGT]: 's>',
  [JMP.JSGE]: 's>=', [JMP.JLT]: '<', [JMP.JLE]: '<=', [JMP.JSLT]: 's<', [JMP.JSLE]: 's<=',
};

/** Names of the atomic operations by `imm`; the kernel and LLVM spell the fetch forms alike. */
export const ATOMIC_OP_NAME: Readonly<Record<number, string>> = {
  [ATOMIC.ADD]: 'add', [ATOMIC.OR]: 'or', [ATOMIC.AND]: 'and', [ATOMIC.XOR]: 'xor',
};

/** `s/=` and `s%=`: div and mod with off = 1. */
export function aluOpText(i: Insn, info: OpcodeInfo): string {
  const signed = (info.op === ALU.DIV || info.op === ALU.MOD) && i.off === 1;
  return signed ? `s${ALU_OP_TEXT[info.op]}` : ALU_OP_TEXT[info.op];
}

export function isMovsx(i: Insn, info: OpcodeInfo): boolean {
  return info.op === ALU.MOV && info.srcReg && (i.off === 8 || i.off === 16 || i.off === 32);
}

