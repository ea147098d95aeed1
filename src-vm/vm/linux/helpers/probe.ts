// probe_read, probe_read_kernel/_user and their _str forms: reads from the
// run's configured probe memory (kernel or user ranges) or from the program's
// own regions; a read that faults zeroes the destination and returns -EFAULT,
// as copy_from_kernel_nofault does. The _str forms stop at NUL and return the
// length including it. Pure.

import { EFAULT } from '../../maps/errno';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';

function readProbe(h: HelperCall, address: bigint, size: number, space: 'kernel' | 'user' | 'any'): Uint8Array | undefined {
  for (const m of h.run.machine.env.probeMemory) {
    if (space !== 'any' && m.space !== space) continue;
    const off = address - m.address;
    if (off >= 0n && off + BigInt(size) <= BigInt(m.bytes.length)) return m.bytes.subarray(Number(off), Number(off) + size);
  }
  return space === 'user' ? undefined : h.tryMem(address, size, false);
}

function probeRead(space: 'kernel' | 'user' | 'any') {
  return (h: HelperCall): bigint | undefined => {
    const size = h.u32(2);
    const dst = h.mem(1, size, 'dst', true);
    if (!dst) return undefined;
    const src = readProbe(h, h.arg(3), size, space);
    if (!src) { dst.fill(0); return neg(EFAULT); }
    dst.set(src);
    return 0n;
  };
}

function probeReadStr(space: 'kernel' | 'user' | 'any') {
  return (h: HelperCall): bigint | number | undefined => {
    const size = h.u32(2);
    const dst = h.mem(1, size, 'dst', true);
    if (!dst) return undefined;
    if (size === 0) return 0;
    const base = h.arg(3);
    for (let i = 0; i < size - 1; i++) {
      const b = readProbe(h, base + BigInt(i), 1, space);
      if (!b) { dst.fill(0); return neg(EFAULT); }
      dst[i] = b[0];
      if (b[0] === 0) return i + 1;
    }
    dst[size - 1] = 0;
    return size;
  };
}

export const PROBE_HELPERS: readonly LinuxHelper[] = [
  { name: 'probe_read', impl: probeRead('any') },
  { name: 'probe_read_kernel', impl: probeRead('kernel') },
  { name: 'probe_read_user', impl: probeRead('user') },
  { name: 'probe_read_str', impl: probeReadStr('any') },
  { name: 'probe_read_kernel_str', impl: probeReadStr('kernel') },
  { name: 'probe_read_user_str', impl: probeReadStr('user') },
];
