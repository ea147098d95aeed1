// libbpf's bpf_core_patch_insn: writes a CO-RE result into its instruction —
// the immediate of an ALU op with an immediate, the offset of a load or
// store (and its size, when the field's size changed and that is safe), the
// 64-bit immediate of an lddw — after checking that the instruction holds
// the value the compiler meant; or poisons it: every slot becomes
// `call 0xbad2310` (helper 195896080, which no kernel has), so the verifier
// rejects it exactly where it is reachable. Messages are libbpf's.
// Replaces slots with new objects (never edits an Insn in place). Pure.

import type { Insn } from '../isa/insn';
import type { CoreReloRes } from './coreCalc';
import { ERRNO, u32, u64, type CoreLog } from './coreLog';

/** The helper id a poisoned instruction calls: 0xbad2310, "bad relo". */
export const POISON_HELPER_ID = 195896080;

const CALL_CODE = 0x85;
const LDDW_CODE = 0x18;
const SHRT_MAX = 0x7fff;

/** Access size in bytes by the size bits (code & 0x18) of a load or store. */
const SIZE_BYTES: Readonly<Record<number, number>> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const SIZE_BITS: Readonly<Record<number, number>> = { 4: 0x00, 2: 0x08, 1: 0x10, 8: 0x18 };

export interface PatchContext {
  progName: string;
  reloIdx: number;
  /** The instruction's index within its function, as libbpf's messages number it. */
  insnIdx: number;
  log: CoreLog;
}

function hex(n: number): string {
  return u32(n).toString(16);
}

/** Replaces the instruction at `at` (both slots of an lddw) with the invalid helper call. */
export function poisonInsn(insns: Insn[], at: number, ctx: PatchContext): number {
  const count = insns[at].code === LDDW_CODE ? 2 : 1;
  for (let i = 0; i < count && at + i < insns.length; i++) {
    ctx.log.debug(`prog '${ctx.progName}': relo #${ctx.reloIdx}: substituting insn #${ctx.insnIdx + i} w/ invalid insn`);
    insns[at + i] = { code: CALL_CODE, dst: 0, src: 0, off: 0, imm: POISON_HELPER_ID };
  }
  return 0;
}

function badInsn(insn: Insn, ctx: PatchContext): number {
  ctx.log.warn(`prog '${ctx.progName}': relo #${ctx.reloIdx}: trying to relocate unrecognized insn #${ctx.insnIdx}, `
    + `code:0x${hex(insn.code)}, src:0x${hex(insn.src)}, dst:0x${hex(insn.dst)}, off:0x${hex(insn.off)}, imm:0x${hex(insn.imm)}`);
  return -ERRNO.EINVAL;
}

function unexpected(ctx: PatchContext, what: string, got: number | bigint, res: CoreReloRes): number {
  ctx.log.warn(`prog '${ctx.progName}': relo #${ctx.reloIdx}: unexpected insn #${ctx.insnIdx} (${what}) value: got ${got}, exp ${res.origVal} -> ${res.newVal}`);
  return -ERRNO.EINVAL;
}

function patchAlu(insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext): number {
  const insn = insns[at];
  if ((insn.code & 0x08) !== 0) return badInsn(insn, ctx);
  if (res.poison) return poisonInsn(insns, at, ctx);
  if (res.validate && u64(insn.imm) !== res.origVal) return unexpected(ctx, 'ALU/ALU64', u32(insn.imm), res);
  insns[at] = { ...insn, imm: Number(BigInt.asIntN(32, res.newVal)) };
  ctx.log.debug(`prog '${ctx.progName}': relo #${ctx.reloIdx}: patched insn #${ctx.insnIdx} (ALU/ALU64) imm ${u64(insn.imm)} -> ${res.newVal}`);
  return 0;
}

/** A load or store whose field changed size gets the new access size, when the old one is what libbpf expects. */
function patchMemSize(insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext): number {
  const insn = insns[at];
  const bytes = SIZE_BYTES[insn.code & 0x18];
  const where = `prog '${ctx.progName}': relo #${ctx.reloIdx}: insn #${ctx.insnIdx} (LDX/ST/STX)`;
  if (bytes !== res.origSize) {
    ctx.log.warn(`${where} unexpected mem size: got ${bytes}, exp ${res.origSize}`);
    return -ERRNO.EINVAL;
  }
  const bits = SIZE_BITS[res.newSize];
  if (bits === undefined) {
    ctx.log.warn(`${where} invalid new mem size: ${res.newSize}`);
    return -ERRNO.EINVAL;
  }
  insns[at] = { ...insn, code: (insn.code & 0xe0) | bits | (insn.code & 0x07) };
  ctx.log.debug(`prog '${ctx.progName}': relo #${ctx.reloIdx}: patched insn #${ctx.insnIdx} (LDX/ST/STX) mem_sz ${res.origSize} -> ${res.newSize}`);
  return 0;
}

function patchMem(insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext): number {
  const insn = insns[at];
  const where = `prog '${ctx.progName}': relo #${ctx.reloIdx}: insn #${ctx.insnIdx} (LDX/ST/STX)`;
  if (res.poison) return poisonInsn(insns, at, ctx);
  if (res.validate && u64(insn.off) !== res.origVal) return unexpected(ctx, 'LDX/ST/STX', u32(insn.off), res);
  if (res.newVal > BigInt(SHRT_MAX)) {
    ctx.log.warn(`${where} value too big: ${res.newVal}`);
    return -ERRNO.ERANGE;
  }
  if (res.failMemszAdjust) {
    ctx.log.warn(`${where} accesses field incorrectly. `
      + 'Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.');
    return poisonInsn(insns, at, ctx);
  }
  insns[at] = { ...insn, off: Number(res.newVal) };
  ctx.log.debug(`prog '${ctx.progName}': relo #${ctx.reloIdx}: patched insn #${ctx.insnIdx} (LDX/ST/STX) off ${u64(insn.off)} -> ${res.newVal}`);
  return res.newSize !== res.origSize ? patchMemSize(insns, at, res, ctx) : 0;
}

function patchLddw(insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext): number {
  const [lo, hi] = [insns[at], insns[at + 1]];
  if (lo.code === LDDW_CODE && !hi) {
    ctx.log.warn(`prog '${ctx.progName}': relo #${ctx.reloIdx}: insn #${ctx.insnIdx} (LDIMM64) is truncated`);
    return -ERRNO.EINVAL;
  }
  if (lo.code !== LDDW_CODE || lo.src !== 0 || lo.off !== 0 || hi.code !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) {
    ctx.log.warn(`prog '${ctx.progName}': relo #${ctx.reloIdx}: insn #${ctx.insnIdx} (LDIMM64) has unexpected form`);
    return -ERRNO.EINVAL;
  }
  if (res.poison) return poisonInsn(insns, at, ctx);
  const imm = BigInt(u32(lo.imm)) | (BigInt(u32(hi.imm)) << 32n);
  if (res.validate && imm !== res.origVal) return unexpected(ctx, 'LDIMM64', imm, res);
  insns[at] = { ...lo, imm: Number(BigInt.asIntN(32, res.newVal)) };
  insns[at + 1] = { ...hi, imm: Number(BigInt.asIntN(32, res.newVal >> 32n)) };
  ctx.log.debug(`prog '${ctx.progName}': relo #${ctx.reloIdx}: patched insn #${ctx.insnIdx} (LDIMM64) imm64 ${imm} -> ${res.newVal}`);
  return 0;
}

/** Which patcher each instruction class uses (code & 7); classes without one cannot carry a CO-RE relocation. */
const PATCHERS: Readonly<Record<number, (insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext) => number>> = {
  0x00: patchLddw, // BPF_LD: only the lddw form
  0x01: patchMem, // BPF_LDX
  0x02: patchMem, // BPF_ST
  0x03: patchMem, // BPF_STX
  0x04: patchAlu, // BPF_ALU
  0x07: patchAlu, // BPF_ALU64
};

/** Applies `res` to the instruction at `at`; 0, or a negative errno after libbpf's warning. */
export function patchInsn(insns: Insn[], at: number, res: CoreReloRes, ctx: PatchContext): number {
  const patch = PATCHERS[insns[at].code & 0x07];
  return patch ? patch(insns, at, res, ctx) : badInsn(insns[at], ctx);
}
