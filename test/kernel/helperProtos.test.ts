// The generated helper table (src-vm/verifier/helperProtos.generated.ts)
// against the live kernel: for a matrix of helpers and program types, a
// program that only calls the helper is loaded with bpftool; the kernel says
// `unknown func bpf_NAME#ID` (6.12) or `program of this type cannot use helper
// bpf_NAME#ID` (6.18) exactly when the program type may not call it.
// The table comes from the 6.12 sources plus the generator's record of what
// 6.18 changed (DRIFT_618): every pair must agree; disagreements are printed.
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
  // The generator's DRIFT_618 table carries what 6.18 changed since the 6.12 sources: every pair must agree.
  assert.deepEqual(disagree, []);
});
