// The debugger's breakpoints as data: line, function and instruction
// breakpoints, each at an instruction slot, with an optional condition (an
// expression, true when non-zero), hit condition (`5`, `>= 3`, `% 2`,
// `== 4`: which hits stop, counting only hits whose condition held) and log
// message (a logpoint: `{expr}` parts are interpolated and printed instead of
// stopping). Conditions and messages are parsed when set, so mistakes come
// back then; `decide` says what happens when the program reaches a slot.
// Evaluation is the caller's (a BreakpointJudge), so this stays pure.

import type { Insn } from '../isa/insn';
import type { Expr } from './expr/ast';
import { parseExpression } from './expr/parser';
import { parseTemplate, renderTemplate, type TemplatePart } from './expr/template';

export type BreakpointKind = 'line' | 'function' | 'instruction';

/** What DAP lets a breakpoint carry besides its place. */
export interface BreakpointOptions {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

type HitOp = '==' | '>' | '>=' | '<' | '<=' | '%';

export interface HitTest {
  op: HitOp;
  n: number;
}

const HIT_CONDITION = /^\s*(>=|<=|={1,3}|>|<|%)?\s*(\d+)\s*$/;

/**
 * A hit condition as VS Code users write it. A bare number N stops on the
 * Nth hit only (as js-debug reads it); `% N` stops on every Nth.
 */
export function parseHitCondition(text: string): HitTest | { error: string } {
  const m = HIT_CONDITION.exec(text);
  const n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(n) || (m[1] === '%' && n === 0)) {
    return { error: `hit condition '${text.trim()}' is not understood: write a count such as 5, or an operator and a count: >= 3, > 3, < 3, <= 3, == 4, % 2 (every second hit)` };
  }
  const op = (m[1] === undefined || m[1].startsWith('=') ? '==' : m[1]) as HitOp;
  return { op, n };
}

export function hitMatches(test: HitTest, hits: number): boolean {
  switch (test.op) {
    case '==': return hits === test.n;
    case '>': return hits > test.n;
    case '>=': return hits >= test.n;
    case '<': return hits < test.n;
    case '<=': return hits <= test.n;
    case '%': return hits % test.n === 0;
  }
}

interface Entry {
  id: number;
  kind: BreakpointKind;
  slot: number;
  /** The program the slot is in, when not the launched one (a tail call's target). */
  code?: readonly Insn[];
  /** How messages name it: `line 27`, `function is_ipv4`, `instruction 12`. */
  label: string;
  condition?: { expr: Expr; text: string };
  hit?: HitTest;
  log?: TemplatePart[];
  /** Times it was reached with its condition holding. */
  hits: number;
}

/** How the runtime evaluates expressions at the slot the program reached. */
export interface BreakpointJudge {
  condition(expr: Expr): boolean | { error: string };
  /** An expression's value as a logpoint prints it. */
  show(expr: Expr): string;
}

export interface SlotDecision {
  /** Ids of the breakpoints that stop the program here (none: it runs on). */
  stop: number[];
  /** Logpoint messages to print, in breakpoint order. */
  logs: string[];
  /** Conditions that could not be evaluated; their breakpoints stop too. */
  errors: string[];
}

const present = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

export class BreakpointTable {
  private nextId = 1;
  private entries: Entry[] = [];

  /** An id for a breakpoint that could not be placed (ids are unique across kinds). */
  newId(): number {
    return this.nextId++;
  }

  /**
   * Adds a breakpoint at `slot` when its options parse; otherwise nothing is
   * added and `error` says what is wrong (the id is still used up).
   */
  add(kind: BreakpointKind, slot: number, label: string, options: BreakpointOptions = {}, code?: readonly Insn[]): { id: number; error?: string } {
    const id = this.newId();
    const entry: Entry = { id, kind, slot, label, hits: 0, ...(code ? { code } : {}) };
    if (present(options.condition)) {
      // Parsed trimmed, so columns count in the text the messages quote.
      const text = options.condition.trim();
      const parsed = parseExpression(text);
      if ('error' in parsed) return { id, error: `condition '${text}': ${parsed.error}` };
      entry.condition = { expr: parsed.expr, text };
    }
    if (present(options.hitCondition)) {
      const hit = parseHitCondition(options.hitCondition);
      if ('error' in hit) return { id, error: hit.error };
      entry.hit = hit;
    }
    if (present(options.logMessage)) {
      const template = parseTemplate(options.logMessage);
      if ('error' in template) return { id, error: `log message: ${template.error}` };
      entry.log = template.parts;
    }
    this.entries.push(entry);
    return { id };
  }

  /** Removes the breakpoints of `kind` (all when undefined). */
  clear(kind?: BreakpointKind): void {
    this.entries = kind === undefined ? [] : this.entries.filter((e) => e.kind !== kind);
  }

  /** Slots of the launched program (or of `code`) with at least one breakpoint, and the ids there in id order. */
  bySlot(code?: readonly Insn[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const e of [...this.entries].sort((a, b) => a.id - b.id)) if (e.code === code) out.set(e.slot, [...(out.get(e.slot) ?? []), e.id]);
    return out;
  }

  /** The other programs (tail-call targets) that hold breakpoints. */
  otherCodes(): (readonly Insn[])[] {
    return [...new Set(this.entries.flatMap((e) => (e.code ? [e.code] : [])))];
  }

  /**
   * Going backwards (reverse continue), the breakpoints at `slot` that stop
   * the program: not logpoints, and with their condition holding or failing
   * to evaluate. Hit counts are not replayed. `judge` is asked for only when
   * a condition needs evaluating (the caller moves the run there first).
   */
  stopsGoingBack(slot: number, judge: () => BreakpointJudge, code?: readonly Insn[]): number[] {
    const here = this.entries.filter((e) => e.slot === slot && e.code === code && !e.log);
    const j = here.some((e) => e.condition) ? judge() : undefined;
    return here.filter((e) => !e.condition || j!.condition(e.condition.expr) !== false).map((e) => e.id).sort((a, b) => a - b);
  }

  /** The program reached `slot`: which breakpoints stop it, what logpoints print, which conditions failed. */
  decide(slot: number, judge: BreakpointJudge, code?: readonly Insn[]): SlotDecision {
    const decision: SlotDecision = { stop: [], logs: [], errors: [] };
    for (const e of this.entries) {
      if (e.slot !== slot || e.code !== code) continue;
      if (e.condition) {
        const holds = judge.condition(e.condition.expr);
        if (typeof holds !== 'boolean') {
          decision.errors.push(`breakpoint at ${e.label}: condition '${e.condition.text}' cannot be evaluated (${holds.error}); stopped here`);
          decision.stop.push(e.id);
          continue;
        }
        if (!holds) continue;
      }
      e.hits++;
      if (e.hit && !hitMatches(e.hit, e.hits)) continue;
      if (e.log) decision.logs.push(renderTemplate(e.log, (expr) => judge.show(expr)));
      else decision.stop.push(e.id);
    }
    decision.stop.sort((a, b) => a - b);
    return decision;
  }
}
