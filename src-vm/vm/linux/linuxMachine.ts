// Runs the programs of a loaded object as BPF_PROG_TEST_RUN would: a
// LinuxMachine owns the object's maps (kept across runs, like kernel maps),
// the simulated process, clock and CPU, and the records runs emit; `run`
// builds the program's context for its type (XDP, TC, socket filter,
// cgroup_skb, kprobe, tracepoints, perf_event) over the given packet and
// context fields, executes it with the Linux helpers, and returns the return
// value (named), the packet after, and the records of that run. Pure.

import type { Diagnostic, WithDiagnostics } from '../../diagnostics';
import type { LoadedObject, LoadedProgram } from '../../elf/loadedObject';
import { validateProgram } from '../../isa/validate';
import { DEFAULT_BUDGET, Vm, type StopReason, type VmFault } from '../interpreter';
import { keyOfIndex } from '../maps/arrayMap';
import { errnoName } from '../maps';
import type { MapContents } from './runConfig';
import { regionAddress } from '../memory';
import { SkbContext, SKB_MAX_DATA, type SkbInput } from './contexts/skb';
import { addTracingContext, tracingContextBytes, type TracingInput } from './contexts/tracing';
import { ETH_HLEN, XDP_MAX_DATA, XdpContext, type XdpInput } from './contexts/xdp';
import { linuxHelperTable } from './helpers';
import { MapMemory } from './mapMemory';
import { returnName } from './returnCodes';
import { RunMaps } from './runMaps';
import { defaultEnv, type MachineState, type OutputRecord, type ProgramContext, type RunState, type SimEnv } from './runState';

export interface ProgRunInput {
  /** The packet (XDP, TC, socket filter, cgroup_skb). */
  packet?: Uint8Array;
  /** Context fields: xdp_md / __sk_buff fields as ctx_in gives them, or tracing inputs. */
  xdp?: XdpInput;
  skb?: SkbInput;
  tracing?: TracingInput;
  budget?: number;
}

export interface ProgRunResult {
  /** r0 as the kernel reports it (u32). */
  retval: number;
  retName?: string;
  packetOut?: Uint8Array;
  steps: number;
  fault?: VmFault;
  /** Set when test_run itself would refuse the input (the program did not run): the errno name and why. */
  refused?: { errno: string; message: string };
  records: OutputRecord[];
  redirect?: RunState['redirect'];
}

const SKB_TYPES = new Set(['sched_cls', 'sched_act', 'socket_filter', 'cgroup_skb', 'lwt_in', 'lwt_out', 'lwt_xmit']);
const L2_TYPES = new Set(['sched_cls', 'sched_act']);
const BPF_PSEUDO_FUNC = 4;
const BPF_PSEUDO_MAP_IDX = 5;
const BPF_PSEUDO_MAP_IDX_VALUE = 6;

export interface MachineOptions {
  env?: Partial<SimEnv>;
  /** num_possible_cpus (per-CPU map copies); default 1. */
  nCpus?: number;
}

export class LinuxMachine {
  readonly state: MachineState;
  /** The run in progress: the helper table (built once) reaches it through here. */
  private current: RunState | undefined;
  private readonly helpers = linuxHelperTable(() => this.current!);
  private readonly runners = new Map<LoadedProgram, Runner>();

  private constructor(readonly object: LoadedObject, state: MachineState) {
    this.state = state;
  }

  static create(object: LoadedObject, opts: MachineOptions = {}): WithDiagnostics<LinuxMachine> {
    const env: SimEnv = { ...defaultEnv(), ...opts.env };
    const programs = object.programs.map((p) => ({ name: p.name, insns: p.insns }));
    const ids = new Map(programs.map((p, i) => [p.name, i + 1]));
    const maps = RunMaps.build(object, { nCpus: opts.nCpus ?? 1, programExists: (id) => id >= 1 && id <= programs.length }, (n) => ids.get(n));
    const diagnostics: Diagnostic[] = [...maps.diagnostics];
    for (const p of object.programs) {
      for (const d of validateProgram(p.insns)) diagnostics.push({ ...d, message: `${p.name}: ${d.message}` });
    }
    const state: MachineState = { env, maps: maps.value, records: [], clockReads: 0n, random: env.seed >>> 0 || 1, programs };
    return { value: new LinuxMachine(object, state), diagnostics };
  }

  get maps(): RunMaps {
    return this.state.maps;
  }

  /** Writes `contents` into the maps as user space would (BPF_MAP_UPDATE_ELEM); one diagnostic per refused element. */
  fillMaps(contents: readonly MapContents[]): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const c of contents) {
      const map = this.maps.byName(c.map);
      if (!map) { out.push({ severity: 'error', code: 'run/no-map', message: `maps.${c.map}: the object has no map of that name` }); continue; }
      c.entries.forEach((e, i) => {
        const err = map.sysUpdate(e.key, e.value);
        if (err !== 0) out.push({ severity: 'error', code: 'run/map-update', message: `maps.${c.map}[${i}]: the update fails with ${errnoName(-err)} (key ${map.keySize} bytes, value ${map.sysValueSize} bytes expected)` });
      });
    }
    return out;
  }

  /** Every map's elements as user space sees them (bpftool map dump), with hex keys and values. */
  dumpMaps(): MapDump[] {
    return this.object.maps.map((def, i) => {
      const map = this.maps.at(i);
      const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
      const entries = map ? map.entries().map((e) => (e.perCpu ? { key: hex(e.key), values: e.perCpu.map(hex) } : { key: hex(e.key), value: hex(e.value) })) : [];
      return { name: def.name, type: def.type, entries };
    });
  }

  program(name?: string): LoadedProgram | undefined {
    return name === undefined ? this.object.programs[0] : this.object.programs.find((p) => p.name === name || p.section === name);
  }

  /** Runs `program` once on `input`. */
  run(program: LoadedProgram, input: ProgRunInput = {}): ProgRunResult {
    const started = this.begin(program, input);
    if ('refused' in started) return { retval: 0, steps: 0, refused: started.refused, records: [] };
    started.run(Infinity);
    return started.result();
  }

  /**
   * Prepares one run of `program` on `input` without executing it, for a
   * debugger: the returned run exposes the Vm and executes `maxSteps` at a
   * time (with this machine's helpers reaching the run); `result` reports it
   * as `run` does. Only one begun run of a program may be in progress.
   */
  begin(program: LoadedProgram, input: ProgRunInput = {}): ProgRun | { refused: NonNullable<ProgRunResult['refused']> } {
    const refused = checkInput(program.type, input);
    if (refused) return { refused };
    const runner = this.runnerFor(program);
    const { vm } = runner;
    vm.reset(program.insns, runner.keepRegions);
    vm.budget = input.budget ?? DEFAULT_BUDGET;
    const ctx = buildContext(vm, program.type ?? 'unspec', input);
    const state: RunState = { machine: this.state, vm, mem: runner.mem, ctx, tailCalls: 0, codeRegionHi: runner.codeRegionHi, reservations: new Map() };
    vm.setReg(1, ctx.address);
    const firstRecord = this.state.records.length;
    const run = (maxSteps: number, breaks = true): StopReason => {
      this.current = state;
      try {
        return vm.run(maxSteps, breaks);
      } finally {
        this.current = undefined;
      }
    };
    const result = (): ProgRunResult => {
      const retval = vm.status === 'exited' ? Number(vm.getReg(0) & 0xffffffffn) : 0;
      return {
        retval,
        retName: vm.status === 'exited' ? returnName(program.type, BigInt(retval)) : undefined,
        packetOut: ctx.xdp?.output() ?? ctx.skb?.output(),
        steps: vm.steps,
        fault: vm.fault,
        records: this.state.records.slice(firstRecord),
        redirect: state.redirect,
      };
    };
    return { vm, ctxAddress: ctx.address, state, run, result, recordsSoFar: () => this.state.records.slice(firstRecord) };
  }

  /** One Vm per program, reused from run to run (its per-run regions are dropped by reset). */
  private runnerFor(program: LoadedProgram): Runner {
    let runner = this.runners.get(program);
    if (runner) return runner;
    const vm = new Vm(program.insns, {
      helpers: this.helpers,
      resolveLddw: (src, imm, next, pc) => this.resolveLddw(this.current!, src, imm, next, pc),
    });
    const code = vm.memory.add(`code of ${program.name}`, 'rodata', new Uint8Array(0), false);
    runner = { vm, mem: new MapMemory(vm.memory), codeRegionHi: code.hi, keepRegions: vm.memory.count };
    this.runners.set(program, runner);
    return runner;
  }

  private resolveLddw(state: RunState, src: number, imm: number, next: number, pc: number): bigint | string {
    if (src === BPF_PSEUDO_FUNC) return regionAddress(state.vm.memory.byHi[state.codeRegionHi]!, (pc + imm + 1) * 8);
    if (src !== BPF_PSEUDO_MAP_IDX && src !== BPF_PSEUDO_MAP_IDX_VALUE) {
      return `lddw with src=${src} (BTF object or map fd) cannot be resolved without a kernel`;
    }
    const map = this.maps.at(imm);
    if (!map) return `lddw names map #${imm}, which this object does not have or which could not be built`;
    if (src === BPF_PSEUDO_MAP_IDX) return state.mem.handleAddress(map);
    const view = map.lookup(keyOfIndex(0));
    if (!view) return `lddw names a value of map '${map.name}', which has no element 0`;
    return state.mem.valueAddress(map, view, !this.maps.readOnly(map), next);
  }
}

/** A run begun by `LinuxMachine.begin`, executed piecewise. */
export interface ProgRun {
  /** The Vm the program runs on (registers, memory, breakpoints). */
  readonly vm: Vm;
  /** Where r1 points: the program's context. */
  readonly ctxAddress: bigint;
  /** The state the run shares with its helpers (machine, context, reservations): what a step history snapshots. */
  readonly state: RunState;
  /** Executes up to `maxSteps` instructions (stopping early at a breakpoint unless `breaks` is false, the exit or a fault). */
  run(maxSteps: number, breaks?: boolean): StopReason;
  /** The run as `LinuxMachine.run` reports it (meaningful once the Vm has exited or faulted). */
  result(): ProgRunResult;
  /** The trace and ring-buffer records the run has emitted so far. */
  recordsSoFar(): OutputRecord[];
}

interface Runner {
  vm: Vm;
  mem: MapMemory;
  codeRegionHi: number;
  /** Regions every run keeps (stacks, code); the rest are the run's own. */
  keepRegions: number;
}

export interface MapDump {
  name: string;
  type: string;
  entries: ({ key: string; value: string } | { key: string; values: string[] })[];
}

/** What test_run refuses before running (bpf_test_init's size checks). */
function checkInput(type: string | undefined, input: ProgRunInput): ProgRunResult['refused'] {
  const isPacket = type === 'xdp' || SKB_TYPES.has(type ?? '');
  if (!isPacket) return undefined;
  const size = input.packet?.length ?? 0;
  const max = type === 'xdp' ? XDP_MAX_DATA : SKB_MAX_DATA;
  if (size < ETH_HLEN) return { errno: 'EINVAL', message: `the packet has ${size} bytes; BPF_PROG_TEST_RUN needs at least ${ETH_HLEN} (an Ethernet header)` };
  if (size > max) return { errno: 'EINVAL', message: `the packet has ${size} bytes; a linear test-run frame holds at most ${max}` };
  if (type !== 'xdp' && input.packet) {
    const proto = (input.packet[12] << 8) | input.packet[13];
    const l3 = size - ETH_HLEN;
    if ((proto === 0x0800 && l3 < 20) || (proto === 0x86dd && l3 < 40)) {
      return { errno: 'EINVAL', message: `the ${proto === 0x0800 ? 'IPv4' : 'IPv6'} frame is too short for its IP header (${l3} bytes after Ethernet); test_run refuses it` };
    }
  }
  if (input.skb?.ifindex !== undefined && input.skb.ifindex > 1) return { errno: 'ENODEV', message: `ifindex ${input.skb.ifindex}: only loopback (1) exists in a test run` };
  return undefined;
}

function buildContext(vm: Vm, type: string, input: ProgRunInput): ProgramContext {
  const packet = input.packet ?? new Uint8Array(0);
  if (type === 'xdp') {
    const xdp = new XdpContext(vm.memory, packet, input.xdp);
    return { kind: 'xdp', address: xdp.address, xdp };
  }
  if (SKB_TYPES.has(type)) {
    const skb = new SkbContext(vm.memory, packet, L2_TYPES.has(type), input.skb);
    vm.packet = skb.packet.region;
    return { kind: 'skb', address: skb.address, skb };
  }
  const bytes = tracingContextBytes(type, input.tracing ?? {});
  if (bytes) return { kind: 'tracing', address: addTracingContext(vm.memory, type, bytes) };
  return { kind: 'none', address: 0n };
}
