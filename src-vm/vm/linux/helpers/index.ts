// The Linux helper table: every family's rows joined and keyed by the
// kernel's helper id (from the generated UAPI list), then bound to one run.
// A helper missing from here stops the run naming it (interpreter.ts), never
// a silent zero. Pure.

import { helperByName } from '../../../isa/helpers.generated';
import type { HelperEntry, HelperTable } from '../../helpers';
import { HelperCall, type LinuxHelper } from '../helperCall';
import type { RunState } from '../runState';
import { MAP_HELPERS } from './maps';
import { PROBE_HELPERS } from './probe';
import { PROCESS_HELPERS } from './process';
import { SKB_HELPERS } from './skb';
import { STRING_HELPERS } from './strings';
import { TRACE_HELPERS } from './trace';
import { XDP_HELPERS } from './xdp';

export const HELPER_FAMILIES: Readonly<Record<string, readonly LinuxHelper[]>> = {
  maps: MAP_HELPERS,
  process: PROCESS_HELPERS,
  trace: TRACE_HELPERS,
  probe: PROBE_HELPERS,
  xdp: XDP_HELPERS,
  skb: SKB_HELPERS,
  strings: STRING_HELPERS,
};

/** Every emulated helper with its kernel id. */
export const LINUX_HELPERS: readonly (LinuxHelper & { id: number })[] = Object.values(HELPER_FAMILIES).flat().map((h) => {
  const info = helperByName(h.name);
  if (!info) throw new Error(`helper table: bpf_${h.name} is not a kernel helper`);
  return { ...h, id: info.id };
});

/** The table the interpreter calls through for one run. */
export function linuxHelperTable(run: () => RunState): HelperTable {
  const table = new Map<number, HelperEntry>();
  for (const h of LINUX_HELPERS) {
    table.set(h.id, {
      name: h.name,
      impl: () => {
        const r = h.impl(new HelperCall(run(), h.name));
        return r === undefined ? 0n : BigInt.asUintN(64, BigInt(r));
      },
    });
  }
  return table;
}
