// The state one program run shares with its helpers: the machine (maps,
// simulated process and clock, output records) that lives across runs, and
// the per-run parts (the Vm, map memory, the program's context, tail-call
// count, ring-buffer reservations). Types and small constructors. Pure.

import type { Insn } from '../../isa/insn';
import type { Vm } from '../interpreter';
import type { BpfMap, RingbufReservation } from '../maps';
import type { MapMemory } from './mapMemory';
import type { RunMaps } from './runMaps';
import type { SkbContext } from './contexts/skb';
import type { XdpContext } from './contexts/xdp';

/** The simulated current task (bpf_get_current_*). */
export interface SimProcess {
  pid: number;
  tgid: number;
  uid: number;
  gid: number;
  comm: string;
  cgroupId: bigint;
  /** What bpf_get_current_task returns (an opaque kernel address). */
  task: bigint;
}

/** Memory probe_read* may read: kernel or user address ranges with their bytes. */
export interface ProbeMemory {
  address: bigint;
  bytes: Uint8Array;
  space: 'kernel' | 'user';
}

/** The simulated machine around a run. Times advance by `tickNs` per clock read, so successive reads differ as in the kernel. */
export interface SimEnv {
  cpu: number;
  numaNode: number;
  /** ktime_get_ns at the first read. */
  monotonicNs: bigint;
  /** ktime_get_boot_ns - ktime_get_ns (time spent suspended). */
  suspendedNs: bigint;
  tickNs: bigint;
  /** jiffies64 = monotonic ns / (1e9 / hz) + jiffiesBase. */
  hz: number;
  jiffiesBase: bigint;
  /** Seed of get_prandom_u32. */
  seed: number;
  process: SimProcess;
  probeMemory: ProbeMemory[];
  /** bpf_get_func_ip (kprobe/fentry programs). */
  funcIp: bigint;
  /** bpf_get_stackid answers, keyed by the flags' low bits; absent: -EFAULT as with no stack map entry. */
  stackId?: number;
}

export const DEFAULT_PROCESS: SimProcess = {
  pid: 4242, tgid: 4242, uid: 1000, gid: 1000, comm: 'workbench', cgroupId: 1n, task: 0xffff888004242000n,
};

export function defaultEnv(): SimEnv {
  return {
    cpu: 0, numaNode: 0, monotonicNs: 1_000_000_000n, suspendedNs: 0n, tickNs: 1000n, hz: 250, jiffiesBase: 4294667296n,
    seed: 1, process: { ...DEFAULT_PROCESS }, probeMemory: [], funcIp: 0n,
  };
}

/** Everything a run emits, in order. */
export type OutputRecord =
  | { kind: 'trace'; text: string }
  | { kind: 'ringbuf'; map: string; data: Uint8Array }
  | { kind: 'perf'; map: string; index: number; cpu: number; data: Uint8Array };

/** State that outlives one run: the clock and random generator advance, records accumulate. */
export interface MachineState {
  env: SimEnv;
  maps: RunMaps;
  records: OutputRecord[];
  /** Clock reads so far (each advances the clock by tickNs). */
  clockReads: bigint;
  /** xorshift32 state of get_prandom_u32. */
  random: number;
  programs: readonly { name: string; insns: readonly Insn[] }[];
}

/** The program's context, as the helpers for its type need it. */
export interface ProgramContext {
  kind: 'xdp' | 'skb' | 'tracing' | 'none';
  address: bigint;
  xdp?: XdpContext;
  skb?: SkbContext;
}

export interface RunState {
  machine: MachineState;
  vm: Vm;
  mem: MapMemory;
  ctx: ProgramContext;
  tailCalls: number;
  /** Region id whose offsets / 8 are instruction indexes: callback pointers (lddw of a function) point there. */
  codeRegionHi: number;
  /** Ring-buffer samples handed out and not yet submitted, by region id. */
  reservations: Map<number, { map: BpfMap; res: RingbufReservation }>;
  /** What bpf_redirect / bpf_redirect_map decided last (XDP, TC). */
  redirect?: { ifindex?: number; map?: string; index?: number };
}
