// bpf_spin_lock as the kernel's verifier tracks it: taking and giving back the
// lock of a map value (process_spin_lock: the lock field at a constant offset
// of a value whose BTF has one, one lock at a time, unlock of the same value),
// what may not happen while it is held (helper and kfunc calls other than
// bpf_spin_unlock, the main program's exit, BPF_LD_[ABS|IND], tail calls:
// check_resource_leak's lock part), the special fields of a map value that
// loads, stores and helpers may not touch (check_map_access), and which map
// value pointers keep their id after a NULL check. Works on state only.

import type { Insn } from '../../isa/insn';
import { reject, type CheckResult } from '../errors';
import type { MapValueFieldKind } from '../mapValueFields';
import { checkReferenceLeak } from '../refs';
import { constOffset, hasConstOffset, type RegState } from '../regState';
import type { VerifierState } from '../state';
import { toBigSigned } from '../word64';

const BPF_FUNC_SPIN_UNLOCK = 94;

/** btf_field_type_name and the field's size, per special field kind. */
const FIELD_INFO: Readonly<Record<MapValueFieldKind, { name: string; size: number }>> = {
  spin_lock: { name: 'bpf_spin_lock', size: 4 },
  timer: { name: 'bpf_timer', size: 16 },
  wq: { name: 'bpf_wq', size: 16 },
  list_head: { name: 'bpf_list_head', size: 16 },
  rb_root: { name: 'bpf_rb_root', size: 16 },
};

/** The offset of the map value's bpf_spin_lock, if its BTF has one. */
function spinLockOffset(reg: RegState): number | undefined {
  return reg.map?.valueFields?.find((f) => f.kind === 'spin_lock')?.offset;
}

/** reg_may_point_to_spin_lock: a map value pointer whose value holds a lock keeps its id after a NULL check. */
export function mayPointToSpinLock(reg: RegState): boolean {
  return reg.type === 'map_value' && spinLockOffset(reg) !== undefined;
}

/** do_check's rule for a call insn while a lock is held: only bpf_spin_unlock and bpf-to-bpf calls. */
export function checkCallUnderLock(st: VerifierState, pc: number, i: Insn): CheckResult {
  if (!st.lock) return undefined;
  const helper = i.src === 0 && i.imm !== BPF_FUNC_SPIN_UNLOCK;
  if (!helper && i.src !== 2) return undefined; // BPF_PSEUDO_CALL (1) is allowed; kfuncs (2) are not modelled as lock-safe
  return reject(pc, 'spin-lock', 'function calls are not allowed while holding a lock');
}

/** check_resource_leak's lock part: `prefix` (the instruction) cannot be used while a lock is held. */
export function checkLockHeld(st: VerifierState, pc: number, prefix: string): CheckResult {
  if (!st.lock) return undefined;
  return reject(pc, 'spin-lock', `${prefix} cannot be used inside bpf_spin_lock-ed region`);
}

/** process_spin_lock for ARG_PTR_TO_SPIN_LOCK (R1 of bpf_spin_lock / bpf_spin_unlock), a map value pointer. */
export function processSpinLock(st: VerifierState, pc: number, regno: number, isLock: boolean): CheckResult {
  const reg = st.cur.regs[regno];
  if (!hasConstOffset(reg)) {
    return reject(pc, 'spin-lock', `R${regno} doesn't have constant offset. bpf_spin_lock has to be at the constant offset`);
  }
  const name = reg.map?.name ?? '';
  const lockOff = spinLockOffset(reg);
  if (lockOff === undefined) return reject(pc, 'spin-lock', `map '${name}' has no valid bpf_spin_lock`);
  const at = constOffset(reg) + reg.off;
  if (at !== lockOff) {
    return reject(pc, 'spin-lock', `off ${at} doesn't point to 'struct bpf_spin_lock' that is at ${lockOff}`);
  }
  if (isLock) {
    if (st.lock) return reject(pc, 'spin-lock', 'Locking two bpf_spin_locks are not allowed');
    st.lock = { map: reg.map, id: reg.id };
    return undefined;
  }
  if (!st.lock) return reject(pc, 'spin-lock', 'bpf_spin_unlock without taking a lock');
  if (st.lock.map !== reg.map || st.lock.id !== reg.id) return reject(pc, 'spin-lock', 'bpf_spin_unlock of different lock');
  st.lock = undefined;
  return undefined;
}

/**
 * check_map_access's field test: no byte of a special field (lock, timer, …) of the value may be
 * touched by a load, store or helper; `off` is the fixed offset (register's and insn's), `size` the access.
 */
export function checkSpecialFields(pc: number, reg: RegState, off: number, size: number): CheckResult {
  const fields = reg.map?.valueFields;
  if (!fields || fields.length === 0) return undefined;
  const smin = Number(toBigSigned(reg.s.sminHi, reg.s.sminLo));
  const umax = reg.s.umaxHi * 2 ** 32 + reg.s.umaxLo;
  for (const f of fields) {
    const info = FIELD_INFO[f.kind];
    if (smin + off < f.offset + info.size && f.offset < umax + off + size) {
      return reject(pc, 'map-field', `${info.name} cannot be accessed directly by load/store`);
    }
  }
  return undefined;
}

/**
 * check_resource_leak with its lock test (tail calls, BPF_LD_[ABS|IND]): no lock held, then no reference
 * held, where references count only in the main program's frame (a subprogram's caller still owns them).
 */
export function checkResourceLeak(st: VerifierState, pc: number, prefix: string): CheckResult {
  return checkLockHeld(st, pc, prefix) ?? (st.frames.length === 1 ? checkReferenceLeak(st, pc, prefix) : undefined);
}
