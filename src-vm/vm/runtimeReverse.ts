// Where going backwards lands, read from the step history's positions: one
// instruction back, one source line back (stepping back over calls the line
// made, and out to the caller at a function's first line), or back to the
// latest earlier position a breakpoint accepts. Pure: positions in, a
// position out; the runtime seeks there.

import type { Position, StepHistory } from './history/stepHistory';

export type Granularity = 'line' | 'instruction';

/** Positions strictly before `now`, latest first, across the history's segments. */
function* positionsBefore(history: StepHistory, now: number): Generator<Position> {
  for (const segment of history.segmentsBackFrom(now)) {
    for (let i = segment.length - 1; i >= 0; i--) if (segment[i].steps < now) yield segment[i];
  }
}

/**
 * The position a step back from `here` lands on, or undefined at the start
 * of the run. By line: the first instruction of the previous line run in the
 * same frame (calls made from it are stepped back over), or the call that
 * entered this frame.
 */
export function stepBackTarget(
  history: StepHistory, here: Position, lineOf: (p: Position) => number | undefined, granularity: Granularity,
): Position | undefined {
  const earlier = positionsBefore(history, here.steps);
  if (granularity === 'instruction') return earlier.next().value ?? undefined;
  const startLine = lineOf(here);
  let line: number | undefined;
  let found: Position | undefined;
  for (const p of earlier) {
    if (p.depth > here.depth) continue;
    if (p.depth < here.depth) return found ?? p;
    const l = lineOf(p);
    if (l === undefined) continue;
    if (line === undefined) {
      if (l === startLine) continue;
      line = l;
    } else if (l !== line) return found;
    found = p;
  }
  return found;
}

/** The latest position before `here` that `accepts` (a breakpoint that would stop there), or undefined. */
export function reverseContinueTarget(history: StepHistory, here: Position, accepts: (p: Position) => boolean): Position | undefined {
  for (const p of positionsBefore(history, here.steps)) if (accepts(p)) return p;
  return undefined;
}

/** The first position of the run. */
export function startOf(history: StepHistory): Position | undefined {
  let first: Position | undefined;
  for (const segment of history.segmentsBackFrom(history.start)) first = segment[0] ?? first;
  return first;
}
