// Reference loops in BTF. A loop is legal only when a pointer breaks it
// (struct list { struct list *next; }); the kernel rejects two other kinds,
// and so do we: loops that need no pointer at all (a typedef of itself, a
// struct holding itself, an array of itself), and loops made only of pointers
// and modifiers (a pointer to itself through a typedef), which never reach a
// type with a size. Both searches are iterative and linear. Pure.

import { isStrongRef, refAt, refCount } from './btfRefs';
import { MODIFIER_KINDS, type BtfType } from './btfTypes';

/** Longest stretch of a loop's path kept for the message. */
const PATH_SHOWN = 8;

/** Each loop as the ids along it, starting where it was entered (at most PATH_SHOWN ids). */
export type BtfLoop = number[];

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

/**
 * Loops of strong references (all but a pointer's target), found by an
 * iterative depth-first search; one per back edge. The stack keeps each
 * type's id and how many of its references were followed.
 */
function strongLoops(types: readonly BtfType[], found: BtfLoop[]): void {
  const colour = new Uint8Array(types.length);
  const stackPos = new Int32Array(types.length);
  const stackIds = new Int32Array(types.length);
  const stackNext = new Int32Array(types.length);
  for (let root = 1; root < types.length; root++) {
    if (colour[root] !== WHITE) continue;
    colour[root] = GREY;
    stackPos[root] = 0;
    stackIds[0] = root;
    stackNext[0] = 0;
    let depth = 1;
    while (depth > 0) {
      const t = types[stackIds[depth - 1]];
      const i = stackNext[depth - 1]++;
      if (i >= refCount(t) || !isStrongRef(t)) {
        colour[t.id] = BLACK;
        depth--;
        continue;
      }
      const next = refAt(t, i);
      if (next <= 0 || next >= types.length) continue;
      if (colour[next] === WHITE) {
        colour[next] = GREY;
        stackPos[next] = depth;
        stackIds[depth] = next;
        stackNext[depth] = 0;
        depth++;
      } else if (colour[next] === GREY) {
        const from = stackPos[next];
        found.push(Array.from(stackIds.subarray(from, Math.min(depth, from + PATH_SHOWN))));
      }
    }
  }
}

/** Loops of pointers and modifiers: each such type has exactly one successor, so walk each chain once. */
function pointerLoops(types: readonly BtfType[], found: BtfLoop[]): void {
  const isLink = (t: BtfType): boolean => t.kind === 'PTR' || MODIFIER_KINDS.has(t.kind);
  const colour = new Uint8Array(types.length);
  for (let start = 1; start < types.length; start++) {
    if (colour[start] !== WHITE) continue;
    const chain: number[] = [];
    let id = start;
    while (id > 0 && id < types.length && colour[id] === WHITE && isLink(types[id])) {
      colour[id] = GREY;
      chain.push(id);
      id = (types[id] as { type: number }).type;
    }
    if (id > 0 && id < types.length && colour[id] === GREY) {
      const loop = chain.slice(chain.indexOf(id));
      // A loop without a pointer is a strong loop, already reported.
      if (loop.some((x) => types[x].kind === 'PTR')) found.push(loop.slice(0, PATH_SHOWN));
    }
    for (const x of chain) colour[x] = BLACK;
  }
}

/** Every illegal reference loop in `types` (index = type id). */
export function findLoops(types: readonly BtfType[]): BtfLoop[] {
  const found: BtfLoop[] = [];
  strongLoops(types, found);
  pointerLoops(types, found);
  return found;
}
