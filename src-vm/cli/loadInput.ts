// Turns a CLI file argument into code sections: `.o` files through the ELF
// reader, `.data` files as conformance vectors (with their input memory),
// anything else as assembly in either dialect. Diagnostics are printed here,
// as `file:line:col: error: message`. No fs: reads through CliIo.

import { formatDiagnostic, type Diagnostic } from '../diagnostics';
import { codeSections, codeSectionsOfElf, assembleSource, type CodeSection, type Dialect } from '../program';
import { parseVectorFile } from '../conformance/vectorFile';
import { parseBtf, type Btf } from '../elf/btf';
import { objectNameFromPath } from '../elf/globalData';
import { CliError, EXIT, readInput, type CliIo } from './io';

export interface LoadedInput {
  sections: CodeSection[];
  /** Input memory a conformance vector carries. */
  mem?: Uint8Array;
  dialect: Dialect | 'elf';
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function isElf(bytes: Uint8Array): boolean {
  return ELF_MAGIC.every((b, i) => bytes[i] === b);
}

export function printDiagnostics(io: CliIo, file: string, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d, file));
}

/** Prints the diagnostics and fails with exit code 1 when any is an error. */
function requireClean(io: CliIo, file: string, diagnostics: readonly Diagnostic[], what: string): void {
  printDiagnostics(io, file, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) throw new CliError(EXIT.REJECTED, `${file}: ${what} failed with ${errors} error${errors === 1 ? '' : 's'}`);
}

function loadVector(io: CliIo, file: string, text: string): LoadedInput {
  const vector = parseVectorFile(text);
  requireClean(io, file, vector.diagnostics, 'reading the vector');
  const { raw, asm, mem } = vector.value;
  if (raw && raw.length > 0) return { sections: [{ name: '.text', section: '.text', insns: raw, spans: [], functions: [] }], mem, dialect: 'conformance' };
  const assembled = assembleSource(asm ?? '', 'conformance');
  requireClean(io, file, assembled.diagnostics, 'assembly');
  return { sections: codeSections(assembled.value.object), mem, dialect: 'conformance' };
}

/** The running kernel's BTF: the CO-RE target libbpf would use on this machine. */
export const KERNEL_BTF = '/sys/kernel/btf/vmlinux';

function readIfPresent(io: CliIo, path: string): Uint8Array | undefined {
  try {
    return io.readFile(path);
  } catch {
    return undefined;
  }
}

/** CO-RE target for objects: the file named, else the running kernel's BTF when readable, else none. */
export function coreTarget(io: CliIo, path: string | undefined): Btf | undefined {
  const bytes = path !== undefined ? readInput(io, path) : readIfPresent(io, KERNEL_BTF);
  if (!bytes) return undefined;
  const parsed = parseBtf(bytes);
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new CliError(EXIT.USAGE, `${path ?? KERNEL_BTF}: not usable as CO-RE target BTF: ${error.message}`);
  return parsed.value;
}

export function loadInput(io: CliIo, file: string, dialect?: Dialect, targetBtfPath?: string): LoadedInput {
  const bytes = readInput(io, file);
  if (isElf(bytes)) {
    const elf = codeSectionsOfElf(bytes, { name: objectNameFromPath(file), targetBtf: coreTarget(io, targetBtfPath) });
    requireClean(io, file, elf.diagnostics, 'reading the ELF object');
    return { sections: elf.value, dialect: 'elf' };
  }
  const text = new TextDecoder('latin1').decode(bytes);
  if (file.endsWith('.data') && text.includes('-- ')) return loadVector(io, file, text);
  const assembled = assembleSource(text, dialect);
  requireClean(io, file, assembled.diagnostics, 'assembly');
  return { sections: codeSections(assembled.value.object), dialect: assembled.value.dialect };
}

/** The bytes of an object file argument; a `.c` file is compiled with clang first (a missing clang is a usage error). */
export function objectBytes(io: CliIo, file: string): Uint8Array {
  if (!file.endsWith('.c')) return readInput(io, file);
  readInput(io, file);
  const compiled = io.compileC(file);
  if ('error' in compiled) throw new CliError(EXIT.USAGE, `${file}: ${compiled.error}`);
  return compiled.bytes;
}
