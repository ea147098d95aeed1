// String helpers: bpf_strncmp (s1 with a size, s2 a NUL-terminated read-only
// string; the result is the sign of the difference as strncmp's), bpf_strtol
// and bpf_strtoul (base 0/8/10/16 with the kernel's prefix rules; the number
// of characters consumed, or -EINVAL/-ERANGE). Pure.

import { EINVAL, ERANGE } from '../../maps/errno';
import { neg, type HelperCall, type LinuxHelper } from '../helperCall';

function strncmp(h: HelperCall): number | undefined {
  const size = h.u32(2);
  const s1 = h.mem(1, size, 's1');
  if (!s1) return undefined;
  const s2 = h.arg(3);
  for (let i = 0; i < size; i++) {
    const b = h.tryMem(s2 + BigInt(i), 1, false);
    if (!b) return h.fail('s2 (r3) is not NUL-terminated inside its region');
    const a = s1[i];
    if (a !== b[0]) return a < b[0] ? -1 : 1;
    if (a === 0) return 0;
  }
  return 0;
}

/** Parses per the kernel's _parse_integer with its base rules; sign handled by the caller. */
function parse(text: string, base: number): { value: bigint; used: number } | number {
  let i = 0;
  if (base === 0) {
    if (text[0] === '0' && (text[1] === 'x' || text[1] === 'X') && /[0-9a-fA-F]/.test(text[2] ?? '')) { base = 16; i = 2; }
    else if (text[0] === '0') base = 8;
    else base = 10;
  } else if (base === 16 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) i = 2;
  let value = 0n;
  const start = i;
  for (; i < text.length; i++) {
    const d = parseInt(text[i], 16);
    if (Number.isNaN(d) || d >= base) break;
    value = value * BigInt(base) + BigInt(d);
    if (value > 0xffffffffffffffffn) return ERANGE;
  }
  if (i === start) return EINVAL;
  return { value, used: i };
}

function strto(signed: boolean) {
  return (h: HelperCall): bigint | number | undefined => {
    const len = h.u32(2);
    const buf = h.mem(1, len, 'buf');
    const flags = h.arg(3);
    const res = buf && h.mem(4, 8, 'res', true);
    if (!buf || !res) return undefined;
    if ((flags & 0x1fn) !== flags || ![0n, 8n, 10n, 16n].includes(flags)) return neg(EINVAL);
    const end = buf.indexOf(0);
    const raw = new TextDecoder('latin1').decode(buf.subarray(0, end < 0 ? len : end));
    const trimmed = raw.replace(/^\s+/, '');
    const skipped = raw.length - trimmed.length;
    const negative = trimmed[0] === '-';
    if (negative && !signed) return neg(EINVAL);
    const body = trimmed[0] === '-' || trimmed[0] === '+' ? trimmed.slice(1) : trimmed;
    const parsed = parse(body, Number(flags));
    if (typeof parsed === 'number') return neg(parsed);
    let value = negative ? -parsed.value : parsed.value;
    if (signed && (value > 0x7fffffffffffffffn || value < -0x8000000000000000n)) return neg(ERANGE);
    value = BigInt.asUintN(64, value);
    new DataView(res.buffer, res.byteOffset, 8).setBigUint64(0, value, true);
    return skipped + (trimmed.length - body.length) + parsed.used;
  };
}

export const STRING_HELPERS: readonly LinuxHelper[] = [
  { name: 'strncmp', impl: strncmp },
  { name: 'strtol', impl: strto(true) },
  { name: 'strtoul', impl: strto(false) },
];
