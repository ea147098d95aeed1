// libbpf's SEC() name table (section_defs in libbpf.c, 1.5) as data: which
// section names make which program type and expected attach type, with the
// flags libbpf attaches to them, and libbpf's matching rules (first match in
// table order; `name+` = exact or `name/…`; `?` prefix = autoload off).
// Pure; imports only the enum name tables.

import { attachTypeId, progTypeId, type AttachTypeName, type ProgTypeName } from './bpfEnums';

/** libbpf's SEC_* flags for a rule. */
export interface SectionFlags {
  /** SEC_ATTACHABLE: historically attachable with BPF_PROG_ATTACH. */
  attachable: boolean;
  /** SEC_EXP_ATTACH_OPT: the expected attach type is dropped on kernels that lack it. */
  attachTypeOptional: boolean;
  /** SEC_ATTACH_BTF: the attach target (a BTF function) is required, from `name/target` or set at run time. */
  attachTargetRequired: boolean;
  /** SEC_SLEEPABLE: loaded with BPF_F_SLEEPABLE. */
  sleepable: boolean;
  /** SEC_XDP_FRAGS: loaded with BPF_F_XDP_HAS_FRAGS. */
  xdpFrags: boolean;
  /** SEC_USDT: attach type becomes trace_uprobe_multi on kernels with uprobe-multi links. */
  usdt: boolean;
}

export interface SectionRule {
  /** As libbpf writes it: `xdp` (exact), `kprobe+` (exact or `kprobe/…`). */
  pattern: string;
  progType: ProgTypeName;
  /** Undefined where libbpf's table has 0 (no expected attach type). */
  expectedAttachType?: AttachTypeName;
  flags: SectionFlags;
}

type Flag = keyof SectionFlags;
const NONE: readonly Flag[] = [];
const ATTACHABLE: readonly Flag[] = ['attachable'];
const ATTACHABLE_OPT: readonly Flag[] = ['attachable', 'attachTypeOptional'];
const ATTACH_BTF: readonly Flag[] = ['attachTargetRequired'];
const ATTACH_BTF_SLEEPABLE: readonly Flag[] = ['attachTargetRequired', 'sleepable'];
const SLEEPABLE: readonly Flag[] = ['sleepable'];
const XDP_FRAGS: readonly Flag[] = ['xdpFrags'];

type Row = readonly [pattern: string, progType: ProgTypeName, attach: AttachTypeName | 0, flags: readonly Flag[]];

/** libbpf 1.5's section_defs, in its order (the first match wins). */
const ROWS: readonly Row[] = [
  ['socket', 'socket_filter', 0, NONE],
  ['sk_reuseport/migrate', 'sk_reuseport', 'sk_reuseport_select_or_migrate', ATTACHABLE],
  ['sk_reuseport', 'sk_reuseport', 'sk_reuseport_select', ATTACHABLE],
  ['kprobe+', 'kprobe', 0, NONE],
  ['uprobe+', 'kprobe', 0, NONE],
  ['uprobe.s+', 'kprobe', 0, SLEEPABLE],
  ['kretprobe+', 'kprobe', 0, NONE],
  ['uretprobe+', 'kprobe', 0, NONE],
  ['uretprobe.s+', 'kprobe', 0, SLEEPABLE],
  ['kprobe.multi+', 'kprobe', 'trace_kprobe_multi', NONE],
  ['kretprobe.multi+', 'kprobe', 'trace_kprobe_multi', NONE],
  ['kprobe.session+', 'kprobe', 'trace_kprobe_session', NONE],
  ['uprobe.multi+', 'kprobe', 'trace_uprobe_multi', NONE],
  ['uretprobe.multi+', 'kprobe', 'trace_uprobe_multi', NONE],
  ['uprobe.multi.s+', 'kprobe', 'trace_uprobe_multi', SLEEPABLE],
  ['uretprobe.multi.s+', 'kprobe', 'trace_uprobe_multi', SLEEPABLE],
  ['ksyscall+', 'kprobe', 0, NONE],
  ['kretsyscall+', 'kprobe', 0, NONE],
  ['usdt+', 'kprobe', 0, ['usdt']],
  ['usdt.s+', 'kprobe', 0, ['usdt', 'sleepable']],
  ['tc/ingress', 'sched_cls', 'tcx_ingress', NONE],
  ['tc/egress', 'sched_cls', 'tcx_egress', NONE],
  ['tcx/ingress', 'sched_cls', 'tcx_ingress', NONE],
  ['tcx/egress', 'sched_cls', 'tcx_egress', NONE],
  ['tc', 'sched_cls', 0, NONE],
  ['classifier', 'sched_cls', 0, NONE],
  ['action', 'sched_act', 0, NONE],
  ['netkit/primary', 'sched_cls', 'netkit_primary', NONE],
  ['netkit/peer', 'sched_cls', 'netkit_peer', NONE],
  ['tracepoint+', 'tracepoint', 0, NONE],
  ['tp+', 'tracepoint', 0, NONE],
  ['raw_tracepoint+', 'raw_tracepoint', 0, NONE],
  ['raw_tp+', 'raw_tracepoint', 0, NONE],
  ['raw_tracepoint.w+', 'raw_tracepoint_writable', 0, NONE],
  ['raw_tp.w+', 'raw_tracepoint_writable', 0, NONE],
  ['tp_btf+', 'tracing', 'trace_raw_tp', ATTACH_BTF],
  ['fentry+', 'tracing', 'trace_fentry', ATTACH_BTF],
  ['fmod_ret+', 'tracing', 'modify_return', ATTACH_BTF],
  ['fexit+', 'tracing', 'trace_fexit', ATTACH_BTF],
  ['fentry.s+', 'tracing', 'trace_fentry', ATTACH_BTF_SLEEPABLE],
  ['fmod_ret.s+', 'tracing', 'modify_return', ATTACH_BTF_SLEEPABLE],
  ['fexit.s+', 'tracing', 'trace_fexit', ATTACH_BTF_SLEEPABLE],
  ['freplace+', 'ext', 0, ATTACH_BTF],
  ['lsm+', 'lsm', 'lsm_mac', ATTACH_BTF],
  ['lsm.s+', 'lsm', 'lsm_mac', ATTACH_BTF_SLEEPABLE],
  ['lsm_cgroup+', 'lsm', 'lsm_cgroup', ATTACH_BTF],
  ['iter+', 'tracing', 'trace_iter', ATTACH_BTF],
  ['iter.s+', 'tracing', 'trace_iter', ATTACH_BTF_SLEEPABLE],
  ['syscall', 'syscall', 0, SLEEPABLE],
  ['xdp.frags/devmap', 'xdp', 'xdp_devmap', XDP_FRAGS],
  ['xdp/devmap', 'xdp', 'xdp_devmap', ATTACHABLE],
  ['xdp.frags/cpumap', 'xdp', 'xdp_cpumap', XDP_FRAGS],
  ['xdp/cpumap', 'xdp', 'xdp_cpumap', ATTACHABLE],
  ['xdp.frags', 'xdp', 'xdp', XDP_FRAGS],
  ['xdp', 'xdp', 'xdp', ATTACHABLE_OPT],
  ['perf_event', 'perf_event', 0, NONE],
  ['lwt_in', 'lwt_in', 0, NONE],
  ['lwt_out', 'lwt_out', 0, NONE],
  ['lwt_xmit', 'lwt_xmit', 0, NONE],
  ['lwt_seg6local', 'lwt_seg6local', 0, NONE],
  ['sockops', 'sock_ops', 'cgroup_sock_ops', ATTACHABLE_OPT],
  ['sk_skb/stream_parser', 'sk_skb', 'sk_skb_stream_parser', ATTACHABLE_OPT],
  ['sk_skb/stream_verdict', 'sk_skb', 'sk_skb_stream_verdict', ATTACHABLE_OPT],
  ['sk_skb/verdict', 'sk_skb', 'sk_skb_verdict', ATTACHABLE_OPT],
  ['sk_skb', 'sk_skb', 0, NONE],
  ['sk_msg', 'sk_msg', 'sk_msg_verdict', ATTACHABLE_OPT],
  ['lirc_mode2', 'lirc_mode2', 'lirc_mode2', ATTACHABLE_OPT],
  ['flow_dissector', 'flow_dissector', 'flow_dissector', ATTACHABLE_OPT],
  ['cgroup_skb/ingress', 'cgroup_skb', 'cgroup_inet_ingress', ATTACHABLE_OPT],
  ['cgroup_skb/egress', 'cgroup_skb', 'cgroup_inet_egress', ATTACHABLE_OPT],
  ['cgroup/skb', 'cgroup_skb', 0, NONE],
  ['cgroup/sock_create', 'cgroup_sock', 'cgroup_inet_sock_create', ATTACHABLE],
  ['cgroup/sock_release', 'cgroup_sock', 'cgroup_inet_sock_release', ATTACHABLE],
  ['cgroup/sock', 'cgroup_sock', 'cgroup_inet_sock_create', ATTACHABLE_OPT],
  ['cgroup/post_bind4', 'cgroup_sock', 'cgroup_inet4_post_bind', ATTACHABLE],
  ['cgroup/post_bind6', 'cgroup_sock', 'cgroup_inet6_post_bind', ATTACHABLE],
  ['cgroup/bind4', 'cgroup_sock_addr', 'cgroup_inet4_bind', ATTACHABLE],
  ['cgroup/bind6', 'cgroup_sock_addr', 'cgroup_inet6_bind', ATTACHABLE],
  ['cgroup/connect4', 'cgroup_sock_addr', 'cgroup_inet4_connect', ATTACHABLE],
  ['cgroup/connect6', 'cgroup_sock_addr', 'cgroup_inet6_connect', ATTACHABLE],
  ['cgroup/connect_unix', 'cgroup_sock_addr', 'cgroup_unix_connect', ATTACHABLE],
  ['cgroup/sendmsg4', 'cgroup_sock_addr', 'cgroup_udp4_sendmsg', ATTACHABLE],
  ['cgroup/sendmsg6', 'cgroup_sock_addr', 'cgroup_udp6_sendmsg', ATTACHABLE],
  ['cgroup/sendmsg_unix', 'cgroup_sock_addr', 'cgroup_unix_sendmsg', ATTACHABLE],
  ['cgroup/recvmsg4', 'cgroup_sock_addr', 'cgroup_udp4_recvmsg', ATTACHABLE],
  ['cgroup/recvmsg6', 'cgroup_sock_addr', 'cgroup_udp6_recvmsg', ATTACHABLE],
  ['cgroup/recvmsg_unix', 'cgroup_sock_addr', 'cgroup_unix_recvmsg', ATTACHABLE],
  ['cgroup/getpeername4', 'cgroup_sock_addr', 'cgroup_inet4_getpeername', ATTACHABLE],
  ['cgroup/getpeername6', 'cgroup_sock_addr', 'cgroup_inet6_getpeername', ATTACHABLE],
  ['cgroup/getpeername_unix', 'cgroup_sock_addr', 'cgroup_unix_getpeername', ATTACHABLE],
  ['cgroup/getsockname4', 'cgroup_sock_addr', 'cgroup_inet4_getsockname', ATTACHABLE],
  ['cgroup/getsockname6', 'cgroup_sock_addr', 'cgroup_inet6_getsockname', ATTACHABLE],
  ['cgroup/getsockname_unix', 'cgroup_sock_addr', 'cgroup_unix_getsockname', ATTACHABLE],
  ['cgroup/sysctl', 'cgroup_sysctl', 'cgroup_sysctl', ATTACHABLE],
  ['cgroup/getsockopt', 'cgroup_sockopt', 'cgroup_getsockopt', ATTACHABLE],
  ['cgroup/setsockopt', 'cgroup_sockopt', 'cgroup_setsockopt', ATTACHABLE],
  ['cgroup/dev', 'cgroup_device', 'cgroup_device', ATTACHABLE_OPT],
  ['struct_ops+', 'struct_ops', 0, NONE],
  ['struct_ops.s+', 'struct_ops', 0, SLEEPABLE],
  ['sk_lookup', 'sk_lookup', 'sk_lookup', ATTACHABLE],
  ['netfilter', 'netfilter', 'netfilter', NONE],
];

function flagsOf(list: readonly Flag[]): SectionFlags {
  const has = (f: Flag) => list.includes(f);
  return {
    attachable: has('attachable'), attachTypeOptional: has('attachTypeOptional'),
    attachTargetRequired: has('attachTargetRequired'), sleepable: has('sleepable'),
    xdpFrags: has('xdpFrags'), usdt: has('usdt'),
  };
}

export const SECTION_RULES: readonly SectionRule[] = ROWS.map(([pattern, progType, attach, flags]) => ({
  pattern, progType, ...(attach === 0 ? {} : { expectedAttachType: attach }), flags: flagsOf(flags),
}));

/** libbpf's sec_def_matches: `x/` is a prefix, `x+` is `x` or `x/…`, anything else exact. */
export function ruleMatches(pattern: string, section: string): boolean {
  if (pattern.endsWith('/')) return section.startsWith(pattern);
  if (pattern.endsWith('+')) {
    const base = pattern.slice(0, -1);
    return section === base || section.startsWith(base + '/');
  }
  return section === pattern;
}

export interface SectionMatch {
  /** The section name without a leading `?`. */
  section: string;
  /** False when the name starts with `?` (SEC("?xdp")): libbpf does not load the program by default. */
  autoload: boolean;
  /** The matching rule, undefined when libbpf knows no such section name. */
  rule?: SectionRule;
  /** What follows `prefix/` for `prefix+` rules: the kprobe function, the tracepoint, the fentry target. */
  attachTo?: string;
}

/** The rule libbpf picks for a section name (find_sec_def), and what the name says besides. */
export function matchSection(name: string): SectionMatch {
  const autoload = !name.startsWith('?');
  const section = autoload ? name : name.slice(1);
  const rule = SECTION_RULES.find((r) => ruleMatches(r.pattern, section));
  const match: SectionMatch = { section, autoload };
  if (!rule) return match;
  match.rule = rule;
  const base = rule.pattern.replace(/[+/]$/, '');
  const rest = rule.pattern.endsWith('/') ? section.slice(rule.pattern.length)
    : rule.pattern.endsWith('+') && section.length > base.length ? section.slice(base.length + 1) : undefined;
  if (rest !== undefined && rest.length > 0) match.attachTo = rest;
  return match;
}

/** The uapi values of a rule's program type and expected attach type (0 where the table has none). */
export function ruleTypeIds(rule: SectionRule): { progTypeId: number; expectedAttachTypeId: number } {
  return {
    progTypeId: progTypeId(rule.progType),
    expectedAttachTypeId: rule.expectedAttachType ? attachTypeId(rule.expectedAttachType) : 0,
  };
}

/** How a rule is shown to people: `kprobe/<target>` style for `+` rules, the name otherwise. */
export function ruleDisplayName(rule: SectionRule): string {
  return rule.pattern.endsWith('+') ? rule.pattern.slice(0, -1) : rule.pattern;
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** Longest section name considered for suggestions: keeps the distance computation small on hostile names. */
const SUGGEST_MAX_LENGTH = 64;

/**
 * The known section names closest to an unknown one, best first: compares the
 * whole name and the part before the first `/` with each rule's name.
 */
export function suggestSections(name: string, count = 3): string[] {
  const section = (name.startsWith('?') ? name.slice(1) : name).slice(0, SUGGEST_MAX_LENGTH);
  const head = section.split('/')[0];
  const scored = SECTION_RULES.map((rule, order) => {
    const display = ruleDisplayName(rule);
    const score = Math.min(editDistance(section, display), editDistance(head, display.split('/')[0]) + 0.5);
    return { display, score, order };
  });
  scored.sort((a, b) => a.score - b.score || a.order - b.order);
  const out: string[] = [];
  for (const s of scored) {
    if (!out.includes(s.display)) out.push(s.display);
    if (out.length === count) break;
  }
  return out;
}
