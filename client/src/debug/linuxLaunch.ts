// The launch of a Linux program (`program` is a `.o`, or a `.c` compiled with
// the language server's clang settings): reads the object, the pcap and the
// ctx JSON through the file accessor and hands the bytes to the runtime's
// pure loader. Every problem names its launch attribute. Must not import vscode.

import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { compileCFile } from '../../../src-vm/cli/clang';
import { loadLinuxTarget, objectNameFromPath, type DebugTarget, type Diagnostic, type LinuxLaunch } from '../../../src-vm/index';
import type { FileAccessor } from './fileAccessor';

/** The launch attributes of a Linux program (a subset of ILaunchRequestArguments). */
export interface LinuxLaunchArguments {
  program: string;
  programName?: string;
  section?: string;
  packet?: string;
  pcap?: string;
  packetIndex?: number;
  ctx?: string;
  budget?: number;
}

/** Whether `program` names an object or C file (anything else is assembly). */
export function isLinuxProgram(program: string): boolean {
  return /\.(o|c)$/i.test(program);
}

type Loaded = { target: DebugTarget | undefined; diagnostics: Diagnostic[] } | { problem: string };

async function readBytes(files: FileAccessor, attribute: string, path: string): Promise<Uint8Array | string> {
  const read = await files.readBytes(path);
  if ('missing' in read) return `${attribute}: file not found: ${path}`;
  if ('error' in read) return `${attribute}: cannot read ${path}: ${read.error}`;
  return read.bytes;
}

async function objectBytes(files: FileAccessor, program: string): Promise<Uint8Array | string> {
  const read = await readBytes(files, 'program', program);
  if (typeof read === 'string' || !program.toLowerCase().endsWith('.c')) return read;
  const compiled = compileCFile(program);
  return 'error' in compiled ? `program: ${program}: ${compiled.error}` : compiled.bytes;
}

/** Reads every input, then loads; the first unreadable file ends the launch with `problem`. */
export async function loadLinuxProgram(files: FileAccessor, args: LinuxLaunchArguments): Promise<Loaded> {
  const object = await objectBytes(files, args.program);
  if (typeof object === 'string') return { problem: object };
  const launch: LinuxLaunch = {
    object, objectName: objectNameFromPath(basename(args.program)),
    programName: args.programName, section: args.section, packet: args.packet, packetIndex: args.packetIndex, budget: args.budget,
    resolveSource: (name) => (isAbsolute(name) ? name : resolve(dirname(args.program), name)),
  };
  if (args.pcap !== undefined) {
    const pcap = await readBytes(files, 'pcap', args.pcap);
    if (typeof pcap === 'string') return { problem: pcap };
    launch.pcap = pcap;
  }
  if (args.ctx !== undefined) {
    const ctx = await files.readText(args.ctx);
    if ('missing' in ctx) return { problem: `ctx: file not found: ${args.ctx}` };
    if ('error' in ctx) return { problem: `ctx: cannot read ${args.ctx}: ${ctx.error}` };
    launch.ctx = ctx.text;
  }
  const loaded = loadLinuxTarget(launch);
  return { target: loaded.value, diagnostics: loaded.diagnostics };
}
