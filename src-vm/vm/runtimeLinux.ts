// Loading for EbpfRuntime of a Linux program: an object's bytes (from a `.o`,
// or clang's output for a `.c`), the program picked by `programName` or
// `section`, its input (`packet` hex, or packet `packetIndex` of a `pcap`, and
// the `ctx` JSON of `run --ctx`), run in its real context by LinuxMachine one
// piece at a time. Every problem is a diagnostic naming its launch attribute.
// Pure: bytes and text in; the adapter reads the files.

import { hasErrors, type Diagnostic, type WithDiagnostics } from '../diagnostics';
import { formatInsn } from '../asm/disassembler';
import type { LoadedObject, LoadedProgram } from '../elf/loadedObject';
import { loadObject } from '../elf/loader';
import { parseHexBytes } from '../hexBytes';
import { DEFAULT_BUDGET } from './interpreter';
import { LinuxMachine, type ProgRun } from './linux/linuxMachine';
import { readPcap } from './linux/pcap';
import { returnName } from './linux/returnCodes';
import { parseRunConfig, type RunConfig } from './linux/runConfig';
import { DEFAULT_PROCESS, type OutputRecord } from './linux/runState';
import { codeAndTables } from './history/opaque';
import { objectSymbols } from './expr/objectSymbols';
import { CSourceLines } from './runtimeCLines';
import type { DebugTarget } from './runtimeTarget';

export interface LinuxLaunch {
  /** The object file's bytes. */
  object: Uint8Array;
  /** The object's name (map names of global data derive from it). */
  objectName: string;
  programName?: string;
  section?: string;
  /** The packet as hex bytes. */
  packet?: string;
  /** A pcap file's bytes, and which packet of it to run on (0-based, default 0). */
  pcap?: Uint8Array;
  packetIndex?: number;
  /** The text of a run configuration (context fields, maps, process, time). */
  ctx?: string;
  budget?: number;
  /** Turns a file name of the line info into the path the editor knows (relative names are relative to the object). */
  resolveSource?: (fileName: string) => string;
}

const problem = (attribute: string, message: string): Diagnostic => ({ severity: 'error', code: `launch/${attribute}`, message: `${attribute}: ${message}` });

function pickProgram(machine: LinuxMachine, launch: LinuxLaunch): WithDiagnostics<LoadedProgram | undefined> {
  const programs = machine.object.programs;
  const names = programs.map((p) => `${p.name} (${p.section})`).join(', ') || 'none';
  if (launch.programName !== undefined) {
    const p = programs.find((x) => x.name === launch.programName);
    return p ? { value: p, diagnostics: [] } : { value: undefined, diagnostics: [problem('programName', `no program '${launch.programName}' in the object (programs: ${names})`)] };
  }
  if (launch.section !== undefined) {
    const p = programs.find((x) => x.section === launch.section);
    return p ? { value: p, diagnostics: [] } : { value: undefined, diagnostics: [problem('section', `no program in section '${launch.section}' (programs: ${names})`)] };
  }
  const first = programs[0];
  return first ? { value: first, diagnostics: [] } : { value: undefined, diagnostics: [problem('program', 'the object has no programs to run')] };
}

/** The packet from `packet` or `pcap` + `packetIndex`; diagnostics name the attribute. */
export function launchPacket(launch: LinuxLaunch): WithDiagnostics<Uint8Array | undefined> {
  if (launch.packet !== undefined && launch.pcap !== undefined) return { value: undefined, diagnostics: [problem('packet', 'give either packet or pcap, not both')] };
  if (launch.packet !== undefined) {
    const parsed = parseHexBytes(launch.packet);
    return 'error' in parsed ? { value: undefined, diagnostics: [problem('packet', parsed.error)] } : { value: parsed.bytes, diagnostics: [] };
  }
  if (launch.pcap === undefined) {
    if (launch.packetIndex !== undefined) return { value: undefined, diagnostics: [problem('packetIndex', 'needs a pcap to pick the packet from')] };
    return { value: undefined, diagnostics: [] };
  }
  const read = readPcap(launch.pcap);
  const diagnostics = read.diagnostics.map((d) => ({ ...d, message: `pcap: ${d.message}` }));
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const index = launch.packetIndex ?? 0;
  const packet = read.value[index];
  if (!Number.isSafeInteger(index) || index < 0 || !packet) {
    return { value: undefined, diagnostics: [...diagnostics, problem('packetIndex', `${index} is not a packet of the capture (it has ${read.value.length}, numbered from 0)`)] };
  }
  return { value: packet, diagnostics };
}

function launchConfig(launch: LinuxLaunch): WithDiagnostics<RunConfig> {
  if (launch.ctx === undefined) return { value: { xdp: {}, tracing: {}, env: {}, maps: [] }, diagnostics: [] };
  const parsed = parseRunConfig(launch.ctx, DEFAULT_PROCESS);
  return { value: parsed.value, diagnostics: parsed.diagnostics.map((d) => ({ ...d, message: `ctx: ${d.message}` })) };
}

function recordText(r: OutputRecord): string {
  const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return r.kind === 'trace' ? `trace_printk: ${r.text.replace(/\n$/, '')}` : `${r.kind} ${r.map}: ${hex(r.data)}`;
}

/** Loads the object and begins the run; `value` is undefined when any error was found. */
export function loadLinuxTarget(launch: LinuxLaunch): WithDiagnostics<DebugTarget | undefined> {
  const loaded = loadObject(launch.object, { name: launch.objectName });
  const diagnostics: Diagnostic[] = loaded.diagnostics.map((d) => (d.severity === 'error' ? { ...d, message: `program: ${d.message}` } : d));
  const config = launchConfig(launch);
  const packet = launchPacket(launch);
  diagnostics.push(...config.diagnostics, ...packet.diagnostics);
  const budget = launch.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0) diagnostics.push(problem('budget', `must be a positive whole number of instructions, got ${budget}`));
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const machine = LinuxMachine.create(loaded.value, { env: config.value.env });
  diagnostics.push(...machine.diagnostics, ...machine.value.fillMaps(config.value.maps).map((d) => ({ ...d, message: `ctx: ${d.message}` })));
  const picked = pickProgram(machine.value, launch);
  diagnostics.push(...picked.diagnostics);
  if (!picked.value || hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const program = picked.value;
  const { xdp, skb, tracing } = config.value;
  const run = machine.value.begin(program, { packet: packet.value, xdp, skb, tracing, budget });
  if ('refused' in run) {
    const attribute = packet.value === undefined || launch.packet !== undefined ? 'packet' : 'pcap';
    return { value: undefined, diagnostics: [...diagnostics, problem(attribute, `BPF_PROG_TEST_RUN refuses it (${run.refused.errno}): ${run.refused.message}`)] };
  }
  const symbols = objectSymbols(machine.value.object, () => machine.value.maps);
  return { value: { ...linuxTarget(program, run, launch, budget, packet.value), symbols }, diagnostics };
}

function linuxTarget(program: LoadedProgram, run: ProgRun, launch: LinuxLaunch, budget: number, packet: Uint8Array | undefined): DebugTarget {
  const lines = new CSourceLines(program.lineInfo, program.insns.length, launch.resolveSource);
  const symbols = program.funcInfo.map((f) => ({ name: f.name, offset: f.insnIdx }));
  let shown = 0;
  let object: LoadedObject | undefined;
  const input = packet ? `a ${packet.length}-byte packet` : 'no packet';
  return {
    vm: run.vm,
    lines,
    name: program.name,
    sourcePath: lines.sourcePath,
    summary: `${program.name} (${program.type ?? 'unknown type'}, section ${program.section}): ${program.insns.length} instruction slots, ${input}, budget ${budget} instructions`,
    run: (maxSteps, breaks) => run.run(maxSteps, breaks),
    stateRoots: () => [run.vm, run.state],
    opaque: codeAndTables(run.vm, [program, program.insns, ...run.state.machine.programs.map((p) => p.insns)]),
    instructionText: (slot) => (slot >= 0 && slot < program.insns.length ? formatInsn(program.insns, slot, { symbols }) : '<outside the program>'),
    functionAt: (slot) => program.funcInfo.find((f) => f.insnIdx === slot)?.name ?? (slot === 0 ? program.name : undefined),
    returnName: (r0) => returnName(program.type, r0 & 0xffffffffn),
    takeOutput: () => {
      const records = run.recordsSoFar();
      const fresh = records.slice(shown).map(recordText);
      shown = records.length;
      return fresh;
    },
    linux: {
      program,
      // Loaded again (the same bytes give the same maps and BTF) only when the Variables pane first needs it.
      object: () => (object ??= loadObject(launch.object, { name: launch.objectName }).value),
      context: run.state.ctx,
      maps: run.state.machine.maps,
    },
  };
}
