// The assembler's second pass: once every label is placed, patch jump and
// call offsets, turn references to other sections and undefined names into
// relocations (helpers by name become helper calls), write data that depends
// on symbols, and list the object's symbols. Pure.

import type { Span } from '../diagnostics';
import { PSEUDO_CALL } from '../isa/opcodes';
import { helperByName } from '../isa/helpers.generated';
import type { AsmReloc, AsmSymbol } from './object';
import { AsmBuilder, type SectionState } from './asmBuilder';
import { checkFits } from './directives';
import { evalExpr } from './expr';
import type { InsnRef } from './operands';
import { AsmError } from './tokenCursor';

export interface Resolved {
  relocs: AsmReloc[];
  /** Names that relocations refer to: they must appear in the symbol table. */
  referenced: Set<string>;
  /**
   * Slots whose target is not for the validator to judge: relocated calls (the
   * loader fills `imm`) and references that failed to resolve (already reported).
   */
  uncheckedTargets: Map<string, Set<number>>;
}

function refSpan(line: number, r: { col: number; endCol: number }): Span {
  return { line, col: r.col, endLine: line, endCol: r.endCol };
}

function resolveJump(b: AsmBuilder, s: SectionState, idx: number, ref: Extract<InsnRef, { kind: 'jump' }>): void {
  const label = b.labels.get(ref.name);
  if (!label) throw new AsmError(`undefined label ${ref.name}`, ref.col, ref.endCol, 'asm/undefined-label');
  if (label.section !== s.name) {
    throw new AsmError(`label ${ref.name} is in section ${label.section}; a jump cannot leave section ${s.name}`, ref.col, ref.endCol, 'asm/cross-section-jump');
  }
  const delta = label.offset - (idx + 1);
  const insn = s.insns[idx];
  if (ref.field === 'imm') {
    insn.imm = delta;
  } else if (delta < -32768 || delta > 32767) {
    const isGoto = insn.code === 0x05;
    throw new AsmError(`${ref.name} is ${delta} instructions away, beyond the 16-bit jump offset${isGoto ? ' (use gotol)' : ''}`,
      ref.col, ref.endCol, 'asm/offset-range');
  } else {
    insn.off = delta;
  }
}

function resolveCall(b: AsmBuilder, s: SectionState, idx: number, ref: Extract<InsnRef, { kind: 'call' }>, out: Resolved): void {
  const insn = s.insns[idx];
  const label = b.labels.get(ref.name);
  if (label && label.section === s.name) {
    insn.imm = label.offset - (idx + 1);
    return;
  }
  if (label && b.sections.get(label.section)?.kind !== 'code') {
    throw new AsmError(`${ref.name} is data in section ${label.section}, not a function`, ref.col, ref.endCol, 'asm/call-data');
  }
  const helper = label ? undefined : helperByName(ref.name);
  if (helper) {
    insn.src = PSEUDO_CALL.HELPER;
    insn.imm = helper.id;
    return;
  }
  // A function in another section, or an external one: libbpf links it (imm -1 is "symbol + 0").
  out.relocs.push({ section: s.name, insnIdx: idx, symbol: ref.name, kind: 'call' });
  out.referenced.add(ref.name);
  out.uncheckedTargets.get(s.name)!.add(idx);
}

function resolveRef(b: AsmBuilder, s: SectionState, idx: number, ref: InsnRef, out: Resolved): void {
  if (ref.kind === 'jump') return resolveJump(b, s, idx, ref);
  if (ref.kind === 'call') return resolveCall(b, s, idx, ref, out);
  // lddw of a symbol: the addend is already in imm, the loader adds the symbol's address.
  out.relocs.push({ section: s.name, insnIdx: idx, symbol: ref.name, kind: 'lddw' });
  out.referenced.add(ref.name);
}

/**
 * What a REL object stores for a symbol in data, next to the relocation the
 * object model does not keep: a local symbol is relocated against its section,
 * so its offset is stored; a global or undefined one against itself (0).
 */
function localOffset(b: AsmBuilder, name: string): bigint {
  if (b.attrs.get(name)?.global) return 0n;
  return BigInt(b.place(name)?.byteOffset ?? 0);
}

function writeFixups(b: AsmBuilder, s: SectionState): void {
  for (const f of s.fixups) {
    try {
      const v = evalExpr(f.expr, (n) => b.place(n));
      const value = v.kind === 'const' ? v.value : v.addend + localOffset(b, v.name);
      checkFits(value, f.size, f.expr);
      const u = BigInt.asUintN(f.size * 8, value);
      for (let i = 0; i < f.size; i++) s.bytes[f.offset + i] = Number((u >> BigInt(8 * i)) & 0xffn);
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      b.report('error', e.code, e.message, refSpan(f.line, e));
    }
  }
}

/** Patches every pending instruction and data fixup; errors go to the builder's diagnostics. */
export function resolveReferences(b: AsmBuilder): Resolved {
  const out: Resolved = { relocs: [], referenced: new Set(), uncheckedTargets: new Map() };
  for (const s of b.sections.values()) {
    out.uncheckedTargets.set(s.name, new Set());
    for (const p of s.pending) {
      if (!p.parsed.ref) continue;
      try {
        resolveRef(b, s, p.idx, p.parsed.ref, out);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        b.report('error', e.code, e.message, refSpan(p.line, e));
        out.uncheckedTargets.get(s.name)!.add(p.idx);
      }
    }
    writeFixups(b, s);
  }
  return out;
}

function symbolSize(b: AsmBuilder, name: string): number | undefined {
  const size = b.attrs.get(name)?.size;
  if (!size) return undefined;
  try {
    const v = evalExpr(size.expr, (n) => b.place(n));
    if (v.kind === 'const' && v.value >= 0n) return Number(v.value);
    throw new AsmError(`size of ${name} must be a non-negative constant, found ${size.expr.text}`, size.expr.col, size.expr.endCol, 'asm/expression');
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    b.report('error', e.code, e.message, refSpan(size.line, e));
    return undefined;
  }
}

/**
 * The object's symbols: labels declared `.globl`, given a `.type` or `.size`,
 * or referred to by a relocation; then undefined globals and externs.
 */
export function collectSymbols(b: AsmBuilder, referenced: ReadonlySet<string>): AsmSymbol[] {
  const out: AsmSymbol[] = [];
  for (const label of b.labels.values()) {
    const a = b.attrs.get(label.name);
    if (!a && !referenced.has(label.name)) continue;
    const sym: AsmSymbol = { name: label.name, section: label.section, offset: label.offset, global: a?.global ?? false, kind: a?.type ?? 'notype' };
    const size = symbolSize(b, label.name);
    if (size !== undefined) sym.size = size;
    out.push(sym);
  }
  const externs = new Set<string>([...b.attrs].filter(([, a]) => a.global).map(([n]) => n));
  for (const n of referenced) externs.add(n);
  for (const name of externs) {
    if (!b.labels.has(name)) out.push({ name, offset: 0, global: true, kind: b.attrs.get(name)?.type ?? 'notype' });
  }
  return out;
}
