// Time, randomness and the current task: ktime (monotonic, boot, coarse,
// tai), jiffies64, get_prandom_u32 (a seeded xorshift, so runs repeat),
// the CPU and NUMA node, pid/tgid, uid/gid, comm, task pointers, cgroup ids,
// get_func_ip and get_stackid — all from the run's simulated machine. Each
// clock read advances the clock by a tick, so two reads differ. Pure.

import { EFAULT, EINVAL } from '../../maps/errno';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';

const TASK_COMM_LEN = 16;

function monotonic(h: HelperCall): bigint {
  const m = h.run.machine;
  const now = m.env.monotonicNs + m.clockReads * m.env.tickNs;
  m.clockReads++;
  return now;
}

/** xorshift32 on the machine's state (seeded from env.seed). */
function prandom(h: HelperCall): number {
  const m = h.run.machine;
  let x = m.random || 1;
  x ^= x << 13; x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5; x >>>= 0;
  m.random = x;
  return x;
}

function comm(h: HelperCall): bigint | undefined {
  const size = h.u32(2);
  const buf = h.mem(1, size, 'buf', true);
  if (!buf) return undefined;
  const name = new TextEncoder().encode(h.run.machine.env.process.comm).subarray(0, TASK_COMM_LEN - 1);
  buf.fill(0);
  if (size === 0) return neg(EINVAL);
  buf.set(name.subarray(0, size - 1));
  return 0n;
}

const proc = (h: HelperCall) => h.run.machine.env.process;

export const PROCESS_HELPERS: readonly LinuxHelper[] = [
  { name: 'ktime_get_ns', impl: monotonic },
  { name: 'ktime_get_boot_ns', impl: (h) => monotonic(h) + h.run.machine.env.suspendedNs },
  { name: 'ktime_get_coarse_ns', impl: monotonic },
  { name: 'ktime_get_tai_ns', impl: (h) => monotonic(h) + 1_700_000_000_000_000_000n },
  {
    name: 'jiffies64',
    impl: (h) => { const e = h.run.machine.env; return monotonic(h) / BigInt(Math.round(1e9 / e.hz)) + e.jiffiesBase; },
  },
  { name: 'get_prandom_u32', impl: prandom },
  { name: 'get_smp_processor_id', impl: (h) => h.run.machine.env.cpu },
  { name: 'get_numa_node_id', impl: (h) => h.run.machine.env.numaNode },
  { name: 'get_current_pid_tgid', impl: (h) => (BigInt(proc(h).tgid >>> 0) << 32n) | BigInt(proc(h).pid >>> 0) },
  { name: 'get_current_uid_gid', impl: (h) => (BigInt(proc(h).gid >>> 0) << 32n) | BigInt(proc(h).uid >>> 0) },
  { name: 'get_current_comm', impl: comm },
  { name: 'get_current_task', impl: (h) => proc(h).task },
  { name: 'get_current_task_btf', impl: (h) => proc(h).task },
  { name: 'get_current_cgroup_id', impl: (h) => proc(h).cgroupId },
  { name: 'get_current_ancestor_cgroup_id', impl: (h) => (h.s32(1) === 0 ? 1n : proc(h).cgroupId) },
  { name: 'get_func_ip', impl: (h) => h.run.machine.env.funcIp },
  {
    name: 'get_stackid',
    impl: (h) => { const id = h.run.machine.env.stackId; return id === undefined ? neg(EFAULT) : id; },
  },
];
