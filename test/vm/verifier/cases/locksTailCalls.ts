// C cases (maps with BTF) for bpf_spin_lock and tail calls: taking and giving
// back a map value's lock, the lock field's offset, what may not happen while
// it is held (helper calls, exit, LD_ABS), special fields out of reach of
// loads, stores and helpers; tail calls through a prog_array, references held
// at a tail call, the stack a tail call from a subprogram may sit on, and the
// static call chain's depth and stack (private stacks of tracing programs).
// Each rule both ways; `expect` is what the live kernel (Linux 6.18, root)
// said when the case was loaded with bpftool.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

/** Maps for these cases (after the common prelude): a value with a lock, one with a timer, two lock values by key, a prog_array. */
const MAPS = `
struct locked { __u64 n; struct bpf_spin_lock lock; __u32 pad; };
struct timed { __u64 n; struct bpf_timer t; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct locked); } lockarr SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, struct locked); } lockhash SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct timed); } timearr SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } jmp_table SEC(".maps");
#define NAKED __attribute__((naked))
#define LOOKUP(map) "r1 = 0; *(u32 *)(r10 - 4) = r1; r2 = r10; r2 += -4; r1 = %[" #map "] ll; call %[lookup];"
`;

/** A naked program of section `sec` whose body is `asm` (operands: lockarr, lockhash, timearr, jmp_table, hmap and helpers). */
const naked = (name: string, sec: string, asm: string, expect: VerifierCase['expect'], extra = ''): VerifierCCase => ({
  name, expect, source: `${MAPS}${extra}
SEC("${sec}") NAKED int ${name}(void) {
  asm volatile ("${asm}" :: [lockarr]"i"(&lockarr), [lockhash]"i"(&lockhash), [timearr]"i"(&timearr),
    [jmp_table]"i"(&jmp_table), [hmap]"i"(&hmap), [lookup]"i"(bpf_map_lookup_elem), [update]"i"(bpf_map_update_elem),
    [lock]"i"(bpf_spin_lock), [unlock]"i"(bpf_spin_unlock), [prandom]"i"(bpf_get_prandom_u32),
    [tail_call]"i"(bpf_tail_call), [reserve]"i"(bpf_ringbuf_reserve), [discard]"i"(bpf_ringbuf_discard), [rb]"i"(&rb) : "memory");
}` });

const VALUE = 'if r0 == 0 goto l9_%=; r6 = r0;';
const LOCK = 'r1 = r6; r1 += 8; call %[lock];';
const UNLOCK = 'r1 = r6; r1 += 8; call %[unlock];';

const SPIN_LOCK: VerifierCCase[] = [
  { name: 'lock_counter', expect: 'accept', source: `${MAPS}
SEC("tc") int lock_counter(struct __sk_buff *skb) {
  __u32 key = 0;
  struct locked *v = bpf_map_lookup_elem(&lockhash, &key);
  if (!v) return 0;
  bpf_spin_lock(&v->lock);
  v->n++;
  bpf_spin_unlock(&v->lock);
  return 0;
}` },
  naked('lock_read_field', 'tc', `" LOOKUP(lockarr) "${VALUE}${LOCK} r0 = *(u32 *)(r6 + 8); ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(12, 'bpf_spin_lock cannot be accessed directly by load/store')),
  naked('lock_read_past_field', 'tc', `" LOOKUP(lockarr) "${VALUE}${LOCK} r0 = *(u32 *)(r6 + 12); ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, 'accept'),
  naked('lock_write_field', 'tc', `" LOOKUP(lockarr) "${VALUE} r1 = 0; *(u64 *)(r6 + 8) = r1; r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(10, 'bpf_spin_lock cannot be accessed directly by load/store')),
  naked('lock_var_offset', 'tc', `" LOOKUP(lockarr) "${VALUE} call %[prandom]; r0 &= 8; r1 = r6; r1 += r0; call %[lock]; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(13, "R1 doesn't have constant offset. bpf_spin_lock has to be at the constant offset")),
  naked('lock_wrong_offset', 'tc', `" LOOKUP(lockarr) "${VALUE} r1 = r6; call %[lock]; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(10, "off 0 doesn't point to 'struct bpf_spin_lock' that is at 8")),
  naked('lock_map_without_lock', 'tc', `" LOOKUP(hmap) "${VALUE} r1 = r6; call %[lock]; r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(10, "map 'hmap' has no valid bpf_spin_lock")),
  naked('lock_maybe_null', 'tc', `" LOOKUP(lockhash) "r1 = r0; r1 += 8; call %[lock]; r0 = 0; exit;`, rej(8, 'R1 pointer arithmetic on map_value_or_null prohibited, null-check it first')),
  naked('lock_helper_under_lock', 'tc', `" LOOKUP(lockarr) "${VALUE}${LOCK} call %[prandom]; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(12, 'function calls are not allowed while holding a lock')),
  naked('lock_exit_held', 'tc', `" LOOKUP(lockarr) "${VALUE}${LOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(13, 'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region')),
  naked('lock_unlock_without_lock', 'tc', `" LOOKUP(lockarr) "${VALUE}${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(11, 'bpf_spin_unlock without taking a lock')),
  naked('lock_unlock_other_value', 'tc',
    `" LOOKUP(lockhash) "${VALUE} r2 = r10; r2 += -4; r1 = %[lockhash] ll; call %[lookup]; if r0 == 0 goto l9_%=; r7 = r0; ${LOCK} r1 = r7; r1 += 8; call %[unlock]; r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(21, 'bpf_spin_unlock of different lock')),
  naked('lock_ld_abs_held', 'tc', `r9 = r1; " LOOKUP(lockarr) "${VALUE}${LOCK} r6 = r9; r0 = *(u8 *)skb[0]; r6 = r7; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(14, 'BPF_LD_[ABS|IND] cannot be used inside bpf_spin_lock-ed region')),
  naked('lock_ld_abs_after_unlock', 'tc', `r9 = r1; " LOOKUP(lockarr) "${VALUE}${LOCK}${UNLOCK} r6 = r9; r0 = *(u8 *)skb[0]; r0 = 0; exit; l9_%=: r0 = 0; exit;`, 'accept'),
  naked('lock_update_from_value', 'tc', `" LOOKUP(lockarr) "${VALUE} r3 = r6; r2 = r10; r2 += -4; r1 = %[lockhash] ll; r4 = 0; call %[update]; r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(15, 'bpf_spin_lock cannot be accessed directly by load/store')),
  naked('timer_read_field', 'tc', `" LOOKUP(timearr) "${VALUE} r0 = *(u64 *)(r6 + 16); r0 = 0; exit; l9_%=: r0 = 0; exit;`, rej(9, 'bpf_timer cannot be accessed directly by load/store')),
  naked('lock_held_over_subprog', 'tc', `" LOOKUP(lockarr) "${VALUE}${LOCK} call lock_sub; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, 'accept',
    'static __attribute__((noinline, used)) NAKED void lock_sub(void) { asm volatile ("r0 = 0; exit;"); }'),
  naked('lock_taken_in_subprog', 'tc', `" LOOKUP(lockarr) "${VALUE} r1 = r6; r1 += 8; call lock_taker; ${UNLOCK} r0 = 0; exit; l9_%=: r0 = 0; exit;`, 'accept',
    'static __attribute__((noinline, used)) NAKED void lock_taker(void) { asm volatile ("call %[lock]; r0 = 0; exit;" :: [lock]"i"(bpf_spin_lock)); }'),
];

const TAIL_CALLS: VerifierCCase[] = [
  naked('tail_call_ok', 'tc', 'r2 = %[jmp_table] ll; r3 = 1; call %[tail_call]; r0 = 0; exit;', 'accept'),
  naked('prog_array_lookup', 'tc', '" LOOKUP(jmp_table) "r0 = 0; exit;', rej(6, 'cannot pass map_type 3 into func bpf_map_lookup_elem#1')),
  naked('tail_call_ref_held', 'tc',
    'r6 = r1; r1 = %[rb] ll; r2 = 8; r3 = 0; call %[reserve]; r7 = r0; r1 = r6; r2 = %[jmp_table] ll; r3 = 1; call %[tail_call]; if r7 == 0 goto l1_%=; r1 = r7; r2 = 0; call %[discard]; l1_%=: r0 = 0; exit;', rej(11, 'Unreleased reference id=2 alloc_insn=5')),
  naked('tail_call_in_subprog_ref_held', 'tc',
    'r6 = r1; r1 = %[rb] ll; r2 = 8; r3 = 0; call %[reserve]; r7 = r0; r1 = r6; call tc_sub; if r7 == 0 goto l1_%=; r1 = r7; r2 = 0; call %[discard]; l1_%=: r0 = 0; exit;', 'accept',
    'static __attribute__((noinline, used)) NAKED int tc_sub(void) { asm volatile ("r2 = %[t] ll; r3 = 1; call %[tc]; r0 = 0; exit;" :: [t]"i"(&jmp_table), [tc]"i"(bpf_tail_call)); }'),
  naked('tail_call_deep_stack', 'tc', 'r2 = 0; *(u64 *)(r10 - 256) = r2; call tc_sub2; r0 = 0; exit;', rej(-1, 'tail_calls are not allowed when call stack of previous frames is 256 bytes. Too large'),
    'static __attribute__((noinline, used)) NAKED int tc_sub2(void) { asm volatile ("r2 = %[t] ll; r3 = 1; call %[tc]; r0 = 0; exit;" :: [t]"i"(&jmp_table), [tc]"i"(bpf_tail_call)); }'),
  naked('tail_call_stack_under_256', 'tc', 'r2 = 0; *(u64 *)(r10 - 240) = r2; call tc_sub3; r0 = 0; exit;', 'accept',
    'static __attribute__((noinline, used)) NAKED int tc_sub3(void) { asm volatile ("r2 = %[t] ll; r3 = 1; call %[tc]; r0 = 0; exit;" :: [t]"i"(&jmp_table), [tc]"i"(bpf_tail_call)); }'),
  naked('static_recursion_bounded', 'tc', 'r1 = 0; call rec_sub; exit;', rej(-1, 'the call stack of 8 frames is too deep !'),
    'static __attribute__((noinline, used)) NAKED void rec_sub(void) { asm volatile ("r1 += 1; r0 = r1; if r1 < 4 goto rec_l1; exit; rec_l1: call rec_sub; exit;"); }'),
  naked('rawtp_private_stack', 'raw_tp/sys_enter', 'r1 = 42; *(u64 *)(r10 - 512) = r1; call ps_sub; r0 = 0; exit;', 'accept',
    'static __attribute__((noinline, used)) NAKED void ps_sub(void) { asm volatile ("r1 = 0; *(u64 *)(r10 - 8) = r1; r0 = 0; exit;"); }'),
  naked('tc_combined_stack', 'tc', 'r1 = 42; *(u64 *)(r10 - 512) = r1; call cs_sub; r0 = 0; exit;', rej(-1, 'combined stack size of 2 calls is 528. Too large'),
    'static __attribute__((noinline, used)) NAKED void cs_sub(void) { asm volatile ("r1 = 0; *(u64 *)(r10 - 8) = r1; r0 = 0; exit;"); }'),
  naked('tc_subprog_no_stack', 'tc', 'r1 = 42; *(u64 *)(r10 - 512) = r1; call ns_sub; r0 = 0; exit;', 'accept',
    'static __attribute__((noinline, used)) NAKED void ns_sub(void) { asm volatile ("r0 = 0; exit;"); }'),
];

export const LOCK_TAILCALL_C_CASES: readonly VerifierCCase[] = [...SPIN_LOCK, ...TAIL_CALLS];
