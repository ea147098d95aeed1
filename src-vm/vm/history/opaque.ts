// What a step history keeps by reference instead of snapshotting: compiled
// program code and its per-program cache (breakpoint marks belong to the user, not to the run), the
// helper table, and whatever immutable data the caller names (the loaded
// object, instruction arrays). Pure.

import type { Vm } from '../interpreter';
import { ProgramCode, ProgramCodes } from '../programCode';
import type { OpaqueTest } from './objectSnapshot';

export function codeAndTables(vm: Vm, immutable: readonly object[] = []): OpaqueTest {
  const fixed = new Set<object>([vm.helpers, ...immutable]);
  return (value) => value instanceof ProgramCode || value instanceof ProgramCodes || fixed.has(value);
}
