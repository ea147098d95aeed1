// Maps as the interpreter's memory: a map handle (what `lddw rX, map` loads)
// is an empty region that names its map, and every value a lookup hands out
// is a region over the map's own bytes (cached, and re-added when a reused
// machine dropped its per-run regions), so loads and stores through the
// returned pointer reach the element and are bounds-checked against
// value_size. Regions are made once per element and reused. Pure.

import type { BpfMap } from '../maps';
import { Memory, offsetIn, regionAddress, type Region } from '../memory';

export class MapMemory {
  private readonly handles = new Map<BpfMap, Region>();
  private readonly mapOfHandle = new Map<number, BpfMap>();
  private readonly values = new WeakMap<ArrayBufferLike, Map<number, Region>>();

  constructor(private readonly memory: Memory) {}

  /** The address `lddw rX, map` loads for `map`. */
  handleAddress(map: BpfMap): bigint {
    let region = this.handles.get(map);
    if (!region || !this.memory.holds(region)) {
      region = this.memory.add(`map '${map.name}'`, 'map', new Uint8Array(0), false);
      this.handles.set(map, region);
      this.mapOfHandle.set(region.hi, map);
    }
    return regionAddress(region);
  }

  /** The map a handle address names (offset 0 only), or undefined. */
  mapAt(address: bigint): BpfMap | undefined {
    const map = this.mapOfHandle.get(Number(address >> 32n));
    return map && offsetIn(address) === 0 && this.memory.holds(this.handles.get(map)!) ? map : undefined;
  }

  /** The address of a value view a map handed out (+ `offset`). */
  valueAddress(map: BpfMap, view: Uint8Array, writable: boolean, offset = 0): bigint {
    let byOffset = this.values.get(view.buffer);
    if (!byOffset) { byOffset = new Map(); this.values.set(view.buffer, byOffset); }
    let region = byOffset.get(view.byteOffset);
    if (!region || region.size !== view.byteLength || !this.memory.holds(region)) {
      region = this.memory.add(`value of map '${map.name}'`, 'map_value', view, writable);
      byOffset.set(view.byteOffset, region);
    }
    return regionAddress(region, offset);
  }
}
