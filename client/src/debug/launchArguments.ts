// The debugger's launch attributes: ILaunchRequestArguments (the promise the
// package.json schema makes to users, kept equal to it by a test through
// LAUNCH_ATTRIBUTE_NAMES) and the checks of their JSON types, one table row
// per attribute, run before anything is read or compiled. What the values
// mean (a file that exists, a known program) is checked where they are used.
// Must not import vscode (the stand-alone adapter uses it too).

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Dialect } from '../../../src-vm/index';

/**
 * The launch configuration. Must match the package.json schema
 * (`contributes.debuggers[type=ebpf].configurationAttributes.launch`).
 */
export interface ILaunchRequestArguments extends DebugProtocol.LaunchRequestArguments {
  /** Absolute path of the program: an object (`.o`), C (`.c`, compiled with clang) or eBPF assembly (`.bpf.s`, `.s`). */
  program: string;
  /** Object, C, or assembly in its Linux context: the program (function) to run; default the first. */
  programName?: string;
  /** Code section to run (assembly), or the section of the program to run (object, C). */
  section?: string;
  /** Object, C, or assembly in its Linux context: run as this program type (`xdp`, `sched_cls`, `kprobe`…) instead of the section's. */
  programType?: string;
  /** Assembly on its memory contract: input memory as hex bytes; r1 points at it, r2 holds its length (packet, pcap, ctx… run it in its Linux context instead). */
  mem?: string;
  /** Object, C, or assembly in its Linux context: the packet as hex bytes, run in the program type's context (xdp_md, __sk_buff). */
  packet?: string;
  /** Object, C, or assembly in its Linux context: a file whose raw bytes are the packet. */
  packetFile?: string;
  /** Object, C, or assembly in its Linux context: a pcap file whose packet `packetIndex` is the input. */
  pcap?: string;
  /** Which packet of `pcap` (0-based, default 0). */
  packetIndex?: number;
  /** Object, C, or assembly in its Linux context: a JSON run configuration (context fields, map contents, process, time), as `run --ctx`: its path, or the object itself. */
  ctx?: string | Record<string, unknown>;
  /** Object, C, or assembly in its Linux context: map contents before the run, `{"name": [{"key": hex, "value": hex}]}`: a JSON file's path, or the object itself. */
  maps?: string | Record<string, unknown>;
  /** Object, C, or assembly in its Linux context: the simulated task (bpf_get_current_pid_tgid, _uid_gid, _comm). */
  pid?: number;
  tgid?: number;
  uid?: number;
  gid?: number;
  comm?: string;
  /** Object, C, or assembly in its Linux context: bpf_ktime_get_ns at its first call (a number, or a decimal or 0x-hex string). */
  ktimeNs?: number | string;
  /** Most instructions the run may execute (default 1,000,000). */
  budget?: number;
  /** Stop at the first instruction. */
  stopOnEntry?: boolean;
  /** Assembly dialect; default: LLVM, else conformance when only it reads the file. */
  dialect?: Dialect;
  /** C: the clang to compile with; default `ebpf.c.clangPath`, else the newest clang on PATH. */
  clang?: string;
  /** C: include directories; default `ebpf.c.includePaths`. */
  includePaths?: string[];
  /** C: more clang arguments (`-DDEBUG`); default `ebpf.c.extraArgs`. */
  cflags?: string[];
  /** Log the DAP traffic to the debug console. */
  trace?: boolean;
}

/** Our attributes, without the ones every DAP launch has (`noDebug`, `__restart`). */
type OwnAttributes = Omit<ILaunchRequestArguments, keyof DebugProtocol.LaunchRequestArguments>;
export type LaunchAttributeName = keyof OwnAttributes;

interface AttributeRule {
  /** The problem with a given value (the attribute's name is put before it), or undefined. */
  check: (value: unknown) => string | undefined;
  /** Meaningful only for an object or C program, or only for assembly. */
  only?: 'linux' | 'assembly';
}

/** Whether `program` names an object or C file (anything else is assembly). */
export function isLinuxProgram(program: string): boolean {
  return /\.(o|c)$/i.test(program);
}

/** The attributes that put a program in its Linux context (a packet, a capture, context fields, maps, a task…). */
const LINUX_CONTEXT = (): LaunchAttributeName[] => LAUNCH_ATTRIBUTE_NAMES.filter((name) => RULES[name].only === 'linux');

/**
 * Whether the launch runs the program in its Linux context on LinuxMachine:
 * always for an object or C, and for assembly when an attribute of that
 * context is given (without one, assembly runs on its memory contract: r1 at
 * `mem`, r2 its length).
 */
export function isLinuxLaunch(args: Partial<ILaunchRequestArguments>): boolean {
  if (typeof args.program === 'string' && isLinuxProgram(args.program)) return true;
  const given = args as Record<string, unknown>;
  return LINUX_CONTEXT().some((name) => given[name] !== undefined);
}

/** Whether `program` is C, compiled with clang before it runs. */
export function isCProgram(program: string): boolean {
  return /\.c$/i.test(program);
}

const ofType = (type: 'string' | 'number' | 'boolean', problem: string) => (v: unknown): string | undefined => (typeof v === type ? undefined : problem);
const stringOrObject = (problem: string) => (v: unknown): string | undefined =>
  (typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)) ? undefined : problem);
const strings = (problem: string) => (v: unknown): string | undefined =>
  (Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : problem);
const taskId = ofType('number', 'must be a number (a 32-bit unsigned integer)');

function budgetProblem(v: unknown): string | undefined {
  if (typeof v !== 'number') return 'must be a number of instructions';
  return Number.isSafeInteger(v) && v > 0 ? undefined : `must be a positive whole number of instructions, got ${v}`;
}

/**
 * One row per attribute, in the order their problems are listed. The mapped
 * type makes the compiler insist on exactly the attributes of the interface.
 */
const RULES: { readonly [K in LaunchAttributeName]-?: AttributeRule } = {
  program: { check: (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'required: the path of the program to run (.o, .c, .bpf.s or .s)') },
  programName: { check: ofType('string', 'must be the name of a program (function) in the object'), only: 'linux' },
  section: { check: ofType('string', 'must be a section name such as "xdp"') },
  programType: { check: ofType('string', 'must be a program type such as "xdp" or "sched_cls"'), only: 'linux' },
  packet: { check: ofType('string', 'must be a string of hex bytes such as "ff ff ff ff ff ff …"'), only: 'linux' },
  packetFile: { check: ofType('string', 'must be the path of a file of raw packet bytes'), only: 'linux' },
  pcap: { check: ofType('string', 'must be the path of a pcap file'), only: 'linux' },
  packetIndex: { check: (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : 'must be a packet number (0 for the first)'), only: 'linux' },
  ctx: { check: stringOrObject('must be the path of a JSON run configuration, or the configuration as an object'), only: 'linux' },
  maps: { check: stringOrObject('must be the path of a JSON file of map contents, or the contents as an object ({"name": [{"key": hex, "value": hex}]})'), only: 'linux' },
  pid: { check: taskId, only: 'linux' },
  tgid: { check: taskId, only: 'linux' },
  uid: { check: taskId, only: 'linux' },
  gid: { check: taskId, only: 'linux' },
  comm: { check: ofType('string', 'must be a string (the task name bpf_get_current_comm returns)'), only: 'linux' },
  ktimeNs: { check: (v) => (typeof v === 'number' || typeof v === 'string' ? undefined : 'must be a number of nanoseconds (or a decimal or 0x-hex string)'), only: 'linux' },
  mem: { check: ofType('string', 'must be a string of hex bytes such as "aa bb cc"'), only: 'assembly' },
  budget: { check: budgetProblem },
  stopOnEntry: { check: ofType('boolean', 'must be true or false') },
  dialect: { check: (v) => (v === 'llvm' || v === 'conformance' ? undefined : `must be "llvm" or "conformance", got ${JSON.stringify(v)}`) },
  clang: { check: ofType('string', 'must be the path of a clang executable') },
  includePaths: { check: strings('must be a list of include directories') },
  cflags: { check: strings('must be a list of clang arguments such as ["-DDEBUG"]') },
  trace: { check: ofType('boolean', 'must be true or false') },
};

/** Every launch attribute, as the package.json schema must list them. */
export const LAUNCH_ATTRIBUTE_NAMES = Object.keys(RULES) as LaunchAttributeName[];

/** Where an attribute that belongs to the other kind of launch is refused. */
function misplaced(name: string, only: 'linux' | 'assembly', program: string): string {
  if (only === 'assembly' && !isLinuxProgram(program)) {
    return `${name}: applies to assembly run on its memory contract; with packet, packetFile, pcap, ctx, maps or programType the program runs in its Linux context instead — give one or the other`;
  }
  return only === 'linux'
    ? `${name}: applies to an object or C program (.o, .c); for assembly give the input with mem`
    : `${name}: applies to assembly programs; for an object or C program give packet, packetFile, pcap or ctx`;
}

/** Every problem with the attribute types, each naming its attribute. */
export function launchArgumentProblems(args: Partial<ILaunchRequestArguments>): string[] {
  const given = args as Record<string, unknown>;
  const kind = typeof args.program === 'string' && args.program.trim() !== '' ? (isLinuxLaunch(args) ? 'linux' : 'assembly') : undefined;
  const problems: string[] = [];
  for (const name of LAUNCH_ATTRIBUTE_NAMES) {
    const rule: AttributeRule = RULES[name];
    const value = given[name];
    if (value === undefined && name !== 'program') continue;
    const problem = rule.check(value);
    if (problem !== undefined) problems.push(`${name}: ${problem}`);
    else if (rule.only !== undefined && kind !== undefined && rule.only !== kind) problems.push(misplaced(name, rule.only, args.program ?? ''));
  }
  return problems;
}
