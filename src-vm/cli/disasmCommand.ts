// `disasm FILE.o|FILE.s [--dialect llvm|conformance] [--section NAME]`:
// prints each code section's instructions, numbered by slot, as
// `llvm-objdump -d --no-show-raw-insn` does (or in the conformance dialect).

import { disassemble } from '../asm/disassembler';
import { disassembleConformance } from '../asm/conformanceDisasm';
import { isLddw } from '../isa/insn';
import type { CodeSection, Dialect } from '../program';
import { pickSection } from '../program';
import { CliError, EXIT, type CliIo, type ExitCode } from './io';
import { loadInput } from './loadInput';

export interface DisasmArgs {
  file: string;
  dialect?: Dialect;
  /** The dialect to print in (default llvm). */
  output?: Dialect;
  section?: string;
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

function printSection(io: CliIo, section: CodeSection, output: Dialect): void {
  const lines = output === 'conformance' ? disassembleConformance(section.insns) : disassemble(section.insns);
  const labels = new Map(section.functions.map((f) => [f.slot, f.name]));
  io.out(`Disassembly of section ${section.name}:`);
  lineSlots(section).forEach((slot, n) => {
    const label = labels.get(slot);
    if (label !== undefined) io.out(`\n${label}:`);
    io.out(`${String(slot).padStart(8)}:\t${lines[n] ?? ''}`);
  });
}

export function disasmCommand(io: CliIo, args: DisasmArgs): ExitCode {
  const loaded = loadInput(io, args.file, args.dialect);
  let sections = loaded.sections;
  if (args.section !== undefined) {
    const picked = pickSection(sections, args.section);
    if (!picked.section) throw new CliError(EXIT.USAGE, `${args.file}: ${picked.error?.message}`);
    sections = [picked.section];
  }
  if (sections.length === 0) throw new CliError(EXIT.REJECTED, `${args.file}: no code section with instructions`);
  sections.forEach((s, i) => {
    if (i > 0) io.out('');
    printSection(io, s, args.output ?? 'llvm');
  });
  return EXIT.OK;
}
