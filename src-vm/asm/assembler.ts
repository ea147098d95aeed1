// Assembler of the LLVM/kernel eBPF dialect — what `clang -S -target bpf`,
// `llvm-objdump -d` and the kernel verifier log print — into an AsmObject.
// Reads line by line (labels, directives, instructions; a verifier-log
// `12: (bf) ` prefix is accepted), resolves labels and symbols in a second
// pass, then checks each code section with the ISA validator. Never throws:
// every problem in the file becomes a diagnostic with a position. Pure.

import type { Diagnostic, Span, WithDiagnostics } from '../diagnostics';
import { validateProgram } from '../isa/validate';
import { AsmBuilder, type SectionState } from './asmBuilder';
import { applyDirective } from './directives';
import { parseInsn } from './insnParser';
import { blankBlockComments, lexLine, splitLines, type Token } from './lexer';
import type { AsmObject, AsmSection } from './object';
import { collectSymbols, resolveReferences, type Resolved } from './resolve';
import { AsmError, TokenCursor, isRegName } from './tokenCursor';

/**
 * `12: (bf) ` of a verifier log line, `(bf) ` of a kernel-dialect line without
 * its index, or `12: ` of an objdump listing without raw bytes.
 */
const LINE_PREFIX = /^\s*(?:\d+:(?=[ \t]|$))?(?:[ \t]*\(([0-9a-fA-F]{2})\)(?=[ \t]|$))?/;

function stripLinePrefix(raw: string): { text: string; opcode?: number } {
  const m = LINE_PREFIX.exec(raw)!;
  const text = ' '.repeat(m[0].length) + raw.slice(m[0].length); // keep columns
  return { text, opcode: m[1] === undefined ? undefined : parseInt(m[1], 16) };
}

function lineSpan(line: number, col: number, endCol: number): Span {
  return { line, col, endLine: line, endCol };
}

function defineLabel(b: AsmBuilder, tok: Token, line: number): void {
  const span = lineSpan(line, tok.col, tok.endCol);
  if (isRegName(tok.text)) throw new AsmError(`${tok.text} is a register name and cannot be a label`, tok.col, tok.endCol, 'asm/label-name');
  const prev = b.labels.get(tok.text);
  if (prev) {
    throw new AsmError(`label ${tok.text} is already defined on line ${prev.span.line + 1}`, tok.col, tok.endCol, 'asm/duplicate-label');
  }
  const s = b.section();
  b.labels.set(tok.text, { name: tok.text, section: s.name, offset: AsmBuilder.position(s), span });
}

function emitInsn(b: AsmBuilder, cur: TokenCursor, line: number, span: Span, opcode: number | undefined): void {
  const s = b.section();
  if (s.kind === undefined) s.kind = 'code';
  if (s.kind === 'data') throw new AsmError(`instruction in data section ${s.name}`, span.col, span.endCol, 'asm/code-in-data');
  const parsed = parseInsn(cur, { lddwHint: opcode === 0x18 });
  const idx = s.insns.length;
  for (const slot of parsed.slots) {
    s.insns.push(slot);
    s.spans.push(span);
  }
  if (parsed.ref || parsed.target) s.pending.push({ idx, parsed, line });
  const code = parsed.slots[0].code;
  if (opcode !== undefined && opcode !== code) {
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    b.report('warning', 'asm/opcode-mismatch', `the line says opcode (${hex(opcode)}) but the instruction assembles to (${hex(code)})`, span);
  }
}

function assembleLine(b: AsmBuilder, raw: string, line: number): void {
  const { text, opcode } = stripLinePrefix(raw);
  const lexed = lexLine(text);
  for (const e of lexed.errors) b.report('error', 'asm/lex', e.message, lineSpan(line, e.col, e.endCol));
  if (lexed.errors.length) return;
  const cur = new TokenCursor(lexed.tokens, text.length);
  try {
    while (cur.peek()?.kind === 'ident' && cur.isPunct(':', 1)) {
      defineLabel(b, cur.next(), line);
      cur.next();
    }
    const first = cur.peek();
    if (!first) return;
    const span = lineSpan(line, first.col, lexed.tokens[lexed.tokens.length - 1].endCol);
    if (first.kind === 'ident' && first.text.startsWith('.')) applyDirective(b, cur, { line, span, raw: text });
    else emitInsn(b, cur, line, span, opcode);
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    b.report('error', e.code, e.message, lineSpan(line, e.col, e.endCol));
  }
}

function toSection(s: SectionState): AsmSection {
  const kind = s.kind ?? 'data';
  return {
    name: s.name, kind,
    insns: kind === 'code' ? s.insns : [],
    spans: kind === 'code' ? s.spans : [],
    bytes: kind === 'data' ? new Uint8Array(s.bytes) : new Uint8Array(),
  };
}

const TARGET_CODES = new Set(['isa/target-out-of-range', 'isa/target-in-lddw']);

/** `insn 3: jump target…` reads as `jump target…` once the diagnostic points at the line. */
function withoutInsnPrefix(message: string): string {
  return message.replace(/^insn \d+: /, '').replace(/^insn \d+ \((.*?)\): /, '$1: ');
}

/** The ISA validator on each code section, its findings placed on the source lines. */
function validateSections(b: AsmBuilder, resolved: Resolved): void {
  for (const s of b.sections.values()) {
    if (s.kind !== 'code' || s.insns.length === 0) continue;
    const unchecked = resolved.uncheckedTargets.get(s.name)!;
    const targets = new Map(s.pending.filter((p) => p.parsed.target).map((p) => [p.idx, { line: p.line, ...p.parsed.target! }]));
    for (const d of validateProgram(s.insns)) {
      const idx = d.insnIdx;
      if (idx === undefined) {
        b.diagnostics.push({ ...d, message: `section ${s.name}: ${d.message}` });
        continue;
      }
      if (TARGET_CODES.has(d.code) && unchecked.has(idx)) continue;
      const t = TARGET_CODES.has(d.code) ? targets.get(idx) : undefined;
      const span = t ? lineSpan(t.line, t.col, t.endCol) : s.spans[idx];
      b.diagnostics.push({ ...d, message: withoutInsnPrefix(d.message), span });
    }
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.span?.line ?? Infinity) - (b.span?.line ?? Infinity) || (a.span?.col ?? 0) - (b.span?.col ?? 0);
}

/** Assembles LLVM/kernel-dialect eBPF assembly text into an object, with every problem as a diagnostic. */
export function assemble(text: string): WithDiagnostics<AsmObject> {
  const b = new AsmBuilder();
  splitLines(blankBlockComments(text)).forEach((raw, line) => assembleLine(b, raw, line));
  const resolved = resolveReferences(b);
  const symbols = collectSymbols(b, resolved.referenced);
  validateSections(b, resolved);
  const sections = [...b.sections.values()].map(toSection);
  return { value: { sections, symbols, relocs: resolved.relocs }, diagnostics: b.diagnostics.sort(byPosition) };
}
