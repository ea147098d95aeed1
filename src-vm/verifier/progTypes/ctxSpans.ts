// Building blocks of the kernel's `*_is_valid_access` functions for context
// structs written as switches over byte ranges: named field spans, which span
// an offset falls in (bpf_ctx_range), and the narrow and wide access tests
// (bpf_ctx_narrow_access_ok, bpf_ctx_wide_access_ok). Pure; imports only types.

import type { CtxAccess, CtxYield } from './rules';

/** A field of a context struct: its byte offset and size (arrays are one span). */
export interface Span {
  name: string;
  off: number;
  size: number;
}

/** Spans from `[name, offset, size]` rows. */
export function spans(rows: readonly (readonly [string, number, number])[]): readonly Span[] {
  return rows.map(([name, off, size]) => ({ name, off, size }));
}

/** The field whose bytes include `off` (the kernel's `case bpf_ctx_range(...)`). */
export function spanAt(fields: readonly Span[], off: number): Span | undefined {
  return fields.find((f) => off >= f.off && off < f.off + f.size);
}

/** bpf_ctx_narrow_access_ok: a power-of-two size no wider than the field. */
export function narrowOk(size: number, fieldSize: number): boolean {
  return size <= fieldSize && (size & (size - 1)) === 0;
}

/** bpf_ctx_wide_access_ok: an aligned 8-byte access inside an array field (e.g. user_ip6). */
export function wideOk(off: number, size: number, field: Span | undefined): boolean {
  return !!field && size === 8 && off >= field.off && off + 8 <= field.off + field.size && off % 8 === 0;
}

/** An access decision as the registry wants it. */
export function allow(ok: boolean, yields?: CtxYield): CtxAccess {
  return ok ? (yields ? { ok: true, yields } : { ok: true }) : { ok: false };
}
