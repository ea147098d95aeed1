// Disassembler to the bpf_conformance text dialect (the inverse of
// conformanceAsm.ts): one line per instruction, `lddw` covering two slots,
// jumps as relative `+N`/`-N`. Text it prints assembles back to the same
// bytes; what the dialect cannot say (reserved fields set, ldabs, may_goto,
// unknown opcodes) is flagged in a `#` comment with the raw bytes.
// Pure; imports only the ISA core.

import { encodeInsns, isLddw, lddwImm64, type Insn } from '../isa/insn';
import { ALU, REG_COUNT, opcodeInfo, type FieldRule, type OpKind, type OpcodeInfo } from '../isa/opcodes';

type Formatter = (i: Insn, info: OpcodeInfo, insns: readonly Insn[], idx: number) => string;

const reg = (n: number): string => `%r${n}`;

/** As upstream prints immediates: small and negative values in decimal, the rest as unsigned hex. */
function imm(value: number): string {
  if ((value < 0 && value !== -0x80000000) || (value >= -10 && value <= 10)) return String(value);
  return '0x' + (value >>> 0).toString(16);
}

function rel(value: number): string {
  return value >= 0 ? `+${value}` : String(value);
}

function mem(base: number, off: number): string {
  return off === 0 ? `[${reg(base)}]` : `[${reg(base)}${off > 0 ? '+' : ''}${off}]`;
}

/** Source widths of the sign-extending moves (`movsx864` = mov with off 8). */
const MOVSX_WIDTHS: readonly number[] = [8, 16, 32];

function aluText(i: Insn, info: OpcodeInfo): string {
  if (info.op === ALU.MOV && info.srcReg && MOVSX_WIDTHS.includes(i.off)) {
    return `movsx${i.off}${info.is64 ? 64 : 32} ${reg(i.dst)}, ${reg(i.src)}`;
  }
  const signed = (info.op === ALU.DIV || info.op === ALU.MOD) && i.off === 1 ? 's' : '';
  return `${signed}${info.name} ${reg(i.dst)}, ${info.srcReg ? reg(i.src) : imm(i.imm)}`;
}

const ATOMIC_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'add'], [0x01, 'fetch add'], [0x40, 'or'], [0x41, 'fetch or'], [0x50, 'and'], [0x51, 'fetch and'],
  [0xa0, 'xor'], [0xa1, 'fetch xor'], [0xe1, 'xchg'], [0xf1, 'cmpxchg'],
]);

function atomicText(i: Insn, info: OpcodeInfo): string {
  const op = ATOMIC_NAMES.get(i.imm) ?? `op${imm(i.imm)}`;
  return `lock ${op}${info.size === 4 ? '32' : ''} ${mem(i.dst, i.off)}, ${reg(i.src)}`;
}

function callText(i: Insn): string {
  if (i.src === 1) return `call local ${rel(i.imm)}`;
  if (i.src === 2) return `call runtime ${imm(i.imm)}`;
  return `call ${imm(i.imm)}`;
}

/** How each kind of instruction is written. */
const FORMATTERS: Record<OpKind, Formatter> = {
  alu: (i, info) => aluText(i, info),
  neg: (i, info) => `${info.name} ${reg(i.dst)}`,
  end: (i, info) => `${info.name}${i.imm} ${reg(i.dst)}`,
  lddw: (i, _info, insns, idx) => `lddw ${reg(i.dst)}, 0x${lddwImm64(insns, idx).toString(16)}`,
  ldabs: (i, info) => `${info.name} ${imm(i.imm)}`,
  ldind: (i, info) => `${info.name} ${reg(i.src)}, ${imm(i.imm)}`,
  ldx: (i, info) => `${info.name} ${reg(i.dst)}, ${mem(i.src, i.off)}`,
  ldxs: (i, info) => `${info.name} ${reg(i.dst)}, ${mem(i.src, i.off)}`,
  st: (i, info) => `${info.name} ${mem(i.dst, i.off)}, ${imm(i.imm)}`,
  stx: (i, info) => `${info.name} ${mem(i.dst, i.off)}, ${reg(i.src)}`,
  atomic: atomicText,
  ja: (i, info) => `${info.name} ${rel(info.is64 ? i.off : i.imm)}`,
  jcond: (i, info) => `${info.name} ${reg(i.dst)}, ${info.srcReg ? reg(i.src) : imm(i.imm)}, ${rel(i.off)}`,
  maygoto: (i, info) => `${info.name} ${rel(i.off)}`,
  call: callText,
  callx: (i) => `call ${reg(i.dst)}`,
  exit: () => 'exit',
};

/** Kinds the dialect has no syntax for. */
const NOT_IN_DIALECT: ReadonlySet<OpKind> = new Set(['ldabs', 'ldind', 'maygoto']);

function fieldOk(rule: FieldRule, value: number): boolean {
  if (rule === 'any') return true;
  if (rule === 'zero') return value === 0;
  if (rule === 'reg') return value >= 0 && value < REG_COUNT;
  return rule.includes(value);
}

/** Why the text of this instruction would not assemble back to the same bytes ([] if it would). */
function unsaid(i: Insn, info: OpcodeInfo, next: Insn | undefined): string[] {
  const out: string[] = [];
  if (NOT_IN_DIALECT.has(info.kind)) out.push(`${info.name} is not in the conformance dialect`);
  for (const field of ['dst', 'src', 'off', 'imm'] as const) {
    if (!fieldOk(info.rules[field], i[field])) out.push(`${field} field is ${i[field]}`);
  }
  if (info.kind === 'lddw') {
    if (i.src !== 0) out.push(`lddw with src ${i.src} (only plain constants can be written)`);
    if (!next) out.push('lddw has no second slot');
    else if (next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) out.push('second slot of lddw is not blank');
  }
  return out;
}

function rawBytes(slots: readonly Insn[]): string {
  return [...encodeInsns(slots)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The text of the instruction at `idx` and how many slots it covers (2 for a complete `lddw`). */
export function formatConformanceInsn(insns: readonly Insn[], idx: number): { text: string; slots: 1 | 2 } {
  const i = insns[idx];
  const info = opcodeInfo(i.code);
  if (!info) return { text: `# unknown opcode 0x${i.code.toString(16).padStart(2, '0')}: ${rawBytes([i])}`, slots: 1 };
  const slots = isLddw(i) && idx + 1 < insns.length ? 2 : 1;
  const text = FORMATTERS[info.kind](i, info, insns, idx);
  const problems = unsaid(i, info, insns[idx + 1]);
  if (problems.length === 0) return { text, slots };
  const raw = rawBytes(insns.slice(idx, idx + slots));
  return { text: `${text} # not expressible in this dialect: ${problems.join('; ')}; raw ${raw}`, slots };
}

/** One line per instruction; the lines assemble back to `insns` whenever every instruction is expressible. */
export function disassembleConformance(insns: readonly Insn[]): string[] {
  const lines: string[] = [];
  for (let idx = 0; idx < insns.length; ) {
    const { text, slots } = formatConformanceInsn(insns, idx);
    lines.push(text);
    idx += slots;
  }
  return lines;
}
