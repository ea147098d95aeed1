// check_btf_func's rules on subprograms that a program's BTF func_info
// describes: a subprogram (not the entry) whose BTF return type is no small
// int or enum may not use BPF_LD_[ABS|IND] or bpf_tail_call, since both may
// end the program with a return value of their own. Runs before exploration,
// as the kernel checks BTF before walking the program; the message names no
// instruction.

import type { Insn } from '../../isa/insn';
import { reject, type CheckResult } from '../errors';
import type { SubprogSignature } from './globalFunc';

const TAIL_CALL = 12;

function isLdAbsOrInd(i: Insn): boolean {
  return (i.code & 0x07) === 0x00 && ((i.code & 0xe0) === 0x20 || (i.code & 0xe0) === 0x40);
}

function isTailCallInsn(i: Insn): boolean {
  return i.code === 0x85 && i.src === 0 && i.imm === TAIL_CALL;
}

export function checkBtfFuncReturns(insns: readonly Insn[], subprogs: readonly SubprogSignature[] | undefined): CheckResult {
  if (!subprogs) return undefined;
  const starts = [...subprogs].sort((a, b) => a.start - b.start);
  for (let k = 0; k < starts.length; k++) {
    const sig = starts[k];
    if (sig.start === 0 || sig.scalarReturn !== false) continue;
    const body = insns.slice(sig.start, starts[k + 1]?.start ?? insns.length);
    if (body.some(isLdAbsOrInd)) return reject(-1, 'btf-func', "LD_ABS is only allowed in functions that return 'int'.");
    if (body.some(isTailCallInsn)) return reject(-1, 'btf-func', "tail_call is only allowed in functions that return 'int'.");
  }
  return undefined;
}
