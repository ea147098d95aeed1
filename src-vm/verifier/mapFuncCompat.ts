// Which helpers may be given which maps (the kernel's
// check_map_func_compatibility), as two tables read both ways: map types that
// only some helpers may take, and helpers that only take some map types; plus
// may_update_sockmap, the program types allowed to update or delete sockmap
// and sockhash entries with the generic map helpers. Pure; imports data only.

import type { AttachTypeName, ProgTypeName } from '../elf/bpfEnums';
import { mapTypeByName } from '../vm/maps/mapTypes';
import { reject, type CheckResult } from './errors';
import type { MapRef } from './regState';

const RINGBUF_HELPERS = ['ringbuf_output', 'ringbuf_reserve', 'ringbuf_query', 'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr', 'ringbuf_discard_dynptr'];
const PERF_HELPERS = ['perf_event_read', 'perf_event_output', 'skb_output', 'perf_event_read_value', 'xdp_output'];
const SOCKMAP_HELPERS = ['sk_redirect_map', 'sock_map_update', 'msg_redirect_map', 'sk_select_reuseport', 'map_lookup_elem'];
const SOCKHASH_HELPERS = ['sk_redirect_hash', 'sock_hash_update', 'msg_redirect_hash', 'sk_select_reuseport', 'map_lookup_elem'];

/** Map types only these helpers may take (the first switch, from the map's side). */
const MAP_ONLY_WITH: Readonly<Record<string, readonly string[]>> = {
  prog_array: ['tail_call'],
  perf_event_array: PERF_HELPERS,
  ringbuf: RINGBUF_HELPERS,
  user_ringbuf: ['user_ringbuf_drain'],
  stack_trace: ['get_stackid'],
  cgroup_array: ['skb_under_cgroup', 'current_task_under_cgroup'],
  cgroup_storage: ['get_local_storage'],
  percpu_cgroup_storage: ['get_local_storage'],
  devmap: ['redirect_map', 'map_lookup_elem'],
  devmap_hash: ['redirect_map', 'map_lookup_elem'],
  cpumap: ['redirect_map'],
  xskmap: ['redirect_map', 'map_lookup_elem'],
  array_of_maps: ['map_lookup_elem'],
  hash_of_maps: ['map_lookup_elem'],
  sockmap: SOCKMAP_HELPERS,
  sockhash: SOCKHASH_HELPERS,
  reuseport_sockarray: ['sk_select_reuseport'],
  queue: ['map_peek_elem', 'map_pop_elem', 'map_push_elem'],
  stack: ['map_peek_elem', 'map_pop_elem', 'map_push_elem'],
  sk_storage: ['sk_storage_get', 'sk_storage_delete', 'kptr_xchg'],
  inode_storage: ['inode_storage_get', 'inode_storage_delete', 'kptr_xchg'],
  task_storage: ['task_storage_get', 'task_storage_delete', 'kptr_xchg'],
  cgrp_storage: ['cgrp_storage_get', 'cgrp_storage_delete', 'kptr_xchg'],
  bloom_filter: ['map_peek_elem', 'map_push_elem'],
};

const byHelpers = (helpers: readonly string[], maps: readonly string[]): [string, readonly string[]][] => helpers.map((h) => [h, maps]);

/** Helpers that take only these map types (the second switch, from the helper's side). */
const HELPER_ONLY_WITH: Readonly<Record<string, readonly string[]>> = Object.fromEntries([
  ['tail_call', ['prog_array']],
  ...byHelpers(PERF_HELPERS, ['perf_event_array']),
  ...byHelpers(RINGBUF_HELPERS, ['ringbuf']),
  ['user_ringbuf_drain', ['user_ringbuf']],
  ['get_stackid', ['stack_trace']],
  ...byHelpers(['current_task_under_cgroup', 'skb_under_cgroup'], ['cgroup_array']),
  ['redirect_map', ['devmap', 'devmap_hash', 'cpumap', 'xskmap']],
  ...byHelpers(['sk_redirect_map', 'msg_redirect_map', 'sock_map_update'], ['sockmap']),
  ...byHelpers(['sk_redirect_hash', 'msg_redirect_hash', 'sock_hash_update'], ['sockhash']),
  ['get_local_storage', ['cgroup_storage', 'percpu_cgroup_storage']],
  ['sk_select_reuseport', ['reuseport_sockarray', 'sockmap', 'sockhash']],
  ['map_pop_elem', ['queue', 'stack']],
  ...byHelpers(['map_peek_elem', 'map_push_elem'], ['queue', 'stack', 'bloom_filter']),
  ['map_lookup_percpu_elem', ['percpu_array', 'percpu_hash', 'lru_percpu_hash']],
  ...byHelpers(['sk_storage_get', 'sk_storage_delete'], ['sk_storage']),
  ...byHelpers(['inode_storage_get', 'inode_storage_delete'], ['inode_storage']),
  ...byHelpers(['task_storage_get', 'task_storage_delete'], ['task_storage']),
  ...byHelpers(['cgrp_storage_get', 'cgrp_storage_delete'], ['cgrp_storage']),
]);

/** Program types that may update and delete sockmap/sockhash entries with the generic helpers. */
const SOCKMAP_UPDATERS: readonly ProgTypeName[] = ['socket_filter', 'sched_cls', 'sched_act', 'xdp', 'sk_reuseport', 'flow_dissector', 'sk_lookup'];

/** may_update_sockmap: undefined when allowed, else the kernel's refusal. */
function sockmapUpdateRefusal(helper: string, prog: ProgTypeName, attach?: AttachTypeName): string | undefined {
  if (helper !== 'map_update_elem' && helper !== 'map_delete_elem') return '';
  if (SOCKMAP_UPDATERS.includes(prog)) return undefined;
  if (prog === 'tracing' && attach === 'trace_iter') return undefined;
  if (prog === 'sock_ops' && helper === 'map_delete_elem') return undefined;
  return 'cannot update sockmap in this context';
}

export interface MapFuncQuery {
  pc: number;
  map: MapRef | undefined;
  helper: string;
  helperId: number;
  prog: ProgTypeName;
  attach?: AttachTypeName;
}

/** check_map_func_compatibility, run after the helper's arguments are checked. */
export function checkMapFuncCompat(q: MapFuncQuery): CheckResult {
  const { map, helper } = q;
  if (!map) return undefined;
  const refused = `cannot pass map_type ${mapTypeByName(map.type)?.id ?? map.type} into func bpf_${helper}#${q.helperId}`;
  const allowedHelpers = MAP_ONLY_WITH[map.type];
  if (allowedHelpers && !allowedHelpers.includes(helper)) {
    const sockmapLine = map.type === 'sockmap' || map.type === 'sockhash' ? sockmapUpdateRefusal(helper, q.prog, q.attach) : '';
    if (sockmapLine === undefined) return undefined;
    return sockmapLine ? reject(q.pc, 'map-func', sockmapLine, refused) : reject(q.pc, 'map-func', refused);
  }
  const allowedMaps = HELPER_ONLY_WITH[helper];
  if (allowedMaps && !allowedMaps.includes(map.type)) return reject(q.pc, 'map-func', refused);
  return undefined;
}
