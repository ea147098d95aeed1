// Encoding validity of an instruction stream, read from the opcode table's
// field rules: unknown opcodes, reserved fields that are not zero, registers
// out of range, broken `lddw` pairs, jumps and calls that leave the program or
// land inside an `lddw`. Each problem carries the slot index. Pure.

import type { Diagnostic } from '../diagnostics';
import { REG_COUNT, opcodeInfo, type FieldRule, type OpcodeInfo } from './opcodes';
import { isLddw, type Insn } from './insn';

function fieldOk(rule: FieldRule, value: number): boolean {
  if (rule === 'any') return true;
  if (rule === 'zero') return value === 0;
  if (rule === 'reg') return value >= 0 && value < REG_COUNT;
  return rule.includes(value);
}

function err(insnIdx: number, code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, insnIdx };
}

function hex(n: number): string {
  return '0x' + (n & 0xff).toString(16).padStart(2, '0');
}

function describeRule(rule: FieldRule): string {
  if (rule === 'zero') return 'must be 0';
  if (rule === 'reg') return `must be a register r0..r${REG_COUNT - 1}`;
  if (rule === 'any') return 'may be anything';
  return `must be one of ${rule.join(', ')}`;
}

function checkFields(info: OpcodeInfo, i: Insn, idx: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fields = [['dst', i.dst], ['src', i.src], ['off', i.off], ['imm', i.imm]] as const;
  for (const [name, value] of fields) {
    const rule = info.rules[name];
    if (fieldOk(rule, value)) continue;
    const isReg = rule === 'reg';
    out.push(err(idx, isReg ? 'isa/invalid-register' : 'isa/reserved-field',
      `insn ${idx} (${info.name}, opcode ${hex(info.code)}): ${name} field is ${value}, ${describeRule(rule)}`));
  }
  return out;
}

function checkLddwTail(insns: readonly Insn[], idx: number): Diagnostic[] {
  const next = insns[idx + 1];
  if (!next) return [err(idx, 'isa/lddw-truncated', `insn ${idx}: lddw needs a second slot, but the program ends here`)];
  if (next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
    return [err(idx + 1, 'isa/lddw-tail', `insn ${idx + 1}: second slot of lddw must have opcode, registers and offset 0`)];
  }
  return [];
}

/** Slot index a jump or local call at `idx` goes to, or undefined if it does not jump. */
export function branchTarget(i: Insn, idx: number): number | undefined {
  const info = opcodeInfo(i.code);
  if (!info) return undefined;
  if (info.kind === 'ja') return idx + 1 + (info.is64 ? i.off : i.imm);
  if (info.kind === 'jcond' || info.kind === 'maygoto') return idx + 1 + i.off;
  if (info.kind === 'call' && i.src === 1) return idx + 1 + i.imm;
  return undefined;
}

function checkTarget(insns: readonly Insn[], idx: number, lddwTails: ReadonlySet<number>): Diagnostic[] {
  const target = branchTarget(insns[idx], idx);
  if (target === undefined) return [];
  const what = opcodeInfo(insns[idx].code)?.kind === 'call' ? 'call' : 'jump';
  if (target < 0 || target >= insns.length) {
    const rel = target - idx - 1;
    return [err(idx, 'isa/target-out-of-range',
      `insn ${idx}: ${what} target ${rel >= 0 ? '+' : ''}${rel} is outside the program (${insns.length} instructions)`)];
  }
  if (lddwTails.has(target)) {
    return [err(idx, 'isa/target-in-lddw', `insn ${idx}: ${what} into the middle of the lddw at insn ${target - 1}`)];
  }
  return [];
}

/** Every encoding problem in the program; an empty list means every slot decodes to a valid instruction. */
export function validateProgram(insns: readonly Insn[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lddwTails = new Set<number>();
  for (let idx = 0; idx < insns.length; idx++) {
    const i = insns[idx];
    const info = opcodeInfo(i.code);
    if (!info) {
      out.push(err(idx, 'isa/unknown-opcode', `insn ${idx}: unknown opcode ${hex(i.code)}`));
      continue;
    }
    out.push(...checkFields(info, i, idx));
    if (isLddw(i)) {
      out.push(...checkLddwTail(insns, idx));
      lddwTails.add(idx + 1);
      idx++;
    }
  }
  for (let idx = 0; idx < insns.length; idx++) {
    if (!lddwTails.has(idx)) out.push(...checkTarget(insns, idx, lddwTails));
  }
  return out;
}

/** Validates raw bytes: also reports a length that is not a whole number of slots. */
export function validateBytes(byteLength: number, insns: readonly Insn[]): Diagnostic[] {
  const out = validateProgram(insns);
  if (byteLength % 8 !== 0) {
    out.unshift({ severity: 'error', code: 'isa/partial-slot', message: `program is ${byteLength} bytes, not a multiple of 8 (${byteLength % 8} trailing bytes)` });
  }
  if (insns.length === 0) out.unshift({ severity: 'error', code: 'isa/empty', message: 'program has no instructions' });
  return out;
}
