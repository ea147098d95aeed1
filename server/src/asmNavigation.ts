// Navigation in assembly documents: go to definition of the label under the
// cursor (jump targets, bpf-to-bpf call targets, maps named by `r1 = m ll`),
// and folding ranges per program (from its label or first instruction to its
// last instruction). Pure; LSP types only.

import type { FoldingRange, Location, Position } from 'vscode-languageserver';
import type { AsmAnalysis } from './analyze';

interface LabelDef { name: string; line: number; col: number }

const LABEL_DEF = /^([ \t]*)([A-Za-z_.$][\w.$]*)[ \t]*:/;

function labelDefs(lines: readonly string[]): Map<string, LabelDef> {
  const defs = new Map<string, LabelDef>();
  lines.forEach((text, line) => {
    const m = LABEL_DEF.exec(text);
    if (m && !defs.has(m[2])) defs.set(m[2], { name: m[2], line, col: m[1].length });
  });
  return defs;
}

/** The identifier under `position` outside a comment, or undefined. */
function wordAt(line: string, character: number): string | undefined {
  const comment = line.search(/#|\/\/|;/);
  if (comment >= 0 && character >= comment) return undefined;
  for (const m of line.matchAll(/[A-Za-z_.$][\w.$]*/g)) {
    if (m.index! <= character && character <= m.index! + m[0].length) return m[0];
  }
  return undefined;
}

/** Where the label under the cursor is defined (the definition itself included). */
export function asmDefinition(uri: string, text: string, position: Position): Location | null {
  const lines = text.split(/\r?\n/);
  const word = wordAt(lines[position.line] ?? '', position.character);
  const def = word === undefined ? undefined : labelDefs(lines).get(word);
  if (!def) return null;
  return { uri, range: { start: { line: def.line, character: def.col }, end: { line: def.line, character: def.col + def.name.length } } };
}

/** One fold per code section with instructions: from the label just above its first instruction (if any) to its last. */
export function asmFoldingRanges(analysis: AsmAnalysis, text: string): FoldingRange[] {
  const lines = text.split(/\r?\n/);
  const out: FoldingRange[] = [];
  for (const section of analysis.object.sections) {
    const spans = section.spans.filter((s) => s !== undefined);
    if (section.kind !== 'code' || spans.length === 0) continue;
    const first = Math.min(...spans.map((s) => s.line));
    const last = Math.max(...spans.map((s) => s.endLine));
    const start = first > 0 && LABEL_DEF.test(lines[first - 1] ?? '') ? first - 1 : first;
    if (last > start) out.push({ startLine: start, endLine: last, kind: 'region' });
  }
  return out;
}
