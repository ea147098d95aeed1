// BTF types as C: `btfTypeName` (`struct foo *`, `int (*)(int, char *)`),
// `btfDeclaration` (a declarator around a name: `char name[16]`,
// `int (*handler)(struct xdp_md *ctx)`), and `btfDefinition` (struct, union
// and enum bodies with bitfields, typedefs, function prototypes, variables).
// Depth-limited, so loops in hostile BTF print `/* … */` rather than recurse
// forever. Pure; reads a parsed Btf.

import type { Btf } from './btf';
import type { BtfComposite, BtfType } from './btfTypes';

/** Deeper declarators than this are cut short (real C types stay far below it). */
const MAX_DEPTH = 64;
/**
 * Types one call may visit. Hostile BTF can nest anonymous structs or
 * function prototypes so that the text doubles at each level; past this the
 * rest prints as `/* … *\/`.
 */
const MAX_VISITS = 20000;

/** One printing call's state: the BTF and how many more types it may visit. */
interface Printer {
  btf: Btf;
  visits: number;
}

function printer(btf: Btf): Printer {
  return { btf, visits: MAX_VISITS };
}

const QUALIFIERS: Readonly<Record<string, string>> = { CONST: 'const', VOLATILE: 'volatile', RESTRICT: 'restrict' };

function joinDeclarator(base: string, inner: string): string {
  if (inner === '') return base;
  return inner.startsWith('[') ? `${base}${inner}` : `${base} ${inner}`;
}

/** `struct foo`, `union {...}`, `enum bar`: how a tagged type is named. */
function tagName(t: BtfType): string {
  switch (t.kind) {
    case 'STRUCT': return `struct ${t.name || '{...}'}`;
    case 'UNION': return `union ${t.name || '{...}'}`;
    case 'ENUM': case 'ENUM64': return `enum ${t.name || '{...}'}`;
    case 'FWD': return `${t.union ? 'union' : 'struct'} ${t.name}`;
    default: return t.name;
  }
}

function params(p: Printer, t: Extract<BtfType, { kind: 'FUNC_PROTO' }>, depth: number): string {
  if (t.params.length === 0) return 'void';
  return t.params.map((x, i) => (x.type === 0 && i === t.params.length - 1 ? '...' : declare(p, x.type, x.name, depth + 1))).join(', ');
}

/** The C declarator of type `id` around `inner` (a name, or a partial declarator built so far). */
function declare(p: Printer, id: number, inner: string, depth: number): string {
  const btf = p.btf;
  const t = btf.typeById(id);
  if (!t) return joinDeclarator(`/* bad type [${id}] */`, inner);
  if (depth > MAX_DEPTH || --p.visits < 0) return joinDeclarator('/* … */', inner);
  switch (t.kind) {
    case 'VOID': return joinDeclarator('void', inner);
    case 'INT': case 'FLOAT': case 'TYPEDEF': return joinDeclarator(t.name, inner);
    case 'STRUCT': case 'UNION': case 'ENUM': case 'ENUM64': case 'FWD': return joinDeclarator(tagName(t), inner);
    case 'PTR': {
      const target = btf.typeById(t.type);
      const wrap = target?.kind === 'ARRAY' || target?.kind === 'FUNC_PROTO';
      return declare(p, t.type, wrap ? `(*${inner})` : `*${inner}`, depth + 1);
    }
    case 'CONST': case 'VOLATILE': case 'RESTRICT': case 'TYPE_TAG': {
      const q = t.kind === 'TYPE_TAG' ? `__attribute__((btf_type_tag("${t.name}")))` : QUALIFIERS[t.kind];
      // Behind a pointer the qualifier binds to the pointer (`int *const p`); otherwise it leads (`const int`).
      if (btf.typeById(t.type)?.kind === 'PTR') return declare(p, t.type, inner ? `${q} ${inner}` : q, depth + 1);
      return `${q} ${declare(p, t.type, inner, depth + 1)}`;
    }
    case 'ARRAY': return declare(p, t.type, `${inner}[${t.nelems}]`, depth + 1);
    case 'FUNC_PROTO': return declare(p, t.returnType, `${inner}(${params(p, t, depth)})`, depth + 1);
    case 'FUNC': case 'VAR': return declare(p, t.type, inner || t.name, depth + 1);
    case 'DATASEC': return joinDeclarator(`SEC("${t.name}")`, inner);
    case 'DECL_TAG': return `__attribute__((btf_decl_tag("${t.name}"))) ${declare(p, t.type, inner, depth + 1)}`;
    default: return inner;
  }
}

/** How type `id` is written in C without a name: `int`, `struct foo *`, `char[16]`, `int (*)(int)`. */
export function btfTypeName(btf: Btf, id: number): string {
  return declare(printer(btf), id, '', 0);
}

/** A declaration of `name` with type `id`: `char name[16]`, `int (*fn)(int, char *)`. */
export function btfDeclaration(btf: Btf, id: number, name: string): string {
  return declare(printer(btf), id, name, 0);
}

/** The bitfield width of member `i` of `t`, in either BTF encoding; 0 for ordinary members. */
export function memberBitfieldSize(btf: Btf, t: BtfComposite, i: number): number {
  const m = t.members[i];
  if (t.kindFlag) return m.bitfieldSize;
  const int = btf.resolveModifiers(m.type);
  return int?.kind === 'INT' && int.bits !== int.size * 8 ? int.bits : 0;
}

/** An anonymous struct, union or enum named directly (not through a typedef) is written out in place. */
function inlineBody(btf: Btf, id: number): BtfType | undefined {
  const t = btf.typeById(id);
  return t && !t.name && (t.kind === 'STRUCT' || t.kind === 'UNION' || t.kind === 'ENUM' || t.kind === 'ENUM64') ? t : undefined;
}

function enumBody(t: Extract<BtfType, { kind: 'ENUM' | 'ENUM64' }>, indent: string): string {
  const suffix = t.kind === 'ENUM' ? '' : t.signed ? 'LL' : 'ULL';
  const lines = t.values.map((v) => `${indent}\t${v.name} = ${v.value}${suffix},`);
  return `enum ${t.name ? `${t.name} ` : ''}{\n${lines.join('\n')}\n${indent}}`;
}

function compositeBody(p: Printer, t: BtfComposite, indent: string, depth: number): string {
  const lines = t.members.map((m, i) => {
    const bits = memberBitfieldSize(p.btf, t, i);
    const width = bits ? `: ${bits}` : '';
    const anon = depth < MAX_DEPTH && p.visits > 0 ? inlineBody(p.btf, m.type) : undefined;
    const decl = anon ? joinDeclarator(body(p, anon, `${indent}\t`, depth + 1), m.name) : declare(p, m.type, m.name, depth + 1);
    return `${indent}\t${decl}${width};`;
  });
  const kw = t.kind === 'STRUCT' ? 'struct' : 'union';
  return `${kw} ${t.name ? `${t.name} ` : ''}{\n${lines.join('\n')}${lines.length ? '\n' : ''}${indent}}`;
}

function body(p: Printer, t: BtfType, indent: string, depth: number): string {
  p.visits--;
  if (t.kind === 'STRUCT' || t.kind === 'UNION') return compositeBody(p, t, indent, depth);
  if (t.kind === 'ENUM' || t.kind === 'ENUM64') return enumBody(t, indent);
  return declare(p, t.id, '', depth);
}

const LINKAGE_PREFIX: readonly string[] = ['static ', '', 'extern '];

function declTagTarget(btf: Btf, t: Extract<BtfType, { kind: 'DECL_TAG' }>): string {
  const target = btf.typeById(t.type);
  if (!target) return `[${t.type}]`;
  const what = target.kind === 'FUNC' || target.kind === 'VAR' || target.kind === 'TYPEDEF' ? target.name : tagName(target);
  if (t.componentIdx < 0) return what;
  if (target.kind === 'STRUCT' || target.kind === 'UNION') return `member '${target.members[t.componentIdx]?.name ?? t.componentIdx}' of ${what}`;
  const proto = target.kind === 'FUNC' ? btf.typeOfKind(target.type, 'FUNC_PROTO') : undefined;
  return `parameter '${proto?.params[t.componentIdx]?.name ?? t.componentIdx}' of ${what}`;
}

/**
 * C text defining type `id`: a struct, union or enum with its body (tab
 * indented, as bpftool's C dump writes it), `typedef … name;`, a function
 * prototype or variable declaration with its linkage, a forward declaration;
 * for other kinds their type name.
 */
export function btfDefinition(btf: Btf, id: number): string {
  const p = printer(btf);
  const t = btf.typeById(id);
  if (!t) return `/* bad type [${id}] */`;
  switch (t.kind) {
    case 'STRUCT': case 'UNION': case 'ENUM': case 'ENUM64':
      return `${body(p, t, '', 0)};`;
    case 'FWD':
      return `${tagName(t)};`;
    case 'TYPEDEF': {
      const anon = inlineBody(btf, t.type);
      return `typedef ${anon ? joinDeclarator(body(p, anon, '', 1), t.name) : declare(p, t.type, t.name, 1)};`;
    }
    case 'FUNC': case 'VAR': {
      const anon = t.kind === 'VAR' ? inlineBody(btf, t.type) : undefined;
      const decl = anon ? joinDeclarator(body(p, anon, '', 1), t.name) : declare(p, t.type, t.name, 1);
      return `${LINKAGE_PREFIX[t.linkage] ?? ''}${decl};`;
    }
    case 'DATASEC': {
      const vars = t.vars.map((v) => {
        const vt = btf.typeById(v.type);
        const linkage = vt?.kind === 'VAR' || vt?.kind === 'FUNC' ? LINKAGE_PREFIX[vt.linkage] ?? '' : '';
        return `\t${linkage}${declare(p, v.type, '', 1)}; /* offset ${v.offset}, size ${v.size} */`;
      });
      return `SEC("${t.name}") {\n${vars.join('\n')}${vars.length ? '\n' : ''}}`;
    }
    case 'DECL_TAG':
      return `__attribute__((btf_decl_tag("${t.name}"))) on ${declTagTarget(btf, t)}`;
    default:
      return btfTypeName(btf, id);
  }
}
