// What the verifier must know of one program type, as one record: the
// kernel's is_valid_access for its context (`*_is_valid_access` in the
// kernel) and, where the kernel checks it, the range R0 must be in at exit.
// Each family of program types fills these records in its own module; the
// registry (index.ts) collects them. Imports only types.

import type { AttachTypeName } from '../../elf/bpfEnums';
import type { RegType } from '../regState';

/** What a load from the context yields when it is not a plain scalar. */
export interface CtxYield {
  type: Exclude<RegType, 'not_init' | 'scalar'>;
  /** PTR_MAYBE_NULL: the pointer loaded may be NULL until a null check. */
  maybeNull?: boolean;
}

/**
 * A valid access (and what a load yields), or an invalid one. `notModelled`: the kernel
 * allows the access but what it yields (e.g. a BTF object pointer) is beyond this verifier.
 */
export type CtxAccess = { ok: true; yields?: CtxYield } | { ok: false; notModelled?: string };

export interface CtxAccessQuery {
  off: number;
  size: number;
  write: boolean;
  /** A sign-extending load (BPF_MEMSX): pointer fields refuse it (info->is_ldsx). */
  signExtend?: boolean;
  /** The program's expected attach type, when the section name gives one. */
  attach?: AttachTypeName;
}

/** An inclusive range of return values, as check_return_code prints it. */
export interface RetRange {
  min: number;
  max: number;
}

export interface ProgTypeRules {
  /** is_valid_access for a fixed-offset context load or store. */
  ctxAccess(q: CtxAccessQuery): CtxAccess;
  /** check_return_code: the range R0 must be in at exit of the main program; undefined: not checked. */
  returnRange?(attach?: AttachTypeName): RetRange | undefined;
  /** may_access_direct_pkt_data refuses stores through packet pointers ("cannot write into packet"). */
  packetReadOnly?: boolean;
}
