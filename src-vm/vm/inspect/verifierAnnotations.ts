// What our verifier says about the program being debugged, per instruction:
// it is run once (the caller keeps the answer) with the printed state before
// each instruction recorded, as the language server's hovers get it; the
// first path's state is read back into register and stack-slot texts exactly
// as the kernel log prints them (`pkt(off=14,r=34)`, `scalar(umax=255)`,
// `mmmm0000`). A rejected program is still annotated where the verifier got.
// Pure.

import { parseState } from '../../verifier/logParse';
import { verifyTarget, type VerifyTarget } from '../../verifyTargets';

/** States the verifier keeps per instruction (verify.ts records at most this many). */
export const RECORDED_PATHS = 16;

export type VerifierStates =
  | { kind: 'unavailable'; reason: string }
  | {
    kind: 'verified';
    verdict: 'accept' | 'reject';
    error?: { insnIdx: number; message: string };
    /** Printed states before each instruction, one per path (at most RECORDED_PATHS). */
    statesAt: ReadonlyMap<number, readonly string[]>;
  };

/** The verifier's view of one instruction: the first path's registers and stack slots. */
export interface SlotState {
  /** Paths that reached it (RECORDED_PATHS means at least that many). */
  paths: number;
  /** Which of them this is (0: the first the verifier explored). */
  index?: number;
  /** Register number -> printed state (`ctx()`, `fp0`, `scalar(umax=255)`, `14`). */
  regs: ReadonlyMap<number, string>;
  /** Stack offset (-8, -16…) -> printed slot (`mmmmmmmm`, or a spilled register's state). */
  stack: ReadonlyMap<number, string>;
}

/** Verifies `target` once, keeping the state before every instruction; never throws. */
export function verifierStates(target: VerifyTarget): VerifierStates {
  try {
    const outcome = verifyTarget(target, { logLevel: 0, recordStates: true });
    if (outcome.kind === 'unsupported') return { kind: 'unavailable', reason: outcome.reason };
    const { report } = outcome;
    const error = report.error && { insnIdx: report.error.insnIdx, message: report.error.message };
    return { kind: 'verified', verdict: report.verdict, error, statesAt: report.statesAt ?? new Map() };
  } catch (err) {
    return { kind: 'unavailable', reason: `the verifier failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** One printed state (` R1=ctx() R10=fp0 fp-8=mmmmmmmm`) as register and slot texts. */
export function parseSlotState(text: string, paths: number): SlotState {
  const regs = new Map<number, string>();
  const stack = new Map<number, string>();
  for (const item of parseState(text)) {
    if (item.regno >= 0) regs.set(item.regno, item.text);
    else if (/^fp-\d+$/.test(item.name)) stack.set(Number(item.name.slice(2)), item.text);
  }
  return { paths, regs, stack };
}

/**
 * The state before `slot` of the path that `fit` scores highest (the first
 * of equals; without `fit`, the first path), or undefined when the verifier
 * never got there.
 */
export function slotState(states: VerifierStates, slot: number, fit?: (state: SlotState) => number): SlotState | undefined {
  if (states.kind !== 'verified') return undefined;
  const list = states.statesAt.get(slot);
  if (!list || list.length === 0) return undefined;
  const parsed = list.map((text, index) => ({ ...parseSlotState(text, list.length), index }));
  if (!fit || parsed.length === 1) return parsed[0];
  let best = parsed[0];
  let bestScore = fit(best);
  for (const candidate of parsed.slice(1)) {
    const score = fit(candidate);
    if (score > bestScore) { best = candidate; bestScore = score; }
  }
  return best;
}

/** A register's annotation: its printed state, or `not initialized` (the kernel prints none then). */
export function registerNote(state: SlotState, reg: number): string {
  return state.regs.get(reg) ?? 'not initialized';
}

const SLOT_WORDS: Readonly<Record<string, string>> = { '?': 'invalid', m: 'misc', '0': 'zero', r: 'spill' };

/**
 * A stack slot's annotation: `spilled <state>`, `misc`, `zero`, `invalid`
 * (unprinted slots are invalid), or the byte types as printed when they
 * differ (highest address first, as the kernel prints slot_type[]).
 */
export function stackNote(state: SlotState, offset: number): string {
  const text = state.stack.get(offset);
  if (text === undefined) return 'invalid';
  if (!/^[?rm0]{8}$/.test(text)) return `spilled ${text}`;
  const kinds = new Set(text);
  if (kinds.size === 1) return SLOT_WORDS[text[0]];
  return `${text} (${[...kinds].map((k) => `${k} ${SLOT_WORDS[k]}`).join(', ')})`;
}

/** What the annotations of `slot` rest on, when that needs saying; undefined for one path of an accepted program. */
export function statesSummary(states: VerifierStates, slot: number, chosen = 0): string | undefined {
  if (states.kind === 'unavailable') return `no annotations: ${states.reason}`;
  const paths = states.statesAt.get(slot)?.length ?? 0;
  const rejected = states.error && `the verifier rejects the program at instruction ${states.error.insnIdx}: ${states.error.message}`;
  if (paths === 0) {
    return rejected ? `instruction ${slot} was not reached by the verifier: ${rejected}` : `instruction ${slot} was not reached by the verifier (dead code)`;
  }
  const many = paths >= RECORDED_PATHS ? `${RECORDED_PATHS} or more` : String(paths);
  const which = chosen === 0 ? 'the first' : `path ${chosen + 1}`;
  const first = paths > 1 ? `state before instruction ${slot} on ${which} of ${many} paths the verifier explored (the one the run's registers fit)` : undefined;
  return [first, rejected].filter((s) => s !== undefined).join('; ') || undefined;
}
