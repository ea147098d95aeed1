// libbpf's CO-RE matching and calculation rules on hand-built BTFs: fields
// found by name wherever they moved (through anonymous members), renamed
// fields through flavours, changed sizes and when the load size may follow,
// field type compatibility, arrays (bounds, flexible arrays, element types),
// bitfields (offsets, shifts, loads wider than the type, unsatisfiable
// ones), enumerators of both widths, type-based relocations, TYPE_MATCHES,
// candidates that agree, disagree (libbpf's ambiguity errors) or are pruned,
// and the errors libbpf reports before matching.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreLog } from '../../../src-vm/elf/coreLog';
import { resolveRelo, type ResolveSession } from '../../../src-vm/elf/coreResolve';
import type { CoreReloKindName } from '../../../src-vm/elf/btfCoreKinds';
import { CoreBtfBuilder, kindOf, resolved, resolveOne, type Resolved } from './coreBtfBuild';

interface Built {
  local: CoreBtfBuilder;
  target: CoreBtfBuilder;
  /** The local root type of the relocation. */
  root: number;
}

/** Builds a local and a target BTF; `make` adds types to both and returns the local root. */
function build(make: (l: CoreBtfBuilder, t: CoreBtfBuilder) => number): Built {
  const local = new CoreBtfBuilder();
  const target = new CoreBtfBuilder();
  const root = make(local, target);
  return { local, target, root };
}

function run(b: Built, access: string, kind: CoreReloKindName, hostileTarget = false): Resolved {
  return resolveOne(b.local.btf(), b.target.btf(hostileTarget), b.root, access, kind);
}

interface Expect {
  orig?: bigint;
  next?: bigint;
  poison?: boolean;
  validate?: boolean;
  sizes?: [number, number];
  failMemsz?: boolean;
  target?: string;
}

function check(r: Resolved, want: Expect): void {
  const { res } = resolved(r);
  if (want.orig !== undefined) assert.equal(res.origVal, want.orig, 'orig value');
  if (want.next !== undefined) assert.equal(res.newVal, want.next, 'new value');
  assert.equal(res.poison, want.poison ?? false, 'poison');
  if (want.validate !== undefined) assert.equal(res.validate, want.validate, 'validate');
  if (want.sizes) assert.deepEqual([res.origSize, res.newSize], want.sizes, 'field sizes');
  if (want.failMemsz !== undefined) assert.equal(res.failMemszAdjust, want.failMemsz, 'fail_memsz_adjust');
  if (want.target !== undefined) assert.match(r.log.join('\n'), new RegExp(`matching candidate #0 ${want.target.replace(/[[\]().]/g, '\\$&')}`));
}

/** `struct <name> { int a; int b; }`-style helper: members of one int type at consecutive 32-bit offsets. */
function intStruct(b: CoreBtfBuilder, name: string, members: string[], intType = b.int('int')): number {
  return b.composite(name, members.length * 4, members.map((m, i) => [m, intType, i * 32]));
}

describe('fields: found by name wherever they are', () => {
  const moved = () => build((l, t) => {
    const tl = t.int('long', 8);
    const ti = t.int('int');
    t.composite('s', 16, [['x', tl, 0], ['b', ti, 64], ['a', ti, 96]]);
    return intStruct(l, 's___new', ['a', 'b']);
  });
  const cases: [string, () => Built, string, CoreReloKindName, Expect][] = [
    ['a moved field (b: 4 -> 8)', moved, '0:1', 'byte_off', { orig: 4n, next: 8n, validate: true, sizes: [4, 4], target: '<byte_off> [3] struct s.b (0:1 @ offset 8)' }],
    ['another moved field (a: 0 -> 12)', moved, '0:0', 'byte_off', { orig: 0n, next: 12n }],
    ['field_exists on a present field', moved, '0:0', 'field_exists', { orig: 1n, next: 1n }],
    ['a renamed field is missing under its old name: poisoned', () => build((l, t) => {
      intStruct(t, 's', ['new_name']);
      return intStruct(l, 's___old', ['old_name']);
    }), '0:0', 'byte_off', { orig: 0n, next: 0n, poison: true }],
    ['… and does not exist', () => build((l, t) => {
      intStruct(t, 's', ['new_name']);
      return intStruct(l, 's___old', ['old_name']);
    }), '0:0', 'field_exists', { orig: 1n, next: 0n, poison: false, validate: true }],
    ['… while the new flavour finds it', () => build((l, t) => {
      intStruct(t, 's', ['pad', 'new_name']);
      return intStruct(l, 's___new', ['new_name']);
    }), '0:0', 'byte_off', { orig: 0n, next: 4n }],
    ['int grew into long: the load may not follow (signed)', () => build((l, t) => {
      t.composite('s', 8, [['a', t.int('long', 8), 0]]);
      return intStruct(l, 's___l', ['a']);
    }), '0:0', 'byte_off', { orig: 0n, next: 0n, sizes: [4, 8], failMemsz: true }],
    ['unsigned int grew into unsigned long: the load follows', () => build((l, t) => {
      t.composite('s', 8, [['a', t.int('unsigned long', 8, false), 0]]);
      return intStruct(l, 's___l', ['a'], l.int('unsigned int', 4, false));
    }), '0:0', 'byte_off', { sizes: [4, 8], failMemsz: false }],
    ['byte_sz follows the size', () => build((l, t) => {
      t.composite('s', 8, [['a', t.int('long', 8), 0]]);
      return intStruct(l, 's___l', ['a']);
    }), '0:0', 'byte_sz', { orig: 4n, next: 8n }],
    ['pointers are compatible whatever they point to', () => build((l, t) => {
      t.composite('s', 8, [['p', t.ref('PTR', t.int('char', 1)), 0]]);
      return l.composite('s___l', 8, [['p', l.ref('PTR', l.composite('other', 4, [])), 0]]);
    }), '0:0', 'byte_off', { next: 0n, sizes: [8, 8], failMemsz: false }],
    ['a struct field may be a union in the target', () => build((l, t) => {
      const u = t.composite('in', 4, [['x', t.int('int'), 0]], 'UNION');
      t.composite('s', 8, [['pad', t.int('int'), 0], ['in', u, 32]]);
      return l.composite('s___l', 4, [['in', l.composite('in___l', 4, [['x', l.int('int'), 0]]), 0]]);
    }), '0:0', 'byte_off', { next: 4n }],
    ['enums of different names are incompatible: poisoned', () => build((l, t) => {
      t.composite('s', 4, [['e', t.enum32('e2', [['A', 0]]), 0]]);
      return l.composite('s___l', 4, [['e', l.enum32('e1', [['A', 0]]), 0]]);
    }), '0:0', 'byte_off', { poison: true }],
    ['an anonymous enum is compatible with any enum', () => build((l, t) => {
      t.composite('s', 4, [['e', t.enum32('', [['A', 0]]), 0]]);
      return l.composite('s___l', 4, [['e', l.enum32('e1', [['A', 0]]), 0]]);
    }), '0:0', 'byte_off', { next: 0n }],
    ['an enum64 field stands for an enum of the same name (flavour dropped)', () => build((l, t) => {
      t.composite('s', 8, [['e', t.enum64('mode', [['A', 0n]]), 0]]);
      return l.composite('s___l', 4, [['e', l.enum32('mode___l', [['A', 0]]), 0]]);
    }), '0:0', 'byte_sz', { orig: 4n, next: 8n }],
    ['an int field is not a struct field', () => build((l, t) => {
      t.composite('s', 4, [['a', t.composite('x', 4, []), 0]]);
      return intStruct(l, 's___l', ['a']);
    }), '0:0', 'byte_off', { poison: true }],
    ['a deprecated bitfield-like int (encoding offset) is never compatible', () => build((l, t) => {
      t.composite('s', 4, [['a', t.intAt('int', 4, true, 3, 5), 0]]);
      return intStruct(l, 's___l', ['a']);
    }), '0:0', 'field_exists', { next: 0n }],
    ['floats are compatible with floats', () => build((l, t) => {
      t.composite('s', 16, [['pad', t.int('long', 8), 0], ['f', t.float('double', 8), 64]]);
      return l.composite('s___l', 8, [['f', l.float('double', 8), 0]]);
    }), '0:0', 'byte_off', { next: 8n }],
    ['a field inside an anonymous union of the target is found', () => build((l, t) => {
      const ti = t.int('int');
      const anon = t.composite('', 4, [['a', ti, 0], ['b', ti, 0]], 'UNION');
      t.composite('s', 8, [['pad', ti, 0], ['', anon, 32]]);
      return intStruct(l, 's___l', ['a']);
    }), '0:0', 'byte_off', { next: 4n, target: '<byte_off> [3] struct s.a (0:1:0 @ offset 4)' }],
    ['modifiers and typedefs on the way are skipped', () => build((l, t) => {
      const inner = t.composite('inner', 8, [['pad', t.int('int'), 0], ['v', t.int('int'), 32]]);
      t.composite('s', 16, [['pad', t.int('long', 8), 0], ['in', t.ref('CONST', t.ref('TYPEDEF', inner, 'inner_t')), 64]]);
      const li = l.composite('inner___l', 4, [['v', l.int('int'), 0]]);
      return l.composite('s___l', 4, [['in', l.ref('VOLATILE', li), 0]]);
    }), '0:0:0', 'byte_off', { orig: 0n, next: 12n }],
  ];
  for (const [name, make, access, kind, want] of cases) test(name, () => check(run(make(), access, kind), want));
});

describe('arrays: bounds, flexible arrays, element types, the root index', () => {
  const arrays = (targetLen: number, elemLong = false) => build((l, t) => {
    const te = elemLong ? t.int('long', 8) : t.int('int');
    t.composite('s', 8 + targetLen * (elemLong ? 8 : 4), [['pad', t.int('long', 8), 0], ['arr', t.arrayOf(te, targetLen), 64]]);
    return l.composite('s___l', 16, [['arr', l.arrayOf(l.int('int'), 4), 0]]);
  });
  const flexible = (last: boolean) => build((l, t) => {
    const ti = t.int('int');
    const members: [string, number, number][] = [['n', ti, 0], ['arr', t.arrayOf(ti, 0), 32]];
    if (!last) members.push(['after', ti, 32]);
    t.composite('s', 8, members);
    const li = l.int('int');
    return l.composite('s___l', 4, [['n', li, 0], ['arr', l.arrayOf(li, 0), 32]]);
  });
  const cases: [string, () => Built, string, CoreReloKindName, Expect][] = [
    ['an element of a moved array', () => arrays(8), '0:0:3', 'byte_off', { orig: 12n, next: 20n, sizes: [4, 4] }],
    ['an element past the target\'s length: poisoned', () => arrays(2), '0:0:3', 'byte_off', { poison: true }],
    ['elements grew from int to long: offset and size follow, the signed load may not', () => arrays(8, true), '0:0:1', 'byte_off', { orig: 4n, next: 16n, sizes: [4, 8], failMemsz: true }],
    ['byte_sz of an element', () => arrays(8, true), '0:0:1', 'byte_sz', { orig: 4n, next: 8n }],
    ['a flexible array (last member, no length) may be indexed anywhere', () => flexible(true), '0:1:5', 'byte_off', { orig: 24n, next: 24n }],
    ['a zero-length array that is not the last member may not', () => flexible(false), '0:1:5', 'byte_off', { poison: true }],
    ['array elements must be compatible', () => build((l, t) => {
      t.composite('s', 16, [['arr', t.arrayOf(t.composite('x', 4, []), 4), 0]]);
      return l.composite('s___l', 16, [['arr', l.arrayOf(l.int('int'), 4), 0]]);
    }), '0:0', 'field_exists', { next: 0n }],
    ['the root index scales by the root\'s size', () => build((l, t) => {
      t.composite('s', 16, [['pad', t.int('long', 8), 0], ['a', t.int('int'), 64]]);
      return intStruct(l, 's___l', ['a']);
    }), '2:0', 'byte_off', { orig: 8n, next: 40n }],
  ];
  for (const [name, make, access, kind, want] of cases) test(name, () => check(run(make(), access, kind), want));

  test('a shift relocation on an array element is libbpf\'s error', () => {
    const r = run(arrays(8), '0:0:1', 'lshift_u64');
    assert.equal(r.result, -22);
    assert.deepEqual(r.warnings, [`prog 'p': relo ${kindOf('lshift_u64')} at insn #0 can't be applied to array access`]);
  });
});

describe('bitfields', () => {
  /** Local `unsigned int x:3` at bit 0; target `x` of `bits` bits at bit `at` in a `size`-byte int. */
  const bitfield = (at: number, bits: number, size = 4, signed = false) => build((l, t) => {
    t.composite('s', 16, [['pad', t.int('long', 8), 0], ['x', t.int(signed ? 'int' : 'unsigned', size, signed), at, bits]]);
    return l.composite('s___l', 4, [['x', l.int('unsigned int', 4, false), 0, 3]]);
  });
  const cases: [string, () => Built, CoreReloKindName, Expect][] = [
    ['byte_off: the aligned word holding it (not checked: bitfields are ambiguous)', () => bitfield(37, 3), 'byte_off', { orig: 0n, next: 4n, validate: false }],
    ['byte_sz: the type\'s size', () => bitfield(37, 3), 'byte_sz', { orig: 4n, next: 4n, validate: false }],
    ['lshift_u64 = 64 - (bit_off + bits - byte_off*8)', () => bitfield(37, 3), 'lshift_u64', { orig: 61n, next: 56n }],
    ['rshift_u64 = 64 - bits (always checked)', () => bitfield(37, 5), 'rshift_u64', { orig: 61n, next: 59n, validate: true }],
    ['signed: from the int encoding', () => bitfield(37, 3, 4, true), 'signed', { orig: 0n, next: 1n, validate: true }],
    ['straddling an aligned u32: the load doubles to 8 bytes', () => bitfield(30, 4), 'byte_sz', { next: 8n }],
    ['… and the offset and shift follow', () => bitfield(30, 4), 'lshift_u64', { next: 30n }],
    ['a plain target field for a local bitfield: the load size cannot be adjusted', () => build((l, t) => {
      t.composite('s', 4, [['x', t.int('unsigned int', 4, false), 0]]);
      return l.composite('s___l', 4, [['x', l.int('unsigned int', 4, false), 0, 3]]);
    }), 'byte_off', { next: 0n, sizes: [0, 4], failMemsz: true }],
  ];
  for (const [name, make, kind, want] of cases) test(name, () => check(run(make(), '0:0', kind), want));

  test('a bitfield no 8-byte load covers is libbpf\'s error', () => {
    const r = run(bitfield(60, 8, 8), '0:0', 'lshift_u64');
    assert.equal(r.result, -7);
    assert.deepEqual(r.warnings, [`prog 'p': relo ${kindOf('lshift_u64')} at insn #0 can't be satisfied for bitfield`]);
  });
});

describe('enumerators', () => {
  const enums = (make: (t: CoreBtfBuilder) => void) => build((l, t) => {
    make(t);
    return l.enum32('e___l', [['A___l', 1], ['B', 2]]);
  });
  const cases: [string, () => Built, string, CoreReloKindName, Expect][] = [
    ['a value that changed (flavour dropped from the enumerator name)', () => enums((t) => t.enum32('e', [['B', 7], ['A', 5]])), '0', 'enumval_value', { orig: 1n, next: 5n }],
    ['it exists', () => enums((t) => t.enum32('e', [['A', 5]])), '0', 'enumval_exists', { orig: 1n, next: 1n }],
    ['a missing enumerator does not exist', () => enums((t) => t.enum32('e', [['C', 5]])), '1', 'enumval_exists', { orig: 1n, next: 0n }],
    ['and its value is poisoned', () => enums((t) => t.enum32('e', [['C', 5]])), '1', 'enumval_value', { orig: 2n, poison: true }],
    ['an enum64 target: a 64-bit value', () => enums((t) => t.enum64('e', [['A', 1n << 40n]])), '0', 'enumval_value', { next: 1n << 40n }],
    ['a signed enum32 value is sign-extended to 64 bits', () => enums((t) => t.enum32('e', [['A', -2]], true)), '0', 'enumval_value', { next: 0xfffffffffffffffen }],
    ['an unsigned enum32 value above 2^31 is sign-extended too (libbpf reads an __s32)', () => enums((t) => t.enum32('e', [['A', 0x80000000]])), '0', 'enumval_value', { next: 0xffffffff80000000n }],
    ['an enum of another name is no candidate', () => enums((t) => t.enum32('f', [['A', 5]])), '0', 'enumval_exists', { next: 0n }],
  ];
  for (const [name, make, access, kind, want] of cases) test(name, () => check(run(make(), access, kind), want));
});

describe('types: exists, size, ids', () => {
  const sized = () => build((l, t) => {
    t.composite('t', 24, []);
    return l.composite('t___l', 4, [['a', l.int('int'), 0]]);
  });
  const cases: [string, () => Built, CoreReloKindName, Expect][] = [
    ['type_exists', sized, 'type_exists', { orig: 1n, next: 1n }],
    ['type_size is the target\'s', sized, 'type_size', { orig: 4n, next: 24n }],
    ['target_type_id is the candidate\'s id (not checked)', sized, 'target_type_id', { next: 1n, validate: false }],
    ['a missing type: exists 0, size 0, id 0 — never poisoned', () => build((l, t) => {
      t.composite('other', 24, []);
      return l.composite('t___l', 4, []);
    }), 'type_size', { orig: 4n, next: 0n, poison: false }],
    ['a union of the same name is not a struct', () => build((l, t) => {
      t.composite('t', 24, [], 'UNION');
      return l.composite('t___l', 4, []);
    }), 'type_exists', { next: 0n }],
    ['a typedef root: sizes through the typedef', () => build((l, t) => {
      t.ref('TYPEDEF', t.int('long', 8), 'myint');
      return l.ref('TYPEDEF', l.int('int'), 'myint___l');
    }), 'type_size', { orig: 4n, next: 8n }],
    ['a typedef to a deprecated bitfield-like int is not compatible', () => build((l, t) => {
      t.ref('TYPEDEF', t.intAt('int', 4, true, 1, 8), 'myint');
      return l.ref('TYPEDEF', l.int('int'), 'myint');
    }), 'type_exists', { next: 0n }],
    ['function pointer typedefs: the arity must agree', () => build((l, t) => {
      const ti = t.int('int');
      t.ref('TYPEDEF', t.ref('PTR', t.funcProto(ti, [['a', ti], ['b', ti]])), 'cb_t');
      const li = l.int('int');
      return l.ref('TYPEDEF', l.ref('PTR', l.funcProto(li, [['a', li]])), 'cb_t');
    }), 'type_exists', { next: 0n }],
    ['… and compatible parameters and return types match', () => build((l, t) => {
      const ti = t.int('long', 8);
      t.ref('TYPEDEF', t.ref('PTR', t.funcProto(ti, [['a', t.ref('PTR', t.composite('x', 4, []))]])), 'cb_t');
      const li = l.int('int');
      return l.ref('TYPEDEF', l.ref('PTR', l.funcProto(li, [['a', l.ref('PTR', l.composite('y', 4, []))]])), 'cb_t');
    }), 'type_exists', { next: 1n }],
  ];
  for (const [name, make, kind, want] of cases) test(name, () => check(run(make(), '0', kind), want));

  test('local_type_id is the local id, unchecked, with no candidate search', () => {
    const b = sized();
    const r = run(b, '0', 'local_type_id');
    check(r, { orig: BigInt(b.root), next: BigInt(b.root), validate: false });
    assert.deepEqual(r.log, [`prog 'p': relo #0: <local_type_id> [${b.root}] struct t___l`]);
  });
});

describe('type_matches (bpf_core_types_match)', () => {
  /** Local `struct s___l { int a; struct n___l *next; char c[4]; }` against a target built by `make`. */
  const matches = (make: (t: CoreBtfBuilder) => void) => build((l, t) => {
    make(t);
    const node = l.fwd('n___l');
    return l.composite('s___l', 24, [['a', l.int('int'), 0], ['next', l.ref('PTR', node), 64], ['c', l.arrayOf(l.int('char', 1), 4), 128]]);
  });
  const target = (opts: { aSize?: number; nextKind?: 'STRUCT' | 'UNION'; charSigned?: boolean; cLen?: number; extra?: boolean; dropC?: boolean }) => (t: CoreBtfBuilder) => {
    const node = t.composite('n', 8, [], opts.nextKind ?? 'STRUCT');
    const members: [string, number, number][] = [['a', t.int('int', opts.aSize ?? 4), 0], ['next', t.ref('PTR', node), 64]];
    if (!opts.dropC) members.push(['c', t.arrayOf(t.int('char', 1, opts.charSigned ?? true), opts.cLen ?? 4), 128]);
    if (opts.extra) members.push(['more', t.int('int'), 160]);
    t.composite('s', 24, members);
  };
  const cases: [string, (t: CoreBtfBuilder) => void, bigint][] = [
    ['the same layout matches (a forward declaration behind a pointer matches the struct)', target({}), 1n],
    ['more target members still match', target({ extra: true }), 1n],
    ['a local member the target lacks does not', target({ dropC: true }), 0n],
    ['an int of another size does not', target({ aSize: 8 }), 0n],
    ['char of the other signedness does not (kernels since 6.2 build with -funsigned-char)', target({ charSigned: false }), 0n],
    ['an array of another length does not', target({ cLen: 8 }), 0n],
    ['a struct forward declaration does not match a union behind a pointer', target({ nextKind: 'UNION' }), 0n],
  ];
  for (const [name, make, next] of cases) test(name, () => check(run(matches(make), '0', 'type_matches'), { orig: 1n, next }));

  test('enums: same size, every local enumerator name in the target, values ignored', () => {
    const enumCase = (size: number, names: string[]) => build((l, t) => {
      t.enum32('e', names.map((n, i) => [n, i + 10]), false, size);
      return l.enum32('e___l', [['A', 0], ['B', 1]]);
    });
    check(run(enumCase(4, ['B', 'C', 'A']), '0', 'type_matches'), { next: 1n });
    check(run(enumCase(4, ['A']), '0', 'type_matches'), { next: 0n });
    check(run(enumCase(8, ['A', 'B']), '0', 'type_matches'), { next: 0n });
  });
});

describe('several candidates: agreement, ambiguity, pruning', () => {
  /** Target `s` and `s___2` with field `a` at the given byte offsets and the given sizes. */
  const twins = (offsets: [number, number], sizes: [number, number] = [16, 16]) => build((l, t) => {
    const ti = t.int('int');
    t.composite('s', sizes[0], [['a', ti, offsets[0] * 8]]);
    t.composite('s___2', sizes[1], [['a', ti, offsets[1] * 8], ['only2', ti, 96]]);
    return l.composite('s___l', 8, [['a', l.int('int'), 0], ['only2', l.int('int'), 32]]);
  });

  test('candidates that agree are all kept', () => {
    check(run(twins([4, 4]), '0:0', 'byte_off'), { next: 4n });
  });

  test('a field at two offsets: "field offset ambiguity"', () => {
    const r = run(twins([4, 8]), '0:0', 'byte_off');
    assert.equal(r.result, -22);
    assert.deepEqual(r.warnings, ['prog \'p\': relo #0: field offset ambiguity: 64 != 32']);
  });

  test('two sizes: "relocation decision ambiguity"', () => {
    const r = run(twins([4, 4], [16, 24]), '0', 'type_size');
    assert.equal(r.result, -22);
    assert.deepEqual(r.warnings, ['prog \'p\': relo #0: relocation decision ambiguity: success 24 != success 16']);
  });

  test('a relocation only one candidate satisfies prunes the list later relocations of the type see', () => {
    const b = twins([4, 4], [16, 24]);
    const log = new CoreLog();
    const session: ResolveSession = { localBtf: b.local.btf(), target: b.target.btf(), targetName: 'vmlinux', log, candidates: new Map() };
    const relo = (accessString: string, kind: CoreReloKindName, reloIdx: number) =>
      resolveRelo(session, { progName: 'p', reloIdx, typeId: b.root, accessString, kind: kindOf(kind), sectionInsnIdx: reloIdx });
    assert.notEqual(typeof relo('0:0', 'byte_off', 0), 'number');
    assert.deepEqual(session.candidates.get(b.root)?.map((t) => t.name), ['s', 's___2'], 'both matched field a');
    assert.notEqual(typeof relo('0:1', 'byte_off', 1), 'number');
    assert.deepEqual(session.candidates.get(b.root)?.map((t) => t.name), ['s___2'], 'only s___2 has only2');
    const size = relo('0', 'type_size', 2);
    assert.ok(typeof size !== 'number');
    assert.equal(size.res.newVal, 24n, 'no ambiguity left: s___2\'s size');
    assert.deepEqual(log.warnings, []);
    assert.equal(log.lines.filter((l) => l.startsWith('CO-RE relocating')).length, 2, 'the search is logged once, per candidate');
  });
});

describe('errors libbpf reports before matching', () => {
  test('an anonymous local type: the candidate search fails', () => {
    const b = build((l, t) => {
      intStruct(t, 's', ['a']);
      return intStruct(l, '', ['a']);
    });
    const r = run(b, '0:0', 'byte_off');
    assert.equal(r.result, -22);
    assert.deepEqual(r.warnings, [`prog 'p': relo #0: target candidate search failed for [${b.root}] struct : -22`]);
  });

  test('an access string the local type does not have', () => {
    const b = build((l, t) => {
      intStruct(t, 's', ['a']);
      return intStruct(l, 's___l', ['a']);
    });
    const r = run(b, '0:9', 'byte_off');
    assert.equal(r.result, -22);
    assert.deepEqual(r.warnings, [`prog 'p': relo #0: parsing [${b.root}] struct s___l + 0:9 failed: -22`]);
  });

  test('a hostile target (a struct that contains itself anonymously, four times) ends with an error, quickly', () => {
    const b = build((l, t) => {
      const self = t.nextId;
      t.composite('s', 16, [['', self, 0], ['', self, 0], ['', self, 0], ['', self, 0]]);
      return intStruct(l, 's___l', ['missing']);
    });
    const start = Date.now();
    const r = run(b, '0:0', 'byte_off', true);
    assert.ok(Date.now() - start < 2000, 'bounded');
    assert.ok(typeof r.result === 'number' && r.result < 0);
    assert.match(r.warnings[0], /^prog 'p': relo #0: error matching candidate #0 <byte_off> \[\d+\] struct s .*: -7$/);
  });
});
