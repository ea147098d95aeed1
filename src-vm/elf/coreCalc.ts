// libbpf's bpf_core_calc_relo: from the local spec and the matched target
// spec (none when nothing matched), the value the instruction holds now and
// the one it must hold — field byte offset, byte size, existence,
// signedness, the shifts that extract a bitfield, type ids, existence and
// size, enumerator existence and value — plus whether the old value is
// checked, whether the instruction is poisoned, and the load size change
// an offset relocation implies. Pure; no I/O.

import type { Btf, BtfType } from './btf';
import { BTF_INT_SIGNED } from './btf';
import { CORE_RELO_KINDS, type CoreReloKindName } from './btfCoreKinds';
import type { CoreSpec } from './btfCoreSpec';
import { ERRNO, u64, type CoreLog } from './coreLog';

/** libbpf's bpf_core_relo_res. */
export interface CoreReloRes {
  /** The value the compiler put in the instruction (from the local spec). */
  origVal: bigint;
  /** The value for the target. */
  newVal: bigint;
  /** Replace the instruction with the invalid call instead of patching it. */
  poison: boolean;
  /** Check that the instruction holds `origVal` before patching. */
  validate: boolean;
  /** The load/store size cannot be changed safely (only matters for memory instructions). */
  failMemszAdjust: boolean;
  /** Field sizes for load/store size adjustment (0 when not an offset relocation of a plain field). */
  origSize: number;
  newSize: number;
  origTypeId: number;
  newTypeId: number;
}

/** What the messages name: the program, relocation number, kind and the record's section instruction. */
export interface CalcContext {
  progName: string;
  reloIdx: number;
  kind: number;
  /** The record's instruction index in its section (libbpf's insn_off / 8). */
  sectionInsnIdx: number;
  log: CoreLog;
}

/** One side's result (local or target). */
interface Side {
  val: bigint;
  size: number;
  typeId: number;
  /** Set only when computing the local side. */
  validate?: boolean;
}

const EINVAL = -ERRNO.EINVAL;
const EUCLEAN = -ERRNO.EUCLEAN;
const EOPNOTSUPP = -ERRNO.EOPNOTSUPP;

function kindName(kind: number): CoreReloKindName | 'unknown' {
  return CORE_RELO_KINDS[kind]?.name ?? 'unknown';
}

/** BYTE_OFFSET / BYTE_SIZE of an array element or of the root (the last accessor is an index). */
function indexFieldRelo(ctx: CalcContext, btf: Btf, spec: CoreSpec, side: Side): number {
  const acc = spec.accessors[spec.accessors.length - 1];
  const name = kindName(ctx.kind);
  if (name !== 'byte_off' && name !== 'byte_sz') {
    ctx.log.warn(`prog '${ctx.progName}': relo ${ctx.kind} at insn #${ctx.sectionInsnIdx} can't be applied to array access`);
    return EINVAL;
  }
  const size = btf.sizeOf(acc.typeId);
  if (size === undefined) return EINVAL;
  if (name === 'byte_off') {
    side.val = BigInt(Math.floor(spec.bitOffset / 8));
    side.size = size;
    side.typeId = acc.typeId;
  } else {
    side.val = BigInt(size);
  }
  if (side.validate !== undefined) side.validate = true;
  return 0;
}

/** The smallest aligned load (up to 8 bytes) that covers a bitfield, or undefined when none does. */
function bitfieldLoad(bitOff: number, bitSize: number, baseSize: number): { byteOff: number; byteSize: number } | undefined {
  let byteSize = baseSize;
  let byteOff = Math.floor(Math.floor(bitOff / 8) / byteSize) * byteSize;
  while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
    if (byteSize >= 8) return undefined;
    byteSize *= 2;
    byteOff = Math.floor(Math.floor(bitOff / 8) / byteSize) * byteSize;
  }
  return { byteOff, byteSize };
}

function isSigned(t: BtfType): boolean {
  return ((t.kind === 'ENUM' || t.kind === 'ENUM64') && t.signed) || (t.kind === 'INT' && (t.encoding & BTF_INT_SIGNED) !== 0);
}

/** Where a named field lies and how it is loaded: libbpf's bit/byte offset and size, bitfield or not. */
interface FieldGeometry {
  /** The field's type, modifiers skipped. */
  type: BtfType;
  bitfield: boolean;
  bitOff: number;
  bitSize: number;
  byteOff: number;
  byteSize: number;
}

/** The geometry of the field the spec's last (named) accessor reaches; a negative errno when there is none. */
function fieldGeometry(ctx: CalcContext, btf: Btf, spec: CoreSpec): FieldGeometry | number {
  const acc = spec.accessors[spec.accessors.length - 1];
  const parent = btf.typeById(acc.typeId);
  const member = parent?.kind === 'STRUCT' || parent?.kind === 'UNION' ? parent.members[acc.idx] : undefined;
  const type = member && btf.resolveModifiers(member.type);
  if (!member || !type) return EINVAL;
  const bitOff = spec.bitOffset;
  if (member.bitfieldSize > 0) {
    const base = 'size' in type ? type.size : 0;
    if (base === 0) return EINVAL;
    const load = bitfieldLoad(bitOff, member.bitfieldSize, base);
    if (!load) {
      ctx.log.warn(`prog '${ctx.progName}': relo ${ctx.kind} at insn #${ctx.sectionInsnIdx} can't be satisfied for bitfield`);
      return -ERRNO.E2BIG;
    }
    return { type, bitfield: true, bitOff, bitSize: member.bitfieldSize, ...load };
  }
  const size = btf.sizeOf(type.id);
  if (size === undefined) return EINVAL;
  return { type, bitfield: false, bitOff, bitSize: size * 8, byteOff: Math.floor(bitOff / 8), byteSize: size };
}

/** libbpf's bpf_core_calc_field_relo for one side; 0, or a negative errno (EUCLEAN asks for poisoning). */
function fieldRelo(ctx: CalcContext, btf: Btf, spec: CoreSpec | undefined, side: Side, littleEndian: boolean): number {
  const name = kindName(ctx.kind);
  if (name === 'field_exists') {
    side.val = spec ? 1n : 0n;
    return 0;
  }
  if (!spec) return EUCLEAN;
  if (spec.accessors[spec.accessors.length - 1].name === undefined) return indexFieldRelo(ctx, btf, spec, side);
  const g = fieldGeometry(ctx, btf, spec);
  if (typeof g === 'number') return g;
  if (side.validate !== undefined) side.validate = !g.bitfield;
  switch (name) {
    case 'byte_off':
      side.val = BigInt(g.byteOff);
      if (!g.bitfield) {
        side.size = g.byteSize;
        side.typeId = g.type.id;
      }
      return 0;
    case 'byte_sz':
      side.val = BigInt(g.byteSize);
      return 0;
    case 'signed':
      side.val = isSigned(g.type) ? 1n : 0n;
      if (side.validate !== undefined) side.validate = true;
      return 0;
    case 'lshift_u64':
      side.val = BigInt(littleEndian ? 64 - (g.bitOff + g.bitSize - g.byteOff * 8) : (8 - g.byteSize) * 8 + (g.bitOff - g.byteOff * 8));
      return 0;
    case 'rshift_u64':
      side.val = BigInt(64 - g.bitSize);
      if (side.validate !== undefined) side.validate = true;
      return 0;
    default:
      return EOPNOTSUPP;
  }
}

/** libbpf's bpf_core_calc_type_relo; TYPE_ID_LOCAL never gets here. */
function typeRelo(ctx: CalcContext, btf: Btf, spec: CoreSpec | undefined, side: Side): number {
  if (side.validate !== undefined) side.validate = true;
  if (!spec) {
    side.val = 0n;
    return 0;
  }
  switch (kindName(ctx.kind)) {
    case 'target_type_id':
      side.val = BigInt(spec.rootTypeId);
      if (side.validate !== undefined) side.validate = false;
      return 0;
    case 'type_exists': case 'type_matches':
      side.val = 1n;
      return 0;
    case 'type_size': {
      const size = btf.sizeOf(spec.rootTypeId);
      if (size === undefined) return EINVAL;
      side.val = BigInt(size);
      return 0;
    }
    default:
      return EOPNOTSUPP;
  }
}

/**
 * An enumerator's value as libbpf reads it into a __u64: a 32-bit enum's
 * value is an __s32 (sign-extended), an enum64's the two halves.
 */
function enumeratorValue(t: BtfType | undefined, idx: number): bigint | undefined {
  if (t?.kind === 'ENUM') return t.values[idx] && u64(t.values[idx].value | 0);
  if (t?.kind === 'ENUM64') return t.values[idx] && u64(t.values[idx].value);
  return undefined;
}

function enumvalRelo(ctx: CalcContext, btf: Btf, spec: CoreSpec | undefined, side: Side): number {
  switch (kindName(ctx.kind)) {
    case 'enumval_exists':
      side.val = spec ? 1n : 0n;
      return 0;
    case 'enumval_value': {
      if (!spec) return EUCLEAN;
      const value = enumeratorValue(btf.typeById(spec.accessors[0].typeId), spec.accessors[0].idx);
      if (value === undefined) return EINVAL;
      side.val = value;
      return 0;
    }
    default:
      return EOPNOTSUPP;
  }
}

/** Reading a narrower or wider field than compiled is safe only for pointers and unsigned integers. */
function memszAdjustFails(localBtf: Btf, targetBtf: Btf, res: CoreReloRes): boolean {
  if (res.origSize === res.newSize) return false;
  const a = localBtf.typeById(res.origTypeId);
  const b = targetBtf.typeById(res.newTypeId);
  if (a?.kind === 'PTR' && b?.kind === 'PTR') return false;
  const unsignedInt = (t: BtfType | undefined) => t?.kind === 'INT' && t.encoding !== BTF_INT_SIGNED;
  return !(unsignedInt(a) && unsignedInt(b));
}

export interface CalcInputs {
  localBtf: Btf;
  local: CoreSpec;
  targetBtf: Btf;
  /** The matched target spec; undefined when no candidate matched. */
  target: CoreSpec | undefined;
}

/**
 * libbpf's bpf_core_calc_relo: the relocation's result for one candidate
 * (or for none); a negative errno when it cannot be computed.
 */
export function calcRelo(ctx: CalcContext, inputs: CalcInputs): CoreReloRes | number {
  const res: CoreReloRes = {
    origVal: 0n, newVal: 0n, poison: false, validate: true, failMemszAdjust: false, origSize: 0, newSize: 0, origTypeId: 0, newTypeId: 0,
  };
  const orig: Side = { val: 0n, size: 0, typeId: 0, validate: true };
  const next: Side = { val: 0n, size: 0, typeId: 0 };
  const basis = CORE_RELO_KINDS[ctx.kind]?.basis;
  const le = inputs.targetBtf.littleEndian;
  let err = EOPNOTSUPP;
  if (basis === 'field') {
    err = fieldRelo(ctx, inputs.localBtf, inputs.local, orig, le) || fieldRelo(ctx, inputs.targetBtf, inputs.target, next, le);
  } else if (basis === 'type') {
    err = typeRelo(ctx, inputs.localBtf, inputs.local, orig) || typeRelo(ctx, inputs.targetBtf, inputs.target, next);
  } else if (basis === 'enumval') {
    err = enumvalRelo(ctx, inputs.localBtf, inputs.local, orig) || enumvalRelo(ctx, inputs.targetBtf, inputs.target, next);
  }
  Object.assign(res, {
    origVal: orig.val, newVal: next.val, validate: orig.validate ?? true,
    origSize: orig.size, newSize: next.size, origTypeId: orig.typeId, newTypeId: next.typeId,
  });
  if (err === 0 && basis === 'field') res.failMemszAdjust = memszAdjustFails(inputs.localBtf, inputs.targetBtf, res);
  if (err === EUCLEAN) {
    res.poison = true;
    return res;
  }
  if (err === EOPNOTSUPP) {
    ctx.log.warn(`prog '${ctx.progName}': relo #${ctx.reloIdx}: unrecognized CO-RE relocation ${kindName(ctx.kind)} (${ctx.kind}) at insn #${ctx.sectionInsnIdx}`);
  }
  return err === 0 ? res : err;
}
