// Map helpers: lookup/update/delete, push/pop/peek, per-CPU lookup,
// for_each_map_elem (the callback runs in the interpreter), ring-buffer
// output/reserve/submit/discard/query, perf_event_output, tail_call and
// bpf_loop. Answers are the map layer's (kernel semantics). Pure.

import { E2BIG, EINVAL } from '../../maps/errno';
import { ArrayOfMaps, HashOfMaps } from '../../maps/mapInMap';
import { PerfEventArray } from '../../maps/perfEventArray';
import { ProgArrayMap, MAX_TAIL_CALL_CNT } from '../../maps/progArray';
import { RingBuf } from '../../maps/ringbuf';
import type { BpfMap } from '../../maps';
import { offsetIn } from '../../memory';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';
import { callbackPc, packetBytesForEvent } from './support';

const BPF_MAX_LOOPS = 1 << 23;
const BPF_F_CTXLEN_SHIFT = 32n;
const BPF_F_CTXLEN_MASK = 0xfffffn << 32n;

function lookup(h: HelperCall): bigint | undefined {
  const map = h.map(1);
  if (!map) return undefined;
  const key = h.key(map, 2);
  if (!key) return undefined;
  if (map instanceof ArrayOfMaps || map instanceof HashOfMaps) {
    const inner = map.lookupInner(key);
    return inner ? h.run.mem.handleAddress(inner) : 0n;
  }
  const view = map.lookup(key, h.run.machine.env.cpu);
  return view ? h.valuePointer(map, view) : 0n;
}

function withMapKeyValue(h: HelperCall, f: (map: BpfMap, key: Uint8Array, value: Uint8Array) => number): number | undefined {
  const map = h.map(1);
  const key = map && h.key(map, 2);
  const value = map && key && h.mem(3, map.valueSize, 'value');
  return map && key && value ? f(map, key, value) : undefined;
}

function forEach(h: HelperCall): bigint | number | undefined {
  const map = h.map(1);
  const pc = callbackPc(h, 2);
  if (!map || pc === undefined) return undefined;
  if (h.arg(4) !== 0n) return neg(EINVAL);
  const ctx = h.arg(3); // the callback clobbers r1..r5
  let visited = 0;
  for (const el of map.elements(h.run.machine.env.cpu)) {
    visited++;
    const key = h.run.mem.valueAddress(map, el.key, false);
    const value = h.valuePointer(map, el.value);
    const r = h.vm.invoke(pc, [h.run.mem.handleAddress(map), key, value, ctx]);
    if (r === undefined) return undefined;
    if (r !== 0n) break;
  }
  return visited;
}

function loop(h: HelperCall): bigint | number | undefined {
  const n = h.u32(1);
  const pc = callbackPc(h, 2);
  if (pc === undefined) return undefined;
  if (h.arg(4) !== 0n) return neg(EINVAL);
  if (n > BPF_MAX_LOOPS) return neg(E2BIG);
  const ctx = h.arg(3);
  for (let i = 0; i < n; i++) {
    const r = h.vm.invoke(pc, [BigInt(i), ctx]);
    if (r === undefined) return undefined;
    if (r !== 0n) return i + 1;
  }
  return n;
}

function ringbuf(h: HelperCall, n: number): RingBuf | undefined {
  const map = h.map(n);
  if (map && !(map instanceof RingBuf)) return h.fail(`map '${map.name}' is a ${map.type}, not a ringbuf`);
  return map as RingBuf | undefined;
}

function ringbufOutput(h: HelperCall): bigint | number | undefined {
  const rb = ringbuf(h, 1);
  const data = rb && h.mem(2, Number(h.arg(3) & 0xffffffffn), 'data');
  if (!rb || !data) return undefined;
  const err = rb.output(data, h.arg(4));
  if (err === 0) h.run.machine.records.push({ kind: 'ringbuf', map: rb.name, data: data.slice() });
  return err;
}

function ringbufReserve(h: HelperCall): bigint | undefined {
  const rb = ringbuf(h, 1);
  if (!rb) return undefined;
  const res = rb.reserve(h.arg(2), h.arg(3));
  if (!res) return 0n;
  const region = h.vm.memory.add(`ringbuf '${rb.name}' sample`, 'mem', res.data, true);
  h.run.reservations.set(region.hi, { map: rb, res });
  return BigInt(region.hi) << 32n | 0x80000000n;
}

function ringbufCommit(h: HelperCall, discard: boolean): number | undefined {
  const address = h.arg(1);
  const held = h.run.reservations.get(Number(address >> 32n));
  if (!held || offsetIn(address) !== 0) return h.fail(`r1 (0x${address.toString(16)}) is not a sample from bpf_ringbuf_reserve, or it was already submitted`);
  h.run.reservations.delete(Number(address >> 32n));
  const rb = held.map as RingBuf;
  if (discard) rb.discard(held.res, h.arg(2));
  else {
    h.run.machine.records.push({ kind: 'ringbuf', map: rb.name, data: held.res.data.slice() });
    rb.submit(held.res, h.arg(2));
  }
  const region = h.vm.memory.byHi[Number(address >> 32n)];
  if (region) region.size = 0; // the sample is no longer the program's
  return 0;
}

function perfEventOutput(h: HelperCall): bigint | number | undefined {
  const map = h.map(2);
  if (!map) return undefined;
  if (!(map instanceof PerfEventArray)) return h.fail(`map '${map.name}' is a ${map.type}, not a perf_event_array`);
  const flags = h.arg(3);
  const data = h.mem(4, Number(h.arg(5) & 0xffffffffn), 'data');
  if (!data) return undefined;
  const ctxLen = Number((flags & BPF_F_CTXLEN_MASK) >> BPF_F_CTXLEN_SHIFT);
  const extra = packetBytesForEvent(h, ctxLen);
  if (typeof extra === 'number') return neg(extra);
  const sample = new Uint8Array(data.length + extra.length);
  sample.set(data);
  sample.set(extra, data.length);
  const cpu = h.run.machine.env.cpu;
  const err = map.output(flags & ~BPF_F_CTXLEN_MASK, sample, cpu);
  if (err === 0) h.run.machine.records.push({ kind: 'perf', map: map.name, index: map.samples[map.samples.length - 1].index, cpu, data: sample });
  return err;
}

function tailCall(h: HelperCall): bigint | undefined {
  const map = h.map(2);
  if (!map) return undefined;
  if (!(map instanceof ProgArrayMap)) return h.fail(`map '${map.name}' is a ${map.type}, not a prog_array`);
  const target = map.tailCallTarget(h.u32(3));
  const program = target === undefined ? undefined : h.run.machine.programs[target - 1];
  if (!program || h.run.tailCalls >= MAX_TAIL_CALL_CNT) return h.arg(0); // falls through; r0 is left alone
  h.run.tailCalls++;
  h.vm.switchProgram(program.insns);
  return h.arg(1);
}

export const MAP_HELPERS: readonly LinuxHelper[] = [
  { name: 'map_lookup_elem', impl: lookup },
  { name: 'map_update_elem', impl: (h) => withMapKeyValue(h, (m, k, v) => m.update(k, v, h.arg(4), h.run.machine.env.cpu)) },
  {
    name: 'map_delete_elem',
    impl: (h) => { const m = h.map(1); const k = m && h.key(m, 2); return m && k ? m.delete(k, h.run.machine.env.cpu) : undefined; },
  },
  {
    name: 'map_push_elem',
    impl: (h) => { const m = h.map(1); const v = m && h.mem(2, m.valueSize, 'value'); return m && v ? m.push(v, h.arg(3), h.run.machine.env.cpu) : undefined; },
  },
  {
    name: 'map_pop_elem',
    impl: (h) => { const m = h.map(1); const v = m && h.mem(2, m.valueSize, 'value', true); return m && v ? m.pop(v, h.run.machine.env.cpu) : undefined; },
  },
  {
    name: 'map_peek_elem',
    impl: (h) => {
      const m = h.map(1);
      const v = m && h.mem(2, m.valueSize, 'value', m.type !== 'bloom_filter');
      return m && v ? m.peek(v, h.run.machine.env.cpu) : undefined;
    },
  },
  {
    name: 'map_lookup_percpu_elem',
    impl: (h) => {
      const m = h.map(1); const k = m && h.key(m, 2);
      if (!m || !k) return undefined;
      const cpu = h.u32(3);
      if (cpu >= m.nCpus) return 0n;
      const view = m.lookup(k, cpu);
      return view ? h.valuePointer(m, view) : 0n;
    },
  },
  { name: 'for_each_map_elem', impl: forEach },
  { name: 'loop', impl: loop },
  { name: 'ringbuf_output', impl: ringbufOutput },
  { name: 'ringbuf_reserve', impl: ringbufReserve },
  { name: 'ringbuf_submit', impl: (h) => ringbufCommit(h, false) },
  { name: 'ringbuf_discard', impl: (h) => ringbufCommit(h, true) },
  { name: 'ringbuf_query', impl: (h) => { const rb = ringbuf(h, 1); return rb ? rb.query(h.arg(2)) : undefined; } },
  { name: 'perf_event_output', impl: perfEventOutput },
  { name: 'tail_call', impl: tailCall },
];

