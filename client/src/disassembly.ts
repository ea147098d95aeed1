// The text of the disassembly view: an object file's (or a C file's, compiled
// with clang) programs as `ebpf-workbench disasm` prints them, through the
// same src-vm command with node's fs; problems as `#` comment lines at the
// top. No vscode (disassembleView.ts shows it).

import { readFileSync } from 'node:fs';
import { compileCFile, type CompileOptions } from '../../src-vm/cli/clang';
import { disasmCommand } from '../../src-vm/cli/disasmCommand';
import type { CliIo } from '../../src-vm/cli/io';

/** The listing of `path`, or the reason there is none, as the CLI prints it. */
export function disassembleFile(path: string, compile: CompileOptions = {}): string {
  const out: string[] = [];
  const errors: string[] = [];
  const io: CliIo = {
    readFile: (p) => new Uint8Array(readFileSync(p)),
    writeFile: () => { throw new Error('the disassembly view writes no files'); },
    listDir: () => undefined,
    compileC: (p) => compileCFile(p, compile),
    out: (line) => out.push(line),
    err: (line) => errors.push(line),
  };
  try {
    disasmCommand(io, { file: path });
  } catch (err) {
    errors.push(err instanceof Error ? err.message : String(err));
  }
  const problems = errors.map((e) => `# ${e.replace(/\n/g, '\n# ')}`);
  return [...problems, ...out].join('\n') + '\n';
}
