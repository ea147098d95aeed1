// `disasm FILE.o|FILE.s [--section NAME] [--dialect D] [--to llvm|kernel|conformance]`:
// prints each program. Programs of an ELF object are listed as the kernel's
// verifier log shows them — kernel text, `; <source> @ file.c:LINE` before
// the instructions of each source line, maps by name; code without that
// (assembly, raw sections) as `llvm-objdump -d --no-show-raw-insn` prints it.

import { disassemble, type DisasmOptions } from '../asm/disassembler';
import { disassembleConformance } from '../asm/conformanceDisasm';
import { buildLineTable, sourceAnnotations } from '../elf/lineTable';
import { isLddw } from '../isa/insn';
import type { CodeSection, Dialect } from '../program';
import { pickSection } from '../program';
import { CliError, EXIT, type CliIo, type ExitCode } from './io';
import { loadInput } from './loadInput';

export type OutputDialect = 'llvm' | 'kernel' | 'conformance';

export interface DisasmArgs {
  file: string;
  dialect?: Dialect;
  /** The dialect to print in (default: kernel for object programs, llvm otherwise). */
  output?: OutputDialect;
  section?: string;
  /** CO-RE target BTF for objects (default: the running kernel's). */
  targetBtf?: string;
}

/** Slot index of each printed line (an `lddw` takes two slots and one line). */
function lineSlots(section: CodeSection): number[] {
  const slots: number[] = [];
  for (let i = 0; i < section.insns.length; i++) {
    slots.push(i);
    if (isLddw(section.insns[i])) i++;
  }
  return slots;
}

/** Kernel-dialect options naming the maps an object's `lddw`s refer to. */
function mapNaming(section: CodeSection): DisasmOptions {
  const loaded = section.loaded;
  if (!loaded) return {};
  const refs = new Map(loaded.program.mapRefs.map((r) => [r.insnIdx, r]));
  return {
    immText: (_insns, idx) => {
      const ref = refs.get(idx);
      const name = ref && loaded.maps[ref.mapIndex]?.name;
      if (!ref || name === undefined) return undefined;
      return ref.kind === 'map' ? `map[${name}]` : `map[${name}][0]+${ref.offset}`;
    },
  };
}

function sourceLines(section: CodeSection): Map<number, string> {
  const info = section.loaded?.program.lineInfo;
  if (!info || info.length === 0) return new Map();
  return sourceAnnotations(buildLineTable(info, section.insns.length).value);
}

function header(section: CodeSection): string {
  const p = section.loaded?.program;
  if (!p) return `Disassembly of section ${section.name}:`;
  return `Disassembly of program ${p.name} (section ${p.section}, type ${p.type ?? 'unknown'}, ${p.insns.length} insns):`;
}

function printSection(io: CliIo, section: CodeSection, output: OutputDialect): void {
  const lines = output === 'conformance'
    ? disassembleConformance(section.insns)
    : disassemble(section.insns, output === 'kernel' ? { dialect: 'kernel', ...mapNaming(section) } : {});
  const labels = new Map(section.functions.map((f) => [f.slot, f.name]));
  const sources = sourceLines(section);
  io.out(header(section));
  lineSlots(section).forEach((slot, n) => {
    const label = labels.get(slot);
    if (label !== undefined && !(slot === 0 && section.loaded)) io.out(`\n${label}:`);
    const source = sources.get(slot);
    if (source !== undefined) io.out(source);
    io.out(output === 'kernel' ? `${slot}: ${lines[n] ?? ''}` : `${String(slot).padStart(8)}:\t${lines[n] ?? ''}`);
  });
}

export function disasmCommand(io: CliIo, args: DisasmArgs): ExitCode {
  const loaded = loadInput(io, args.file, args.dialect, args.targetBtf);
  let sections = loaded.sections;
  if (args.section !== undefined) {
    const picked = pickSection(sections, args.section);
    if (!picked.section) throw new CliError(EXIT.USAGE, `${args.file}: ${picked.error?.message}`);
    sections = [picked.section];
  }
  if (sections.length === 0) throw new CliError(EXIT.REJECTED, `${args.file}: no code section with instructions`);
  sections.forEach((s, i) => {
    if (i > 0) io.out('');
    printSection(io, s, args.output ?? (s.loaded ? 'kernel' : 'llvm'));
  });
  return EXIT.OK;
}
