// libbpf's SEC() table as data: golden cases for matching (exact, `+`, first
// match wins, `?` prefix), suggestions for unknown names, and — when cc and
// libbpf-dev are present — Debian's libbpf agreeing on program type and
// expected attach type for every name it knows, read from an object holding
// one program per section name.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { matchSection, ruleTypeIds, SECTION_RULES, suggestSections } from '../../../src-vm/elf/sectionRules';
import { writeElf } from '../../../src-vm/elf/elfWriter';
import type { AsmObject } from '../../../src-vm/asm/object';
import { insn } from '../../../src-vm/isa/insn';
import { scratchDir } from '../../support/kernel';
import { libbpfOracle, runOracle } from '../../kernel/libbpfOracle';

interface Case {
  name: string;
  type?: string;
  attach?: string;
  attachTo?: string;
  autoload?: boolean;
  flag?: 'sleepable' | 'xdpFrags' | 'attachTargetRequired' | 'usdt';
}

const CASES: readonly Case[] = [
  { name: 'xdp', type: 'xdp', attach: 'xdp' },
  { name: 'xdp.frags', type: 'xdp', attach: 'xdp', flag: 'xdpFrags' },
  { name: 'xdp/devmap', type: 'xdp', attach: 'xdp_devmap' },
  { name: 'xdp.frags/cpumap', type: 'xdp', attach: 'xdp_cpumap', flag: 'xdpFrags' },
  { name: 'xdp/foo' },
  { name: 'xdpp' },
  { name: 'tc', type: 'sched_cls' },
  { name: 'tc/ingress', type: 'sched_cls', attach: 'tcx_ingress' },
  { name: 'tcx/egress', type: 'sched_cls', attach: 'tcx_egress' },
  { name: 'tc/other' },
  { name: 'classifier', type: 'sched_cls' },
  { name: 'action', type: 'sched_act' },
  { name: 'socket', type: 'socket_filter' },
  { name: 'socket/extra' },
  { name: 'kprobe/do_unlinkat', type: 'kprobe', attachTo: 'do_unlinkat' },
  { name: 'kprobe', type: 'kprobe' },
  { name: 'kprobes/x' },
  { name: 'kretprobe/tcp_v4_connect', type: 'kprobe', attachTo: 'tcp_v4_connect' },
  { name: 'kprobe.multi/tcp_*', type: 'kprobe', attach: 'trace_kprobe_multi', attachTo: 'tcp_*' },
  { name: 'uprobe.s//bin/bash:readline', type: 'kprobe', attachTo: '/bin/bash:readline', flag: 'sleepable' },
  { name: 'usdt/libc:probe', type: 'kprobe', attachTo: 'libc:probe', flag: 'usdt' },
  { name: 'tracepoint/syscalls/sys_enter_openat', type: 'tracepoint', attachTo: 'syscalls/sys_enter_openat' },
  { name: 'tp/sched/sched_switch', type: 'tracepoint', attachTo: 'sched/sched_switch' },
  { name: 'raw_tp/sys_enter', type: 'raw_tracepoint', attachTo: 'sys_enter' },
  { name: 'raw_tracepoint.w/x', type: 'raw_tracepoint_writable', attachTo: 'x' },
  { name: 'tp_btf/sched_switch', type: 'tracing', attach: 'trace_raw_tp', attachTo: 'sched_switch', flag: 'attachTargetRequired' },
  { name: 'fentry/do_unlinkat', type: 'tracing', attach: 'trace_fentry', attachTo: 'do_unlinkat', flag: 'attachTargetRequired' },
  { name: 'fexit.s/x', type: 'tracing', attach: 'trace_fexit', attachTo: 'x', flag: 'sleepable' },
  { name: 'fmod_ret/x', type: 'tracing', attach: 'modify_return', attachTo: 'x' },
  { name: 'freplace/x', type: 'ext', attachTo: 'x' },
  { name: 'lsm/file_open', type: 'lsm', attach: 'lsm_mac', attachTo: 'file_open' },
  { name: 'lsm_cgroup/x', type: 'lsm', attach: 'lsm_cgroup', attachTo: 'x' },
  { name: 'iter/task', type: 'tracing', attach: 'trace_iter', attachTo: 'task' },
  { name: 'syscall', type: 'syscall', flag: 'sleepable' },
  { name: 'cgroup_skb/ingress', type: 'cgroup_skb', attach: 'cgroup_inet_ingress' },
  { name: 'cgroup_skb/egress', type: 'cgroup_skb', attach: 'cgroup_inet_egress' },
  { name: 'cgroup/skb', type: 'cgroup_skb' },
  { name: 'cgroup/sock', type: 'cgroup_sock', attach: 'cgroup_inet_sock_create' },
  { name: 'cgroup/sock_release', type: 'cgroup_sock', attach: 'cgroup_inet_sock_release' },
  { name: 'cgroup/connect4', type: 'cgroup_sock_addr', attach: 'cgroup_inet4_connect' },
  { name: 'cgroup/connect_unix', type: 'cgroup_sock_addr', attach: 'cgroup_unix_connect' },
  { name: 'cgroup/dev', type: 'cgroup_device', attach: 'cgroup_device' },
  { name: 'cgroup/sysctl', type: 'cgroup_sysctl', attach: 'cgroup_sysctl' },
  { name: 'cgroup/getsockopt', type: 'cgroup_sockopt', attach: 'cgroup_getsockopt' },
  { name: 'sockops', type: 'sock_ops', attach: 'cgroup_sock_ops' },
  { name: 'sk_skb', type: 'sk_skb' },
  { name: 'sk_skb/stream_parser', type: 'sk_skb', attach: 'sk_skb_stream_parser' },
  { name: 'sk_skb/verdict', type: 'sk_skb', attach: 'sk_skb_verdict' },
  { name: 'sk_msg', type: 'sk_msg', attach: 'sk_msg_verdict' },
  { name: 'sk_reuseport/migrate', type: 'sk_reuseport', attach: 'sk_reuseport_select_or_migrate' },
  { name: 'sk_lookup', type: 'sk_lookup', attach: 'sk_lookup' },
  { name: 'flow_dissector', type: 'flow_dissector', attach: 'flow_dissector' },
  { name: 'perf_event', type: 'perf_event' },
  { name: 'lwt_xmit', type: 'lwt_xmit' },
  { name: 'lirc_mode2', type: 'lirc_mode2', attach: 'lirc_mode2' },
  { name: 'struct_ops/tcp_init', type: 'struct_ops', attachTo: 'tcp_init' },
  { name: 'struct_ops.s/x', type: 'struct_ops', attachTo: 'x', flag: 'sleepable' },
  { name: 'netfilter', type: 'netfilter', attach: 'netfilter' },
  { name: 'netkit/peer', type: 'sched_cls', attach: 'netkit_peer' },
  { name: '?xdp', type: 'xdp', attach: 'xdp', autoload: false },
  { name: '?kprobe/x', type: 'kprobe', attachTo: 'x', autoload: false },
  { name: '' },
  { name: '.text' },
];

describe('matchSection: libbpf rules', () => {
  for (const c of CASES) {
    test(`'${c.name}'`, () => {
      const m = matchSection(c.name);
      assert.equal(m.rule?.progType, c.type);
      assert.equal(m.rule?.expectedAttachType, c.attach);
      assert.equal(m.attachTo, c.attachTo);
      assert.equal(m.autoload, c.autoload ?? true);
      assert.equal(m.section, c.name.replace(/^\?/, ''));
      if (c.flag) assert.equal(m.rule?.flags[c.flag], true);
    });
  }

  test('the table is libbpf 1.5\'s: 104 rules, patterns unique', () => {
    assert.equal(SECTION_RULES.length, 101);
    assert.equal(new Set(SECTION_RULES.map((r) => r.pattern)).size, SECTION_RULES.length);
  });

  test('uapi values: xdp is 6 with attach xdp = 37, cgroup_skb/ingress is 8 with attach 0', () => {
    assert.deepEqual(ruleTypeIds(matchSection('xdp').rule!), { progTypeId: 6, expectedAttachTypeId: 37 });
    assert.deepEqual(ruleTypeIds(matchSection('cgroup_skb/ingress').rule!), { progTypeId: 8, expectedAttachTypeId: 0 });
    assert.deepEqual(ruleTypeIds(matchSection('tracepoint/a/b').rule!), { progTypeId: 5, expectedAttachTypeId: 0 });
  });
});

describe('suggestSections', () => {
  const SUGGESTIONS: readonly [string, string][] = [
    ['xdpp', 'xdp'], ['kprob/do_unlinkat', 'kprobe'], ['tracepiont/a/b', 'tracepoint'], ['sokcet', 'socket'],
    ['cgroup_skb/ingres', 'cgroup_skb/ingress'], ['clasifier', 'classifier'], ['?xpd', 'xdp'],
  ];
  for (const [name, best] of SUGGESTIONS) {
    test(`'${name}' -> '${best}' first`, () => assert.equal(suggestSections(name)[0], best));
  }
  test('three distinct names by default, and a long name stays cheap', () => {
    assert.equal(new Set(suggestSections('zzz')).size, 3);
    const t0 = performance.now();
    suggestSections('x'.repeat(100_000));
    assert.ok(performance.now() - t0 < 200);
  });
});

/** Section names libbpf 1.1 (the oracle) does not know yet: only 1.5's table has them. */
const NEWER_THAN_ORACLE = new Set([
  'tc/ingress', 'tcx/egress', 'sk_skb/verdict', 'cgroup/connect_unix', 'netfilter', 'netkit/peer', 'struct_ops.s/x',
]);

function objectWithSections(names: readonly string[]): Uint8Array {
  const obj: AsmObject = { sections: [], symbols: [], relocs: [] };
  names.forEach((name, i) => {
    obj.sections.push({ name, kind: 'code', insns: [insn(0xb7, 0, 0, 0, 0), insn(0x95)], spans: [], bytes: new Uint8Array() });
    obj.symbols.push({ name: `p${i}`, section: name, offset: 0, global: true, kind: 'func', size: 16 });
  });
  return writeElf(obj);
}

describe('matchSection agrees with libbpf', () => {
  test('program type and expected attach type of every case, from bpf_object__open', (t) => {
    const oracle = libbpfOracle();
    if (typeof oracle === 'string') return t.skip(oracle);
    const names = CASES.map((c) => c.name).filter((n) => n !== '' && n !== '.text' && !NEWER_THAN_ORACLE.has(n.replace(/^\?/, '')));
    const { dir, cleanup } = scratchDir();
    try {
      const path = join(dir, 'sections.o');
      writeFileSync(path, objectWithSections(names));
      const dump = runOracle(oracle, path, ['--open']);
      assert.equal(dump.programs.length, names.length, dump.stderr);
      for (const p of dump.programs) {
        const name = names[Number(p.name.slice(1))];
        const m = matchSection(name);
        const ours = m.rule ? ruleTypeIds(m.rule) : { progTypeId: 0, expectedAttachTypeId: 0 };
        assert.deepEqual({ name, type: p.type, attach: p.attach, autoload: p.autoload, section: p.section },
          { name, type: ours.progTypeId, attach: ours.expectedAttachTypeId, autoload: m.autoload, section: m.section });
      }
    } finally {
      cleanup();
    }
  });
});
