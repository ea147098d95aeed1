// The CO-RE relocation kinds clang records in .BTF.ext (enum
// bpf_core_relo_kind), with libbpf's short names and what each is based on:
// a field access path, a type, or an enumerator. Data only; imports nothing.

export type CoreReloBasis = 'field' | 'type' | 'enumval';

export type CoreReloKindName =
  | 'byte_off' | 'byte_sz' | 'field_exists' | 'signed' | 'lshift_u64' | 'rshift_u64'
  | 'local_type_id' | 'target_type_id' | 'type_exists' | 'type_size'
  | 'enumval_exists' | 'enumval_value' | 'type_matches';

export interface CoreReloKind {
  /** The number in the record. */
  kind: number;
  /** The uapi enumerator without its BPF_CORE_ prefix. */
  id: string;
  /** libbpf's name, as its log prints it between angle brackets. */
  name: CoreReloKindName;
  basis: CoreReloBasis;
}

/** Index = kind number. */
export const CORE_RELO_KINDS: readonly CoreReloKind[] = [
  { kind: 0, id: 'FIELD_BYTE_OFFSET', name: 'byte_off', basis: 'field' },
  { kind: 1, id: 'FIELD_BYTE_SIZE', name: 'byte_sz', basis: 'field' },
  { kind: 2, id: 'FIELD_EXISTS', name: 'field_exists', basis: 'field' },
  { kind: 3, id: 'FIELD_SIGNED', name: 'signed', basis: 'field' },
  { kind: 4, id: 'FIELD_LSHIFT_U64', name: 'lshift_u64', basis: 'field' },
  { kind: 5, id: 'FIELD_RSHIFT_U64', name: 'rshift_u64', basis: 'field' },
  { kind: 6, id: 'TYPE_ID_LOCAL', name: 'local_type_id', basis: 'type' },
  { kind: 7, id: 'TYPE_ID_TARGET', name: 'target_type_id', basis: 'type' },
  { kind: 8, id: 'TYPE_EXISTS', name: 'type_exists', basis: 'type' },
  { kind: 9, id: 'TYPE_SIZE', name: 'type_size', basis: 'type' },
  { kind: 10, id: 'ENUMVAL_EXISTS', name: 'enumval_exists', basis: 'enumval' },
  { kind: 11, id: 'ENUMVAL_VALUE', name: 'enumval_value', basis: 'enumval' },
  { kind: 12, id: 'TYPE_MATCHES', name: 'type_matches', basis: 'type' },
];
