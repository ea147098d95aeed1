// Context layouts as field tables: each field's offset, size, what a load
// yields (scalar, packet pointers, …) and which program types may write or
// may not see it, plus the kernel's is_valid_access rules built on them
// (field alignment, narrow loads of scalar fields, exact size for pointer
// fields). Pure lookups; families (net.ts, …) supply the tables.

import type { ProgTypeName } from '../../elf/bpfEnums';
import type { CtxAccess, CtxAccessQuery, CtxYield } from './rules';

export interface CtxField {
  name: string;
  off: number;
  size: number;
  /** What a load of the whole field yields (default: a scalar). */
  yields?: CtxYield;
  /** Program types that may store to it. */
  writers?: readonly ProgTypeName[];
  /** Program types that may not touch it at all. */
  hiddenFrom?: readonly ProgTypeName[];
}

export interface CtxLayout {
  fields: readonly CtxField[];
  /** Loads narrower than a scalar field are allowed (bpf_ctx_narrow_access_ok); xdp_md wants exactly 4 bytes. */
  narrowLoads: boolean;
}

/** is_valid_access over a field table for a fixed-offset ctx load or store of `size` bytes at `off`. */
export function fieldCtxAccess(layout: CtxLayout, prog: ProgTypeName, q: CtxAccessQuery): CtxAccess {
  const { off, size, write } = q;
  if (off < 0 || off % size !== 0) return { ok: false };
  const field = layout.fields.find((f) => off >= f.off && off < f.off + f.size);
  if (!field || field.hiddenFrom?.includes(prog)) return { ok: false };
  if (off + size > field.off + field.size) return { ok: false };
  if (write) {
    return field.writers?.includes(prog) && size === field.size ? { ok: true } : { ok: false };
  }
  // Pointer fields are loaded whole and never sign-extended (is_ldsx).
  if (field.yields) return size === field.size && off === field.off && !q.signExtend ? { ok: true, yields: field.yields } : { ok: false };
  // bpf_ctx_narrow_access_ok: 1, 2 or 4 byte loads aligned to their size inside a 4-byte field.
  return size === field.size || (layout.narrowLoads && size < field.size) ? { ok: true } : { ok: false };
}
