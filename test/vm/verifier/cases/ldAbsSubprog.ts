// BPF_LD_[ABS|IND] in subprograms: the load may end the subprogram with
// r0 = 0 (the hidden exit the kernel rewrites it into), so the caller must
// cope with that return too; and only subprograms whose BTF return type is an
// int may use it (check_btf_func). Each rule both ways. `expect` is what the
// live kernel (6.18, root) says.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

const LDABS_ONE = `
__attribute__((naked, noinline, used)) static int ldabs_one(void) {
  asm volatile("r6 = r1; r0 = *(u8 *)skb[0]; r0 = 1; exit;" ::: "memory");
}`;

export const LD_ABS_SUBPROG_C_CASES: readonly VerifierCCase[] = [
  { name: 'ld_abs_int_subprog', expect: 'accept', source: `
static __noinline int ldabs_int(struct __sk_buff *skb) {
  int v;
  asm volatile("r6 = %[skb]; r0 = *(u8 *)skb[0]; %[v] = r0" : [v] "=r"(v) : [skb] "r"(skb) : "r0", "r6");
  return v;
}
SEC("socket") int ld_abs_int_subprog(struct __sk_buff *skb) { return ldabs_int(skb); }` },
  { name: 'ld_abs_void_subprog', expect: rej(-1, "LD_ABS is only allowed in functions that return 'int'."), source: `
static __noinline void ldabs_void(struct __sk_buff *skb) {
  asm volatile("r6 = %[skb]; r0 = *(u8 *)skb[0]" :: [skb] "r"(skb) : "r0", "r6");
}
SEC("socket") int ld_abs_void_subprog(struct __sk_buff *skb) { ldabs_void(skb); return 0; }` },
  { name: 'ld_abs_early_exit_checked', expect: 'accept', source: `${LDABS_ONE}
SEC("socket") __attribute__((naked)) int ld_abs_early_exit_checked(void) {
  asm volatile("r9 = 0; call ldabs_one; if r0 != 0 goto 1f; r0 = r9; 1: r0 = 0; exit;" ::: "memory");
}` },
  { name: 'ld_abs_early_exit_unchecked', expect: rej(2, 'R9 !read_ok'), source: `${LDABS_ONE}
SEC("socket") __attribute__((naked)) int ld_abs_early_exit_unchecked(void) {
  asm volatile("call ldabs_one; if r0 != 0 goto 1f; r0 = r9; 1: r0 = 0; exit;" ::: "memory");
}` },
];
