// Where the programs of a document are, for the Deploy CodeLens and for
// placing the kernel's verdict: C programs read from the text
// (`SEC("xdp") int name(`, so they show before the file compiles), assembly
// programs from our assembler (code sections, their entry symbols, and the
// source line of every instruction slot, which is what a kernel log without
// BTF line info can be mapped through). Pure; imports no vscode.

import { assembleSource } from '../../../src-vm/index';

export interface DocumentProgram {
  /** Program name as libbpf and the kernel log call it (the function / entry symbol). */
  name: string;
  section: string;
  /** 0-based line the program starts on. */
  line: number;
  /** Assembly only: the 0-based source line of each instruction slot. */
  insnLines?: (number | undefined)[];
}

const C_PROGRAM = /SEC\s*\(\s*"([^"]*)"\s*\)\s*(?:static\s+)?(?:__always_inline\s+)?[\w\s*]*?\b(\w+)\s*\(/g;
const NOT_PROGRAMS = new Set(['.maps', 'license', 'maps', 'version']);

export function isCPath(path: string): boolean {
  return /\.(c|h)$/.test(path);
}

function lineAt(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function cPrograms(text: string): DocumentProgram[] {
  const out: DocumentProgram[] = [];
  for (const m of text.matchAll(C_PROGRAM)) {
    if (NOT_PROGRAMS.has(m[1]) || m[1].startsWith('.')) continue;
    out.push({ name: m[2], section: m[1], line: lineAt(text, m.index!) });
  }
  return out;
}

/** The 0-based line of the label `name:`, when the text has one. */
function labelLine(lines: readonly string[], name: string): number | undefined {
  const i = lines.findIndex((l) => l.trimStart().startsWith(`${name}:`));
  return i >= 0 ? i : undefined;
}

function asmPrograms(text: string): DocumentProgram[] {
  const { object } = assembleSource(text).value;
  const lines = text.split('\n');
  const out: DocumentProgram[] = [];
  for (const s of object.sections) {
    if (s.kind !== 'code' || s.insns.length === 0) continue;
    const entry = object.symbols.find((y) => y.section === s.name && y.offset === 0 && y.kind !== 'object');
    const insnLines = s.spans.map((sp) => sp?.line);
    const first = insnLines.find((l) => l !== undefined) ?? 0;
    const name = entry?.name ?? s.name;
    out.push({ name, section: s.name, line: (entry && labelLine(lines, name)) ?? first, insnLines });
  }
  return out;
}

/** The programs of a C or eBPF assembly document, in order. */
export function documentPrograms(path: string, text: string): DocumentProgram[] {
  return isCPath(path) ? cPrograms(text) : asmPrograms(text);
}
