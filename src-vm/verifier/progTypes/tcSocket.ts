// The __sk_buff programs on the device and socket paths — socket_filter
// (sk_filter_is_valid_access) and sched_cls/sched_act
// (tc_cls_act_is_valid_access) — as policies over the shared
// bpf_skb_is_valid_access rules of skbCtx.ts: which fields each refuses,
// which it may store to (cb[] at any aligned size), which are packet
// pointers. Neither has a return-value range.

import type { ProgTypeName } from '../../elf/bpfEnums';
import { SKB_SOCK_FIELDS, skbPolicyAccess, type SkbPolicy } from './skbCtx';
import type { ProgTypeRules } from './rules';

const SOCKET_FILTER: SkbPolicy = {
  refused: ['tc_classid', 'data', 'data_meta', 'data_end', ...SKB_SOCK_FIELDS, 'tstamp', 'wire_len', 'hwtstamp'],
  writable: ['cb'],
  pointers: {},
};

const TC_CLS_ACT: SkbPolicy = {
  refused: [...SKB_SOCK_FIELDS],
  writable: ['mark', 'tc_index', 'priority', 'tc_classid', 'cb', 'tstamp', 'queue_mapping'],
  pointers: { data: { type: 'pkt' }, data_meta: { type: 'pkt_meta' }, data_end: { type: 'pkt_end' } },
};

const byPolicy = (policy: SkbPolicy): ProgTypeRules => ({ ctxAccess: (q) => skbPolicyAccess(policy, q) });

export const TC_SOCKET_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  socket_filter: byPolicy(SOCKET_FILTER),
  sched_cls: byPolicy(TC_CLS_ACT),
  sched_act: byPolicy(TC_CLS_ACT),
};
