// The type ids a BTF type refers to, by position: `refCount`, `refAt` and
// (for messages) `refRole`. Indexed access rather than arrays, because the
// checks walk every reference of 100,000+ vmlinux types and must not
// allocate per type. Pure; imports only the type model.

import type { BtfType } from './btfTypes';

/** How many type ids `t` refers to. */
export function refCount(t: BtfType): number {
  switch (t.kind) {
    case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG':
    case 'VAR': case 'FUNC': case 'DECL_TAG':
      return 1;
    case 'ARRAY':
      return 2;
    case 'STRUCT': case 'UNION':
      return t.members.length;
    case 'FUNC_PROTO':
      return 1 + t.params.length;
    case 'DATASEC':
      return t.vars.length;
    default:
      return 0;
  }
}

/** The `i`th type id `t` refers to (0 <= i < refCount(t)). */
export function refAt(t: BtfType, i: number): number {
  switch (t.kind) {
    case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG':
    case 'VAR': case 'FUNC': case 'DECL_TAG':
      return t.type;
    case 'ARRAY':
      return i === 0 ? t.type : t.indexType;
    case 'STRUCT': case 'UNION':
      return t.members[i].type;
    case 'FUNC_PROTO':
      return i === 0 ? t.returnType : t.params[i - 1].type;
    case 'DATASEC':
      return t.vars[i].type;
    default:
      return 0;
  }
}

/** What the `i`th reference of `t` is, in words: `member 2 'len'`, `return type`, … */
export function refRole(t: BtfType, i: number): string {
  const named = (what: string, index: number, name: string): string => `${what} ${index}${name ? ` '${name}'` : ''}`;
  switch (t.kind) {
    case 'ARRAY':
      return i === 0 ? 'element type' : 'index type';
    case 'STRUCT': case 'UNION':
      return named('member', i, t.members[i].name);
    case 'FUNC_PROTO':
      return i === 0 ? 'return type' : named('parameter', i - 1, t.params[i - 1].name);
    case 'DATASEC':
      return `variable ${i}`;
    default:
      return 'type';
  }
}

/** A pointer's target is the one reference a type does not need resolved to know its own layout. */
export function isStrongRef(t: BtfType): boolean {
  return t.kind !== 'PTR';
}
