// The step history that makes a run reversible: snapshots of the whole
// machine (registers, stacks, packet, maps, clock, output) at checkpoints a
// few thousand instructions apart, taken as the run goes forward; going back
// restores the checkpoint before the wanted position and replays forward to
// it (the interpreter is deterministic, so the replay is exact). A segment's
// positions — each place the run could stop, with its pc and call depth —
// are recorded on demand by replaying it one instruction at a time. Pure.

import type { Insn } from '../../isa/insn';
import type { StopReason, Vm } from '../interpreter';
import { restoreSnapshot, takeSnapshot, type ObjectSnapshot, type OpaqueTest } from './objectSnapshot';

/** Instructions between checkpoints at the least: bounds the replay a step back costs. */
export const CHECKPOINT_INTERVAL = 4096;
/** At the most (a run whose state takes long to snapshot: big preallocated maps). */
export const MAX_CHECKPOINT_INTERVAL = 262_144;
/**
 * Instructions between checkpoints per object a snapshot records: a snapshot
 * and a restore cost about as much per object as an instruction does to run,
 * so this keeps snapshots to a bounded share of the run and the replay of a
 * step back near the cost of its restore.
 */
const INSNS_PER_OBJECT = 1;

/** A place the run stopped or could stop: before executing the instruction at `pc`. */
export interface Position {
  /** vm.steps there. */
  steps: number;
  pc: number;
  /** bpf-to-bpf frames in progress (0 in the main program). */
  depth: number;
  /** The program running there: the launched one, or one a tail call switched to. */
  code: readonly Insn[];
}

/** What the history needs of the thing it rewinds. */
export interface Rewindable {
  readonly vm: Vm;
  /** Runs up to `maxSteps` of the program's own instructions; `breaks` false ignores breakpoints. */
  run(maxSteps: number, breaks?: boolean): StopReason;
  /** The objects holding every piece of mutable run state. */
  stateRoots(): object[];
  /** Objects to keep by reference (code, tables, immutable data). */
  readonly opaque: OpaqueTest;
}

interface Checkpoint {
  readonly steps: number;
  readonly snapshot: ObjectSnapshot;
  /** The positions from here to the next checkpoint (or to `upTo`, the frontier then, in the newest segment), once recorded. */
  positions?: Position[];
  upTo?: number;
}

export class StepHistory {
  private readonly checkpoints: Checkpoint[] = [];
  /** Where the state was last edited by hand: going back before it forgets the edited future. */
  private editedAt: number | undefined;
  /** The furthest the run has gone on the current timeline: where the newest segment ends. */
  private frontier: number;

  /** Instructions between checkpoints now: fixed when the caller gave one, else sized by what the last snapshot cost. */
  private interval: number;

  constructor(private readonly target: Rewindable, private readonly fixedInterval?: number) {
    this.interval = fixedInterval ?? CHECKPOINT_INTERVAL;
    this.checkpoints.push(this.capture(undefined));
    this.frontier = target.vm.steps;
  }

  /** Approximate bytes the checkpoints hold. */
  get bytes(): number {
    return this.checkpoints.reduce((sum, c) => sum + c.snapshot.ownBytes, 0);
  }

  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** Steps of the earliest position the history can return to. */
  get start(): number {
    return this.checkpoints[0].steps;
  }

  /**
   * Runs forward as target.run does, taking checkpoints on the way. A
   * breakpoint met exactly where a checkpoint split the run still stops it.
   */
  run(maxSteps: number): StopReason {
    const { vm } = this.target;
    let left = maxSteps;
    for (;;) {
      const chunk = Math.min(left, this.dueIn());
      const before = vm.steps;
      const reason = this.target.run(chunk);
      left -= Math.max(1, vm.steps - before);
      this.frontier = Math.max(this.frontier, vm.steps);
      this.checkpointIfDue();
      if (reason !== 'steps' || left <= 0) return reason;
      if (vm.isBreakpoint(vm.pc)) return 'breakpoint';
    }
  }

  /** Instructions until the next checkpoint is due. */
  private dueIn(): number {
    const now = this.target.vm.steps;
    const i = this.indexAtOrBefore(now);
    const next = this.checkpoints[i + 1]?.steps ?? Infinity;
    return Math.max(1, Math.min(this.checkpoints[i].steps + this.interval, next) - now);
  }

  private checkpointIfDue(): void {
    const { vm } = this.target;
    if (vm.status !== 'ready') return;
    const i = this.indexAtOrBefore(vm.steps);
    const at = this.checkpoints[i];
    if (at.steps === vm.steps || vm.steps - at.steps < this.interval) return;
    this.checkpoints.splice(i + 1, 0, this.capture(at.snapshot));
  }

  private capture(previous: ObjectSnapshot | undefined): Checkpoint {
    const snapshot = takeSnapshot(this.target.stateRoots(), this.target.opaque, previous);
    if (this.fixedInterval === undefined) {
      const wanted = snapshot.objects.length * INSNS_PER_OBJECT;
      this.interval = Math.min(MAX_CHECKPOINT_INTERVAL, Math.max(CHECKPOINT_INTERVAL, wanted));
    }
    return { steps: this.target.vm.steps, snapshot };
  }

  /** Index of the last checkpoint at or before `steps` (the first one when none is). */
  private indexAtOrBefore(steps: number): number {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.checkpoints[mid].steps <= steps) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The positions of the segment holding `steps` and those before it, latest segment first. */
  *segmentsBackFrom(steps: number): Generator<Position[]> {
    for (let i = this.indexAtOrBefore(steps); i >= 0; i--) yield this.positionsOf(i);
  }

  /** Replays segment `i` one instruction at a time, recording where each one starts. */
  private positionsOf(i: number): Position[] {
    const cp = this.checkpoints[i];
    const next = this.checkpoints[i + 1];
    const end = next?.steps ?? this.frontier;
    if (cp.positions && cp.upTo === end) return cp.positions;
    const { vm } = this.target;
    restoreSnapshot(cp.snapshot);
    const positions: Position[] = [];
    while (vm.status === 'ready' && vm.steps < end) {
      positions.push({ steps: vm.steps, pc: vm.pc, depth: vm.frames.length, code: vm.insns });
      this.target.run(1, false);
    }
    cp.positions = positions;
    cp.upTo = end;
    return positions;
  }

  /** Puts the run back at `position` (one the history recorded); false when it is not one. */
  seek(position: Position): boolean {
    const i = this.indexAtOrBefore(position.steps);
    const index = this.positionsOf(i).findIndex((p) => p.steps === position.steps);
    if (index < 0) return false;
    restoreSnapshot(this.checkpoints[i].snapshot);
    if (index > 0) this.target.run(index, false);
    if (this.editedAt !== undefined && position.steps < this.editedAt) this.forgetAfter(i, position.steps);
    return true;
  }

  /** Drops every checkpoint after `i`: they belong to a future that will not happen again. */
  private forgetAfter(i: number, now: number): void {
    this.checkpoints.length = i + 1;
    this.frontier = now;
    delete this.checkpoints[i].positions;
    delete this.checkpoints[i].upTo;
    this.editedAt = undefined;
  }

  /** Goes back to the frontier, the furthest the run went (a fault there is met again). */
  seekFrontier(): void {
    const i = this.indexAtOrBefore(this.frontier);
    const positions = this.positionsOf(i);
    const last = positions[positions.length - 1];
    restoreSnapshot(this.checkpoints[i].snapshot);
    if (positions.length > 0) this.target.run(positions.length - 1, false);
    if (last && last.steps < this.frontier) this.target.run(1, false);
  }

  /** Where the run is now. */
  here(): Position {
    const { vm } = this.target;
    return { steps: vm.steps, pc: vm.pc, depth: vm.frames.length, code: vm.insns };
  }

  /**
   * The state was edited at the current position (a register, memory, a map):
   * later checkpoints described a future that will not happen any more.
   */
  edited(): void {
    const now = this.target.vm.steps;
    const i = this.indexAtOrBefore(now);
    this.forgetAfter(i, now);
    this.editedAt = now;
    if (this.checkpoints[i].steps === now) this.checkpoints[i] = this.capture(this.checkpoints[i - 1]?.snapshot);
    else this.checkpoints.push(this.capture(this.checkpoints[i].snapshot));
  }
}
