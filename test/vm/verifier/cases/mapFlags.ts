// What a map's flags let programs do with its values (check_map_access_type):
// BPF_F_RDONLY_PROG refuses stores and helper writes, BPF_F_WRONLY_PROG
// refuses loads and helper reads; the other direction stays allowed. Each rule
// both ways. `expect` is what the live kernel (6.18, root) says.

import type { VerifierCase } from '../verifierCases';
import type { VerifierCCase } from '../verifierCCases';

const rej = (insn: number, message: string): VerifierCase['expect'] => ({ insn, message });

const MAPS = `
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __uint(map_flags, BPF_F_RDONLY_PROG); __type(key, __u32); __type(value, __u64); } ro SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __uint(map_flags, BPF_F_WRONLY_PROG); __type(key, __u32); __type(value, __u64); } wo SEC(".maps");
`;

/** `v` = the value of key 0 in `map`, or return 0; then `body`. */
const withValue = (name: string, map: string, body: string): string => `${MAPS}
SEC("tc") int ${name}(struct __sk_buff *skb) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&${map}, &key);
  if (!v) return 0;
  ${body}
}`;

export const MAP_FLAG_C_CASES: readonly VerifierCCase[] = [
  { name: 'rdonly_prog_load', expect: 'accept', source: withValue('rdonly_prog_load', 'ro', 'return *v & 1;') },
  { name: 'rdonly_prog_store', expect: rej(9, 'write into map forbidden, value_size=8 off=0 size=8'),
    source: withValue('rdonly_prog_store', 'ro', '*(volatile __u64 *)v = 42; return 0;') },
  { name: 'rdonly_prog_helper_write', expect: rej(13, 'write into map forbidden, value_size=8 off=0 size=8'),
    source: withValue('rdonly_prog_helper_write', 'ro', 'return bpf_skb_load_bytes(skb, 0, v, 8);') },
  { name: 'wronly_prog_store', expect: 'accept', source: withValue('wronly_prog_store', 'wo', '*(volatile __u64 *)v = 42; return 0;') },
  { name: 'wronly_prog_load', expect: rej(8, 'read from map forbidden, value_size=8 off=0 size=8'),
    source: withValue('wronly_prog_load', 'wo', 'return *v & 1;') },
  { name: 'wronly_prog_helper_read', expect: rej(14, 'read from map forbidden, value_size=8 off=0 size=8'),
    source: withValue('wronly_prog_helper_read', 'wo', 'return bpf_skb_store_bytes(skb, 0, v, 8, 0);') },
];
