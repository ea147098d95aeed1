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
import { registerNote, slotState, stackNote, statesSummary, type VerifierStates } from './verifierAnnotations';

/** Where the annotations of a frame come from: the verifier's states and the frame's instruction. */
export interface FrameStates {
  states: VerifierStates;
  slot: number;
}

const annotated = (text: string, note: string | undefined): string => (note === undefined ? text : `${text}   verifier: ${note}`);

function summaryRows(at: FrameStates | undefined): VarNode[] {
  const summary = at && statesSummary(at.states, at.slot);
  return summary ? [infoNode('verifier', summary)] : [];
}

/** r0..r10 of the innermost frame, r6..r10 of a caller. */
export function registerNodes(vm: Vm, depth: number, at: FrameStates | undefined): VarNode[] {
  const state = at && slotState(at.states, at.slot);
  const rows = registersAt(vm, depth).map((r): VarNode => {
    const reg = Number(r.name.slice(1));
    const node: VarNode = { name: r.name, value: annotated(r.text, state && registerNote(state, reg)), type: r.type, evaluateName: r.name };
    if (r.pointsTo) node.address = r.value;
    if (reg === FRAME_POINTER) node.readOnly = 'r10 is the frame pointer: it is read-only';
    else node.edit = { kind: 'register', depth, reg };
    return node;
  });
  return [...rows, ...summaryRows(at)];
}

/** The frame's stack in 8-byte slots, fp-8 first; each slot takes a number or 8 hex bytes. */
export function stackNodes(vm: Vm, depth: number, at: FrameStates | undefined): VarNode[] {
  const stack = vm.stacks[depth];
  if (!stack) return [];
  const state = at && slotState(at.states, at.slot);
  const rows = stackRowsAt(vm, depth).map((row): VarNode => ({
    name: `fp${row.offset}`,
    value: annotated(formatBytes(row.bytes), state && stackNote(state, row.offset)),
    type: '8 bytes',
    address: row.address,
    edit: { kind: 'memory', bytes: stack.bytes, offset: STACK_SIZE + row.offset, format: { size: 8, notation: 'bytes' } },
  }));
  return [...rows, ...summaryRows(at)];
}
