// The launch of a Linux program (`program` is a `.o`, a `.c` compiled with
// the language server's clang settings or the `clang`/`includePaths`/`cflags`
// attributes, or assembly given a packet, capture, context or program type,
// assembled into an object): reads the object and the input files (`packetFile`, `pcap`,
// `ctx`, `maps`; the last two may also be given inline as objects) through the
// file accessor and hands the bytes to the runtime's pure loader. Every
// problem names its launch attribute. Must not import vscode.

import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { compileCFileAsync, parseClangMessages, type CompileOptions } from '../../../src-vm/cli/clang';
import { loadLinuxTarget, objectNameFromPath, type DebugTarget, type Diagnostic, type LinuxLaunch } from '../../../src-vm/index';
import { assembleObject } from '../../../src-vm/vm/runtimeAsmObject';
import { DEFAULT_SETTINGS } from '../../../server/src/settings';
import type { FileAccessor } from './fileAccessor';
import { isCProgram, isLinuxProgram, type ILaunchRequestArguments } from './launchArguments';

export { isLinuxProgram };

/** The launch attributes of a Linux program. */
export type LinuxLaunchArguments = Pick<ILaunchRequestArguments, 'program'> & Partial<Pick<ILaunchRequestArguments,
  'programName' | 'section' | 'programType' | 'packet' | 'packetFile' | 'pcap' | 'packetIndex' | 'ctx' | 'maps' | 'dialect'
  | 'pid' | 'tgid' | 'uid' | 'gid' | 'comm' | 'ktimeNs' | 'budget' | 'clang' | 'includePaths' | 'cflags'>>;

/** A launch that cannot go on: `problem` names the attribute; `detail` is more to show first (clang's messages). */
export type LaunchProblem = { problem: string; detail?: string };
type Loaded = { target: DebugTarget | undefined; diagnostics: Diagnostic[] } | LaunchProblem;

async function readBytes(files: FileAccessor, attribute: string, path: string): Promise<Uint8Array | LaunchProblem> {
  const read = await files.readBytes(path);
  if ('missing' in read) return { problem: `${attribute}: file not found: ${path}` };
  if ('error' in read) return { problem: `${attribute}: cannot read ${path}: ${read.error}` };
  return read.bytes;
}

/** A JSON attribute's text: the file a string names, or the inline object. */
async function jsonText(files: FileAccessor, attribute: string, value: string | Record<string, unknown>): Promise<string | LaunchProblem> {
  if (typeof value !== 'string') return JSON.stringify(value);
  const read = await files.readText(value);
  if ('missing' in read) return { problem: `${attribute}: file not found: ${value}` };
  if ('error' in read) return { problem: `${attribute}: cannot read ${value}: ${read.error}` };
  return read.text;
}

/** The compile options: the attributes, else the language server's defaults (the editor fills in the user's settings). */
export function compileOptionsOf(args: LinuxLaunchArguments): CompileOptions {
  const c = DEFAULT_SETTINGS.c;
  return { clangPath: args.clang ?? c.clangPath, includePaths: args.includePaths ?? c.includePaths, extraArgs: args.cflags ?? c.extraArgs };
}

/** Why clang produced no object, naming the attribute: its first error at file:line:col, or the missing clang. */
export function compileProblem(args: LinuxLaunchArguments, failed: { error: string; stderr?: string }): LaunchProblem {
  if (failed.stderr === undefined) return { problem: `${args.clang ? 'clang' : 'program'}: cannot compile ${args.program}: ${failed.error}` };
  const first = parseClangMessages(failed.stderr).find((m) => m.severity === 'error');
  const where = first ? `${first.file}:${first.line}:${first.column}: error: ${first.message}` : failed.stderr.split('\n').find((l) => /error/.test(l))?.trim() ?? failed.error;
  return { problem: `program: clang could not compile it: ${where}`, detail: failed.stderr.trim() };
}

/** The object to run: an object file's bytes, C compiled by clang, or assembly assembled (with its own source lines). */
type ProgramObject = { bytes: Uint8Array; lines?: LinuxLaunch['lines'] };

async function programObject(files: FileAccessor, args: LinuxLaunchArguments): Promise<ProgramObject | LaunchProblem> {
  if (!isLinuxProgram(args.program)) return assembledObject(files, args);
  const read = await readBytes(files, 'program', args.program);
  if (!(read instanceof Uint8Array)) return read;
  if (!isCProgram(args.program)) return { bytes: read };
  const compiled = await compileCFileAsync(args.program, compileOptionsOf(args));
  return 'error' in compiled ? compileProblem(args, compiled) : { bytes: compiled.bytes };
}

async function assembledObject(files: FileAccessor, args: LinuxLaunchArguments): Promise<ProgramObject | LaunchProblem> {
  const read = await files.readText(args.program);
  if ('missing' in read) return { problem: `program: file not found: ${args.program}` };
  if ('error' in read) return { problem: `program: cannot read ${args.program}: ${read.error}` };
  const assembled = assembleObject(read.text, args.dialect);
  const error = assembled.diagnostics.find((d) => d.severity === 'error');
  if (!assembled.value || error) {
    const where = error?.span ? `${args.program}:${error.span.line + 1}:${error.span.col + 1}: ` : '';
    return { problem: `program: ${where}${error?.message ?? 'the assembly did not assemble'}` };
  }
  return { bytes: assembled.value.bytes, lines: assembled.value.lines };
}

/** Reads every input file into `launch`; the first unreadable one is the problem. */
async function readInputs(files: FileAccessor, args: LinuxLaunchArguments, launch: LinuxLaunch): Promise<LaunchProblem | undefined> {
  for (const attribute of ['packetFile', 'pcap'] as const) {
    const path = args[attribute];
    if (path === undefined) continue;
    const bytes = await readBytes(files, attribute, path);
    if (!(bytes instanceof Uint8Array)) return bytes;
    launch[attribute] = bytes;
  }
  for (const attribute of ['ctx', 'maps'] as const) {
    const value = args[attribute];
    if (value === undefined) continue;
    const text = await jsonText(files, attribute, value);
    if (typeof text !== 'string') return text;
    launch[attribute] = text;
  }
  return undefined;
}

/** Reads every input, then loads; the first unreadable file or failed compile ends the launch with `problem`. */
export async function loadLinuxProgram(files: FileAccessor, args: LinuxLaunchArguments): Promise<Loaded> {
  const object = await programObject(files, args);
  if ('problem' in object) return object;
  const launch: LinuxLaunch = {
    object: object.bytes, objectName: objectNameFromPath(basename(args.program)), lines: object.lines,
    programName: args.programName, section: args.section, programType: args.programType,
    packet: args.packet, packetIndex: args.packetIndex, budget: args.budget,
    process: { pid: args.pid, tgid: args.tgid, uid: args.uid, gid: args.gid, comm: args.comm }, ktimeNs: args.ktimeNs,
    resolveSource: (name) => (isAbsolute(name) ? name : resolve(dirname(args.program), name)),
  };
  const unreadable = await readInputs(files, args, launch);
  if (unreadable) return unreadable;
  const loaded = loadLinuxTarget(launch);
  return { target: loaded.value, diagnostics: loaded.diagnostics };
}
