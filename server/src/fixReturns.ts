// What a quick fix's early return gives back, per program type: the value
// that lets the packet or event through unchanged (XDP_PASS, TC_ACT_OK, 1 for
// cgroup programs that allow, 0 for tracing), and how to spell it in C when
// the document has the name. Pure data; imports nothing.

interface ReturnDefault {
  value: number;
  /** The C name, and the text that shows the document can use it (a header that defines it, or the name itself). */
  name?: string;
  definedBy?: RegExp;
}

const ALLOW = { value: 1 } as const;

/** Program types whose pass-through return is not 0. */
const RETURN_DEFAULTS: Readonly<Record<string, ReturnDefault>> = {
  xdp: { value: 2, name: 'XDP_PASS', definedBy: /XDP_PASS|<linux\/bpf\.h>|"vmlinux\.h"|<vmlinux\.h>/ },
  sched_cls: { value: 0, name: 'TC_ACT_OK', definedBy: /TC_ACT_OK|<linux\/pkt_cls\.h>/ },
  sched_act: { value: 0, name: 'TC_ACT_OK', definedBy: /TC_ACT_OK|<linux\/pkt_cls\.h>/ },
  cgroup_skb: ALLOW,
  cgroup_sock: ALLOW,
  cgroup_sock_addr: ALLOW,
  cgroup_device: ALLOW,
  cgroup_sysctl: ALLOW,
  cgroup_sockopt: ALLOW,
  sk_skb: { value: 1, name: 'SK_PASS', definedBy: /SK_PASS|<linux\/bpf\.h>|"vmlinux\.h"|<vmlinux\.h>/ },
  sk_msg: { value: 1, name: 'SK_PASS', definedBy: /SK_PASS|<linux\/bpf\.h>|"vmlinux\.h"|<vmlinux\.h>/ },
};

/** The pass-through return value of a program type (0 for types not listed: tracing, socket filters, …). */
export function defaultReturnValue(type: string | undefined): number {
  return RETURN_DEFAULTS[type ?? '']?.value ?? 0;
}

/** The C expression to return: the name when the document can see it, else the number. */
export function defaultReturnC(type: string | undefined, text: string): string {
  const d = RETURN_DEFAULTS[type ?? ''];
  if (!d) return '0';
  return d.name && d.definedBy?.test(text) ? d.name : String(d.value);
}
