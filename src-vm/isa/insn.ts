// The Insn type and its 8-byte wire form: decode and encode of instruction
// streams. One Insn per 8-byte slot, as the kernel counts instructions: an
// `lddw` is two slots, the second holding only the upper 32 bits in `imm`.
// Pure; imports only the opcode table.
//
// One slot, little-endian (the byte order of every target we load to):
//
//   byte 0     byte 1          bytes 2-3      bytes 4-7
//   +--------+-------+-------+--------------+------------------+
//   | opcode | src:4 | dst:4 |  offset s16  |    imm s32       |
//   +--------+-------+-------+--------------+------------------+
//              (high)  (low)

import { CLS, MODE, SIZE } from './opcodes';

export interface Insn {
  /** Opcode byte (0 in the second slot of an `lddw`). */
  code: number;
  dst: number;
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

export const INSN_SIZE = 8;
export const LDDW_CODE = CLS.LD | MODE.IMM | SIZE.DW;

export function insn(code: number, dst = 0, src = 0, off = 0, imm = 0): Insn {
  return { code, dst, src, off, imm };
}

export function isLddw(i: Insn): boolean {
  return i.code === LDDW_CODE;
}

/**
 * Decodes slots without judging them; a trailing partial slot is ignored (see
 * `validateProgram`). Big-endian objects keep dst in the high nibble of the
 * register byte (the C bitfields flip with the byte order).
 */
export function decodeInsns(bytes: Uint8Array, littleEndian = true): Insn[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor(bytes.byteLength / INSN_SIZE);
  const out: Insn[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * INSN_SIZE;
    const regs = view.getUint8(at + 1);
    out[i] = {
      code: view.getUint8(at),
      dst: littleEndian ? regs & 0x0f : regs >> 4,
      src: littleEndian ? regs >> 4 : regs & 0x0f,
      off: view.getInt16(at + 2, littleEndian),
      imm: view.getInt32(at + 4, littleEndian),
    };
  }
  return out;
}

export function encodeInsns(insns: readonly Insn[]): Uint8Array {
  const bytes = new Uint8Array(insns.length * INSN_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((i, n) => {
    const at = n * INSN_SIZE;
    view.setUint8(at, i.code & 0xff);
    view.setUint8(at + 1, ((i.src & 0x0f) << 4) | (i.dst & 0x0f));
    view.setInt16(at + 2, (i.off << 16) >> 16, true);
    view.setInt32(at + 4, i.imm | 0, true);
  });
  return bytes;
}

/** The 64-bit immediate of the `lddw` at `idx` (low half in its slot, high half in the next). */
export function lddwImm64(insns: readonly Insn[], idx: number): bigint {
  const lo = BigInt(insns[idx].imm >>> 0);
  const hi = BigInt((insns[idx + 1]?.imm ?? 0) >>> 0);
  return (hi << 32n) | lo;
}

/** The two slots of `lddw dst, value` (value taken modulo 2^64). */
export function lddwSlots(dst: number, value: bigint, src = 0): [Insn, Insn] {
  const v = BigInt.asUintN(64, value);
  const lo = Number(v & 0xffffffffn) | 0;
  const hi = Number(v >> 32n) | 0;
  return [insn(LDDW_CODE, dst, src, 0, lo), insn(0, 0, 0, 0, hi)];
}
