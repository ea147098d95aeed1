// The __sk_buff context as program types beyond tc see it (cgroup_skb, lwt_*,
// sk_skb): the kernel's bpf_skb_is_valid_access (per-field size rules over the
// whole struct) behind a per-type policy of refused fields, writable fields and
// pointer fields, as cg_skb_/lwt_/sk_skb_is_valid_access wrap it. Field spans
// come from net.ts's SK_BUFF table, with the fields it does not list added here.

import { SK_BUFF } from './net';
import { allow, narrowOk, spanAt, type Span } from './ctxSpans';
import type { CtxAccess, CtxAccessQuery, CtxYield } from './rules';

/** __sk_buff fields past the plain u32 ones, by uapi offset (used where SK_BUFF lacks them). */
const EXTRA: readonly Span[] = [
  { name: 'flow_keys', off: 144, size: 8 }, { name: 'tstamp', off: 152, size: 8 }, { name: 'wire_len', off: 160, size: 4 },
  { name: 'gso_segs', off: 164, size: 4 }, { name: 'sk', off: 168, size: 8 }, { name: 'gso_size', off: 176, size: 4 },
  { name: 'tstamp_type', off: 180, size: 1 }, { name: 'tstamp_type_pad', off: 181, size: 3 }, { name: 'hwtstamp', off: 184, size: 8 },
];

const SIZEOF_SK_BUFF = 192;

/** Field name without its array index: `cb[2]` → `cb`. */
function baseName(name: string): string {
  const k = name.indexOf('[');
  return k < 0 ? name : name.slice(0, k);
}

/** Every __sk_buff field as one span per name (cb[0..4] is one 20-byte span, like bpf_ctx_range_till). */
export const SKB_SPANS: readonly Span[] = mergeArrays([
  ...SK_BUFF.map((f) => ({ name: f.name, off: f.off, size: f.size })),
  ...EXTRA.filter((e) => !SK_BUFF.some((f) => f.name === e.name)),
]);

function mergeArrays(fields: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const f of [...fields].sort((a, b) => a.off - b.off)) {
    const name = baseName(f.name);
    const last = out[out.length - 1];
    if (last && last.name === name && last.off + last.size === f.off) last.size += f.size;
    else out.push({ name, off: f.off, size: f.size });
  }
  return out;
}

/** The 4-byte socket address fields that must be read whole. */
const WHOLE_WORD = new Set(['remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6']);
const PKT_FIELDS = new Set(['data', 'data_meta', 'data_end']);

/** bpf_skb_is_valid_access: the rules every __sk_buff program type shares. */
export function skbIsValidAccess(q: CtxAccessQuery, yields?: CtxYield): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off >= SIZEOF_SK_BUFF || off % size !== 0) return { ok: false };
  const f = spanAt(SKB_SPANS, off);
  if (!f) return { ok: false };
  if (f.name === 'cb') return allow(off + size <= f.off + f.size);
  if (PKT_FIELDS.has(f.name)) return allow(!q.signExtend && size === 4, yields);
  if (WHOLE_WORD.has(f.name)) return allow(size === 4);
  switch (f.name) {
    case 'flow_keys': case 'tstamp_type': case 'tstamp_type_pad': return { ok: false };
    case 'hwtstamp': return allow(!write && size === 8);
    case 'tstamp': return allow(size === 8);
    case 'sk': return allow(!write && size === 8, { type: 'sock_common', maybeNull: true });
    default: return allow(write ? size === 4 : narrowOk(size, 4));
  }
}

/** What one program type adds around bpf_skb_is_valid_access. */
export interface SkbPolicy {
  /** Fields refused outright (the wrapper's first `return false` cases). */
  refused: readonly string[];
  /** Fields a store may go to. */
  writable: readonly string[];
  /** Pointer fields and what a load of them yields. */
  pointers: Readonly<Record<string, CtxYield>>;
}

/** cg_skb_/lwt_/sk_skb_is_valid_access: the policy first, then the shared rules. */
export function skbPolicyAccess(policy: SkbPolicy, q: CtxAccessQuery): CtxAccess {
  const f = q.off >= 0 ? spanAt(SKB_SPANS, q.off) : undefined;
  if (f && policy.refused.includes(f.name)) return { ok: false };
  if (q.write && !(f && policy.writable.includes(f.name))) return { ok: false };
  return skbIsValidAccess(q, f ? policy.pointers[f.name] : undefined);
}

/** Packet pointers of the skb programs that see the packet (no data_meta). */
export const SKB_PACKET: Readonly<Record<string, CtxYield>> = { data: { type: 'pkt' }, data_end: { type: 'pkt_end' } };

/** The socket address fields family … local_port, which lwt programs may not see. */
export const SKB_SOCK_FIELDS: readonly string[] = ['family', 'remote_ip4', 'local_ip4', 'remote_ip6', 'local_ip6', 'remote_port', 'local_port'];
