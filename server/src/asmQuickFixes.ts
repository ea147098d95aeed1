// Quick fixes for a rejected program of an assembly document (LLVM dialect):
// a NULL check after the instruction that produced the maybe-NULL pointer,
// jumping to a new label at the end of the program that returns the program
// type's pass-through value. Offered only for programs without bpf-to-bpf
// calls (a jump may not cross into a subprogram). Pure; LSP types only.

import type { QuickFix } from './cQuickFixes';
import { documentLabels } from './completion';
import { defaultReturnValue } from './fixReturns';
import type { ProgramResult } from './verifyJob';

/** The first label name `<base>`, `<base>_2`, … the document does not define. */
function freshLabel(text: string, base: string): string {
  const taken = new Set(documentLabels(text));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

function lastLineOf(p: ProgramResult): number | undefined {
  let last: number | undefined;
  for (const i of p.insns) if (i.span && (last === undefined || i.span.endLine > last)) last = i.span.endLine;
  return last;
}

function nullCheckFix(text: string, p: ProgramResult): QuickFix | undefined {
  if (!p.error || !/^R\d+ invalid mem access '\w+_or_null'/.test(p.error.message)) return undefined;
  if (p.insns.some((i) => i.text !== undefined && /\bcall pc[+-]/.test(i.text))) return undefined;
  const place = p.causes.find((c) => c.role === 'missing-check');
  const last = lastLineOf(p);
  if (!place || last === undefined) return undefined;
  const lines = text.split('\n');
  const indent = /^[ \t]*/.exec(lines[place.span.endLine] ?? '')![0] || '\t';
  const label = freshLabel(text, `${p.name}_null`);
  const afterCheck = { line: place.span.endLine + 1, character: 0 };
  const afterProgram = { line: last + 1, character: 0 };
  // A document ending without a newline: the new lines must start on their own.
  const lead = last + 1 >= lines.length ? '\n' : '';
  return {
    title: `Add a NULL check: if r${place.regno} == 0 goto ${label} (returns ${defaultReturnValue(p.type)})`,
    edits: [
      { range: { start: afterCheck, end: afterCheck }, newText: `${indent}if r${place.regno} == 0 goto ${label}\n` },
      { range: { start: afterProgram, end: afterProgram }, newText: `${lead}${label}:\n${indent}r0 = ${defaultReturnValue(p.type)}\n${indent}exit\n` },
    ],
  };
}

/** The quick fixes for one rejected program of an LLVM-dialect assembly document. */
export function asmQuickFixes(text: string, p: ProgramResult): QuickFix[] {
  const fix = nullCheckFix(text, p);
  return fix ? [fix] : [];
}
