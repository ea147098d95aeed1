// BPF_MAP_TYPE_PROG_ARRAY: the jump table of bpf_tail_call. Slots hold
// program ids (user space writes a program fd; we have ids instead). A tail
// call to an index past the end or to an empty slot falls through, as in the
// kernel; the tail-call count limit belongs to the helper. Pure.

import { FdArrayMap } from './fdArray';
import { EBADF } from './errno';

/** MAX_TAIL_CALL_CNT: a program chain may tail-call this many times. */
export const MAX_TAIL_CALL_CNT = 33;

export class ProgArrayMap extends FdArrayMap<number> {
  /** The program a tail call through `index` jumps to, or undefined (the call falls through). */
  tailCallTarget(index: number | bigint): number | undefined {
    const i = BigInt(index);
    if (i < 0n || i >= BigInt(this.maxEntries)) return undefined;
    return this.slots[Number(i)] ?? undefined;
  }

  protected override resolve(id: number): { obj: number } | { err: number } {
    const exists = this.env.programExists ?? (() => true);
    return exists(id) ? { obj: id } : { err: -EBADF };
  }

  protected override get sysLookupable(): boolean {
    return true;
  }

  protected override sysId(id: number): number {
    return id;
  }
}
