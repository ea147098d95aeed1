// Small pieces several helper families share: callback pointers (lddw of a
// function) and packet bytes appended to perf samples (BPF_F_CTXLEN). Pure.

import { EFAULT } from '../../maps/errno';
import { offsetIn } from '../../memory';
import type { HelperCall } from '../helperCall';

/** The instruction index a callback pointer in r`n` names, or undefined after stopping the run. */
export function callbackPc(h: HelperCall, n: number): number | undefined {
  const address = h.arg(n);
  const code = h.run.codeRegionHi;
  const off = offsetIn(address);
  if (Number(address >> 32n) !== code || off < 0 || off % 8 !== 0 || off / 8 >= h.vm.length) {
    return h.fail(`r${n} (0x${address.toString(16)}) is not a pointer to a function of this program`);
  }
  return off / 8;
}

/** The first `n` packet bytes of an skb/xdp context for a perf sample, or the errno. */
export function packetBytesForEvent(h: HelperCall, n: number): Uint8Array | number {
  if (n === 0) return new Uint8Array(0);
  const packet = h.run.ctx.skb?.packet ?? h.run.ctx.xdp?.packet;
  if (!packet || n > packet.length) return EFAULT;
  return packet.data.slice(0, n);
}
