// The Registers and Stack scopes of one call frame: the values the Vm holds
// (runtimeInspect's registers, the frame's 512 bytes in 8-byte slots), each
// annotated with what the verifier knew before the frame's instruction
// (`verifier: pkt(off=14,r=34)`, `verifier: spilled scalar()`, `verifier:
// misc`), an explaining row last when the annotation rests on one of several
// paths or is missing, and edit targets for what may change: live registers
// (not r10) and the stack's bytes. Pure; reads the Vm.

import { STACK_SIZE, type Vm } from '../interpreter';
import { formatBytes, registersAt, stackRowsAt } from '../runtimeInspect';
import { FRAME_POINTER } from '../../isa/opcodes';
import { infoNode, type VarNode } from './varNode';
import { pathFit, type ConcreteRegister } from './pathFit';
import { registerNote, slotState, stackNote, statesSummary, type SlotState, type VerifierStates } from './verifierAnnotations';

/** Where the annotations of a frame come from: the verifier's states and the frame's instruction. */
export interface FrameStates {
  states: VerifierStates;
  slot: number;
}

const annotated = (text: string, note: string | undefined): string => (note === undefined ? text : `${text}   verifier: ${note}`);

function summaryRows(at: FrameStates | undefined, chosen: number | undefined): VarNode[] {
  const summary = at && statesSummary(at.states, at.slot, chosen);
  return summary ? [infoNode('verifier', summary)] : [];
}

/** The frame's registers as the path choice needs them: values, and stack and packet offsets of pointers. */
function concreteRegisters(vm: Vm, depth: number): Map<number, ConcreteRegister> {
  const out = new Map<number, ConcreteRegister>();
  for (const r of registersAt(vm, depth)) {
    const region = r.pointsTo && vm.memory.regionOf(r.value);
    let pointsTo: ConcreteRegister['pointsTo'];
    if (region?.kind === 'stack') pointsTo = { kind: 'stack', offset: r.pointsTo!.offset - STACK_SIZE };
    else if (region?.kind === 'packet') pointsTo = { kind: 'packet', offset: r.pointsTo!.offset - (region.dataStart?.() ?? 0) };
    out.set(Number(r.name.slice(1)), { value: r.value, pointsTo });
  }
  return out;
}

/** The verifier's state at the frame's instruction, on the path the frame's registers fit best. */
function frameState(vm: Vm, depth: number, at: FrameStates | undefined): SlotState | undefined {
  if (!at) return undefined;
  const regs = concreteRegisters(vm, depth);
  return slotState(at.states, at.slot, (state) => pathFit(state, regs));
}

/** r0..r10 of the innermost frame, r6..r10 of a caller. */
export function registerNodes(vm: Vm, depth: number, at: FrameStates | undefined): VarNode[] {
  const state = frameState(vm, depth, at);
  const rows = registersAt(vm, depth).map((r): VarNode => {
    const reg = Number(r.name.slice(1));
    const node: VarNode = { name: r.name, value: annotated(r.text, state && registerNote(state, reg)), type: r.type, evaluateName: r.name };
    if (r.pointsTo) node.address = r.value;
    if (reg === FRAME_POINTER) node.readOnly = 'r10 is the frame pointer: it is read-only';
    else node.edit = { kind: 'register', depth, reg };
    return node;
  });
  return [...rows, ...summaryRows(at, state?.index)];
}

/** The frame's stack in 8-byte slots, fp-8 first; each slot takes a number or 8 hex bytes. */
export function stackNodes(vm: Vm, depth: number, at: FrameStates | undefined): VarNode[] {
  const stack = vm.stacks[depth];
  if (!stack) return [];
  const state = frameState(vm, depth, at);
  const rows = stackRowsAt(vm, depth).map((row): VarNode => ({
    name: `fp${row.offset}`,
    value: annotated(formatBytes(row.bytes), state && stackNote(state, row.offset)),
    type: '8 bytes',
    address: row.address,
    edit: { kind: 'memory', bytes: stack.bytes, offset: STACK_SIZE + row.offset, format: { size: 8, notation: 'bytes' } },
  }));
  return [...rows, ...summaryRows(at, state?.index)];
}
