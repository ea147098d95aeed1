// Hovers on eBPF assembly: on an instruction line, the instruction as the
// kernel verifier log prints it, its opcode byte / mnemonic / class from the
// opcode table, its slot index and raw bytes; on a call, the helper's name,
// id, prototype and summary (also on `call bpf_xxx` lines that did not
// assemble). Pure: analysis + text in, LSP Hover out; never vscode or fs.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { insnAtLine, type AsmAnalysis, type SlotRef } from './analyze';
import { spanToRange } from './toDiagnostics';
import { formatInsn, encodeInsns, helperById, helperByName, CLS, MODE, PSEUDO_CALL, PSEUDO_LD, SIZE, opcodeInfo, branchTarget, type Insn, type HelperInfo, type OpcodeInfo } from '../../src-vm/index';

/** Reverse of a `{NAME: value}` table: value -> NAME. */
function namesOf(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name]));
}

const CLASS_NAMES = namesOf(CLS);
const MODE_NAMES = namesOf(MODE);
const SIZE_NAMES = namesOf(SIZE);
const PSEUDO_LD_NAMES = namesOf(PSEUDO_LD);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function bytesText(insns: readonly Insn[]): string {
  return [...encodeInsns(insns)].map(hex2).join(' ');
}

/** `class ALU64, source K (immediate)` or `class LDX, mode MEM, size W (4 bytes)`. */
export function describeOpcode(info: OpcodeInfo): string {
  const cls = `class ${CLASS_NAMES.get(info.cls) ?? '?'}`;
  if (info.cls >= CLS.ALU) return `${cls}, source ${info.srcReg ? 'X (register)' : 'K (immediate)'}`;
  const mode = MODE_NAMES.get(info.code & 0xe0) ?? '?';
  const size = SIZE_NAMES.get(info.code & 0x18) ?? '?';
  return `${cls}, mode ${mode}, size ${size} (${info.size} bytes)`;
}

export function helperMarkdown(h: HelperInfo): string {
  const parts = [`**helper** \`bpf_${h.name}\` (id ${h.id})`];
  if (h.proto) parts.push('```c\n' + h.proto + '\n```');
  if (h.summary) parts.push(h.summary);
  return parts.join('\n\n');
}

function symbolAt(analysis: AsmAnalysis, ref: SlotRef, slot: number): string | undefined {
  return analysis.object.symbols.find((s) => s.section === ref.section.name && s.offset === slot && s.kind !== 'object')?.name;
}

function relocOf(analysis: AsmAnalysis, ref: SlotRef): string | undefined {
  return analysis.object.relocs.find((r) => r.section === ref.section.name && r.insnIdx === ref.slot)?.symbol;
}

/** Where a call goes: helper, local function, kfunc or relocated symbol. */
function callMarkdown(analysis: AsmAnalysis, ref: SlotRef, insn: Insn): string {
  const reloc = relocOf(analysis, ref);
  if (reloc) return `**calls** \`${reloc}\` (relocation R_BPF_64_32, resolved by the loader)`;
  if (insn.src === PSEUDO_CALL.LOCAL) {
    const target = ref.slot + 1 + insn.imm;
    const name = symbolAt(analysis, ref, target);
    const line = ref.section.spans[target]?.line;
    return `**bpf-to-bpf call** to slot ${target}${name ? ` (\`${name}\`)` : ''}${line !== undefined ? `, line ${line + 1}` : ''}`;
  }
  if (insn.src === PSEUDO_CALL.KFUNC) return `**kfunc** call, BTF id ${insn.imm}`;
  const helper = helperById(insn.imm);
  return helper ? helperMarkdown(helper) : `**helper** id ${insn.imm} is not in the kernel's helper table`;
}

function lddwMarkdown(analysis: AsmAnalysis, ref: SlotRef, insn: Insn): string | undefined {
  const reloc = relocOf(analysis, ref);
  if (reloc) return `**loads the address of** \`${reloc}\` (relocation R_BPF_64_64, resolved by the loader)`;
  if (insn.src !== 0) return `**pseudo source** ${insn.src} (BPF_PSEUDO_${PSEUDO_LD_NAMES.get(insn.src) ?? '?'})`;
  return undefined;
}

function jumpMarkdown(ref: SlotRef, insn: Insn): string | undefined {
  const target = branchTarget(insn, ref.slot);
  if (target === undefined) return undefined;
  const line = ref.section.spans[target]?.line;
  return `**jumps to** slot ${target}${line !== undefined ? ` (line ${line + 1})` : ''}`;
}

function detailMarkdown(analysis: AsmAnalysis, ref: SlotRef, info: OpcodeInfo, insn: Insn): string | undefined {
  if (info.kind === 'call') return callMarkdown(analysis, ref, insn);
  if (info.kind === 'lddw') return lddwMarkdown(analysis, ref, insn);
  return jumpMarkdown(ref, insn);
}

function errorsOnLine(analysis: AsmAnalysis, line: number): string[] {
  return analysis.diagnostics
    .filter((d) => d.severity === 'error' && d.span && d.span.line <= line && line <= d.span.endLine)
    .map((d) => d.message);
}

/** The hover text of one assembled instruction. */
export function insnMarkdown(analysis: AsmAnalysis, ref: SlotRef): string {
  const insns = ref.section.insns;
  const insn = insns[ref.slot];
  const info = opcodeInfo(insn.code);
  const text = formatInsn(insns, ref.slot, { dialect: 'kernel' });
  const slots = insns.slice(ref.slot, ref.slot + ref.slots);
  const slotText = ref.slots === 2 ? `slots ${ref.slot}–${ref.slot + 1}` : `slot ${ref.slot}`;
  const lines = [
    '```\n' + `${ref.slot}: ${text}` + '\n```',
    info ? `**opcode** \`0x${hex2(insn.code)}\` \`${info.name}\` — ${describeOpcode(info)}` : `**opcode** \`0x${hex2(insn.code)}\` (unknown)`,
    `**${slotText}** in section \`${ref.section.name}\` — bytes \`${bytesText(slots)}\``,
  ];
  const detail = info && detailMarkdown(analysis, ref, info, insn);
  if (detail) lines.push(detail);
  const errors = errorsOnLine(analysis, ref.span.line);
  if (errors.length > 0) lines.push(`**not final:** this line has errors (${errors.join('; ')}), so the encoding above is incomplete`);
  return lines.join('\n\n');
}

/** The word under the cursor (letters, digits, `_`), with its columns. */
export function wordAt(lineText: string, character: number): { word: string; start: number; end: number } | undefined {
  let start = character;
  let end = character;
  while (start > 0 && /\w/.test(lineText[start - 1])) start--;
  while (end < lineText.length && /\w/.test(lineText[end])) end++;
  return start < end ? { word: lineText.slice(start, end), start, end } : undefined;
}

/** On a line that did not assemble: `call bpf_xxx`, `call N`, or any `bpf_xxx` helper name. */
function helperHoverFromText(lineText: string, position: Position): Hover | undefined {
  const w = wordAt(lineText, position.character);
  if (!w) return undefined;
  const afterCall = /\bcall\s+$/.test(lineText.slice(0, w.start));
  const helper = /^\d+$/.test(w.word) ? (afterCall ? helperById(Number(w.word)) : undefined)
    : (w.word.startsWith('bpf_') || afterCall ? helperByName(w.word) : undefined);
  if (!helper) return undefined;
  const range = { start: { line: position.line, character: w.start }, end: { line: position.line, character: w.end } };
  return { contents: { kind: MarkupKind.Markdown, value: helperMarkdown(helper) }, range };
}

/** The hover at `position` in a document of `text`, analysed as `analysis`. */
export function asmHover(analysis: AsmAnalysis, text: string, position: Position): Hover | undefined {
  const lineText = text.split(/\r?\n/)[position.line] ?? '';
  const ref = insnAtLine(analysis, position.line);
  if (!ref) return helperHoverFromText(lineText, position);
  return { contents: { kind: MarkupKind.Markdown, value: insnMarkdown(analysis, ref) }, range: spanToRange(ref.span) };
}
