// Assembly debugged in its Linux context (a packet, a capture, a context
// JSON, a program type): the text assembled into an ELF object as the
// language server's run lens does, so LinuxMachine runs it with its maps and
// helpers, and each loaded program's source lines taken from the assembler's
// spans (an assembled object carries no BTF line info). Pure.

import { hasErrors, type WithDiagnostics } from '../diagnostics';
import { writeElf } from '../elf/elfWriter';
import type { LoadedProgram } from '../elf/loadedObject';
import { assembleSource, codeSections, type Dialect } from '../program';
import { SourceLines } from './runtimeLines';
import type { DebugLines } from './runtimeTarget';

export interface AssembledObject {
  /** The object's bytes, as `loadLinuxTarget` takes them. */
  bytes: Uint8Array;
  /** A loaded program's lines: its section's spans from the program's first slot on. */
  lines: (program: LoadedProgram) => DebugLines | undefined;
}

export function assembleObject(text: string, dialect?: Dialect): WithDiagnostics<AssembledObject | undefined> {
  const assembled = assembleSource(text, dialect);
  if (hasErrors(assembled.diagnostics)) return { value: undefined, diagnostics: assembled.diagnostics };
  const sections = codeSections(assembled.value.object);
  const lines = (program: LoadedProgram): DebugLines | undefined => {
    const section = sections.find((s) => s.section === program.section || s.name === program.section);
    return section && new SourceLines(section.spans.slice(program.sectionInsnOffset), text);
  };
  return { value: { bytes: writeElf(assembled.value.object), lines }, diagnostics: assembled.diagnostics };
}
