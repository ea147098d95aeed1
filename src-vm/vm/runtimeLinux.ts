// Loading for EbpfRuntime of a Linux program: an object's bytes (from a `.o`,
// or clang's output for a `.c`), the program picked by `programName` or
// `section` and run as its section's program type or `programType`, its input
// (launchInput.ts: the packet, the ctx JSON, map contents, the simulated task
// and clock), run in its real context by LinuxMachine one piece at a time.
// Every problem is a diagnostic naming its launch attribute.
// Pure: bytes and text in; the adapter reads the files.

import { hasErrors, type Diagnostic, type WithDiagnostics } from '../diagnostics';
import type { LoadedObject, LoadedProgram } from '../elf/loadedObject';
import { loadObject } from '../elf/loader';
import { DEFAULT_BUDGET } from './interpreter';
import { launchConfig, launchPacket, launchProgramType, type LaunchInput } from './linux/launchInput';
import { LinuxMachine, type ProgRun } from './linux/linuxMachine';
import { defaultPacket, DEFAULT_PACKET_DESCRIPTION, takesPacket } from './linux/defaultPacket';
import { returnName } from './linux/returnCodes';
import type { OutputRecord } from './linux/runState';
import { codeAndTables } from './history/opaque';
import { objectSymbols } from './expr/objectSymbols';
import { followTailCalls } from './runtimeTailCalls';
import type { DebugLines, DebugTarget } from './runtimeTarget';

export { launchConfig, launchPacket } from './linux/launchInput';

export interface LinuxLaunch extends LaunchInput {
  /** The object file's bytes. */
  object: Uint8Array;
  /** The object's name (map names of global data derive from it). */
  objectName: string;
  programName?: string;
  section?: string;
  /** Run the program as this program type (`xdp`, `sched_cls`…) instead of its section's: its context, helpers and return names. */
  programType?: string;
  budget?: number;
  /** Turns a file name of the line info into the path the editor knows (relative names are relative to the object). */
  resolveSource?: (fileName: string) => string;
  /** The source map of a program when the object's line info does not give it (an object assembled from text). */
  lines?: (program: LoadedProgram) => DebugLines | undefined;
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

/** The program as it runs: with `programType`, when given, in place of its section's type. */
function typedProgram(program: LoadedProgram, programType: LoadedProgram['type']): LoadedProgram {
  return programType === undefined || programType === program.type ? program : { ...program, type: programType };
}

/**
 * The loader's messages as launch problems: its errors are about `program`,
 * except a section libbpf gives no type, which `programType` settles (as
 * bpftool's `type` argument does).
 */
function loaderDiagnostics(diagnostics: readonly Diagnostic[], programType: string | undefined): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.severity !== 'error') return d;
    if (d.code !== 'loader/unknown-section') return { ...d, message: `program: ${d.message}` };
    return programType === undefined
      ? { ...d, message: `program: ${d.message}; set programType to run it as a given type` }
      : { ...d, severity: 'warning', message: `program: ${d.message}; it runs as programType ${programType}` };
  });
}

function recordText(r: OutputRecord): string {
  const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return r.kind === 'trace' ? `trace_printk: ${r.text.replace(/\n$/, '')}` : `${r.kind} ${r.map}: ${hex(r.data)}`;
}

/** The attribute the packet came from, for test_run's refusal of it. */
function packetAttribute(launch: LinuxLaunch): string {
  if (launch.pcap !== undefined) return 'pcap';
  return launch.packetFile !== undefined ? 'packetFile' : 'packet';
}

/** Loads the object and begins the run; `value` is undefined when any error was found. */
export function loadLinuxTarget(launch: LinuxLaunch): WithDiagnostics<DebugTarget | undefined> {
  const loaded = loadObject(launch.object, { name: launch.objectName });
  const diagnostics = loaderDiagnostics(loaded.diagnostics, launch.programType);
  const programType = launchProgramType(launch.programType);
  const config = launchConfig(launch);
  const packet = launchPacket(launch);
  diagnostics.push(...programType.diagnostics, ...config.diagnostics, ...packet.diagnostics);
  const budget = launch.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0) diagnostics.push(problem('budget', `must be a positive whole number of instructions, got ${budget}`));
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const { run: runConfig, maps } = config.value;
  const machine = LinuxMachine.create(loaded.value, { env: runConfig.env });
  diagnostics.push(...machine.diagnostics);
  for (const m of maps) {
    const refused = machine.value.fillMaps(m.contents);
    diagnostics.push(...(m.attribute === 'ctx' ? refused.map((d) => ({ ...d, message: `ctx: ${d.message}` })) : refused));
  }
  const picked = pickProgram(machine.value, launch);
  diagnostics.push(...picked.diagnostics);
  if (!picked.value || hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const program = typedProgram(picked.value, programType.value);
  const { xdp, skb, tracing } = runConfig;
  const input = packet.value ?? (takesPacket(program.type) ? defaultPacket() : undefined);
  if (input && !packet.value) diagnostics.push({ severity: 'info', code: 'launch/default-packet', message: `packet: none given: ${program.name} runs on ${DEFAULT_PACKET_DESCRIPTION}; give packet, packetFile or pcap for your own` });
  const run = machine.value.begin(program, { packet: input, xdp, skb, tracing, budget });
  if ('refused' in run) {
    return { value: undefined, diagnostics: [...diagnostics, problem(packetAttribute(launch), `BPF_PROG_TEST_RUN refuses it (${run.refused.errno}): ${run.refused.message}`)] };
  }
  const symbols = objectSymbols(machine.value.object, () => machine.value.maps);
  return { value: { ...linuxTarget(program, run, launch, budget, input), symbols }, diagnostics };
}

function linuxTarget(program: LoadedProgram, run: ProgRun, launch: LinuxLaunch, budget: number, packet: Uint8Array | undefined): DebugTarget {
  let shown = 0;
  let object: LoadedObject | undefined;
  // Loaded again (the same bytes give the same maps and BTF) only when first needed: the Variables pane, a tail call.
  const reloaded = (): LoadedObject => (object ??= loadObject(launch.object, { name: launch.objectName }).value);
  const running = followTailCalls(
    program, run.vm, () => run.state.machine.programs,
    () => reloaded().programs, launch.resolveSource,
  );
  // An assembled object has no line info: its program's lines come from the assembler instead.
  const own = launch.lines?.(program);
  const lines = own ?? running.lines;
  const input = packet ? `a ${packet.length}-byte packet` : 'no packet';
  return {
    vm: run.vm,
    lines,
    name: program.name,
    sourcePath: own ? undefined : running.lines.sourcePath,
    summary: `${program.name} (${program.type ?? 'unknown type'}, section ${program.section}): ${program.insns.length} instruction slots, ${input}, budget ${budget} instructions`,
    run: (maxSteps, breaks) => run.run(maxSteps, breaks),
    stateRoots: () => [run.vm, run.state],
    opaque: codeAndTables(run.vm, [program, program.insns, ...run.state.machine.programs.map((p) => p.insns)]),
    instructionText: running.instructionText,
    functionAt: running.functionAt,
    returnName: (r0) => returnName(program.type, r0 & 0xffffffffn),
    takeOutput: () => {
      const records = run.recordsSoFar();
      const fresh = records.slice(shown).map(recordText);
      shown = records.length;
      return fresh;
    },
    linux: {
      program,
      object: reloaded,
      context: run.state.ctx,
      maps: run.state.machine.maps,
    },
  };
}
