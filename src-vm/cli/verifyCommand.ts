// `verify FILE [--program NAME] [--type PROGTYPE] [--log-level 0|1|2] [--json]`:
// runs our verifier on every program of an object, a C file (compiled with
// clang) or an assembly file. Exit 0 when every program is accepted, 1 when
// any is rejected, 2 for bad input. The --json shape is a promise to tools.

import { hasErrors } from '../diagnostics';
import { loadObject } from '../elf/loader';
import { objectNameFromPath } from '../elf/globalData';
import { assembleSource } from '../program';
import { targetsOfAsm, targetsOfObject, verifyJson, verifyTarget, type VerifyJsonProgram, type VerifyTarget } from '../verifyTargets';

export type { VerifyJsonProgram };
import type { LogLevel } from '../verifier/log';
import { PROG_TYPE_NAMES } from '../elf/bpfEnums';
import { CliError, EXIT, type CliIo, type ExitCode } from './io';
import { coreTarget, objectBytes, printDiagnostics } from './loadInput';

export interface VerifyArgs {
  file: string;
  program?: string;
  type?: string;
  logLevel: LogLevel;
  json: boolean;
  targetBtf?: string;
}



function targetsOf(io: CliIo, args: VerifyArgs): VerifyTarget[] {
  const bytes = objectBytes(io, args.file);
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const loaded = loadObject(bytes, { name: objectNameFromPath(args.file), targetBtf: coreTarget(io, args.targetBtf) });
    printDiagnostics(io, args.file, loaded.diagnostics.filter((d) => d.severity !== 'info'));
    if (hasErrors(loaded.diagnostics) && loaded.value.programs.length === 0) throw new CliError(EXIT.USAGE, `${args.file}: not a loadable eBPF object`);
    return targetsOfObject(loaded.value, args.type);
  }
  const assembled = assembleSource(new TextDecoder('latin1').decode(bytes));
  printDiagnostics(io, args.file, assembled.diagnostics);
  if (hasErrors(assembled.diagnostics)) throw new CliError(EXIT.USAGE, `${args.file}: assembly failed`);
  const { targets, diagnostics } = targetsOfAsm(assembled.value.object, args.type);
  printDiagnostics(io, args.file, diagnostics);
  return targets;
}

function pick(targets: VerifyTarget[], args: VerifyArgs): VerifyTarget[] {
  if (args.program === undefined) return targets;
  const found = targets.filter((t) => t.name === args.program || t.section === args.program);
  if (found.length === 0) throw new CliError(EXIT.USAGE, `${args.file}: no program ${args.program} (programs: ${targets.map((t) => t.name).join(', ')})`);
  return found;
}


function printText(io: CliIo, p: VerifyJsonProgram, log: string[]): void {
  for (const line of log) io.out(line);
  const where = p.error?.file ? ` (${p.error.file}:${p.error.line}${p.error.column ? `:${p.error.column}` : ''})` : '';
  if (p.error) io.out(`${p.name} (${p.section}): rejected at insn ${p.error.insn}${where}: ${p.error.message}`);
  else io.out(`${p.name} (${p.section}): accepted, ${p.processedInsns} insns processed`);
}

export function verifyCommand(io: CliIo, args: VerifyArgs): ExitCode {
  if (args.type !== undefined && !(PROG_TYPE_NAMES as readonly string[]).includes(args.type)) {
    throw new CliError(EXIT.USAGE, `unknown program type '${args.type}' (libbpf's names: ${PROG_TYPE_NAMES.filter((n) => n !== 'unspec').join(', ')})`);
  }
  const targets = pick(targetsOf(io, args), args);
  if (targets.length === 0) throw new CliError(EXIT.USAGE, `${args.file}: no program to verify`);
  const programs: VerifyJsonProgram[] = [];
  for (const t of targets) {
    const outcome = verifyTarget(t, { logLevel: args.json ? 0 : args.logLevel });
    if (outcome.kind === 'unsupported') throw new CliError(EXIT.USAGE, `${args.file}: ${t.name}: ${outcome.reason}`);
    const p = verifyJson(t, outcome);
    programs.push(p);
    if (!args.json) printText(io, p, outcome.report.log);
  }
  if (args.json) io.out(JSON.stringify({ programs }));
  return programs.some((p) => p.verdict === 'reject') ? EXIT.REJECTED : EXIT.OK;
}
