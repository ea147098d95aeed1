// The registry of program types the verifier models: every family module's
// rules by libbpf's program type name. A type absent here is reported as not
// modelled, never guessed. Add a family by importing its table below.

import { progTypeId, type ProgTypeName } from '../../elf/bpfEnums';
import type { ProgTypeRules } from './rules';
import { NET_PROG_TYPES } from './net';
import { CGROUP_PROG_TYPES } from './cgroup';
import { SOCK_LAYER_PROG_TYPES } from './sockLayer';
import { STACK_HOOK_PROG_TYPES } from './stackHooks';
import { TRACING_PROG_TYPES } from './tracing';
import { TC_SOCKET_PROG_TYPES } from './tcSocket';

export type { CtxAccess, CtxAccessQuery, CtxYield, ProgTypeRules, RetRange } from './rules';

const REGISTRY: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  ...NET_PROG_TYPES,
  ...TC_SOCKET_PROG_TYPES,
  ...CGROUP_PROG_TYPES,
  ...SOCK_LAYER_PROG_TYPES,
  ...STACK_HOOK_PROG_TYPES,
  ...TRACING_PROG_TYPES,
};

/** Program types the verifier models, in the kernel's enum order. */
export const VERIFIABLE_TYPES: readonly ProgTypeName[] = (Object.keys(REGISTRY) as ProgTypeName[]).sort((a, b) => progTypeId(a) - progTypeId(b));

export function progTypeRules(type: ProgTypeName): ProgTypeRules | undefined {
  return REGISTRY[type];
}
