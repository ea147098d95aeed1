// The interpreter's rarer instructions, kept out of the hot loop: atomics
// (add/or/and/xor with and without fetch, xchg, cmpxchg; 32 and 64 bit) and
// the legacy packet loads (ldabs/ldind), the context-field fallback of loads
// and stores, and the access width of a load/store opcode. Each exec* returns
// false when it stopped the run (fault or exit). Pure.

import { ATOMIC } from '../isa/opcodes';
import type { Vm } from './interpreter';
import type { Region } from './memory';

const MASK32 = 0xffffffffn;

function readWidth(view: DataView, at: number, size: number): bigint {
  return size === 8 ? view.getBigUint64(at, true) : BigInt(view.getUint32(at, true));
}

function writeWidth(view: DataView, at: number, size: number, value: bigint): void {
  if (size === 8) view.setBigUint64(at, BigInt.asUintN(64, value), true);
  else view.setUint32(at, Number(value & MASK32), true);
}

function combine(op: number, old: bigint, operand: bigint): bigint {
  switch (op) {
    case ATOMIC.ADD: return old + operand;
    case ATOMIC.OR: return old | operand;
    case ATOMIC.AND: return old & operand;
    case ATOMIC.XOR: return old ^ operand;
    default: return operand; // xchg
  }
}

/** `lock *(size *)(dst + off) op= src` and the fetch, xchg and cmpxchg forms. */
export function execAtomic(vm: Vm, at: number): boolean {
  const i = vm.insns[at];
  const size = i.code === 0xdb ? 8 : 4;
  const address = BigInt.asUintN(64, vm.getReg(i.dst) + BigInt(i.off));
  const where = vm.memory.resolve(address, size, true);
  if (!where) { vm.memFault(i.dst, i.off, size, true); return false; }
  const view = where.region.view;
  const mask = size === 8 ? (1n << 64n) - 1n : MASK32;
  const old = readWidth(view, where.offset, size);
  const operand = vm.getReg(i.src) & mask;
  if (i.imm === ATOMIC.CMPXCHG) {
    if (old === (vm.getReg(0) & mask)) writeWidth(view, where.offset, size, operand);
    vm.setReg(0, old);
    return true;
  }
  writeWidth(view, where.offset, size, combine(i.imm & ~ATOMIC.FETCH, old, operand));
  if (i.imm & ATOMIC.FETCH) vm.setReg(i.src, old);
  return true;
}

/**
 * Legacy `r0 = ntoh(*(size *)(packet + imm [+ src]))`. As in the kernel, an
 * access past the packet ends the program with r0 = 0.
 */
export function execLdPacket(vm: Vm, at: number): boolean {
  const i = vm.insns[at];
  const packet = vm.packet;
  if (!packet) {
    vm.fail('vm/ldabs', 'legacy packet load (ldabs/ldind) needs a packet: run the program with a packet input');
    return false;
  }
  const size = i.code & 0x18 ? ((i.code & 0x18) === 0x10 ? 1 : 2) : 4;
  const indirect = (i.code & 0xe0) === 0x40;
  const offset = BigInt(i.imm) + (indirect ? BigInt.asIntN(32, vm.getReg(i.src) & MASK32) : 0n);
  if (offset < 0n || offset + BigInt(size) > BigInt(packet.size)) {
    vm.exitProgram(0n);
    return false;
  }
  const o = Number(offset);
  const value = size === 1 ? packet.view.getUint8(o) : size === 2 ? packet.view.getUint16(o) : packet.view.getUint32(o);
  vm.setReg(0, BigInt(value));
  return true;
}

/** Sign-extending loads (ldsx): 0x81, 0x89, 0x91. */
function isSignedLoad(op: number): boolean {
  return (op & 0xe0) === 0x80;
}

/** A load from a context region: its field semantics decide the value (the kernel rewrites such loads). */
export function execFieldLoad(vm: Vm, at: number, region: Region, offset: number, size: number): boolean {
  const i = vm.insns[at];
  const got = region.fields!.load(offset, size, isSignedLoad(i.code));
  if (typeof got === 'string') { vm.fail('vm/ctx', `${region.name}: ${got}`); return false; }
  vm.setReg(i.dst, got);
  return true;
}

/** A store to a context region (register or immediate source). */
export function execFieldStore(vm: Vm, at: number, region: Region, offset: number, size: number): boolean {
  const i = vm.insns[at];
  const value = (i.code & 0x07) === 0x03 ? vm.getReg(i.src) : BigInt.asUintN(64, BigInt(i.imm));
  const why = region.fields!.store(offset, size, BigInt.asUintN(size * 8, value));
  if (why !== undefined) { vm.fail('vm/ctx', `${region.name}: ${why}`); return false; }
  return true;
}

/** The access width in bytes of a load or store opcode (its size bits). */
export function loadSize(op: number): number {
  switch (op & 0x18) {
    case 0x10: return 1;
    case 0x08: return 2;
    case 0x00: return 4;
    default: return 8;
  }
}
