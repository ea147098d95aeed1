// One call frame's 512-byte stack (the kernel's `bpf_stack_state` array): a
// slot type per byte (invalid, spilled register, misc, zero) and, per 8-byte
// slot, the spilled register's full state. Offsets are negative, from the
// frame pointer. Printing follows print_verifier_state (`fp-8=scalar()`,
// `fp-16=mmmm0000`). Never knows instruction encodings.

import { formatReg, regClone, RegState, regEquals } from './regState';

export const MAX_BPF_STACK = 512;
export const REG_SIZE = 8;

export const enum Slot { Invalid = 0, Spill = 1, Misc = 2, Zero = 3 }

const SLOT_CHAR = ['?', 'r', 'm', '0'];

export class StackState {
  /** Slot type per byte; index 0 is fp-512, index 511 is fp-1. */
  readonly types = new Uint8Array(MAX_BPF_STACK);
  /** Spilled register per 8-byte slot; slot 0 is fp-8 .. fp-1. */
  readonly spills: (RegState | undefined)[] = new Array(MAX_BPF_STACK / REG_SIZE).fill(undefined);
  /** Bytes of stack in use (the kernel's allocated_stack, a multiple of 8). */
  allocated = 0;
}

/** Index into `types` of the byte at fp+off (off negative). */
export function byteIndex(off: number): number {
  return MAX_BPF_STACK + off;
}

/** The 8-byte slot (spi) holding fp+off. */
export function slotOf(off: number): number {
  return Math.floor((-off - 1) / REG_SIZE);
}

export function stackClone(a: StackState): StackState {
  const c = new StackState();
  c.types.set(a.types);
  for (let i = 0; i < a.spills.length; i++) {
    const r = a.spills[i];
    if (r) c.spills[i] = regClone(r);
  }
  c.allocated = a.allocated;
  return c;
}

export function growStack(st: StackState, off: number): void {
  const need = Math.ceil(-off / REG_SIZE) * REG_SIZE;
  if (need > st.allocated) st.allocated = need;
}

/** Writes `size` bytes at fp+off as `type`; a slot no longer fully a spill loses its register. */
export function markBytes(st: StackState, off: number, size: number, type: Slot): void {
  for (let k = 0; k < size; k++) {
    const spi = slotOf(off + k);
    if (st.spills[spi] && isSpilledSlot(st, spi)) scrubSpill(st, spi);
    else st.spills[spi] = undefined;
    st.types[byteIndex(off + k)] = type;
  }
}

/** scrub_spilled_slot: a data write into a spilled slot turns all its initialised bytes into misc. */
function scrubSpill(st: StackState, spi: number): void {
  st.spills[spi] = undefined;
  const base = MAX_BPF_STACK - (spi + 1) * REG_SIZE;
  for (let k = 0; k < REG_SIZE; k++) if (st.types[base + k] !== Slot.Invalid) st.types[base + k] = Slot.Misc;
}

/** save_register_state: the `size` written bytes (from the slot's lowest address) are spill bytes, the rest misc (zero kept). */
export function spillRegister(st: StackState, off: number, reg: RegState, size: number): void {
  const spi = slotOf(off);
  const base = MAX_BPF_STACK - (spi + 1) * REG_SIZE;
  st.spills[spi] = regClone(reg);
  for (let k = 0; k < REG_SIZE; k++) {
    if (k < size) st.types[base + k] = Slot.Spill;
    else if (st.types[base + k] !== Slot.Zero) st.types[base + k] = Slot.Misc;
  }
}

/** is_spilled_reg: the slot's lowest byte (the kernel's slot_type[7]) holds a spill. */
export function isSpilledSlot(st: StackState, spi: number): boolean {
  return st.types[MAX_BPF_STACK - (spi + 1) * REG_SIZE] === Slot.Spill;
}

/** How many spill bytes the slot has, counted from its lowest address. */
export function spillSize(st: StackState, spi: number): number {
  const base = MAX_BPF_STACK - (spi + 1) * REG_SIZE;
  let n = 0;
  while (n < REG_SIZE && st.types[base + n] === Slot.Spill) n++;
  return n;
}

/** The spilled register of the slot at fp+off when all of its bytes are spill bytes. */
export function fullSpill(st: StackState, spi: number): RegState | undefined {
  const base = MAX_BPF_STACK - (spi + 1) * REG_SIZE;
  for (let k = 0; k < REG_SIZE; k++) if (st.types[base + k] !== Slot.Spill) return undefined;
  return st.spills[spi];
}

/** The stack part of a printed state: ` fp-8=...` items for slots in use (bytes listed from the highest address, as slot_type[]). */
export function formatStack(st: StackState, curFrame: number): string[] {
  const out: string[] = [];
  for (let spi = 0; spi < st.allocated / REG_SIZE; spi++) {
    const base = MAX_BPF_STACK - (spi + 1) * REG_SIZE;
    const types = Array.from(st.types.subarray(base, base + REG_SIZE)).reverse();
    if (types.every((t) => t === Slot.Invalid)) continue;
    const spill = st.spills[spi];
    const name = `fp${-(spi + 1) * REG_SIZE}`;
    if (spill && isSpilledSlot(st, spi)) out.push(`${name}=${formatReg(spill, curFrame)}`);
    else out.push(`${name}=${types.map((t) => SLOT_CHAR[t]).join('')}`);
  }
  return out;
}

export function stackEquals(a: StackState, b: StackState): boolean {
  if (a.allocated !== b.allocated) return false;
  for (let i = 0; i < MAX_BPF_STACK; i++) if (a.types[i] !== b.types[i]) return false;
  for (let i = 0; i < a.spills.length; i++) {
    const x = a.spills[i], y = b.spills[i];
    if (!x !== !y || (x && y && !regEquals(x, y))) return false;
  }
  return true;
}
