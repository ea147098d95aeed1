// CodeLens over each verified program (`✓ verified · 214 insns · 9 states`,
// `✗ rejected: …`, and for accepted ones the interpreter's run on the
// default packet: `▶ run: XDP_PASS (2) · 12 steps`) and document symbols: programs, maps and labels of an
// assembly document (from the assembled object), programs and maps of a C
// document (read from the text, so they show before it compiles). Pure.

import { SymbolKind, type CodeLens, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { AsmAnalysis } from './analyze';
import { defaultPacket, type RunSummary } from './programRun';
import type { ProgramResult, VerifyJobResult } from './verifyJob';

/** The CodeLens title of one program's verdict. */
export function verdictTitle(p: ProgramResult): string {
  if (p.outcome === 'unsupported') return `○ not verified: program type ${p.type ?? '(none)'} is not modelled`;
  if (p.outcome === 'reject') return `✗ rejected: ${p.error?.message ?? 'unknown error'}`;
  const states = `${p.totalStates} state${p.totalStates === 1 ? '' : 's'}`;
  return `✓ verified · ${p.insnCount} insns · ${states}`;
}

/** The CodeLens title of a program's run on the default packet. */
export function runTitle(run: RunSummary): string {
  if (run.refused) return `▶ run (default packet): not run: ${run.refused}`;
  if (run.fault) return `▶ run (default packet): stopped at insn ${run.fault.pc} after ${run.steps} steps: ${run.fault.message}`;
  const value = run.retName ? `${run.retName} (${run.retval})` : String(run.retval);
  const trace = run.trace.length > 0 ? ` · trace: ${run.trace.map((t) => JSON.stringify(t.replace(/\n$/, ''))).join(' ')}` : '';
  return `▶ run (default packet): returns ${value} · ${run.steps} steps${trace}`;
}

/** The extension's commands the lenses run: the program's verifier log, and a debug session on the lens's input. */
export const SHOW_LOG_COMMAND = 'ebpf.showVerifierLog';
export const DEBUG_PROGRAM_COMMAND = 'ebpf.debugProgram';

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * The lenses of a document's programs: the verdict opens the program's log;
 * the run on the default packet starts a debug session of the program on
 * that packet (assembly too: given a packet, it runs in its Linux context).
 */
export function programLenses(result: VerifyJobResult | undefined, uri: string): CodeLens[] {
  if (!result) return [];
  return result.programs.flatMap((p) => {
    const line = p.startLine ?? 0;
    const range: Range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const showLog = { title: verdictTitle(p), command: SHOW_LOG_COMMAND, arguments: [{ uri, program: p.name }] };
    const verdict: CodeLens = { range, command: showLog, data: { program: p.name } };
    if (!p.run) return [verdict];
    const debug = { title: runTitle(p.run), command: DEBUG_PROGRAM_COMMAND, arguments: [{ uri, program: p.name, packet: hex(defaultPacket()) }] };
    return [verdict, { range, command: debug, data: { program: p.name, run: true } }];
  });
}

const lineRange = (line: number, from: number, to: number): Range => ({ start: { line, character: from }, end: { line, character: to } });

function symbol(name: string, detail: string, kind: SymbolKind, range: Range, selection: Range = range, children?: DocumentSymbol[]): DocumentSymbol {
  return { name, detail, kind, range, selectionRange: selection, ...(children ? { children } : {}) };
}

/** Labels (`name:` at a line start) with their positions. */
function labelsOf(lines: readonly string[]): { name: string; line: number; col: number }[] {
  const out: { name: string; line: number; col: number }[] = [];
  lines.forEach((text, line) => {
    const m = /^([ \t]*)([A-Za-z_.$][\w.$]*)[ \t]*:/.exec(text);
    if (m) out.push({ name: m[2], line, col: m[1].length });
  });
  return out;
}

/** Assembly: one symbol per code section (program) holding its labels; data sections as maps/variables. */
export function asmSymbols(analysis: AsmAnalysis, text: string): DocumentSymbol[] {
  const lines = text.split(/\r?\n/);
  const labels = labelsOf(lines);
  const out: DocumentSymbol[] = [];
  for (const section of analysis.object.sections) {
    const spans = section.spans.filter((s) => s !== undefined);
    if (section.kind !== 'code' || spans.length === 0) continue;
    const first = spans[0].line;
    const last = spans[spans.length - 1].endLine;
    const name = analysis.object.symbols.find((y) => y.section === section.name && y.offset === 0 && y.kind !== 'object')?.name ?? section.name;
    const children = labels.filter((l) => l.line >= first - 1 && l.line <= last && l.name !== name)
      .map((l) => symbol(l.name, 'label', SymbolKind.Key, lineRange(l.line, l.col, l.col + l.name.length)));
    const range: Range = { start: { line: first, character: 0 }, end: { line: last, character: (lines[last] ?? '').length } };
    out.push(symbol(name, `program (${section.name})`, SymbolKind.Function, range, lineRange(first, 0, 0), children));
  }
  for (const y of analysis.object.symbols.filter((s) => s.kind === 'object')) {
    const l = labels.find((x) => x.name === y.name);
    if (l) out.push(symbol(y.name, `data in ${y.section}`, y.section === '.maps' || y.section === 'maps' ? SymbolKind.Struct : SymbolKind.Variable, lineRange(l.line, l.col, l.col + y.name.length)));
  }
  return out;
}

const C_PROGRAM = /SEC\s*\(\s*"([^"]*)"\s*\)\s*(?:static\s+)?(?:__always_inline\s+)?[\w\s*]*?\b(\w+)\s*\(/g;
const C_MAP = /\}\s*(\w+)\s+SEC\s*\(\s*"\.maps"\s*\)/g;

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** C: every `SEC("…") … name(` function and every `} name SEC(".maps")` map. */
export function cSymbols(text: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const m of text.matchAll(C_PROGRAM)) {
    if (m[1] === '.maps' || m[1] === 'license') continue;
    const at = m.index! + m[0].lastIndexOf(m[2]);
    const start = positionAt(text, m.index!);
    const name = positionAt(text, at);
    const selection: Range = { start: name, end: { line: name.line, character: name.character + m[2].length } };
    out.push(symbol(m[2], `program (SEC("${m[1]}"))`, SymbolKind.Function, { start, end: selection.end }, selection));
  }
  for (const m of text.matchAll(C_MAP)) {
    const at = positionAt(text, m.index! + m[0].indexOf(m[1], 1));
    const r: Range = { start: at, end: { line: at.line, character: at.character + m[1].length } };
    out.push(symbol(m[1], 'map', SymbolKind.Struct, r));
  }
  return out;
}
