// printf as bpf_trace_printk and bpf_snprintf format (kernel/bpf/helpers.c
// bpf_bprintf_prepare + vsnprintf): %d %i %u %x %X %o %c %s %% with flags,
// width, precision and h/hh/l/ll/z lengths, %p (hashed pointers print as
// their value here) and the IP address forms %pI4 %pi4 %pI6 %pi6 %pI6c.
// String and address arguments are read through `readMem`; a read that
// faults prints as the kernel's "(efault)". Pure.

export type ReadMem = (address: bigint, size: number) => Uint8Array | undefined;

const MAX_STR = 512;

function readCString(read: ReadMem, address: bigint): string | undefined {
  let out = '';
  for (let i = 0; i < MAX_STR; i++) {
    const b = read(address + BigInt(i), 1);
    if (!b) return i === 0 ? undefined : out;
    if (b[0] === 0) return out;
    out += String.fromCharCode(b[0]);
  }
  return out;
}

function pad(text: string, width: number, left: boolean, zero: boolean): string {
  if (text.length >= width) return text;
  if (left) return text.padEnd(width);
  if (zero) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    const prefix = /^[-+ ]?0[xX]/.test(text) ? text.slice(0, sign.length + 2) : sign;
    return prefix + text.slice(prefix.length).padStart(width - prefix.length, '0');
  }
  return text.padStart(width);
}

function ipv4(bytes: Uint8Array, zeroPad: boolean): string {
  return [...bytes].map((b) => (zeroPad ? String(b).padStart(3, '0') : String(b))).join('.');
}

function ipv6(bytes: Uint8Array, style: 'I' | 'i' | 'c'): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  if (style === 'i') return words.map((w) => w.toString(16).padStart(4, '0')).join('');
  if (style === 'I') return words.map((w) => w.toString(16).padStart(4, '0')).join(':');
  return words.map((w) => w.toString(16)).join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

interface Spec {
  left: boolean; zero: boolean; plus: boolean; space: boolean; alt: boolean;
  width: number; precision?: number; length: string; conv: string;
}

function integer(spec: Spec, arg: bigint): string {
  const bits = spec.length === 'll' || spec.length === 'l' || spec.length === 'z' ? 64 : spec.length === 'hh' ? 8 : spec.length === 'h' ? 16 : 32;
  const signed = spec.conv === 'd' || spec.conv === 'i';
  const v = signed ? BigInt.asIntN(bits, arg) : BigInt.asUintN(bits, arg);
  const base = spec.conv === 'x' || spec.conv === 'X' ? 16 : spec.conv === 'o' ? 8 : 10;
  let digits = (v < 0n ? -v : v).toString(base);
  if (spec.conv === 'X') digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  const prefix = spec.alt && v !== 0n ? (base === 16 ? (spec.conv === 'X' ? '0X' : '0x') : base === 8 ? '0' : '') : '';
  const sign = v < 0n ? '-' : spec.plus && signed ? '+' : spec.space && signed ? ' ' : '';
  return pad(sign + prefix + digits, spec.width, spec.left, spec.zero && spec.precision === undefined);
}

function pointer(spec: Spec, ext: string, arg: bigint, read: ReadMem): string {
  if (ext === 'I4' || ext === 'i4') {
    const b = read(arg, 4);
    return b ? ipv4(b, ext === 'i4') : '(efault)';
  }
  if (ext === 'I6' || ext === 'i6' || ext === 'I6c') {
    const b = read(arg, 16);
    return b ? ipv6(b, ext === 'i6' ? 'i' : ext === 'I6c' ? 'c' : 'I') : '(efault)';
  }
  return pad('0x' + BigInt.asUintN(64, arg).toString(16), spec.width, spec.left, false);
}

const SPEC = /%([-0+ #]*)(\d*)(?:\.(\d+))?(hh|h|ll|l|z)?([diuxXocsp%])((?:[Ii][46]c?|[KxsSBb]))?/y;

/** Formats `fmt` with `args` (u64 each); the number of arguments used is `used`. */
export function formatPrintf(fmt: string, args: readonly bigint[], read: ReadMem): { text: string; used: number } {
  let out = '';
  let next = 0;
  for (let i = 0; i < fmt.length;) {
    if (fmt[i] !== '%') { out += fmt[i++]; continue; }
    SPEC.lastIndex = i;
    const m = SPEC.exec(fmt);
    if (!m) { out += fmt[i++]; continue; }
    i = SPEC.lastIndex;
    const [, flags, width, precision, length, conv, ext] = m;
    if (conv === '%') { out += '%'; continue; }
    const spec: Spec = {
      left: flags.includes('-'), zero: flags.includes('0'), plus: flags.includes('+'), space: flags.includes(' '), alt: flags.includes('#'),
      width: width ? Number(width) : 0, precision: precision === undefined ? undefined : Number(precision), length: length ?? '', conv,
    };
    const arg = args[next++] ?? 0n;
    if (conv === 'c') out += pad(String.fromCharCode(Number(arg & 0xffn)), spec.width, spec.left, false);
    else if (conv === 's') {
      const s = readCString(read, arg) ?? '(efault)';
      out += pad(spec.precision === undefined ? s : s.slice(0, spec.precision), spec.width, spec.left, false);
    } else if (conv === 'p') out += pointer(spec, ext ?? '', arg, read);
    else { out += integer(spec, arg); if (ext) out += ext; }
  }
  return { text: out, used: next };
}

/** The format string at the start of `bytes` (up to the first NUL), or undefined when it has none. */
export function cString(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  if (end < 0) return undefined;
  return new TextDecoder('latin1').decode(bytes.subarray(0, end));
}
