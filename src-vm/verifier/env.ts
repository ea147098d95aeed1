// What every check sees besides the current state: the program, its type, the
// id generator, the maps its lddw instructions refer to, and the states a
// check forks off for later exploration. Imports only types.

import type { AttachTypeName, ProgTypeName } from '../elf/bpfEnums';
import type { Insn } from '../isa/insn';
import type { MapRef } from './regState';
import type { VerifierState } from './state';

/** libbpf's program type name; progTypes/index.ts says which ones the verifier models. */
export type ProgType = ProgTypeName;

export interface VerifyEnv {
  readonly insns: readonly Insn[];
  readonly progType: ProgType;
  /** The expected attach type, where the program type's rules depend on it. */
  readonly attach?: AttachTypeName;
  /** Loaded with BPF_F_SLEEPABLE (syscall programs always are): may call helpers that sleep, fewer map types. */
  readonly sleepable?: boolean;
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
