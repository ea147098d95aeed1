// Loading for EbpfRuntime: checks the load options (every problem, each naming
// its option), assembles the text (LLVM dialect, else conformance), picks the
// code section and builds a Vm with the input memory. Problems come back as
// diagnostics, never exceptions. Pure: text in; no fs, no vscode.

import type { Diagnostic, Span, WithDiagnostics } from '../diagnostics';
import { hasErrors } from '../diagnostics';
import { formatConformanceInsn } from '../asm/conformanceDisasm';
import { formatInsn } from '../asm/disassembler';
import { assembleSource, codeSections, pickSection, type CodeSection, type Dialect } from '../program';
import { DEFAULT_BUDGET, type Vm } from './interpreter';
import { codeAndTables } from './history/opaque';
import { createVm } from './runProgram';
import { SourceLines } from './runtimeLines';
import { parseHexBytes } from '../hexBytes';
import type { RuntimeLoadOptions } from './runtimeTypes';
import type { DebugTarget } from './runtimeTarget';

/** A program ready to debug. */
export interface DebugProgram {
  section: CodeSection;
  dialect: Dialect;
  vm: Vm;
  lines: SourceLines;
  mem: Uint8Array;
  budget: number;
}

function optionError(option: string, message: string): Diagnostic {
  return { severity: 'error', code: `runtime/${option}`, message: `${option}: ${message}` };
}

/** The input memory and budget, or one diagnostic per bad option. */
function checkOptions(options: RuntimeLoadOptions): WithDiagnostics<{ mem: Uint8Array; budget: number }> {
  const diagnostics: Diagnostic[] = [];
  let mem: Uint8Array = new Uint8Array();
  if (options.mem !== undefined) {
    const parsed = parseHexBytes(options.mem);
    if ('error' in parsed) diagnostics.push(optionError('mem', parsed.error));
    else mem = parsed.bytes;
  }
  const budget = options.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0) {
    diagnostics.push(optionError('budget', `must be a positive whole number of instructions, got ${budget}`));
  }
  return { value: { mem, budget }, diagnostics };
}

/** Invalid encodings found by the Vm's validator, placed on their source lines. */
function withSpans(diagnostics: readonly Diagnostic[], spans: readonly (Span | undefined)[]): Diagnostic[] {
  return diagnostics.map((d) => (d.span || d.insnIdx === undefined ? d : { ...d, span: spans[d.insnIdx] }));
}

/** Assembles `text` and prepares its section to run; `value` is undefined when any error was found. */
export function loadDebugProgram(text: string, options: RuntimeLoadOptions): WithDiagnostics<DebugProgram | undefined> {
  const checked = checkOptions(options);
  const assembled = assembleSource(text, options.dialect);
  const diagnostics = [...checked.diagnostics, ...assembled.diagnostics];
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const picked = pickSection(codeSections(assembled.value.object), options.section);
  if (!picked.section) {
    const error = picked.error ?? { severity: 'error', code: 'program/none', message: 'no code section to run' };
    const message = options.section === undefined ? error.message : `section: ${error.message}`;
    return { value: undefined, diagnostics: [...diagnostics, { ...error, message }] };
  }
  const section = picked.section;
  const { mem, budget } = checked.value;
  const { vm, invalid } = createVm(section.insns, { mem, budget });
  if (!vm) return { value: undefined, diagnostics: [...diagnostics, ...withSpans(invalid, section.spans)] };
  const lines = new SourceLines(section.spans, text);
  return { value: { section, dialect: assembled.value.dialect, vm, lines, mem, budget }, diagnostics };
}

/** The instruction at `slot` in the dialect the program was written in. */
export function instructionText(program: DebugProgram, slot: number): string {
  const { insns, functions } = program.section;
  if (slot < 0 || slot >= insns.length) return '<outside the program>';
  if (program.dialect === 'conformance') return formatConformanceInsn(insns, slot).text;
  return formatInsn(insns, slot, { symbols: functions.map((f) => ({ name: f.name, offset: f.slot })) });
}

/** An assembled program as the runtime debugs it: the Vm runs alone, with r1 at the input memory. */
export function assemblyTarget(p: DebugProgram): DebugTarget {
  const mem = p.mem.byteLength === 0 ? 'no input memory' : `${p.mem.byteLength} bytes of input memory at r1`;
  return {
    vm: p.vm,
    lines: p.lines,
    name: p.section.name,
    summary: `${p.section.name}: ${p.section.insns.length} instruction slots (${p.dialect} dialect), ${mem}, budget ${p.budget} instructions`,
    info: { section: p.section.name, dialect: p.dialect, slots: p.section.insns.length, memBytes: p.mem.byteLength, budget: p.budget },
    run: (maxSteps, breaks) => p.vm.run(maxSteps, breaks),
    stateRoots: () => [p.vm],
    opaque: codeAndTables(p.vm),
    instructionText: (slot) => instructionText(p, slot),
    functionAt: (slot) => p.section.functions.find((f) => f.slot === slot)?.name,
  };
}
