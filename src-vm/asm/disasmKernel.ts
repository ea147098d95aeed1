// The kernel verifier-log dialect of the disassembler, as kernel/bpf/disasm.c
// prints it: `(61) r1 = *(u32 *)(r1 +4)`, `(25) if r1 > 0x5 goto pc+2`,
// `(85) call bpf_map_lookup_elem#1`, decimal ALU immediates, `%+d` offsets.
// Where disasm.c has no real text (callx prints as a helper call there) we
// print `callx r2`. Pure; the LLVM dialect is in disassembler.ts.

import { lddwImm64, type Insn } from '../isa/insn';
import { ATOMIC, PSEUDO_CALL, opcodeInfo, type OpKind, type OpcodeInfo } from '../isa/opcodes';
import { helperById } from '../isa/helpers.generated';
import { ALU_OP_TEXT, ATOMIC_OP_NAME, JMP_OP_TEXT, aluOpText, isMovsx, type DisasmOptions } from './disasmTables';

type KernelFormatter = (i: Insn, info: OpcodeInfo, insns: readonly Insn[], idx: number, opts: DisasmOptions) => string;

/** `%+d` */
function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

function mem(base: number, off: number): string {
  return `(r${base} ${signed(off)})`;
}

function kernelAlu(i: Insn, info: OpcodeInfo): string {
  const r = info.is64 ? 'r' : 'w';
  if (!info.srcReg) return `${r}${i.dst} ${aluOpText(i, info)} ${i.imm}`;
  const sx = isMovsx(i, info) ? `(s${i.off})` : '';
  return `${r}${i.dst} ${aluOpText(i, info)} ${sx}${r}${i.src}`;
}

function kernelAtomic(i: Insn, info: OpcodeInfo): string {
  const type = `u${info.size * 8}`;
  const width = info.size === 8 ? '64' : '';
  const name = ATOMIC_OP_NAME[i.imm & ~ATOMIC.FETCH];
  if (name && (i.imm & ATOMIC.FETCH) === 0) return `lock *(${type} *)${mem(i.dst, i.off)} ${ALU_OP_TEXT[i.imm]} r${i.src}`;
  if (name) return `r${i.src} = atomic${width}_fetch_${name}((${type} *)${mem(i.dst, i.off)}, r${i.src})`;
  if (i.imm === ATOMIC.XCHG) return `r${i.src} = atomic${width}_xchg((${type} *)${mem(i.dst, i.off)}, r${i.src})`;
  if (i.imm === ATOMIC.CMPXCHG) return `r0 = atomic${width}_cmpxchg((${type} *)${mem(i.dst, i.off)}, r0, r${i.src})`;
  return `BUG_${i.code.toString(16).padStart(2, '0')}`;
}

function kernelCall(i: Insn, _info: OpcodeInfo, _insns: readonly Insn[], idx: number, opts: DisasmOptions): string {
  if (i.src === PSEUDO_CALL.HELPER) {
    const h = helperById(i.imm);
    return `call ${h ? `bpf_${h.name}` : 'unknown'}#${i.imm}`;
  }
  const named = opts.callName?.(i, idx);
  if (i.src === PSEUDO_CALL.LOCAL) return `call ${named ?? `pc${signed(i.imm)}`}`;
  return `call ${named ?? (i.src === PSEUDO_CALL.KFUNC ? 'kernel-function' : '')}#${i.imm}`;
}

function kernelLddw(i: Insn, _info: OpcodeInfo, insns: readonly Insn[], idx: number, opts: DisasmOptions): string {
  const imm = lddwImm64(insns, idx);
  return `r${i.dst} = ${opts.immText?.(insns, idx, imm) ?? `0x${imm.toString(16)}`}`;
}

const KERNEL: Record<OpKind, KernelFormatter> = {
  alu: kernelAlu,
  neg: (i, info) => { const r = info.is64 ? 'r' : 'w'; return `${r}${i.dst} = -${r}${i.dst}`; },
  end: (i, info) => `r${i.dst} = ${info.is64 ? 'bswap' : info.srcReg ? 'be' : 'le'}${i.imm} r${i.dst}`,
  lddw: kernelLddw,
  ldabs: (i, info) => `r0 = *(u${info.size * 8} *)skb[${i.imm}]`,
  ldind: (i, info) => `r0 = *(u${info.size * 8} *)skb[r${i.src} + ${i.imm}]`,
  ldx: (i, info) => `r${i.dst} = *(u${info.size * 8} *)${mem(i.src, i.off)}`,
  ldxs: (i, info) => `r${i.dst} = *(s${info.size * 8} *)${mem(i.src, i.off)}`,
  st: (i, info) => `*(u${info.size * 8} *)${mem(i.dst, i.off)} = ${i.imm}`,
  stx: (i, info) => `*(u${info.size * 8} *)${mem(i.dst, i.off)} = r${i.src}`,
  atomic: kernelAtomic,
  ja: (i, info) => (info.is64 ? `goto pc${signed(i.off)}` : `gotol pc${signed(i.imm)}`),
  jcond: (i, info) => {
    const r = info.is64 ? 'r' : 'w';
    const rhs = info.srcReg ? `${r}${i.src}` : `0x${(i.imm >>> 0).toString(16)}`;
    return `if ${r}${i.dst} ${JMP_OP_TEXT[info.op]} ${rhs} goto pc${signed(i.off)}`;
  },
  maygoto: (i) => `may_goto pc${signed(i.off)}`,
  call: kernelCall,
  callx: (i) => `callx r${i.dst}`,
  exit: () => 'exit',
};

/** One instruction as the verifier log prints it, with the `(xx) ` opcode unless `opcodePrefix` is false. */
export function formatKernelInsn(insns: readonly Insn[], idx: number, opts: DisasmOptions = {}): string {
  const i = insns[idx];
  const info = i && opcodeInfo(i.code);
  const text = info ? KERNEL[info.kind](i, info, insns, idx, opts) : `BUG_${(i?.code ?? 0).toString(16).padStart(2, '0')}`;
  return opts.opcodePrefix === false ? text : `(${(i?.code ?? 0).toString(16).padStart(2, '0')}) ${text}`;
}
