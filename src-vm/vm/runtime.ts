// EbpfRuntime: the debugger's engine over the interpreter, in the manner of
// vscode-mock-debug's MockRuntime. It loads assembly text, places breakpoints
// by source line, runs, steps (over, into and out of bpf-to-bpf calls) and
// reports what happened as events (stopOnStep, stopOnBreakpoint, end…) that a
// debug adapter only translates. Long runs go in chunks, one per event-loop
// turn, so nothing blocks. Must not import vscode or fs.

import { EventEmitter } from 'node:events';
import type { Diagnostic } from '../diagnostics';
import type { Insn } from '../isa/insn';
import { CLS, JMP, PSEUDO_CALL } from '../isa/opcodes';
import type { StopReason, Vm, VmFault } from './interpreter';
import { formatValue, readMemory, registersAt, stackRowsAt } from './runtimeInspect';
import { BreakpointTable, type BreakpointKind } from './runtimeBreakpoints';
import { codeSlots, type CodeSlot } from './runtimeCode';
import { breakpointJudge, evaluateAt, type EvaluationView } from './runtimeEvaluate';
import {
  placeFunction, placeInstruction, placeLine,
  type FunctionBreakpointRequest, type InstructionBreakpointRequest, type LineBreakpointRequest, type PlacedBreakpoint,
} from './runtimePlacement';
import { StepHistory, type Position } from './history/stepHistory';
import { reverseContinueTarget, startOf, stepBackTarget, type Granularity } from './runtimeReverse';
import { assemblyTarget, loadDebugProgram } from './runtimeLoad';
import type { DebugTarget } from './runtimeTarget';
import { TargetInspector, type ScopeView } from './inspect/inspector';
import { applyEdit } from './inspect/valueEdit';
import type { EditResult, EditTarget } from './inspect/varNode';
import type {
  LoadedProgramInfo, MemoryRead, RegisterView, RunEnd, RuntimeBreakpoint, RuntimeEvents,
  RuntimeFrame, RuntimeLoadOptions, RuntimeState, StackRow,
} from './runtimeTypes';

/** Instructions per event-loop turn while running: ~a few ms of interpretation. */
export const RUN_CHUNK = 100_000;
/** Instructions per event-loop turn while stepping a source line one instruction at a time. */
export const LINE_CHUNK = 20_000;

const CALL_CODE = CLS.JMP | JMP.CALL;

/** Where a step over or step out is done: back at `slot` with `depth` bpf-to-bpf frames in progress. */
interface StepTarget {
  slot: number;
  depth: number;
}

/** A source-line step in progress: it ends when the run leaves `line` in a frame no deeper than `depth` (`into`: any frame). */
interface LineStep {
  line: number | undefined;
  depth: number;
  into: boolean;
}

type StopEvent = 'stopOnEntry' | 'stopOnStep' | 'stopOnPause';

export class EbpfRuntime extends EventEmitter<RuntimeEvents> {
  private program: DebugTarget | undefined;
  private current: RuntimeState = 'empty';
  /** Slot -> ids of the user breakpoints placed on it. */
  private readonly breakSlots = new Map<number, number[]>();
  /** The same for other programs a tail call may switch to, by their instructions. */
  private readonly otherSlots = new Map<readonly Insn[], Map<number, number[]>>();
  /** The launched program's instructions (breakSlots' program). */
  private entryInsns: readonly Insn[] | undefined;
  /** Line, function and instruction breakpoints with their conditions; breakSlots mirrors where they are. */
  private readonly breakpoints = new BreakpointTable();
  /** Bumped by every resume and by stop(), so chunks of an older run stand down. */
  private runToken = 0;
  private pauseRequested = false;
  private target: StepTarget | undefined;
  private lineStep: LineStep | undefined;
  private history: StepHistory | undefined;
  private disposed = false;

  get state(): RuntimeState {
    return this.current;
  }

  /** The loaded program, for the adapter's messages. */
  get info(): LoadedProgramInfo | undefined {
    return this.program?.info;
  }

  /** The source file of breakpoints and frames when it is not the launched file (the C source of an object). */
  get sourcePath(): string | undefined {
    return this.program?.sourcePath;
  }

  /** The fault the program stopped on, if it did. */
  get fault(): VmFault | undefined {
    return this.program?.vm.fault;
  }

  /** Assembles and prepares `text`; on any error nothing is loaded and the diagnostics say why. */
  load(text: string, options: RuntimeLoadOptions = {}): Diagnostic[] {
    const { value, diagnostics } = loadDebugProgram(text, options);
    this.loadTarget(value && assemblyTarget(value));
    return diagnostics;
  }

  /** Debugs `target` (a Linux program prepared by runtimeLinux, or an assembled one). */
  loadTarget(target: DebugTarget | undefined): void {
    this.program = target;
    this.entryInsns = target?.vm.insns;
    this.otherSlots.clear();
    this.history = target && new StepHistory(target);
    this.current = target ? 'loaded' : 'empty';
    this.breakSlots.clear();
    this.breakpoints.clear();
  }

  /** Replaces every line breakpoint with ones on `lines` (0-based), each with its condition, hit condition or log message. */
  setBreakpoints(lines: readonly (number | LineBreakpointRequest)[]): RuntimeBreakpoint[] {
    return this.replaceBreakpoints('line', lines.map((l) => (typeof l === 'number' ? { line: l } : l)), placeLine);
  }

  /** Replaces every function breakpoint: each stops at the entry of the function or label it names. */
  setFunctionBreakpoints(requests: readonly FunctionBreakpointRequest[]): PlacedBreakpoint[] {
    return this.replaceBreakpoints('function', requests, placeFunction);
  }

  /** Replaces every instruction breakpoint: each stops before the instruction its address names. */
  setInstructionBreakpoints(requests: readonly InstructionBreakpointRequest[]): PlacedBreakpoint[] {
    return this.replaceBreakpoints('instruction', requests, placeInstruction);
  }

  /** Replaces the breakpoints of `kind`, then mirrors the table in breakSlots and the Vm (keeping the step target armed). */
  private replaceBreakpoints<R, P>(kind: BreakpointKind, requests: readonly R[], place: (t: BreakpointTable, p: DebugTarget | undefined, r: R) => P): P[] {
    this.breakpoints.clear(kind);
    const placed = requests.map((r) => place(this.breakpoints, this.program, r));
    const vm = this.program?.vm;
    const entry = this.entryInsns;
    if (vm && entry) {
      for (const slot of this.breakSlots.keys()) vm.setBreakpointIn(entry, slot, false);
      for (const [code, slots] of this.otherSlots) for (const slot of slots.keys()) vm.setBreakpointIn(code, slot, false);
    }
    this.breakSlots.clear();
    this.otherSlots.clear();
    for (const [slot, ids] of this.breakpoints.bySlot()) this.breakSlots.set(slot, ids);
    for (const code of this.breakpoints.otherCodes()) this.otherSlots.set(code, this.breakpoints.bySlot(code));
    if (vm && entry) {
      for (const slot of this.breakSlots.keys()) vm.setBreakpointIn(entry, slot, true);
      for (const [code, slots] of this.otherSlots) for (const slot of slots.keys()) vm.setBreakpointIn(code, slot, true);
      if (this.target) vm.setBreakpoint(this.target.slot, true);
    }
    return placed;
  }

  /** The breakpoint ids at `slot` of the program `code` (the launched one or a tail call's), if any. */
  private idsAt(code: readonly Insn[], slot: number): number[] | undefined {
    return code === this.entryInsns ? this.breakSlots.get(slot) : this.otherSlots.get(code)?.get(slot);
  }

  /** `code` as the breakpoint table names programs: undefined for the launched one. */
  private otherCode(code: readonly Insn[]): readonly Insn[] | undefined {
    return code === this.entryInsns ? undefined : code;
  }

  /** The user breakpoints at the pc: prints what logpoints log and conditions that failed; the ids to stop on, if any. */
  private breakHere(vm: Vm): number[] | undefined {
    if (!this.idsAt(vm.insns, vm.pc)) return undefined;
    const decision = this.breakpoints.decide(vm.pc, breakpointJudge(vm, this.program?.symbols), this.otherCode(vm.insns));
    for (const line of decision.logs) this.emitLater('output', line, 'console');
    for (const line of decision.errors) this.emitLater('output', line, 'stderr');
    return decision.stop.length > 0 ? decision.stop : undefined;
  }

  /** Starts the loaded program: stops on entry (or on a breakpoint on the first instruction), else runs. */
  start(stopOnEntry: boolean): boolean {
    const p = this.program;
    if (!p || this.current !== 'loaded') return false;
    this.emitLater('output', p.summary, 'console');
    const ids = stopOnEntry ? undefined : this.breakHere(p.vm);
    if (stopOnEntry) this.stopped('stopOnEntry');
    else if (ids) this.stoppedAtBreakpoint(ids);
    else this.resume(undefined);
    return true;
  }

  /** Runs until a breakpoint, a fault or the end. False when the program is not stopped. */
  continue(): boolean {
    return this.control(() => this.resume(undefined));
  }

  /**
   * Steps over one source line (`instruction`: one instruction); a
   * bpf-to-bpf call runs until it returns.
   */
  next(granularity: Granularity = 'line'): boolean {
    return this.control((vm) => {
      if (granularity === 'line') return this.startLineStep(vm, false);
      const insn = vm.insns[vm.pc];
      const isLocalCall = insn !== undefined && insn.code === CALL_CODE && insn.src === PSEUDO_CALL.LOCAL;
      if (isLocalCall) this.resume({ slot: vm.pc + 1, depth: vm.frames.length });
      else this.stepOne(vm);
    });
  }

  /** Steps one source line (`instruction`: one instruction), entering a called function. */
  stepIn(granularity: Granularity = 'line'): boolean {
    return this.control((vm) => (granularity === 'line' ? this.startLineStep(vm, true) : this.stepOne(vm)));
  }

  /** Runs until the current function returns to its caller (in the main frame: to the end). */
  stepOut(): boolean {
    return this.control((vm) => {
      const depth = vm.frames.length;
      this.resume(depth === 0 ? undefined : { slot: vm.frames[depth - 1].returnPc, depth: depth - 1 });
    });
  }

  /** Goes back one source line (or instruction) in the same frame, restoring everything the run changed since. */
  stepBack(granularity: Granularity = 'line'): boolean {
    const lineOf = (p: Position): number | undefined => {
      const lines = this.program?.lines;
      return lines?.lineIn ? lines.lineIn(p.code, p.pc) : lines?.lineOf(p.pc);
    };
    return this.rewind((history, here) => stepBackTarget(history, here, lineOf, granularity), 'stopOnStep');
  }

  /** Runs backwards to the latest earlier stop at a breakpoint, or to the start of the run. */
  reverseContinue(): boolean {
    return this.rewind((history, here) => {
      const vm = this.program!.vm;
      const stopsAt = (p: Position): boolean => this.idsAt(p.code, p.pc) !== undefined
        && this.breakpoints.stopsGoingBack(p.pc, () => { history.seek(p); return breakpointJudge(vm, this.program?.symbols); }, this.otherCode(p.code)).length > 0;
      return reverseContinueTarget(history, here, stopsAt) ?? startOf(history);
    }, 'stopOnBreakpoint');
  }

  /** What the step history holds: approximate bytes, and checkpoints. */
  historyStats(): { bytes: number; checkpoints: number } {
    return { bytes: this.history?.bytes ?? 0, checkpoints: this.history?.checkpointCount ?? 0 };
  }

  /** Whether the run can go back from here (false at its first instruction). */
  get canStepBack(): boolean {
    return this.history !== undefined && this.current === 'stopped' && this.program!.vm.steps > this.history.start;
  }

  /** Asks a running program to stop at the next chunk boundary. */
  pause(): boolean {
    if (this.current !== 'running') return false;
    this.pauseRequested = true;
    return true;
  }

  /** Ends the session: no more running, no more events. */
  stop(): void {
    this.runToken++;
    this.disposed = true;
    this.current = 'ended';
  }

  /** The call stack, innermost frame first. */
  stackFrames(): RuntimeFrame[] {
    const p = this.program;
    if (!p || this.current === 'empty') return [];
    const { vm, lines } = p;
    const frames: RuntimeFrame[] = [];
    for (let depth = vm.frames.length; depth >= 0; depth--) {
      const slot = depth === vm.frames.length ? vm.pc : vm.frames[depth].returnPc - 1;
      frames.push({
        depth, slot, name: this.frameName(p, depth),
        line: lines.lineOf(slot), column: lines.columnOf(slot), file: lines.fileOf?.(slot), instruction: p.instructionText(slot),
      });
    }
    return frames;
  }

  registers(depth: number): RegisterView[] {
    return this.program ? registersAt(this.program.vm, depth) : [];
  }

  stackRows(depth: number): StackRow[] {
    return this.program ? stackRowsAt(this.program.vm, depth) : [];
  }

  readMemory(address: bigint, count: number): MemoryRead {
    return this.program ? readMemory(this.program.vm, address, count) : { address, bytes: new Uint8Array(), unreadable: count };
  }

  /** An expression (registers, memory loads, globals, `map[key]`…) in frame `depth`. */
  evaluate(expression: string, depth: number): EvaluationView | { error: string } {
    return this.program ? evaluateAt(this.program.vm, depth, expression, this.program.symbols) : { error: 'no program is loaded' };
  }

  /** `count` instruction slots from `first` (slots outside the program are marked so). */
  disassemble(first: number, count: number): CodeSlot[] {
    return this.program ? codeSlots(this.program, first, count) : [];
  }

  // ---- the Variables pane: a frame's scopes, and edits --------------------

  /** One inspector per loaded target: it keeps the verifier's states of the program. */
  private readonly inspectors = new WeakMap<DebugTarget, TargetInspector>();

  /** The scopes of frame `depth`: Registers, Stack, then Context, Packet, Maps, Globals (Linux) or Memory (assembly). */
  variableScopes(depth: number): ScopeView[] {
    const p = this.program;
    if (!p || this.current === 'empty') return [];
    let inspector = this.inspectors.get(p);
    if (!inspector) {
      inspector = new TargetInspector(p);
      this.inspectors.set(p, inspector);
    }
    return inspector.scopes(depth);
  }

  /** Writes `text` where `edit` says while the program is stopped; the step history forgets the future it recorded. */
  setVariable(edit: EditTarget, text: string): EditResult {
    const p = this.program;
    if (!p || this.current !== 'stopped') return { error: `values can be changed only while the program is stopped (it is ${this.current})` };
    const result = applyEdit(p.vm, edit, text);
    if ('value' in result) this.history?.edited();
    return result;
  }

  // ---- running -------------------------------------------------------------

  /** Runs `action` when stopped; after a fault, any resume ends the program instead. */
  private control(action: (vm: Vm) => void): boolean {
    const vm = this.program?.vm;
    if (!vm || this.current !== 'stopped') return false;
    if (vm.status === 'faulted') this.end(vm, 'fault');
    else action(vm);
    return true;
  }

  /** Seeks to the position `find` picks (stopped, even at a fault); stays put and says so when there is none. */
  private rewind(find: (history: StepHistory, here: Position) => Position | undefined, event: 'stopOnStep' | 'stopOnBreakpoint'): boolean {
    const history = this.history;
    const p = this.program;
    if (!history || !p || this.current !== 'stopped') return false;
    const here = history.here();
    const to = find(history, here);
    if (!to) {
      if (!history.seek(here)) history.seekFrontier();
      this.emitLater('output', 'already at the start of the run: nothing to step back to', 'console');
      this.stopped('stopOnStep');
      return true;
    }
    history.seek(to);
    p.takeOutput?.();
    const ids = this.idsAt(p.vm.insns, p.vm.pc);
    if (event === 'stopOnBreakpoint' && ids) this.stoppedAtBreakpoint(ids);
    else this.stopped(to.steps === history.start ? 'stopOnEntry' : 'stopOnStep');
    return true;
  }

  private startLineStep(vm: Vm, into: boolean): void {
    this.lineStep = { line: this.program!.lines.lineOf(vm.pc), depth: vm.frames.length, into };
    const token = ++this.runToken;
    this.current = 'running';
    this.pauseRequested = false;
    this.runLineChunk(token);
  }

  /** Single steps until the line step ends, a breakpoint on another line is met, or the chunk is used up. */
  private runLineChunk(token: number): void {
    const p = this.program;
    const step = this.lineStep;
    if (!p || !step || token !== this.runToken || this.current !== 'running') return;
    const { vm, lines } = p;
    for (let i = 0; i < LINE_CHUNK; i++) {
      const reason = this.runTarget(1);
      if (reason !== 'steps') return this.finished(vm, reason);
      const depth = vm.frames.length;
      const line = lines.lineOf(vm.pc);
      const leftLine = line !== undefined && line !== step.line;
      if (depth < step.depth || (leftLine && (step.into || depth === step.depth))) return this.stopped('stopOnStep');
      const ids = leftLine || depth !== step.depth ? this.breakHere(vm) : undefined;
      if (ids) return this.stoppedAtBreakpoint(ids);
    }
    if (this.pauseRequested) return this.stopped('stopOnPause');
    setImmediate(() => this.runLineChunk(token));
  }

  private stepOne(vm: Vm): void {
    const reason = this.runTarget(1);
    if (reason === 'steps') this.stopped('stopOnStep');
    else this.finished(vm, reason);
  }

  private resume(target: StepTarget | undefined): void {
    const token = ++this.runToken;
    this.current = 'running';
    this.pauseRequested = false;
    this.setTarget(target);
    setImmediate(() => this.runChunk(token));
  }

  private runChunk(token: number): void {
    const vm = this.program?.vm;
    if (!vm || token !== this.runToken || this.current !== 'running') return;
    const reason = this.runTarget(RUN_CHUNK);
    if (reason === 'steps' && this.pauseRequested) this.stopped('stopOnPause');
    else if (reason === 'steps' && vm.isBreakpoint(vm.pc)) this.atBreakpoint(vm, token);
    else if (reason === 'steps') setImmediate(() => this.runChunk(token));
    else if (reason === 'breakpoint') this.atBreakpoint(vm, token);
    else this.finished(vm, reason);
  }

  /** The run met a breakpoint: the step's target, a user breakpoint, or the target's slot in a deeper recursion. */
  private atBreakpoint(vm: Vm, token: number): void {
    const t = this.target;
    const atTarget = t !== undefined && vm.pc === t.slot && vm.frames.length === t.depth;
    const ids = atTarget ? undefined : this.breakHere(vm);
    if (atTarget) this.stopped('stopOnStep');
    else if (ids) this.stoppedAtBreakpoint(ids);
    else setImmediate(() => this.runChunk(token));
  }

  /** The program exited or faulted; an exhausted budget ends it, any other fault stops on it. */
  private finished(vm: Vm, reason: StopReason): void {
    this.lineStep = undefined;
    if (reason === 'exit') return this.end(vm, 'exit');
    if (vm.fault?.code === 'vm/budget') return this.end(vm, 'budget');
    this.setTarget(undefined);
    this.current = 'stopped';
    this.emitLater('stopOnException', vm.fault?.message ?? 'the program stopped with a fault', vm.fault?.code ?? 'vm/fault');
  }

  private stopped(event: StopEvent): void {
    this.setTarget(undefined);
    this.lineStep = undefined;
    this.current = 'stopped';
    this.emitLater(event);
  }

  private stoppedAtBreakpoint(ids: number[]): void {
    this.setTarget(undefined);
    this.lineStep = undefined;
    this.current = 'stopped';
    this.emitLater('stopOnBreakpoint', ids);
  }

  private end(vm: Vm, outcome: RunEnd['outcome']): void {
    this.setTarget(undefined);
    this.current = 'ended';
    const after = `after ${vm.steps} instruction${vm.steps === 1 ? '' : 's'}`;
    const r0 = outcome === 'exit' ? vm.getReg(0) : undefined;
    const retName = r0 === undefined ? undefined : this.program?.returnName?.(r0);
    const message = r0 !== undefined
      ? `program exited with r0 = ${formatValue(r0)}${retName ? ` ${retName}` : ''} ${after}`
      : `program ${outcome === 'budget' ? 'stopped' : 'faulted'} ${after}: ${vm.fault?.message ?? 'no fault recorded'}`;
    this.emitLater('end', { outcome, r0, ...(retName === undefined ? {} : { retName }), steps: vm.steps, message });
  }

  /** Arms a temporary breakpoint at the step target, restoring the user's breakpoint state of the old one. */
  private setTarget(target: StepTarget | undefined): void {
    const vm = this.program?.vm;
    if (this.target && vm) vm.setBreakpoint(this.target.slot, this.idsAt(vm.insns, this.target.slot) !== undefined);
    this.target = target;
    if (target && vm) vm.setBreakpoint(target.slot, true);
  }

  /** Runs the target and forwards what the program printed meanwhile. */
  private runTarget(maxSteps: number): StopReason {
    const p = this.program!;
    const reason = this.history ? this.history.run(maxSteps) : p.run(maxSteps);
    for (const line of p.takeOutput?.() ?? []) this.emitLater('output', line, 'stdout');
    return reason;
  }

  private frameName(p: DebugTarget, depth: number): string {
    const { vm, lines } = p;
    // Frame d > 0 was entered by the `call` just before frames[d-1].returnPc.
    const entry = depth === 0 ? 0 : vm.frames[depth - 1].returnPc + vm.insns[vm.frames[depth - 1].returnPc - 1].imm;
    const symbol = p.functionAt(entry);
    return symbol ?? lines.labelAt(entry) ?? (depth === 0 ? p.name : `function at instruction ${entry}`);
  }

  /** Events go out after the current call returns, so a DAP response always precedes its stop event. */
  private emitLater<K extends keyof RuntimeEvents>(event: K, ...args: RuntimeEvents[K]): void {
    setImmediate(() => {
      if (!this.disposed) (this.emit as (e: K, ...a: RuntimeEvents[K]) => boolean)(event, ...args);
    });
  }
}
