// `run FILE [--mem HEX | --mem-file F] [--budget N] [--section NAME] [--json]`:
// runs one program on the interpreter (r1 = input memory, r2 = its length) and
// reports r0, the instructions executed and any fault.

import type { Dialect } from '../program';
import { pickSection } from '../program';
import { runProgram, type RunResult } from '../vm/runProgram';
import { DEFAULT_BUDGET } from '../vm/interpreter';
import { parseHexBytes } from '../hexBytes';
import { memoryFromFile } from './hexInput';
import { CliError, EXIT, readInput, type CliIo, type ExitCode } from './io';
import { loadInput } from './loadInput';

export interface RunArgs {
  file: string;
  mem?: string;
  memFile?: string;
  budget?: number;
  section?: string;
  /** CO-RE target BTF for objects (default: the running kernel's). */
  targetBtf?: string;
  json: boolean;
  dialect?: Dialect;
}

/** The `--json` shape: a promise to scripts, extend it but never rename. */
export interface RunJson {
  file: string;
  program: string;
  r0: string;
  r0Dec: string;
  steps: number;
  fault: { pc: number; code: string; message: string } | null;
}

function inputMemory(io: CliIo, args: RunArgs, fromVector?: Uint8Array): Uint8Array | undefined {
  if (args.mem !== undefined && args.memFile !== undefined) throw new CliError(EXIT.USAGE, 'give --mem or --mem-file, not both');
  if (args.mem !== undefined) {
    const parsed = parseHexBytes(args.mem);
    if ('error' in parsed) throw new CliError(EXIT.USAGE, `--mem: ${parsed.error}`);
    return parsed.bytes;
  }
  if (args.memFile !== undefined) return memoryFromFile(readInput(io, args.memFile));
  return fromVector;
}

function toJson(file: string, program: string, r: RunResult): RunJson {
  const fault = r.fault ? { pc: r.fault.pc, code: r.fault.code, message: r.fault.message } : null;
  return { file, program, r0: '0x' + r.r0.toString(16), r0Dec: r.r0.toString(), steps: r.steps, fault };
}

export function runCommand(io: CliIo, args: RunArgs): ExitCode {
  const loaded = loadInput(io, args.file, args.dialect, args.targetBtf);
  const picked = pickSection(loaded.sections, args.section);
  if (!picked.section) throw new CliError(EXIT.USAGE, `${args.file}: ${picked.error?.message}`);
  const mem = inputMemory(io, args, loaded.mem);
  const result = runProgram(picked.section.insns, { mem, budget: args.budget ?? DEFAULT_BUDGET });
  if (result.invalid) {
    for (const d of result.invalid) io.err(`${args.file}: ${picked.section.name}: ${d.message}`);
    throw new CliError(EXIT.REJECTED, `${args.file}: ${picked.section.name} has ${result.invalid.length} invalid instruction encoding(s)`);
  }
  const report = toJson(args.file, picked.section.name, result);
  if (args.json) io.out(JSON.stringify(report));
  else {
    io.out(`${args.file}: ${report.program}`);
    if (!report.fault) io.out(`r0 = ${report.r0} (${report.r0Dec})`);
    io.out(`${report.steps} instructions executed`);
    if (report.fault) io.out(`fault: ${report.fault.message}`);
  }
  if (report.fault) throw new CliError(EXIT.REJECTED, `${args.file}: ${report.fault.message}`);
  return EXIT.OK;
}
