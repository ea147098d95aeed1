// The interpreter's address space: explicit regions (context, packet, stack
// frames, map keys and values, read-only data), each with its own bytes and
// permissions. A 64-bit address is (region id + 1) << 32 | (0x80000000 +
// offset), so finding the region of an address is one array index on its high
// half, and a pointer that strays up to 2 GiB below or above its region still
// names that region in the fault instead of silently reaching another. Pure.
//
//   63               32 31                      0
//   +-------------------+------------------------+
//   |  region id + 1    | 0x80000000 + offset    |    high half 0 = NULL page
//   +-------------------+------------------------+

/** Low half of the address of a region's first byte. */
export const REGION_LO_BASE = 0x80000000;

export type RegionKind = 'ctx' | 'packet' | 'stack' | 'map_key' | 'map_value' | 'map' | 'rodata' | 'mem';

/**
 * Field semantics for a region whose loads and stores the kernel rewrites
 * (program contexts: `__sk_buff`, `xdp_md`). Such a region has size 0, so
 * every access leaves the interpreter's fast path and lands here. `load`
 * returns the value or a sentence saying why the access is refused; `store`
 * returns undefined when it took the value, else the sentence.
 */
export interface FieldAccess {
  load(offset: number, size: number, signed: boolean): bigint | string;
  store(offset: number, size: number, value: bigint): string | undefined;
}

export interface Region {
  /** High 32 bits of every address in the region. */
  readonly hi: number;
  readonly name: string;
  readonly kind: RegionKind;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Bytes the program may touch: [0, size). */
  size: number;
  readonly writable: boolean;
  /** Set for contexts: accesses go through these field semantics instead of `bytes`. */
  fields?: FieldAccess;
  /** Set for map handles (`lddw rX, map`): the index of the map in the run's map list. */
  mapIndex?: number;
  /** Set for packets: where the data starts in `bytes` (after the headroom; it moves with adjust_head). Fault messages count from there. */
  dataStart?: () => number;
}

export interface MemoryAccess {
  address: bigint;
  size: number;
  write: boolean;
  region?: string;
}

export class Memory {
  /** Indexed by the high half of an address; index 0 (the NULL page) is never a region. */
  readonly byHi: (Region | undefined)[] = [undefined];

  add(name: string, kind: RegionKind, bytes: Uint8Array, writable: boolean): Region {
    const region: Region = {
      hi: this.byHi.length,
      name, kind, bytes, writable,
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      size: bytes.byteLength,
    };
    this.byHi.push(region);
    return region;
  }

  /** Drops every region added after the first `count` (per-run regions of a reused machine). */
  truncate(count: number): void {
    this.byHi.length = Math.min(this.byHi.length, count + 1);
  }

  /** True while `region` is still part of this memory (not dropped by truncate). */
  holds(region: Region): boolean {
    return this.byHi[region.hi] === region;
  }

  get count(): number {
    return this.byHi.length - 1;
  }

  regionOf(address: bigint): Region | undefined {
    return this.byHi[Number((address >> 32n) & 0xffffffffn)];
  }

  /** The region and offset an access of `size` bytes at `address` falls in, or undefined when it leaves every region. */
  resolve(address: bigint, size: number, write: boolean): { region: Region; offset: number } | undefined {
    const region = this.regionOf(address);
    const offset = offsetIn(address);
    if (!region || offset < 0 || offset + size > region.size || (write && !region.writable)) return undefined;
    return { region, offset };
  }

  read(address: bigint, size: number): Uint8Array | undefined {
    const at = this.resolve(address, size, false);
    return at && at.region.bytes.slice(at.offset, at.offset + size);
  }

  write(address: bigint, data: Uint8Array): boolean {
    const at = this.resolve(address, data.byteLength, true);
    if (!at) return false;
    at.region.bytes.set(data, at.offset);
    return true;
  }

  /** A sentence for a faulting access: what was touched, and why it is not allowed. */
  describeFault(access: MemoryAccess): string {
    const kind = access.write ? 'write' : 'read';
    const addr = '0x' + access.address.toString(16);
    const region = this.regionOf(access.address);
    if (access.address >> 32n === 0n) return `${kind} of ${access.size} bytes at ${addr}: NULL pointer dereference`;
    if (!region) return `${kind} of ${access.size} bytes at ${addr}: address is in no memory region`;
    const offset = offsetIn(access.address);
    if (access.write && !region.writable && offset + access.size <= region.size) {
      return `${kind} of ${access.size} bytes at ${addr}: ${region.name} is read-only`;
    }
    const start = region.dataStart?.() ?? 0;
    return `${kind} of ${access.size} bytes at ${addr}: offset ${offset - start} is outside ${region.name} (${region.size - start} bytes)`;
  }
}

export function regionAddress(region: Region, offset = 0): bigint {
  return (BigInt(region.hi) << 32n) + BigInt(REGION_LO_BASE + offset);
}

/** Signed offset of an address from the start of the region its high half names. */
export function offsetIn(address: bigint): number {
  return Number(address & 0xffffffffn) - REGION_LO_BASE;
}
