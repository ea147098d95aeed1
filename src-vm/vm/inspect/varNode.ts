// The Variables pane's vocabulary: a VarNode is one row (name, value text,
// type, nested rows) and, when the program could see a change to it, an
// EditTarget saying where a new value goes (a register, bytes of memory the
// program reads in place, a map element written as user space writes it, a
// context field). Plain data and small constructors; no DAP, no vscode.

import type { BpfMap } from '../maps';
import type { FieldAccess } from '../memory';

/** How new text becomes bytes: an integer of `size` bytes, or exactly `size` hex bytes. */
export interface ValueFormat {
  size: number;
  /** Byte order of an integer written into memory (network headers are big-endian). */
  bigEndian?: boolean;
  /** How the value reads: an IPv4 address (also accepted as `10.0.0.1`), or hex bytes even when a number would do. */
  notation?: 'ipv4' | 'bytes';
}

export type EditTarget =
  /** A register of frame `depth` (the innermost frame, or a caller's saved r6..r9). */
  | { kind: 'register'; depth: number; reg: number }
  /** Bytes the program reads in place: a stack slot, packet bytes, input memory. */
  | { kind: 'memory'; bytes: Uint8Array; offset: number; format: ValueFormat }
  /** Part of a map element, written back with BPF_MAP_UPDATE_ELEM(BPF_EXIST); `cpu` picks a per-CPU copy. */
  | { kind: 'map'; map: BpfMap; key: Uint8Array; cpu: number; offset: number; format: ValueFormat }
  /** A context field the program may write (`__sk_buff.mark`). */
  | { kind: 'field'; access: FieldAccess; offset: number; format: ValueFormat };

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  children?: readonly VarNode[];
  /** Address of what the row shows, for the memory view. */
  address?: bigint;
  /** Where a new value goes; absent when the row cannot be changed. */
  edit?: EditTarget;
  /** Why the row cannot be changed, when that needs saying. */
  readOnly?: string;
  /** A row that explains the others (verifier paths, truncation) rather than holding a value. */
  info?: boolean;
  /** An expression the debugger's evaluate understands for this row (`r3`). */
  evaluateName?: string;
}

/** The answer to an edit: the value's new text, or why it was refused. */
export type EditResult = { value: string } | { error: string };

/** Rows shown of a long list before one "… N more" row. */
export const MAX_CHILDREN = 100;

export function infoNode(name: string, value: string): VarNode {
  return { name, value, info: true };
}

/** `nodes` capped at `max`, with a closing row naming how many were left out of `total`. */
export function capped(nodes: readonly VarNode[], total: number, max = MAX_CHILDREN): VarNode[] {
  const shown = nodes.slice(0, max);
  if (total > shown.length) shown.push(infoNode('…', `${total - shown.length} more`));
  return shown;
}
