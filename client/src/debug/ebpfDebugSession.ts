// The eBPF debug adapter: a thin DAP shell over EbpfRuntime, in the manner of
// vscode-mock-debug's MockDebugSession. Each xxxRequest only checks its
// arguments, calls the runtime and translates plain runtime data into protocol
// objects; runtime events become DAP events. Must not import vscode (the same
// class runs inline in the extension host and stand-alone on stdio).

import { basename, resolve } from 'node:path';
import {
  ExitedEvent, Handles, InitializedEvent, InvalidatedEvent, Logger, LoggingDebugSession, OutputEvent, Source,
  StackFrame, StoppedEvent, TerminatedEvent, Thread, logger,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { nodeFileAccessor, type FileAccessor } from './fileAccessor';
import { isLinuxLaunch, launchArgumentProblems, type ILaunchRequestArguments } from './launchArguments';
import { loadLinuxProgram, type LaunchProblem } from './linuxLaunch';
import { dapScopes, dapSetVariable, dapVariables, type VariableScope } from './variables';
import {
  EbpfRuntime, slotAddress, slotOfAddress, type CodeSlot, type Diagnostic, type Granularity, type PlacedBreakpoint, type RunEnd,
} from '../../../src-vm/index';

export { launchArgumentProblems, type ILaunchRequestArguments } from './launchArguments';

/** Error ids of our error responses. */
const ERR = { launch: 1001, assembly: 1002, notStopped: 1003, evaluate: 1004, memory: 1005, setVariable: 1006 } as const;

const THREAD_ID = 1;
/** How long launch waits for configurationDone before starting anyway (as mock-debug does). */
const CONFIGURATION_TIMEOUT_MS = 1000;

/** DAP stop reasons of the runtime's plain stop events. */
const STOP_REASONS = { stopOnEntry: 'entry', stopOnStep: 'step', stopOnPause: 'pause' } as const;

/** DAP's stepping granularity as the runtime knows it: statements are lines here. */
function granularityOf(granularity: DebugProtocol.SteppingGranularity | undefined): Granularity {
  return granularity === 'instruction' ? 'instruction' : 'line';
}

/** `file:line:col: message` (1-based) for diagnostics with a position, else the message alone. */
export function formatLaunchDiagnostic(d: Diagnostic, file: string): string {
  if (d.span) return `${file}:${d.span.line + 1}:${d.span.col + 1}: ${d.message}`;
  if (d.insnIdx !== undefined) return `${file}: instruction ${d.insnIdx}: ${d.message}`;
  return d.message;
}

export class EbpfDebugSession extends LoggingDebugSession {
  private readonly runtime = new EbpfRuntime();
  private variableHandles = new Handles<VariableScope>();
  private programPath = '';
  private markConfigured: () => void = () => undefined;
  private readonly configured = new Promise<void>((done) => { this.markConfigured = done; });

  constructor(private readonly files: FileAccessor = nodeFileAccessor) {
    super();
    // The runtime counts lines and columns from 0.
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.forwardRuntimeEvents();
  }

  private forwardRuntimeEvents(): void {
    const rt = this.runtime;
    for (const event of ['stopOnEntry', 'stopOnStep', 'stopOnPause'] as const) {
      rt.on(event, () => this.sendStopped(new StoppedEvent(STOP_REASONS[event], THREAD_ID)));
    }
    rt.on('stopOnBreakpoint', (ids) => {
      const stopped: DebugProtocol.StoppedEvent = new StoppedEvent('breakpoint', THREAD_ID);
      stopped.body.hitBreakpointIds = ids;
      this.sendStopped(stopped);
    });
    rt.on('stopOnException', (message) => {
      const stopped: DebugProtocol.StoppedEvent = new StoppedEvent('exception', THREAD_ID, message);
      stopped.body.description = message;
      this.sendStopped(stopped);
    });
    rt.on('output', (text, category) => this.sendEvent(new OutputEvent(`${text}\n`, category)));
    rt.on('end', (end) => this.ended(end));
  }

  private sendStopped(event: DebugProtocol.StoppedEvent): void {
    this.variableHandles.reset();
    this.sendEvent(event);
  }

  private ended(end: RunEnd): void {
    this.sendEvent(new OutputEvent(`${end.message}\n`, end.outcome === 'exit' ? 'console' : 'stderr'));
    if (end.r0 !== undefined) this.sendEvent(new ExitedEvent(Number(end.r0 & 0xffffffffn)));
    this.sendEvent(new TerminatedEvent());
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsSteppingGranularity: true,
      supportsEvaluateForHovers: true,
      supportsReadMemoryRequest: true,
      supportsExceptionInfoRequest: true,
      supportsSetVariable: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDisassembleRequest: true,
    };
    this.sendResponse(response);
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigured();
    this.sendResponse(response);
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, args: ILaunchRequestArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    const problems = launchArgumentProblems(args);
    if (problems.length > 0) return this.fail(response, ERR.launch, problems.join('\n'));
    const loaded = isLinuxLaunch(args) ? await this.loadLinux(args) : await this.loadAssembly(args);
    if ('problem' in loaded) {
      if (loaded.detail) this.sendEvent(new OutputEvent(`${loaded.detail}\n`, 'stderr'));
      return this.fail(response, ERR.launch, loaded.problem);
    }
    const { diagnostics } = loaded;
    for (const d of diagnostics) {
      this.sendEvent(new OutputEvent(`${formatLaunchDiagnostic(d, args.program)}\n`, d.severity === 'error' ? 'stderr' : 'console'));
    }
    const firstError = diagnostics.find((d) => d.severity === 'error');
    if (firstError) return this.fail(response, ERR.assembly, formatLaunchDiagnostic(firstError, args.program));
    this.programPath = args.program;
    // Breakpoints come after this event, so they always meet a loaded program.
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configured, new Promise((done) => setTimeout(done, CONFIGURATION_TIMEOUT_MS))]);
    this.runtime.start(args.stopOnEntry === true);
    this.sendResponse(response);
  }

  private async loadAssembly(args: ILaunchRequestArguments): Promise<{ diagnostics: Diagnostic[] } | LaunchProblem> {
    const file = await this.files.readText(args.program);
    if ('missing' in file) return { problem: `program: file not found: ${args.program}` };
    if ('error' in file) return { problem: `program: cannot read ${args.program}: ${file.error}` };
    return { diagnostics: this.runtime.load(file.text, { section: args.section, mem: args.mem, budget: args.budget, dialect: args.dialect }) };
  }

  private async loadLinux(args: ILaunchRequestArguments): Promise<{ diagnostics: Diagnostic[] } | LaunchProblem> {
    const loaded = await loadLinuxProgram(this.files, args);
    if ('problem' in loaded) return loaded;
    this.runtime.loadTarget(loaded.target);
    return { diagnostics: loaded.diagnostics };
  }

  protected setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    if (!this.isProgram(args.source.path)) {
      const message = `not part of the program being debugged (${this.programPath || 'none yet'})`;
      response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message })) };
      return this.sendResponse(response);
    }
    const placed = this.runtime.setBreakpoints(requested.map((b: DebugProtocol.SourceBreakpoint) => ({
      line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage,
    })));
    response.body = {
      breakpoints: placed.map((b) => ({
        id: b.id, verified: b.verified, line: this.convertDebuggerLineToClient(b.line), source: args.source, message: b.message,
      })),
    };
    this.sendResponse(response);
  }

  protected setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    response.body = { breakpoints: this.runtime.setFunctionBreakpoints(args.breakpoints).map((b) => this.placedBreakpoint(b)) };
    this.sendResponse(response);
  }

  protected setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    response.body = { breakpoints: this.runtime.setInstructionBreakpoints(args.breakpoints).map((b) => this.placedBreakpoint(b)) };
    this.sendResponse(response);
  }

  private placedBreakpoint(b: PlacedBreakpoint): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: b.id, verified: b.verified, message: b.message, instructionReference: b.instructionReference };
    if (b.line !== undefined) {
      out.source = this.sourceFor(b.file);
      out.line = this.convertDebuggerLineToClient(b.line);
    }
    return out;
  }

  /** The Source of a file of the program (default: the one breakpoints and frames refer to). */
  private sourceFor(path = this.runtime.sourcePath ?? this.programPath): Source {
    return new Source(basename(path), this.convertDebuggerPathToClient(path));
  }

  protected disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const start = slotOfAddress(args.memoryReference, args.offset ?? 0);
    if (typeof start !== 'number') return this.fail(response, ERR.memory, start.error, false);
    const slots = this.runtime.disassemble(start + (args.instructionOffset ?? 0), args.instructionCount);
    response.body = { instructions: slots.map((s) => this.disassembled(s)) };
    this.sendResponse(response);
  }

  private disassembled(s: CodeSlot): DebugProtocol.DisassembledInstruction {
    const out: DebugProtocol.DisassembledInstruction = { address: s.address, instruction: s.text };
    if (s.outside) out.presentationHint = 'invalid';
    if (s.bytes) out.instructionBytes = s.bytes;
    if (s.symbol) out.symbol = s.symbol;
    if (s.line !== undefined) {
      out.location = this.sourceFor(s.file);
      out.line = this.convertDebuggerLineToClient(s.line);
      out.column = this.convertDebuggerColumnToClient(s.column ?? 0);
    }
    return out;
  }

  private isProgram(path: string | undefined): boolean {
    if (path === undefined || this.programPath === '') return false;
    const a = resolve(path);
    const b = resolve(this.runtime.sourcePath ?? this.programPath);
    return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
  }

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'eBPF program')] };
    this.sendResponse(response);
  }

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const frames = this.runtime.stackFrames();
    const start = args.startFrame ?? 0;
    const end = args.levels ? start + args.levels : frames.length;
    const ownPath = this.runtime.sourcePath ?? this.programPath;
    const sourceOf = (path = ownPath): Source => new Source(basename(path), this.convertDebuggerPathToClient(path));
    response.body = {
      totalFrames: frames.length,
      stackFrames: frames.slice(start, end).map((f) => {
        const name = f.line === undefined ? `${f.name}: ${f.instruction}` : f.name;
        const frame: DebugProtocol.StackFrame = new StackFrame(f.depth + 1, name);
        frame.instructionPointerReference = slotAddress(f.slot);
        if (f.line === undefined) frame.presentationHint = 'subtle';
        else {
          frame.source = sourceOf(f.file);
          frame.line = this.convertDebuggerLineToClient(f.line);
          frame.column = this.convertDebuggerColumnToClient(f.column ?? 0);
        }
        return frame;
      }),
    };
    this.sendResponse(response);
  }

  protected scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    response.body = { scopes: dapScopes(this.runtime, this.variableHandles, args.frameId - 1) };
    this.sendResponse(response);
  }

  protected variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const scope = this.variableHandles.get(args.variablesReference);
    response.body = { variables: scope ? this.variablesOf(scope) : [] };
    this.sendResponse(response);
  }

  private variablesOf(scope: VariableScope): DebugProtocol.Variable[] {
    return dapVariables(this.variableHandles, scope);
  }

  protected setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const scope = this.variableHandles.get(args.variablesReference);
    if (!scope) return this.fail(response, ERR.setVariable, `cannot change ${args.name}: its scope is gone (the program moved on)`, false);
    const set = dapSetVariable(this.runtime, scope, args.name, args.value);
    if ('error' in set) return this.fail(response, ERR.setVariable, set.error, false);
    response.body = set;
    this.sendResponse(response);
    // Other rows may show the same bytes (a header field and its hex row, a register and a stack slot).
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const depth = args.frameId !== undefined ? args.frameId - 1 : (this.runtime.stackFrames()[0]?.depth ?? 0);
    const result = this.runtime.evaluate(args.expression, depth);
    if ('error' in result) return this.fail(response, ERR.evaluate, result.error, false);
    response.body = {
      result: result.text, type: result.type, variablesReference: 0,
      memoryReference: result.pointsTo && result.value !== undefined ? `0x${result.value.toString(16)}` : undefined,
    };
    this.sendResponse(response);
  }

  protected readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    let address: bigint;
    try {
      address = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
    } catch {
      return this.fail(response, ERR.memory, `not a memory reference: ${args.memoryReference}`, false);
    }
    const read = this.runtime.readMemory(address, args.count);
    response.body = {
      address: `0x${read.address.toString(16)}`,
      data: Buffer.from(read.bytes).toString('base64'),
      unreadableBytes: read.unreadable,
    };
    this.sendResponse(response);
  }

  protected exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const fault = this.runtime.fault;
    response.body = {
      exceptionId: fault?.code ?? 'none',
      description: fault?.message ?? 'the program has not faulted',
      breakMode: 'always',
    };
    this.sendResponse(response);
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.control(response, () => this.runtime.continue());
  }

  protected nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.control(response, () => this.runtime.next(granularityOf(args.granularity)));
  }

  protected stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.control(response, () => this.runtime.stepIn(granularityOf(args.granularity)));
  }

  protected stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.control(response, () => this.runtime.stepBack(granularityOf(args.granularity)));
  }

  protected reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.control(response, () => this.runtime.reverseContinue());
  }

  protected stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.control(response, () => this.runtime.stepOut());
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.control(response, () => this.runtime.pause());
  }

  protected disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments, request?: DebugProtocol.Request): void {
    this.runtime.stop();
    super.disconnectRequest(response, args, request);
  }

  /** Runs a resume-style command; it fails when the program is not in a state that allows it. */
  private control(response: DebugProtocol.Response, command: () => boolean): void {
    if (command()) return this.sendResponse(response);
    this.fail(response, ERR.notStopped, `cannot ${response.command}: the program is ${this.runtime.state}`, false);
  }

  private fail(response: DebugProtocol.Response, id: number, message: string, showUser = true): void {
    this.sendErrorResponse(response, { id, format: message, showUser });
  }
}
