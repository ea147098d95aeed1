// Control constructs, each rule both ways: may_goto (the kernel's bounded
// "may jump" with its depth-counting convergence), callbacks of
// callback-calling helpers (bpf_loop, bpf_for_each_map_elem), bpf_spin_lock
// regions and tail calls through a prog_array. `expect` is what the live
// kernel (6.18, root) says, recorded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });
const RET0 = ['r0 = 0', 'exit'];
const SOCK = 'socket_filter';

const MAY_GOTO: VerifierCase[] = [
  { name: 'may_goto_forward', type: SOCK, asm: ['r0 = 1', 'may_goto +1', 'r0 = 0', 'exit'], expect: 'accept' },
  { name: 'may_goto_ja_loop', type: SOCK, asm: ['may_goto +1', 'goto -2', ...RET0], expect: 'accept' },
  { name: 'may_goto_self', type: SOCK, asm: ['r0 = 5', 'may_goto -1', ...RET0], expect: rej(1, 'infinite loop detected at insn 1') },
  { name: 'may_goto_off_zero', type: SOCK, asm: ['may_goto +0', ...RET0], expect: 'accept' },
  { name: 'may_goto_counter_loop', type: SOCK, asm: ['r6 = 0', 'may_goto +2', 'r6 += 1', 'goto -3', ...RET0], expect: 'accept' },
  { name: 'may_goto_uninit_in_body', type: SOCK, asm: ['may_goto +2', 'r0 = r2', 'goto -3', ...RET0], expect: rej(1, 'R2 !read_ok') },
  { name: 'may_goto_exit_uninit', type: SOCK, asm: ['may_goto +1', 'goto -2', 'exit'], expect: rej(2, 'R0 !read_ok') },
  { name: 'may_goto_loop_jgt', type: SOCK, asm: ['r0 = 20', 'may_goto -1', 'if r0 > 10 goto -2', ...RET0], expect: rej(1, 'infinite loop detected at insn 1') },
  // The index keeps its bounds across iterations (the kernel marks it precise): 0..7 stays inside the 8 bytes.
  { name: 'may_goto_stack_index', type: SOCK, asm: ['r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r6 = 0', 'may_goto +6', 'r2 = r10', 'r2 += -8', 'r2 += r6',
    'r0 = *(u8 *)(r2 + 0)', 'r6 += 1', 'if r6 < 8 goto -7', ...RET0], expect: 'accept' },
  { name: 'may_goto_stack_index_past_end', type: SOCK, asm: ['r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r6 = 0', 'may_goto +6', 'r2 = r10', 'r2 += -8', 'r2 += r6',
    'r0 = *(u8 *)(r2 + 0)', 'r6 += 1', 'if r6 < 9 goto -7', ...RET0], expect: rej(7, 'invalid read from stack R2 off=0 size=1') },
];

export const CONTROL_CASES: readonly VerifierCase[] = [...MAY_GOTO];

export const CONTROL_C_CASES: readonly VerifierCCase[] = [];
