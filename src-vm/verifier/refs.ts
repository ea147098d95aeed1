// Acquired references (the kernel's acquire_reference_state, release_reference
// and check_reference_leak): helpers that hand out an object the program must
// give back (a socket from bpf_sk_lookup_tcp, a ring buffer record) record a
// reference; releasing it turns every register and spilled copy that still
// holds it into an unknown scalar (privileged mode, mark_reg_invalid); a
// reference still held at exit, at a tail call or at BPF_LD_[ABS|IND] is a
// leak. Works on state only: never prints, never knows instruction encodings.

import { newId, type VerifyEnv } from './env';
import { reject, type CheckResult } from './errors';
import { type RegState, unknownScalar } from './regState';
import type { VerifierState } from './state';

/** acquire_reference_state: a fresh reference id, remembered with the instruction that acquired it. */
export function acquireReference(env: VerifyEnv, st: VerifierState, pc: number): number {
  const id = newId(env);
  st.refs.push({ id, insnIdx: pc });
  return id;
}

/** Every register and spilled register of every frame, with a way to replace it. */
function forEachReg(st: VerifierState, visit: (r: RegState, replace: (by: RegState) => void) => void): void {
  for (const f of st.frames) {
    f.regs.forEach((r, i) => visit(r, (by) => { f.regs[i] = by; }));
    f.stack.spills.forEach((r, i) => { if (r) visit(r, (by) => { f.stack.spills[i] = by; }); });
  }
}

/**
 * release_reference: drops reference `refObjId`; every register still holding it (the object and the
 * pointers derived from it) becomes an unknown scalar. False when no such reference is held.
 */
export function releaseReference(st: VerifierState, refObjId: number): boolean {
  const k = refObjId ? st.refs.findIndex((r) => r.id === refObjId) : -1;
  if (k < 0) return false;
  st.refs.splice(k, 1);
  forEachReg(st, (r, replace) => { if (r.refObjId === refObjId) replace(unknownScalar()); });
  return true;
}

/** The kernel's lines for references still held, in acquisition order. */
export function unreleasedReferenceLines(st: VerifierState): string[] {
  return st.refs.map((r) => `Unreleased reference id=${r.id} alloc_insn=${r.insnIdx}`);
}

/**
 * check_resource_leak: no reference may be held where the program can end (exit of the main program,
 * a tail call, BPF_LD_[ABS|IND]); `what` names the instruction for the line after the leaks.
 */
export function checkReferenceLeak(st: VerifierState, pc: number, what?: string): CheckResult {
  const lines = unreleasedReferenceLines(st);
  if (lines.length === 0) return undefined;
  if (what) lines.push(`${what} would lead to reference leak`);
  return reject(pc, 'ref-leak', lines[0], ...lines.slice(1));
}
