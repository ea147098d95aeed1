// Names of program return values per program type (XDP_PASS, TC_ACT_SHOT,
// SK_PASS…), for the run's output. Data only. Pure.

import { TC_ACTIONS } from './contexts/skb';
import { XDP_ACTIONS } from './contexts/xdp';

const CGROUP_VERDICT: Record<number, string> = { 0: 'SK_DROP', 1: 'SK_PASS' };

/** The name of `retval` for a program of `type`, when it has one. */
export function returnName(type: string | undefined, retval: bigint): string | undefined {
  const v = Number(BigInt.asIntN(32, retval));
  switch (type) {
    case 'xdp': return XDP_ACTIONS[v];
    case 'sched_cls': case 'sched_act': return TC_ACTIONS[v];
    case 'cgroup_skb': return CGROUP_VERDICT[v & 1];
    case 'socket_filter': return v === 0 ? 'drop' : `keep ${v >>> 0} bytes`;
    default: return undefined;
  }
}
