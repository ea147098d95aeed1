// The CLI's command table and argument parsing: `asm`, `disasm`, `run`,
// `conformance`, `help`. Pure: all effects go through CliIo; the node entry
// point (src-vm/cli.ts) supplies it. Every failure becomes an exit code and
// one line on stderr; no exception escapes.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Dialect } from '../program';
import { asmCommand } from './asmCommand';
import { conformanceCommand } from './conformanceCommand';
import { disasmCommand, type OutputDialect } from './disasmCommand';
import { CliError, EXIT, type CliIo, type ExitCode } from './io';
import { runCommand } from './runCommand';
import { progRunCommand } from './progRunCommand';
import { REMOTE_USAGE } from './remoteArgs';
import { verifyCommand } from './verifyCommand';
import type { LogLevel } from '../verifier/log';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Command {
  usage: string;
  options: Options;
  run(io: CliIo, values: Values, positionals: string[]): ExitCode;
}

const DIALECT = { dialect: { type: 'string' } } as const;

function dialectOf(v: string | boolean | undefined, flag = '--dialect'): Dialect | undefined {
  if (v === undefined) return undefined;
  if (v === 'llvm' || v === 'conformance') return v;
  throw new CliError(EXIT.USAGE, `${flag} must be llvm or conformance, not '${String(v)}'`);
}

function outputDialectOf(v: string | boolean | undefined): OutputDialect | undefined {
  if (v === undefined) return undefined;
  if (v === 'llvm' || v === 'kernel' || v === 'conformance') return v;
  throw new CliError(EXIT.USAGE, `--to must be llvm, kernel or conformance, not '${String(v)}'`);
}

function logLevelOf(v: string | boolean | undefined): LogLevel {
  if (v === undefined) return 1;
  if (v === '0' || v === '1' || v === '2') return Number(v) as LogLevel;
  throw new CliError(EXIT.USAGE, `--log-level must be 0, 1 or 2, not '${String(v)}'`);
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function oneFile(name: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new CliError(EXIT.USAGE, `${name}: expected one input file, got ${positionals.length}`);
  return positionals[0];
}

function budgetOf(v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(EXIT.USAGE, `--budget must be a positive integer, not '${String(v)}'`);
  return n;
}

function countOf(v: string | boolean | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(EXIT.USAGE, `${flag} must be a positive integer, not '${String(v)}'`);
  return n;
}

/**
 * `run` runs a program as the kernel would (contexts, helpers, maps) for C
 * files, for objects unless memory is given for the memory contract (`--mem`,
 * `--mem-file`, `--section`, `--target-btf`), and when any program-run flag is given.
 */
function isProgramRun(v: Values, positionals: string[]): boolean {
  const flags = ['program', 'packet', 'packet-file', 'pcap', 'ctx', 'repeat'];
  if (flags.some((f) => v[f] !== undefined)) return true;
  const file = positionals[0] ?? '';
  if (file.endsWith('.c')) return true;
  const memoryContract = ['mem', 'mem-file', 'section', 'target-btf'].some((f) => v[f] !== undefined);
  return file.endsWith('.o') && !memoryContract;
}

export const COMMANDS: Record<string, Command> = {
  asm: {
    usage: 'asm FILE.s [-o FILE.o] [--section NAME] [--license L] [--dialect llvm|conformance]',
    options: { output: { type: 'string', short: 'o' }, section: { type: 'string' }, license: { type: 'string' }, ...DIALECT },
    run: (io, v, p) => asmCommand(io, {
      file: oneFile('asm', p), output: str(v.output), section: str(v.section), license: str(v.license), dialect: dialectOf(v.dialect),
    }),
  },
  disasm: {
    usage: 'disasm FILE.o|FILE.s [--section NAME] [--target-btf FILE] [--dialect llvm|conformance] [--to llvm|kernel|conformance]',
    options: { section: { type: 'string' }, to: { type: 'string' }, 'target-btf': { type: 'string' }, ...DIALECT },
    run: (io, v, p) => disasmCommand(io, {
      file: oneFile('disasm', p), section: str(v.section), dialect: dialectOf(v.dialect), output: outputDialectOf(v.to), targetBtf: str(v['target-btf']),
    }),
  },
  run: {
    usage: 'run FILE [--mem HEX | --mem-file F] [--budget N] [--section NAME] [--target-btf FILE] [--json] [--dialect llvm|conformance]\n' +
      '  run FILE.o|FILE.c [--program NAME] [--packet HEX | --packet-file F | --pcap F] [--ctx F.json] [--repeat N] [--budget N] [--json]',
    options: {
      mem: { type: 'string' }, 'mem-file': { type: 'string' }, budget: { type: 'string' },
      section: { type: 'string' }, 'target-btf': { type: 'string' }, json: { type: 'boolean' }, ...DIALECT,
      program: { type: 'string' }, packet: { type: 'string' }, 'packet-file': { type: 'string' }, pcap: { type: 'string' },
      ctx: { type: 'string' }, repeat: { type: 'string' },
    },
    run: (io, v, p) => (isProgramRun(v, p)
      ? progRunCommand(io, {
        file: oneFile('run', p), program: str(v.program), packet: str(v.packet), packetFile: str(v['packet-file']), pcap: str(v.pcap),
        ctx: str(v.ctx), repeat: countOf(v.repeat, '--repeat'), budget: budgetOf(v.budget), targetBtf: str(v['target-btf']), json: v.json === true,
      })
      : runCommand(io, {
        file: oneFile('run', p), mem: str(v.mem), memFile: str(v['mem-file']), budget: budgetOf(v.budget),
        section: str(v.section), targetBtf: str(v['target-btf']), json: v.json === true, dialect: dialectOf(v.dialect),
      })),
  },
  verify: {
    usage: 'verify FILE.o|FILE.c|FILE.s [--program NAME] [--type PROGTYPE] [--log-level 0|1|2] [--target-btf FILE] [--json]',
    options: { program: { type: 'string' }, type: { type: 'string' }, 'log-level': { type: 'string' }, 'target-btf': { type: 'string' }, json: { type: 'boolean' } },
    run: (io, v, p) => verifyCommand(io, {
      file: oneFile('verify', p), program: str(v.program), type: str(v.type), logLevel: logLevelOf(v['log-level']),
      json: v.json === true, targetBtf: str(v['target-btf']),
    }),
  },
  conformance: {
    usage: 'conformance DIR|FILE.data...',
    options: {},
    run: (io, _v, p) => conformanceCommand(io, p),
  },
};

export function usage(): string {
  return ['usage: ebpf-workbench COMMAND ...', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), `  ${REMOTE_USAGE}`].join('\n');
}

function dispatch(io: CliIo, argv: string[]): ExitCode {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return EXIT.USAGE;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return EXIT.OK;
  }
  // Async and ssh2-backed: src-vm/cli.ts hands `remote` to client/src/remote before this table is consulted.
  if (name === 'remote') throw new CliError(EXIT.USAGE, 'remote: only the node entry point (out/cli.js) can reach a remote host');
  const command = COMMANDS[name];
  if (!command) throw new CliError(EXIT.USAGE, `unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0].replace(/\. .*$/, '.');
    throw new CliError(EXIT.USAGE, `${name}: ${reason} (usage: ${command.usage})`);
  }
  return command.run(io, parsed.values, parsed.positionals);
}

/** Runs the CLI; returns the exit code. Internal errors are reported, never thrown. */
export function runCli(io: CliIo, argv: string[]): ExitCode {
  try {
    return dispatch(io, argv);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`ebpf-workbench: ${e.message}`);
      return e.exitCode;
    }
    io.err(`ebpf-workbench: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT.REJECTED;
  }
}
