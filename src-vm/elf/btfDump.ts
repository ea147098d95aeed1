// The raw BTF dump, line for line as `bpftool btf dump file X` prints it
// (the default raw format): `[1] INT 'int' size=4 bits_offset=0 nr_bits=32
// encoding=SIGNED`, with members, parameters, enumerators and variables on
// tab-indented lines below their type. Pure; reads a parsed Btf.

import type { Btf } from './btf';
import { BTF_LINKAGE_NAMES, type BtfType } from './btfTypes';

const INT_ENCODINGS: Readonly<Record<number, string>> = { 0: '(none)', 1: 'SIGNED', 2: 'CHAR', 4: 'BOOL' };

/** bpftool's name column: `(anon)` for offset 0, `(invalid)` for an unreadable offset. */
function quoted(btf: Btf, nameOff: number, name: string): string {
  if (nameOff === 0) return "'(anon)'";
  return `'${name === '' && btf.strings.at(nameOff) === undefined ? '(invalid)' : name}'`;
}

function linkage(n: number): string {
  return BTF_LINKAGE_NAMES[n] ?? '(unknown)';
}

/** The text after `[id] KIND 'name'` on the type's first line, and the lines under it. */
function details(btf: Btf, t: BtfType): string {
  switch (t.kind) {
    case 'INT':
      return ` size=${t.size} bits_offset=${t.bitsOffset} nr_bits=${t.bits} encoding=${INT_ENCODINGS[t.encoding] ?? 'UNKN'}`;
    case 'PTR': case 'CONST': case 'VOLATILE': case 'RESTRICT': case 'TYPEDEF': case 'TYPE_TAG':
      return ` type_id=${t.type}`;
    case 'ARRAY':
      return ` type_id=${t.type} index_type_id=${t.indexType} nr_elems=${t.nelems}`;
    case 'STRUCT': case 'UNION':
      return ` size=${t.size} vlen=${t.members.length}` + t.members.map((m) =>
        `\n\t${quoted(btf, m.nameOff, m.name)} type_id=${m.type} bits_offset=${m.bitOffset}${m.bitfieldSize ? ` bitfield_size=${m.bitfieldSize}` : ''}`).join('');
    case 'ENUM': case 'ENUM64': {
      const suffix = t.kind === 'ENUM' ? '' : t.signed ? 'LL' : 'ULL';
      return ` encoding=${t.signed ? 'SIGNED' : 'UNSIGNED'} size=${t.size} vlen=${t.values.length}` +
        t.values.map((v) => `\n\t${quoted(btf, v.nameOff, v.name)} val=${v.value}${suffix}`).join('');
    }
    case 'FWD':
      return ` fwd_kind=${t.union ? 'union' : 'struct'}`;
    case 'FUNC':
      return ` type_id=${t.type} linkage=${linkage(t.linkage)}`;
    case 'FUNC_PROTO':
      return ` ret_type_id=${t.returnType} vlen=${t.params.length}` +
        t.params.map((p) => `\n\t${quoted(btf, p.nameOff, p.name)} type_id=${p.type}`).join('');
    case 'VAR':
      return ` type_id=${t.type}, linkage=${linkage(t.linkage)}`;
    case 'DATASEC':
      return ` size=${t.size} vlen=${t.vars.length}` + t.vars.map((v) => {
        const vt = btf.typeById(v.type);
        return `\n\ttype_id=${v.type} offset=${v.offset} size=${v.size}${vt ? ` (${vt.kind === 'VOID' ? 'UNKNOWN' : vt.kind} ${quoted(btf, vt.nameOff, vt.name)})` : ''}`;
      }).join('');
    case 'FLOAT':
      return ` size=${t.size}`;
    case 'DECL_TAG':
      return ` type_id=${t.type} component_idx=${t.componentIdx}`;
    default:
      return '';
  }
}

/** One type as bpftool prints it (several lines for types with members), without a final newline. */
export function dumpBtfType(btf: Btf, t: BtfType): string {
  return `[${t.id}] ${t.kind === 'VOID' ? 'UNKNOWN' : t.kind} ${quoted(btf, t.nameOff, t.name)}${details(btf, t)}`;
}

/** Every type but void, in id order: the lines `bpftool btf dump file X` prints. */
export function dumpBtfRaw(btf: Btf): string[] {
  const lines: string[] = [];
  for (let id = 1; id < btf.types.length; id++) {
    for (const line of dumpBtfType(btf, btf.types[id]).split('\n')) lines.push(line);
  }
  return lines;
}
