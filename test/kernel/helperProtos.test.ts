// The generated helper table (src-vm/verifier/helperProtos.generated.ts)
// against the live kernel: for a matrix of helpers and program types, a
// program that only calls the helper is loaded with bpftool; the kernel says
// `unknown func bpf_NAME#ID` (6.12) or `program of this type cannot use helper
// bpf_NAME#ID` (6.18) exactly when the program type may not call it.
// The table comes from the 6.12 sources and the kernel is newer: the suite
// prints every disagreement, and the sampled pairs must all agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeElf } from '../../src-vm/elf/elfWriter';
import { insn } from '../../src-vm/isa/insn';
import { HELPER_PROTOS } from '../../src-vm/verifier/helperProtos.generated';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../support/kernel';

/** Program type -> bpftool's `type` word. */
const BPFTOOL_TYPE: Record<string, string> = {
  socket_filter: 'socket', sched_cls: 'classifier', xdp: 'xdp', kprobe: 'kprobe', tracepoint: 'tracepoint',
  perf_event: 'perf_event', raw_tracepoint: 'raw_tracepoint', cgroup_skb: 'cgroup/skb', sock_ops: 'sockops',
  sk_skb: 'sk_skb', sk_msg: 'sk_msg', cgroup_sysctl: 'cgroup/sysctl', lwt_in: 'lwt_in', cgroup_sock: 'cgroup/sock',
  cgroup_device: 'cgroup/dev',
};

const HELPERS = [
  'map_lookup_elem', 'probe_read_kernel', 'get_current_pid_tgid', 'trace_printk', 'xdp_adjust_head', 'skb_load_bytes',
  'tail_call', 'loop', 'snprintf', 'ringbuf_reserve', 'get_stackid', 'perf_event_read', 'skb_vlan_push', 'redirect',
  'get_socket_cookie', 'sk_lookup_tcp', 'get_retval', 'send_signal', 'get_current_comm', 'setsockopt', 'override_return',
  'sysctl_get_name', 'msg_redirect_map', 'skb_change_head', 'csum_diff', 'get_cgroup_classid', 'probe_write_user',
];

/**
 * Pairs that must agree. The full matrix is printed; known disagreements are
 * kernel drift after 6.12 (6.14 moved get_current_comm, send_signal,
 * perf_event_read, get_cgroup_classid, ... into bpf_base_func_proto), build
 * and run-time conditions (CONFIG_BPF_KPROBE_OVERRIDE, lockdown for
 * probe_write_user) and attach types (get_retval in cgroup_skb ingress).
 */
const MUST_AGREE: [string, string][] = [
  ['xdp_adjust_head', 'xdp'], ['xdp_adjust_head', 'socket_filter'], ['xdp_adjust_head', 'kprobe'],
  ['skb_load_bytes', 'socket_filter'], ['skb_load_bytes', 'xdp'], ['skb_load_bytes', 'kprobe'],
  ['skb_vlan_push', 'sched_cls'], ['skb_vlan_push', 'socket_filter'], ['skb_vlan_push', 'xdp'],
  ['get_stackid', 'kprobe'], ['get_stackid', 'xdp'], ['perf_event_read', 'kprobe'],
  ['sysctl_get_name', 'cgroup_sysctl'], ['sysctl_get_name', 'kprobe'], ['get_retval', 'cgroup_sysctl'], ['get_retval', 'xdp'],
  ['map_lookup_elem', 'xdp'], ['map_lookup_elem', 'kprobe'], ['tail_call', 'socket_filter'], ['loop', 'xdp'],
  ['redirect', 'xdp'], ['redirect', 'sched_cls'], ['redirect', 'socket_filter'], ['send_signal', 'kprobe'],
];

function kernelSaysUnknown(dir: string, id: number, progType: string, k: number): boolean | string {
  const path = join(dir, `h${k}.o`);
  writeFileSync(path, writeElf({
    sections: [{ name: 'prog', kind: 'code', insns: [insn(0x85, 0, 0, 0, id), insn(0xb7, 0, 0, 0, 0), insn(0x95)], spans: [], bytes: new Uint8Array() }],
    symbols: [{ name: 'h', section: 'prog', offset: 0, global: true, kind: 'func', size: 24 }],
    relocs: [],
  }));
  const load = loadAll(path, BPFTOOL_TYPE[progType]);
  unpin(load.pinDir);
  if (load.ok) return false;
  if (!load.log.includes('-- BEGIN PROG LOAD LOG --')) return `no verifier log: ${load.log.trim().split('\n').slice(-3).join(' | ')}`;
  // 6.12 says `unknown func bpf_NAME#ID`; the 6.18 kernel `program of this type cannot use helper bpf_NAME#ID`.
  return new RegExp(`(?:unknown func|program of this type cannot use helper) bpf_\\w+#${id}\\b`).test(load.log);
}

test('helper table: which program types may call a helper agrees with the live kernel', (t) => {
  const why = kernelUnavailable();
  if (why) { t.skip(why); return; }
  const { dir, cleanup } = scratchDir();
  const disagree: string[] = [];
  const failedLoads: string[] = [];
  let pairs = 0;
  try {
    for (const name of HELPERS) {
      const row = HELPER_PROTOS.find((h) => h.name === name);
      assert.ok(row, `helper ${name} missing from the table`);
      for (const progType of Object.keys(BPFTOOL_TYPE)) {
        const kernel = kernelSaysUnknown(dir, row.id, progType, pairs++);
        if (typeof kernel === 'string') { failedLoads.push(`${name} in ${progType}: ${kernel}`); continue; }
        const ours = !row.allowedProgTypes.includes(progType);
        if (ours !== kernel) disagree.push(`${name} in ${progType}: kernel ${kernel ? 'unknown func' : 'allowed'}, table ${ours ? 'not allowed' : 'allowed'}`);
      }
    }
  } finally {
    cleanup();
  }
  console.log(`helper availability: ${pairs} helper/program-type pairs, ${pairs - failedLoads.length - disagree.length} agree, ${disagree.length} disagree, ${failedLoads.length} not loadable`);
  for (const d of [...disagree, ...failedLoads]) console.log(`  ${d}`);
  assert.deepEqual(failedLoads, []);
  const sampled = disagree.filter((d) => MUST_AGREE.some(([h, p]) => d.startsWith(`${h} in ${p}:`)));
  assert.deepEqual(sampled, []);
  assert.ok(disagree.length <= 0.15 * pairs, `more than 15% of the pairs disagree (${disagree.length} of ${pairs})`);
  assert.ok(MUST_AGREE.every(([h, p]) => HELPERS.includes(h) && p in BPFTOOL_TYPE));
});
