// The registry of program types the verifier models: every family module's
// rules by libbpf's program type name. A type absent here is reported as not
// modelled, never guessed. Add a family by importing its table below.

import type { ProgTypeName } from '../../elf/bpfEnums';
import type { ProgTypeRules } from './rules';
import { NET_PROG_TYPES } from './net';

export type { CtxAccess, CtxAccessQuery, CtxYield, ProgTypeRules, RetRange } from './rules';

const REGISTRY: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  ...NET_PROG_TYPES,
};

/** Program types the verifier models, in the kernel's enum order. */
export const VERIFIABLE_TYPES: readonly ProgTypeName[] = Object.keys(REGISTRY) as ProgTypeName[];

export function progTypeRules(type: ProgTypeName): ProgTypeRules | undefined {
  return REGISTRY[type];
}
