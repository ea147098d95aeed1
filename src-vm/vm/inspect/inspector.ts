// The Variables pane of one debug target: which scopes a frame has
// (Registers and Stack always; Context, Packet, Maps and Globals for a Linux
// program; Memory for an assembly program's input) and the rows of each,
// built on demand from the views in this folder. The verifier runs once, on
// first use, on the program as loaded; its states annotate registers and
// stack slots. Pure: reads the target, changes nothing.

import { matchSection } from '../../elf/sectionRules';
import { targetsOfObject, type VerifyTarget } from '../../verifyTargets';
import type { Insn } from '../../isa/insn';
import { regionAddress } from '../memory';
import type { DebugTarget } from '../runtimeTarget';
import { contextNodes } from './contextView';
import { stackNodes, registerNodes, type FrameStates } from './frameView';
import { globalNodes } from './globalsView';
import type { LinuxView } from './linuxView';
import { mapNodes, type MapsInput } from './mapView';
import { memoryRows, packetNodes, type PacketWindow } from './packetView';
import { infoNode, type VarNode } from './varNode';
import { verifierStates, type VerifierStates } from './verifierAnnotations';

export interface ScopeView {
  name: string;
  /** Costly to list: the front end should not open it unasked. */
  expensive: boolean;
  nodes(): VarNode[];
}

/** The verifier's input for a Linux program, from its object. */
function linuxVerifyTarget(linux: LinuxView): VerifyTarget | string {
  const target = targetsOfObject(linux.object()).find((t) => t.name === linux.program.name);
  return target ?? `program ${linux.program.name} is not in its object any more`;
}

/** The verifier's input for an assembly program: its section gives the type, as libbpf's rules say. */
function assemblyVerifyTarget(target: DebugTarget, insns: readonly Insn[]): VerifyTarget | string {
  const section = target.info?.section;
  if (section === undefined) return 'the program has no section to take a program type from';
  const rule = matchSection(section).rule;
  return { name: target.name, section, type: rule?.progType, attach: rule?.expectedAttachType, sleepable: rule?.flags.sleepable, insns, maps: [], license: 'GPL' };
}

function packetWindow(linux: LinuxView): PacketWindow | undefined {
  const { xdp, skb } = linux.context;
  const p = xdp?.packet ?? skb?.packet;
  if (!p) return undefined;
  return { buf: p.buf, start: p.start, end: p.end, address: p.address(p.start), meta: xdp ? p.meta : undefined, l3: skb && !skb.isL2 ? skb.protocol : undefined };
}

export class TargetInspector {
  /** The instructions the verifier saw (a tail call runs others). */
  private readonly verified: readonly Insn[];
  private states: VerifierStates | undefined;
  private mapsInput: MapsInput | undefined;

  constructor(private readonly target: DebugTarget) {
    this.verified = target.linux?.program.insns ?? target.vm.insns;
  }

  /** The verifier's states, computed on first use. */
  verifierStates(): VerifierStates {
    if (!this.states) {
      const { linux } = this.target;
      const input = linux ? linuxVerifyTarget(linux) : assemblyVerifyTarget(this.target, this.verified);
      this.states = typeof input === 'string' ? { kind: 'unavailable', reason: input } : verifierStates(input);
    }
    return this.states;
  }

  /** What annotates frame `depth`: its instruction (the call it waits on, for a caller) and the states. */
  private frameStates(depth: number): FrameStates {
    const { vm } = this.target;
    const slot = depth === vm.frames.length ? vm.pc : (vm.frames[depth]?.returnPc ?? 0) - 1;
    if (vm.insns !== this.verified) return { slot, states: { kind: 'unavailable', reason: 'the run went on in a tail-called program, which is not verified here' } };
    return { slot, states: this.verifierStates() };
  }

  private maps(linux: LinuxView): MapsInput {
    this.mapsInput ??= { defs: linux.maps.defs, maps: linux.maps.maps, btf: linux.object().btf };
    return this.mapsInput;
  }

  /** The scopes of frame `depth`, in the order the pane shows them. */
  scopes(depth: number): ScopeView[] {
    const { vm, linux } = this.target;
    const scopes: ScopeView[] = [
      { name: 'Registers', expensive: false, nodes: () => registerNodes(vm, depth, this.frameStates(depth)) },
      { name: 'Stack', expensive: false, nodes: () => stackNodes(vm, depth, this.frameStates(depth)) },
    ];
    if (!linux) {
      scopes.push({ name: 'Memory', expensive: false, nodes: () => this.inputMemory() });
      return scopes;
    }
    scopes.push({ name: 'Context', expensive: false, nodes: () => contextNodes(vm, linux.context, linux.program.type) });
    if (packetWindow(linux)) scopes.push({ name: 'Packet', expensive: false, nodes: () => packetNodes(packetWindow(linux)!) });
    scopes.push(
      { name: 'Maps', expensive: false, nodes: () => mapNodes(this.maps(linux)) },
      { name: 'Globals', expensive: false, nodes: () => globalNodes(this.maps(linux)) },
    );
    return scopes;
  }

  /** An assembly program's input memory (r1 at its start), as hex rows. */
  private inputMemory(): VarNode[] {
    const region = this.target.vm.memory.byHi.find((r) => r?.kind === 'mem');
    if (!region) return [infoNode('memory', 'no input memory (give it with the launch attribute mem)')];
    return [infoNode('length', `${region.size} bytes`), ...memoryRows(region.bytes, 0, region.size, regionAddress(region))];
  }
}
