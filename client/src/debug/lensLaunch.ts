// The launch configuration a program's run lens starts (`ebpf.debugProgram`):
// the lens's program of the file, on the lens's packet, stopped at entry.
// Pure (no vscode), so tests check it and launch it in the adapter.

/** A debug configuration as VS Code takes it (type, request, name and the launch attributes). */
export interface LensLaunch {
  type: 'ebpf';
  request: 'launch';
  name: string;
  program: string;
  programName: string;
  packet?: string;
  stopOnEntry: true;
}

export interface DebugProgramArgs {
  uri: string;
  program: string;
  packet?: string;
}

export function isDebugProgramArgs(arg: unknown): arg is DebugProgramArgs {
  const a = arg as Partial<DebugProgramArgs> | undefined;
  return typeof a?.uri === 'string' && typeof a.program === 'string' && (a.packet === undefined || typeof a.packet === 'string');
}

/** The launch configuration of a lens click. */
export function debugProgramConfiguration(args: DebugProgramArgs, path: string): LensLaunch {
  return {
    type: 'ebpf', request: 'launch', name: `Debug ${args.program}`,
    program: path, programName: args.program,
    ...(args.packet === undefined ? {} : { packet: args.packet }),
    stopOnEntry: true,
  };
}
