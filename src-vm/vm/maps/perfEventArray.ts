// BPF_MAP_TYPE_PERF_EVENT_ARRAY: slots hold perf events (one per CPU, as
// libbpf's perf_buffer opens them) and bpf_perf_event_output appends a sample
// to the event at the flags' index, or the current CPU's with
// BPF_F_CURRENT_CPU. Errors are the kernel's: -E2BIG past the end, -ENOENT for
// an empty slot, -EOPNOTSUPP when the event is bound to another CPU. Samples
// are kept in order for the run's output. Pure.

import { FdArrayMap } from './fdArray';
import { E2BIG, ENOENT, EOPNOTSUPP } from './errno';
import { flagBits, type Flags } from './bpfMap';

export const BPF_F_INDEX_MASK = 0xffffffffn;
export const BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;

export interface PerfEvent {
  /** What user space wrote (its fd); an id for us. */
  id: number;
  /** The CPU the event counts on; undefined when it is not bound to one. */
  cpu?: number;
}

export interface PerfSample {
  index: number;
  cpu: number;
  data: Uint8Array;
}

export class PerfEventArray extends FdArrayMap<PerfEvent> {
  /** Every sample output so far, in order. */
  readonly samples: PerfSample[] = [];

  /** bpf_perf_event_output's map part: `data` is the sample (already with any context bytes). */
  output(flags: Flags, data: Uint8Array, cpu = 0): number {
    let index = flagBits(flags) & BPF_F_INDEX_MASK;
    if (index === BPF_F_CURRENT_CPU) index = BigInt(cpu);
    if (index >= BigInt(this.maxEntries)) return -E2BIG;
    const event = this.slots[Number(index)];
    if (!event) return -ENOENT;
    if (event.cpu !== undefined && event.cpu !== cpu) return -EOPNOTSUPP;
    this.samples.push({ index: Number(index), cpu, data: data.slice() });
    return 0;
  }

  /** Takes the samples collected so far (what a perf_buffer poll would read). */
  drain(): PerfSample[] {
    return this.samples.splice(0, this.samples.length);
  }

  protected override resolve(id: number): { obj: PerfEvent } {
    return { obj: { id } };
  }

  protected override get sysLookupable(): boolean {
    return false;
  }

  protected override sysId(event: PerfEvent): number {
    return event.id;
  }
}
