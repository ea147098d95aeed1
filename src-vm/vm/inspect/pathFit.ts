// Which of the verifier's paths the run is on: each path's printed register
// states are scored against the registers' concrete values (a known constant
// equal to the value, a stack or packet pointer at the printed offset, a
// scalar inside its printed bounds score; a contradiction scores against),
// so the annotations shown come from a path the run could be on. Pure.

import type { SlotState } from './verifierAnnotations';

/** A register's concrete value, and where it points when it is a pointer. */
export interface ConcreteRegister {
  value: bigint;
  /** Region kind and offset (packet offsets from the data start; stack offsets from the frame pointer). */
  pointsTo?: { kind: string; offset: number };
}

const CONTRADICTION = -4;

/** The bounds a printed scalar names: `smin=smin32=0,smax=umax=255` → smin 0, smin32 0, smax 255, umax 255. */
function printedBounds(text: string): Map<string, bigint> {
  const inside = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).replace(/var_off=\([^)]*\)/, '');
  const bounds = new Map<string, bigint>();
  for (const item of inside.split(',')) {
    const names = item.split('=');
    const value = names.pop()?.trim();
    if (!value || !/^-?\d+$/.test(value)) continue;
    for (const name of names) bounds.set(name.trim(), BigInt(value));
  }
  return bounds;
}

function boundsFit(text: string, value: bigint): number {
  const signed = BigInt.asIntN(64, value);
  const low = value & 0xffffffffn;
  const holds: Record<string, (b: bigint) => boolean> = {
    umin: (b) => value >= b, umax: (b) => value <= b, smin: (b) => signed >= b, smax: (b) => signed <= b,
    umin32: (b) => low >= b, umax32: (b) => low <= b,
    smin32: (b) => BigInt.asIntN(32, low) >= b, smax32: (b) => BigInt.asIntN(32, low) <= b,
  };
  let known = 0;
  for (const [name, bound] of printedBounds(text)) {
    const check = holds[name];
    if (!check) continue;
    if (!check(bound)) return CONTRADICTION;
    known++;
  }
  return known > 0 ? 1 : 0;
}

/** How well one printed register state fits a concrete register. */
export function registerFit(text: string, reg: ConcreteRegister): number {
  if (/^-?\d+$/.test(text)) {
    const k = BigInt(text);
    return BigInt.asUintN(64, k) === reg.value ? 2 : CONTRADICTION;
  }
  const fp = /^fp(-?\d+)$/.exec(text);
  if (fp) return reg.pointsTo?.kind === 'stack' && reg.pointsTo.offset === Number(fp[1]) ? 2 : CONTRADICTION;
  const pkt = /^pkt\((?:.*,)?off=(-?\d+)/.exec(text) ?? (/^pkt\(/.test(text) ? ['', '0'] : null);
  if (pkt && !/var_off|umax|smax/.test(text)) {
    return reg.pointsTo?.kind === 'packet' && reg.pointsTo.offset === Number(pkt[1]) ? 2 : CONTRADICTION;
  }
  if (text.startsWith('scalar(')) return boundsFit(text, reg.value);
  return 0;
}

/** The score of a path's state against the registers the frame holds. */
export function pathFit(state: SlotState, regs: ReadonlyMap<number, ConcreteRegister>): number {
  let score = 0;
  for (const [reg, concrete] of regs) {
    const text = state.regs.get(reg);
    if (text !== undefined) score += registerFit(text, concrete);
  }
  return score;
}
