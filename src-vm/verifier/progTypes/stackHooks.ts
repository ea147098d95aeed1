// Program types hooked into the kernel's packet path below the socket layer:
// the lightweight tunnel hooks lwt_in, lwt_out, lwt_xmit and lwt_seg6local
// (__sk_buff without socket or tc fields), flow_dissector (only data,
// data_end and the flow_keys pointer) and netfilter (bpf_nf_ctx: two BTF
// object pointers) — lwt_/flow_dissector_/nf_is_valid_access. Only netfilter
// has a return range (NF_DROP … NF_ACCEPT).

import type { ProgTypeName } from '../../elf/bpfEnums';
import { allow, spanAt } from './ctxSpans';
import type { CtxAccess, CtxAccessQuery, ProgTypeRules } from './rules';
import { SKB_PACKET, SKB_SOCK_FIELDS, SKB_SPANS, skbPolicyAccess, type SkbPolicy } from './skbCtx';

const LWT: SkbPolicy = {
  refused: ['tc_classid', ...SKB_SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'],
  writable: ['mark', 'priority', 'cb'],
  pointers: SKB_PACKET,
};

function flowDissectorAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (off < 0 || off >= 192 || off % size !== 0 || q.write) return { ok: false };
  switch (spanAt(SKB_SPANS, off)?.name) {
    case 'data': return allow(!q.signExtend && size === 4, { type: 'pkt' });
    case 'data_end': return allow(!q.signExtend && size === 4, { type: 'pkt_end' });
    case 'flow_keys': return allow(size === 8, { type: 'flow_keys' });
    default: return { ok: false };
  }
}

/** lwt_xmit may write the packet; the other hooks only read it (may_access_direct_pkt_data). */
/** struct bpf_nf_ctx { const struct nf_hook_state *state; struct sk_buff *skb; }: whole 8-byte reads only. */
function netfilterAccess(q: CtxAccessQuery): CtxAccess {
  const { off, size } = q;
  if (off < 0 || off >= 16 || off % size !== 0 || q.write || size !== 8) return { ok: false };
  return { ok: false, notModelled: `netfilter's ctx->${off === 0 ? 'state' : 'skb'} (a trusted BTF pointer)` };
}

const lwt = (packetReadOnly: boolean): ProgTypeRules => ({ ctxAccess: (q) => skbPolicyAccess(LWT, q), packetReadOnly });

export const STACK_HOOK_PROG_TYPES: Partial<Record<ProgTypeName, ProgTypeRules>> = {
  lwt_in: lwt(true),
  lwt_out: lwt(true),
  lwt_xmit: lwt(false),
  lwt_seg6local: lwt(true),
  flow_dissector: { ctxAccess: flowDissectorAccess, packetReadOnly: true },
  netfilter: { ctxAccess: netfilterAccess, returnRange: () => ({ min: 0, max: 1 }) },
};
