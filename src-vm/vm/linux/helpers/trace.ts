// Trace output: bpf_trace_printk and bpf_trace_vprintk (the formatted line is
// captured as a record of the run, in order with ring-buffer and perf
// records) and bpf_snprintf (formatted into the program's buffer). Format
// semantics are in format.ts. Pure.

import { EINVAL } from '../../maps/errno';
import { cString, formatPrintf, type ReadMem } from '../format';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';

/** MAX_BPRINTF_VARARGS */
const MAX_ARGS = 12;

function reader(h: HelperCall): ReadMem {
  return (address, size) => h.tryMem(address, size, false);
}

function format(h: HelperCall, fmtReg: number, sizeReg: number): string | undefined {
  const size = h.u32(sizeReg);
  const bytes = h.mem(fmtReg, size, 'fmt');
  if (!bytes) return undefined;
  const fmt = cString(bytes);
  return fmt === undefined ? h.fail(`fmt (r${fmtReg}) is not NUL-terminated within fmt_size (${size})`, 'vm/helper-arg') : fmt;
}

/** The u64 arguments of a vprintk/snprintf data array. */
function dataArgs(h: HelperCall, dataReg: number, lenReg: number): bigint[] | undefined | number {
  const len = h.u32(lenReg);
  if (len % 8 !== 0 || len / 8 > MAX_ARGS) return EINVAL;
  const bytes = h.mem(dataReg, len, 'data');
  if (!bytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: len / 8 }, (_, i) => view.getBigUint64(8 * i, true));
}

function emit(h: HelperCall, text: string): number {
  h.run.machine.records.push({ kind: 'trace', text });
  return text.length;
}

function printk(h: HelperCall): number | undefined {
  const fmt = format(h, 1, 2);
  if (fmt === undefined) return undefined;
  return emit(h, formatPrintf(fmt, [h.arg(3), h.arg(4), h.arg(5)], reader(h)).text);
}

function vprintk(h: HelperCall): bigint | number | undefined {
  const fmt = format(h, 1, 2);
  const args = fmt === undefined ? undefined : dataArgs(h, 3, 4);
  if (fmt === undefined || args === undefined) return undefined;
  if (typeof args === 'number') return neg(args);
  return emit(h, formatPrintf(fmt, args, reader(h)).text);
}

function snprintf(h: HelperCall): bigint | number | undefined {
  const size = h.u32(2);
  const out = h.mem(1, size, 'str', true);
  const fmtBytes = out && h.tryMem(h.arg(3), 1, false);
  if (!out || !fmtBytes) return out ? h.fail('fmt (r3) is not readable') : undefined;
  const fmt = readFormat(h, h.arg(3));
  const args = dataArgs(h, 4, 5);
  if (fmt === undefined || args === undefined) return undefined;
  if (typeof args === 'number') return neg(args);
  const text = new TextEncoder().encode(formatPrintf(fmt, args, reader(h)).text);
  if (size > 0) {
    const n = Math.min(text.length, size - 1);
    out.set(text.subarray(0, n));
    out[n] = 0;
  }
  return text.length + 1;
}

/** snprintf's fmt is a read-only string of unknown length: read up to its NUL. */
function readFormat(h: HelperCall, address: bigint): string | undefined {
  let s = '';
  for (let i = 0; i < 1024; i++) {
    const b = h.tryMem(address + BigInt(i), 1, false);
    if (!b) return h.fail('fmt (r3) is not NUL-terminated inside its region');
    if (b[0] === 0) return s;
    s += String.fromCharCode(b[0]);
  }
  return h.fail('fmt (r3) is longer than 1024 bytes');
}

export const TRACE_HELPERS: readonly LinuxHelper[] = [
  { name: 'trace_printk', impl: printk },
  { name: 'trace_vprintk', impl: vprintk },
  { name: 'snprintf', impl: snprintf },
];
