// Disassembler to the LLVM dialect — the text `llvm-objdump -d --no-show-raw-insn`
// prints, `r1 = *(u32 *)(r1 + 0x4)`, `if r1 > 0x5 goto +0x2 <LBB0_3>` — and to
// the kernel verifier-log dialect of kernel/bpf/disasm.c (`(61) r1 = *(u32 *)(r1 +4)`,
// `goto pc+2`, `call bpf_map_lookup_elem#1`), which lives in disasmKernel.ts.
// One line per instruction; an `lddw` covers two slots. Pure.

import { encodeInsns, isLddw, lddwImm64, type Insn } from '../isa/insn';
import { ATOMIC, PSEUDO_CALL, REG_COUNT, opcodeInfo, type FieldRule, type OpKind, type OpcodeInfo } from '../isa/opcodes';
import { formatKernelInsn } from './disasmKernel';
import { ALU_OP_TEXT, ATOMIC_OP_NAME, JMP_OP_TEXT, aluOpText, isMovsx, type DisasmOptions, type DisasmSymbol } from './disasmTables';

export type { DisasmOptions, DisasmSymbol } from './disasmTables';

/** LLVM's numbers: hex, with a minus sign for negative values. */
function hex(n: number | bigint): string {
  const v = BigInt(n);
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function rel(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `+0x${n.toString(16)}`;
}

function mem(base: number, off: number): string {
  return `(r${base} ${off < 0 ? '-' : '+'} 0x${Math.abs(off).toString(16)})`;
}

function accessType(info: OpcodeInfo): string {
  return `${info.kind === 'ldxs' ? 's' : 'u'}${info.size * 8}`;
}

/** llvm-objdump's note on a jump: the nearest symbol at or before the target, `<sym>` or `<sym+0x18>`. */
function targetNote(targetSlot: number, symbols: readonly DisasmSymbol[] | undefined): string {
  if (!symbols || symbols.length === 0) return '';
  const addr = BigInt.asUintN(64, BigInt(targetSlot) * 8n);
  let best: DisasmSymbol | undefined;
  for (const s of symbols) {
    const at = BigInt(s.offset) * 8n;
    if (at <= addr && (!best || at >= BigInt(best.offset) * 8n)) best = s;
  }
  if (!best) return '';
  const delta = addr - BigInt(best.offset) * 8n;
  return ` <${best.name}${delta === 0n ? '' : `+0x${delta.toString(16)}`}>`;
}

interface LlvmContext {
  insns: readonly Insn[];
  idx: number;
  /** `w` or `r` for the value register of 32-bit memory operations. */
  r32: string;
  symbols?: readonly DisasmSymbol[];
}

type LlvmFormatter = (i: Insn, info: OpcodeInfo, c: LlvmContext) => string;

function llvmAlu(i: Insn, info: OpcodeInfo): string {
  const r = info.is64 ? 'r' : 'w';
  if (isMovsx(i, info)) return `${r}${i.dst} = (s${i.off})${r}${i.src}`;
  return `${r}${i.dst} ${aluOpText(i, info)} ${info.srcReg ? `${r}${i.src}` : hex(i.imm)}`;
}

function llvmAtomic(i: Insn, info: OpcodeInfo, c: LlvmContext): string {
  const v = `${info.size === 8 ? 'r' : c.r32}${i.src}`;
  const type = `u${info.size * 8}`;
  const name = ATOMIC_OP_NAME[i.imm & ~ATOMIC.FETCH];
  if (name && (i.imm & ATOMIC.FETCH) === 0) return `lock *(${type} *)${mem(i.dst, i.off)} ${ALU_OP_TEXT[i.imm]} ${v}`;
  if (name) return `${v} = atomic_fetch_${name}((${type} *)${mem(i.dst, i.off)}, ${v})`;
  const sfx = info.size === 8 ? '_64' : '32_32';
  const at = `r${i.dst} ${i.off < 0 ? '-' : '+'} 0x${Math.abs(i.off).toString(16)}`;
  const r0 = `${info.size === 8 ? 'r' : c.r32}0`;
  if (i.imm === ATOMIC.XCHG) return `${v} = xchg${sfx}(${at}, ${v})`;
  if (i.imm === ATOMIC.CMPXCHG) return `${r0} = cmpxchg${sfx}(${at}, ${r0}, ${v})`;
  return '<unknown>';
}

function llvmLddw(i: Insn, _info: OpcodeInfo, c: LlvmContext): string {
  if (i.src !== 0) {
    const hi = c.insns[c.idx + 1]?.imm ?? 0;
    return `ld_pseudo r${i.dst}, ${hex(i.src)}, ${hex(i.imm)}${hi !== 0 ? `, ${hex(hi)}` : ''}`;
  }
  return `r${i.dst} = ${hex(BigInt.asIntN(64, lddwImm64(c.insns, c.idx)))} ll`;
}

function jumpText(word: string, off: number, c: LlvmContext): string {
  return `${word} ${rel(off)}${targetNote(c.idx + 1 + off, c.symbols)}`;
}

const LLVM: Record<OpKind, LlvmFormatter> = {
  alu: llvmAlu,
  neg: (i, info) => { const r = info.is64 ? 'r' : 'w'; return `${r}${i.dst} = -${r}${i.dst}`; },
  end: (i, info) => `r${i.dst} = ${info.is64 ? 'bswap' : info.srcReg ? 'be' : 'le'}${i.imm} r${i.dst}`,
  lddw: llvmLddw,
  ldabs: (i, info) => `r0 = *(u${info.size * 8} *)skb[${hex(i.imm)}]`,
  ldind: (i, info) => `r0 = *(u${info.size * 8} *)skb[r${i.src}${i.imm !== 0 ? ` ${i.imm < 0 ? '-' : '+'} 0x${Math.abs(i.imm).toString(16)}` : ''}]`,
  ldx: (i, info, c) => `${info.size === 8 ? 'r' : c.r32}${i.dst} = *(${accessType(info)} *)${mem(i.src, i.off)}`,
  ldxs: (i, info) => `r${i.dst} = *(${accessType(info)} *)${mem(i.src, i.off)}`,
  st: (i, info) => `*(u${info.size * 8} *)${mem(i.dst, i.off)} = ${hex(i.imm)}`,
  stx: (i, info, c) => `*(u${info.size * 8} *)${mem(i.dst, i.off)} = ${info.size === 8 ? 'r' : c.r32}${i.src}`,
  atomic: llvmAtomic,
  ja: (i, info, c) => (info.is64 ? jumpText('goto', i.off, c) : jumpText('gotol', i.imm, c)),
  jcond: (i, info, c) => {
    const r = info.is64 ? 'r' : 'w';
    return jumpText(`if ${r}${i.dst} ${JMP_OP_TEXT[info.op]} ${info.srcReg ? `${r}${i.src}` : hex(i.imm)} goto`, i.off, c);
  },
  maygoto: (i, _info, c) => jumpText('may_goto', i.off, c),
  call: (i) => `call ${hex(i.imm)}`,
  callx: (i) => `callx r${i.dst}`,
  exit: () => 'exit',
};

function fieldOk(rule: FieldRule, value: number): boolean {
  if (rule === 'any') return true;
  if (rule === 'zero') return value === 0;
  if (rule === 'reg') return value >= 0 && value < REG_COUNT;
  return rule.includes(value);
}

/** Whether the slot(s) at `idx` are a valid instruction, so its text says everything about its bytes. */
function encodable(insns: readonly Insn[], idx: number, info: OpcodeInfo): boolean {
  const i = insns[idx];
  if (!FIELDS.every((f) => fieldOk(info.rules[f], i[f]))) return false;
  if (info.kind !== 'lddw') return true;
  const tail = insns[idx + 1];
  return tail !== undefined && tail.code === 0 && tail.dst === 0 && tail.src === 0 && tail.off === 0;
}

const FIELDS = ['dst', 'src', 'off', 'imm'] as const;

/** `.quad 0x…` of the raw slot(s): what the assembler turns back into exactly these bytes. */
function rawQuads(insns: readonly Insn[], idx: number, count: number): string {
  const bytes = encodeInsns(insns.slice(idx, idx + count));
  const view = new DataView(bytes.buffer);
  const quads: string[] = [];
  for (let at = 0; at < bytes.length; at += 8) quads.push(`0x${view.getBigUint64(at, true).toString(16).padStart(16, '0')}`);
  return `.quad ${quads.join(', ')}`;
}

function roundTripCall(i: Insn): string | undefined {
  if (i.src === PSEUDO_CALL.LOCAL) return `call pc${rel(i.imm)}`;
  if (i.src === PSEUDO_CALL.KFUNC) return `call kernel-function#${i.imm}`;
  return undefined;
}

/** The text of the instruction at `idx` (for an `lddw`, of both its slots). */
export function formatInsn(insns: readonly Insn[], idx: number, opts: DisasmOptions = {}): string {
  const i = insns[idx];
  if (opts.dialect === 'kernel') return formatKernelInsn(insns, idx, opts);
  const info = i && opcodeInfo(i.code);
  if (opts.roundTrip) {
    if (!info || !encodable(insns, idx, info)) return rawQuads(insns, idx, isLddw(i) ? 2 : 1);
    const call = info.kind === 'call' ? roundTripCall(i) : undefined;
    if (call) return call;
  }
  if (!info) return '<unknown>';
  return LLVM[info.kind](i, info, { insns, idx, r32: opts.alu32 === false ? 'r' : 'w', symbols: opts.symbols });
}

/** One line per instruction, in slot order; the second slot of an `lddw` has no line of its own. */
export function disassemble(insns: readonly Insn[], opts: DisasmOptions = {}): string[] {
  const lines: string[] = [];
  for (let idx = 0; idx < insns.length; idx++) {
    lines.push(formatInsn(insns, idx, opts));
    if (isLddw(insns[idx])) idx++;
  }
  return lines;
}
