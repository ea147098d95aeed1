// Turns argument lists into one POSIX shell command line, the only form an SSH
// `exec` request carries. Every argument is single-quoted unless it is made of
// characters no shell treats specially, so a name with spaces, quotes, `;`,
// `$( )` or newlines reaches the remote program as one argument, unchanged.
// Pure; imports nothing. (The remote login shell must be POSIX: sh, bash, dash, zsh.)

import { RemoteError } from './errors';

/** Characters every POSIX shell passes through literally outside quotes. */
const PLAIN = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

/** One argument, quoted for a POSIX shell. NUL cannot travel in an argument at all. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new RemoteError('quote', `an argument contains a NUL byte, which no remote command can receive: ${JSON.stringify(arg)}`);
  if (PLAIN.test(arg)) return arg;
  // Inside '...' nothing is special except ' itself, written as '\'' (close, escaped quote, reopen).
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argument list as one command line: each argument quoted, joined by spaces. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new RemoteError('quote', 'empty command');
  return argv.map(shellQuote).join(' ');
}

/** Runs `argv` as root through `sudo -n` (never prompts: a password request fails at once) when `sudo` is set. */
export function privileged(argv: readonly string[], sudo: boolean): string[] {
  return sudo ? ['sudo', '-n', '--', ...argv] : [...argv];
}

/** A fixed script (no user data in its text) run by `sh -c`, with user data passed as positional arguments $1… */
export function script(text: string, args: readonly string[] = []): string[] {
  return ['sh', '-c', text, 'ebpf-workbench', ...args];
}
