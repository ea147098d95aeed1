// What CLI commands may do to the outside world, injected so the commands stay
// pure and testable: read and write files, list directories, print.
// The node implementation lives in src-vm/cli.ts.

export interface CliIo {
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  /** Names of the entries of a directory, or undefined if `path` is not one. */
  listDir(path: string): string[] | undefined;
  /** Compiles an eBPF C file with clang (`-target bpf -O2 -g`) into object bytes. */
  compileC(path: string): { bytes: Uint8Array } | { error: string };
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes: 0 success, 1 program rejected or faulted, 2 bad usage or unreadable input. */
export const EXIT = { OK: 0, REJECTED: 1, USAGE: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends a command with `code` and a one-line reason on stderr. */
export class CliError extends Error {
  constructor(readonly exitCode: ExitCode, message: string) {
    super(message);
  }
}

export function readInput(io: CliIo, path: string): Uint8Array {
  try {
    return io.readFile(path);
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : String(e);
    throw new CliError(EXIT.USAGE, `cannot read ${path}: ${reason === 'ENOENT' ? 'no such file' : reason}`);
  }
}

export function readText(io: CliIo, path: string): string {
  return new TextDecoder('latin1').decode(readInput(io, path));
}
