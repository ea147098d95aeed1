// Test support for the program-type rule tables: a compact notation for one
// context access (`r8@4` reads 8 bytes at offset 4, `w4@0` writes 4 bytes,
// `s4@76` is a sign-extending 4-byte read) and the decisions tests expect.
import type { CtxAccess, CtxAccessQuery } from '../../../../src-vm/verifier/progTypes';

export const OK: CtxAccess = { ok: true };
export const NO: CtxAccess = { ok: false };

export function parseAccess(access: string): CtxAccessQuery {
  const m = /^([rws])(\d)@(-?\d+)$/.exec(access);
  if (!m) throw new Error(`bad access notation ${access}`);
  return { size: Number(m[2]), off: Number(m[3]), write: m[1] === 'w', signExtend: m[1] === 's' };
}
