// `asm FILE.s -o FILE.o [--section NAME] [--license L] [--dialect D]`:
// assembles into an eBPF ELF object that libbpf and bpftool load.

import { assembleSource, type Dialect } from '../program';
import type { AsmObject } from '../asm/object';
import { writeElf } from '../elf/elfWriter';
import { CliError, EXIT, readText, type CliIo, type ExitCode } from './io';
import { printDiagnostics } from './loadInput';

export interface AsmArgs {
  file: string;
  output?: string;
  section?: string;
  license?: string;
  dialect?: Dialect;
}

/** Puts code that came with no `.section` (the default `.text`) into `section`. */
function renameDefaultSection(obj: AsmObject, section: string): AsmObject {
  const rename = (name: string | undefined): string | undefined => (name === '.text' ? section : name);
  return {
    sections: obj.sections.map((s) => ({ ...s, name: rename(s.name)! })),
    symbols: obj.symbols.map((s) => ({ ...s, section: rename(s.section) })),
    relocs: obj.relocs.map((r) => ({ ...r, section: rename(r.section)! })),
  };
}

export function defaultObjectPath(file: string): string {
  return file.replace(/(\.bpf)?\.(s|S|ebpf|bpfasm|asm|data)$/, '') + '.o';
}

export function asmCommand(io: CliIo, args: AsmArgs): ExitCode {
  const { value, diagnostics } = assembleSource(readText(io, args.file), args.dialect);
  printDiagnostics(io, args.file, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) throw new CliError(EXIT.REJECTED, `${args.file}: assembly failed with ${errors} error${errors === 1 ? '' : 's'}`);
  let obj = value.object;
  const hasText = obj.sections.some((s) => s.name === '.text' && s.kind === 'code' && s.insns.length > 0);
  if (args.section && hasText) obj = renameDefaultSection(obj, args.section);
  else if (hasText && !obj.sections.some((s) => s.kind === 'code' && s.name !== '.text')) {
    io.err(`${args.file}: warning: code is in .text, which libbpf loads only as a subprogram; use '.section xdp' (or another program type) or --section NAME`);
  }
  const output = args.output ?? defaultObjectPath(args.file);
  const elf = writeElf(obj, { license: args.license });
  try {
    io.writeFile(output, elf);
  } catch (e) {
    throw new CliError(EXIT.USAGE, `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const code = obj.sections.filter((s) => s.kind === 'code' && s.insns.length > 0);
  io.out(`${output}: ${code.map((s) => `${s.name} (${s.insns.length} insns)`).join(', ')}`);
  return EXIT.OK;
}
