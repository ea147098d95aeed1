// `run FILE.o|FILE.c --program NAME [--packet HEX | --packet-file F | --pcap F]
// [--ctx F.json] [--repeat N] [--budget N] [--json]`: runs one program of an
// object as BPF_PROG_TEST_RUN would (its type's context over each packet,
// maps that persist from packet to packet, the Linux helpers) and prints, per
// packet, the named return value, the packet after and the trace/ring-buffer/
// perf records, then the maps. The --json shape extends `run`'s.

import { hasErrors } from '../diagnostics';
import { loadObject } from '../elf/loader';
import { objectNameFromPath } from '../elf/globalData';
import { parseHexBytes } from '../hexBytes';
import { LinuxMachine, type MapDump, type ProgRunResult } from '../vm/linux/linuxMachine';
import { readPcap } from '../vm/linux/pcap';
import { parseRunConfig, type RunConfig } from '../vm/linux/runConfig';
import { DEFAULT_PROCESS, type OutputRecord } from '../vm/linux/runState';
import type { LoadedProgram } from '../elf/loadedObject';
import { memoryFromFile } from './hexInput';
import { CliError, EXIT, readInput, readText, type CliIo, type ExitCode } from './io';
import { coreTarget, objectBytes, printDiagnostics } from './loadInput';
import type { RunJson } from './runCommand';

export interface ProgRunArgs {
  file: string;
  program?: string;
  packet?: string;
  packetFile?: string;
  pcap?: string;
  ctx?: string;
  repeat?: number;
  budget?: number;
  targetBtf?: string;
  json: boolean;
}

/** One packet's run in --json. */
export interface ProgRunJson {
  packet: number;
  retval: number;
  retName: string | null;
  steps: number;
  packetOut: string | null;
  fault: { pc: number; code: string; message: string } | null;
  refused: { errno: string; message: string } | null;
  records: ({ kind: 'trace'; text: string } | { kind: 'ringbuf' | 'perf'; map: string; data: string })[];
}

export interface ProgRunCommandJson extends RunJson {
  type: string | null;
  runs: ProgRunJson[];
  maps: MapDump[];
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');


function packetsOf(io: CliIo, args: ProgRunArgs): Uint8Array[] {
  const given = [args.packet, args.packetFile, args.pcap].filter((x) => x !== undefined).length;
  if (given > 1) throw new CliError(EXIT.USAGE, 'give one of --packet, --packet-file and --pcap');
  if (args.packet !== undefined) {
    const parsed = parseHexBytes(args.packet);
    if ('error' in parsed) throw new CliError(EXIT.USAGE, `--packet: ${parsed.error}`);
    return [parsed.bytes];
  }
  if (args.packetFile !== undefined) return [memoryFromFile(readInput(io, args.packetFile))];
  if (args.pcap !== undefined) {
    const read = readPcap(readInput(io, args.pcap));
    printDiagnostics(io, args.pcap, read.diagnostics);
    if (hasErrors(read.diagnostics)) throw new CliError(EXIT.USAGE, `${args.pcap}: not a usable pcap file`);
    return read.value;
  }
  return [new Uint8Array(0)];
}

function configOf(io: CliIo, path: string | undefined): RunConfig {
  if (path === undefined) return { xdp: {}, tracing: {}, env: {}, maps: [] };
  const parsed = parseRunConfig(readText(io, path), DEFAULT_PROCESS);
  printDiagnostics(io, path, parsed.diagnostics);
  if (hasErrors(parsed.diagnostics)) throw new CliError(EXIT.USAGE, `${path}: the run configuration has errors`);
  return parsed.value;
}

function pickProgram(machine: LinuxMachine, args: ProgRunArgs): LoadedProgram {
  const program = machine.program(args.program);
  if (program) return program;
  const names = machine.object.programs.map((p) => p.name).join(', ') || 'none';
  throw new CliError(EXIT.USAGE, `${args.file}: no program ${args.program === undefined ? '' : `'${args.program}' `}(programs: ${names})`);
}

function recordJson(r: OutputRecord): ProgRunJson['records'][number] {
  return r.kind === 'trace' ? r : { kind: r.kind, map: r.map, data: hex(r.data) };
}

function runJson(index: number, r: ProgRunResult): ProgRunJson {
  return {
    packet: index, retval: r.retval, retName: r.retName ?? null, steps: r.steps,
    packetOut: r.packetOut ? hex(r.packetOut) : null,
    fault: r.fault ? { pc: r.fault.pc, code: r.fault.code, message: r.fault.message } : null,
    refused: r.refused ?? null, records: r.records.map(recordJson),
  };
}

function printText(io: CliIo, report: ProgRunCommandJson): void {
  io.out(`${report.file}: ${report.program} (${report.type ?? 'unknown type'})`);
  for (const run of report.runs) {
    const head = `packet ${run.packet}:`;
    if (run.refused) io.out(`${head} refused by test_run (${run.refused.errno}): ${run.refused.message}`);
    else if (run.fault) io.out(`${head} fault: ${run.fault.message}`);
    else io.out(`${head} ${run.retName ?? run.retval} (${run.retval}), ${run.steps} instructions`);
    for (const r of run.records) io.out(`  ${r.kind === 'trace' ? `trace: ${r.text}` : `${r.kind} ${r.map}: ${r.data}`}`);
    if (run.packetOut !== null) io.out(`  packet after: ${run.packetOut}`);
  }
  for (const m of report.maps) {
    if (m.entries.length === 0) continue;
    io.out(`map ${m.name} (${m.type}):`);
    for (const e of m.entries) io.out(`  ${e.key || '-'} => ${'values' in e ? e.values.join(' | ') : e.value}`);
  }
}

export function progRunCommand(io: CliIo, args: ProgRunArgs): ExitCode {
  const loaded = loadObject(objectBytes(io, args.file), { name: objectNameFromPath(args.file), targetBtf: coreTarget(io, args.targetBtf) });
  printDiagnostics(io, args.file, loaded.diagnostics.filter((d) => d.severity === 'error'));
  if (loaded.value.programs.length === 0) throw new CliError(EXIT.USAGE, `${args.file}: no programs to run`);
  const config = configOf(io, args.ctx);
  const made = LinuxMachine.create(loaded.value, { env: config.env });
  printDiagnostics(io, args.file, made.diagnostics);
  const machine = made.value;
  const fill = machine.fillMaps(config.maps);
  printDiagnostics(io, args.ctx ?? args.file, fill);
  if (hasErrors(fill)) throw new CliError(EXIT.USAGE, `${args.ctx}: map contents could not be applied`);
  const program = pickProgram(machine, args);
  const packets = packetsOf(io, args);
  const runs: ProgRunJson[] = [];
  for (let round = 0; round < (args.repeat ?? 1); round++) {
    packets.forEach((packet, i) => {
      const r = machine.run(program, { packet, xdp: config.xdp, skb: config.skb, tracing: config.tracing, budget: args.budget });
      runs.push(runJson(i, r));
    });
  }
  const last = runs[runs.length - 1];
  const fault = runs.find((r) => r.fault)?.fault ?? null;
  const report: ProgRunCommandJson = {
    file: args.file, program: program.name, r0: '0x' + (last?.retval ?? 0).toString(16), r0Dec: String(last?.retval ?? 0),
    steps: runs.reduce((n, r) => n + r.steps, 0), fault, type: program.type ?? null, runs, maps: machine.dumpMaps(),
  };
  if (args.json) io.out(JSON.stringify(report));
  else printText(io, report);
  if (fault) throw new CliError(EXIT.REJECTED, `${args.file}: ${fault.message}`);
  return EXIT.OK;
}
