// Which maps a program may refer to at all (the kernel's
// check_map_prog_compatibility, run on every map an lddw names before
// verification starts): tracing programs (kprobe, tracepoint, perf_event, raw
// tracepoints) may not use maps holding a spin lock, timer, workqueue or graph
// root, socket filters no spin lock, and sleepable programs only some map types.
// Pure; imports types and the map value fields.

import type { ProgTypeName } from '../elf/bpfEnums';
import type { Insn } from '../isa/insn';
import { reject, type CheckResult } from './errors';
import type { MapValueFieldKind } from './mapValueFields';
import type { MapRef } from './regState';

/** is_tracing_prog_type. */
export const TRACING_PROG_TYPES: readonly ProgTypeName[] = ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable'];

/** Value fields refused to some program types, in the order the kernel tests them, and its message for each. */
const REFUSED_FIELDS: readonly { kinds: readonly MapValueFieldKind[]; progs: readonly ProgTypeName[]; message: string }[] = [
  { kinds: ['list_head', 'rb_root'], progs: TRACING_PROG_TYPES, message: 'tracing progs cannot use bpf_{list_head,rb_root} yet' },
  { kinds: ['spin_lock'], progs: ['socket_filter'], message: 'socket filter progs cannot use bpf_spin_lock yet' },
  { kinds: ['spin_lock'], progs: TRACING_PROG_TYPES, message: 'tracing progs cannot use bpf_spin_lock yet' },
  { kinds: ['timer'], progs: TRACING_PROG_TYPES, message: 'tracing progs cannot use bpf_timer yet' },
  { kinds: ['wq'], progs: TRACING_PROG_TYPES, message: 'tracing progs cannot use bpf_wq yet' },
];

/** Map types a sleepable program may use. */
const SLEEPABLE_MAP_TYPES: ReadonlySet<string> = new Set([
  'hash', 'lru_hash', 'array', 'percpu_hash', 'percpu_array', 'lru_percpu_hash', 'array_of_maps', 'hash_of_maps', 'ringbuf',
  'user_ringbuf', 'inode_storage', 'sk_storage', 'task_storage', 'cgrp_storage', 'queue', 'stack', 'arena',
]);

/** The kernel's refusal of `map` for the program, if any. */
export function mapProgRefusal(map: MapRef, prog: ProgTypeName, sleepable: boolean): string | undefined {
  const kinds = new Set((map.valueFields ?? []).map((f) => f.kind));
  const refused = REFUSED_FIELDS.find((r) => r.progs.includes(prog) && r.kinds.some((k) => kinds.has(k)));
  if (refused) return refused.message;
  if (map.type === 'struct_ops') return 'bpf_struct_ops map cannot be used in prog';
  if (sleepable && !SLEEPABLE_MAP_TYPES.has(map.type)) return 'Sleepable programs can only use array, hash, ringbuf and local storage maps';
  return undefined;
}

/** Every map lddw (BPF_PSEUDO_MAP_FD/_VALUE/_IDX/_IDX_VALUE), in program order, checked before verification. */
export function checkMapProgCompat(insns: readonly Insn[], maps: readonly MapRef[], prog: ProgTypeName, sleepable: boolean): CheckResult {
  for (let pc = 0; pc < insns.length; pc++) {
    const i = insns[pc];
    if (i.code !== 0x18) continue;
    const map = [1, 2, 5, 6].includes(i.src) ? maps[i.imm] : undefined;
    const refusal = map && mapProgRefusal(map, prog, sleepable);
    if (refusal) return reject(pc, 'map-prog', refusal);
    pc++; // the lddw's second slot
  }
  return undefined;
}
