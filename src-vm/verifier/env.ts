// What every check sees besides the current state: the program, its type, the
// id generator, the maps its lddw instructions refer to, and the states a
// check forks off for later exploration. Imports only types.

import type { Insn } from '../isa/insn';
import type { MapRef } from './regState';
import type { VerifierState } from './state';

/** Program types whose context and return rules the verifier knows. */
export type ProgType = 'xdp' | 'socket_filter' | 'sched_cls' | 'sched_act';

export interface VerifyEnv {
  readonly insns: readonly Insn[];
  readonly progType: ProgType;
  /** Maps by the value an `r1 = map[...]` lddw carries (index into the object's map list). */
  readonly maps: readonly MapRef[];
  /** The kernel's env->id_gen. */
  idGen: number;
  /** States forked by the current instruction, explored after the current path. */
  readonly forks: VerifierState[];
}

export function newId(env: VerifyEnv): number {
  return ++env.idGen;
}
