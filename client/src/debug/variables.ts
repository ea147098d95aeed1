// The Variables pane in DAP terms: the runtime's scopes and rows (plain
// VarNodes from src-vm) become Scope and Variable objects with
// variablesReference handles for nested rows, memory references for rows
// with an address, and readOnly hints; setVariable finds the row by name in
// its container and hands its edit target to the runtime. Must not import
// vscode (the adapter also runs stand-alone).

import { Scope, type Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EbpfRuntime, ScopeView, VarNode } from '../../../src-vm/index';

/** What a variablesReference stands for: a frame's scope (listed afresh each time) or a row's children. */
export type VariableScope =
  | { kind: 'scope'; scope: ScopeView }
  | { kind: 'children'; nodes: readonly VarNode[] };

/** DAP's presentation hints for the scopes that have one. */
const SCOPE_HINTS: Readonly<Record<string, string>> = { Registers: 'registers', Globals: 'globals' };

export function dapScopes(runtime: EbpfRuntime, handles: Handles<VariableScope>, depth: number): DebugProtocol.Scope[] {
  return runtime.variableScopes(depth).map((s) => {
    const scope: DebugProtocol.Scope = new Scope(s.name, handles.create({ kind: 'scope', scope: s }), s.expensive);
    const hint = SCOPE_HINTS[s.name];
    if (hint) scope.presentationHint = hint;
    return scope;
  });
}

function nodesOf(container: VariableScope): readonly VarNode[] {
  return container.kind === 'scope' ? container.scope.nodes() : container.nodes;
}

function dapVariable(node: VarNode, handles: Handles<VariableScope>): DebugProtocol.Variable {
  const children = node.children && node.children.length > 0 ? node.children : undefined;
  const v: DebugProtocol.Variable = {
    name: node.name,
    value: node.value,
    variablesReference: children ? handles.create({ kind: 'children', nodes: children }) : 0,
  };
  if (node.type !== undefined) v.type = node.type;
  if (node.address !== undefined) v.memoryReference = `0x${node.address.toString(16)}`;
  if (node.evaluateName !== undefined) v.evaluateName = node.evaluateName;
  if (node.info) v.presentationHint = { kind: 'virtual', attributes: ['readOnly'] };
  else if (!node.edit) v.presentationHint = { attributes: ['readOnly'] };
  return v;
}

export function dapVariables(handles: Handles<VariableScope>, container: VariableScope): DebugProtocol.Variable[] {
  return nodesOf(container).map((node) => dapVariable(node, handles));
}

/** Sets row `name` of `container` to `value`; the answer is the new value, or why not. */
export function dapSetVariable(
  runtime: EbpfRuntime, container: VariableScope, name: string, value: string,
): DebugProtocol.SetVariableResponse['body'] | { error: string } {
  const node = nodesOf(container).find((n) => n.name === name);
  if (!node) return { error: `there is no '${name}' here to change` };
  if (!node.edit) return { error: `${name} cannot be changed${node.readOnly ? `: ${node.readOnly}` : node.info ? ': it describes the other rows' : ''}` };
  const result = runtime.setVariable(node.edit, value);
  if ('error' in result) return { error: `${name}: ${result.error}` };
  return { value: result.value, type: node.type, variablesReference: 0 };
}
