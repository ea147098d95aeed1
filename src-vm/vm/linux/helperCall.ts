// One helper call as the helper implementations see it: its arguments
// (r1..r5), checked access to the memory they point at, and the map a map
// argument names. Every bad argument stops the run with the pc and the
// helper's name ("pc 7: bpf_map_update_elem: value (r3): read of 8 bytes at
// ..."), as the issue asks; a helper never reads past a region. Pure.

import type { BpfMap } from '../maps';
import type { RunState } from './runState';

export class HelperCall {
  constructor(readonly run: RunState, readonly name: string) {}

  get vm() {
    return this.run.vm;
  }

  arg(n: number): bigint {
    return this.vm.getReg(n);
  }

  u32(n: number): number {
    return Number(this.vm.getReg(n) & 0xffffffffn);
  }

  s32(n: number): number {
    return this.u32(n) | 0;
  }

  /** Stops the run: the helper's name and `message`, at the current pc. */
  fail(message: string, code = 'vm/helper-arg'): undefined {
    this.vm.fail(code, `bpf_${this.name}: ${message}`);
    return undefined;
  }

  /** A live view of `size` bytes at the address in r`n` (writable when asked), or undefined after stopping the run. */
  mem(n: number, size: number, what: string, write = false): Uint8Array | undefined {
    const address = this.arg(n);
    if (size === 0) return new Uint8Array(0);
    const at = this.vm.memory.resolve(address, size, write);
    if (!at) {
      const why = this.vm.memory.describeFault({ address, size, write });
      return this.fail(`${what} (r${n}): ${why}`);
    }
    return at.region.bytes.subarray(at.offset, at.offset + size);
  }

  /** As mem, but a fault is an answer (-EFAULT) rather than a stop: probe_read semantics. */
  tryMem(address: bigint, size: number, write: boolean): Uint8Array | undefined {
    const at = this.vm.memory.resolve(address, size, write);
    return at && at.region.bytes.subarray(at.offset, at.offset + size);
  }

  /** The map r`n` names, or undefined after stopping the run. */
  map(n: number): BpfMap | undefined {
    const map = this.run.mem.mapAt(this.arg(n));
    return map ?? this.fail(`r${n} (0x${this.arg(n).toString(16)}) is not a map pointer`);
  }

  /** The key of `map` at r`n`. */
  key(map: BpfMap, n: number): Uint8Array | undefined {
    return this.mem(n, map.keySize, 'key');
  }

  /** The address the program gets for a value view of `map`. */
  valuePointer(map: BpfMap, view: Uint8Array): bigint {
    return this.run.mem.valueAddress(map, view, !this.run.machine.maps.readOnly(map));
  }
}

/** A Linux helper: its name (without `bpf_`) and what it does; undefined means it stopped the run. */
export interface LinuxHelper {
  name: string;
  impl: (h: HelperCall) => bigint | number | undefined;
}

/** A negative errno as r0. */
export function neg(errno: number): bigint {
  return BigInt(-errno);
}
