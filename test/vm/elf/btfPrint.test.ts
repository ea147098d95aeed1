// The C type printer: goldens on the types fixture and on hand-built
// declarators (pointers to arrays and functions, qualifiers on either side of
// a star), and a round trip through clang — every named type of every fixture
// printed as C, compiled again, must print the same from the new BTF.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBtf, type Btf, type BtfType } from '../../../src-vm/elf/btf';
import { btfDeclaration, btfDefinition, btfTypeName } from '../../../src-vm/elf/btfPrint';
import { scratchDir } from '../../support/kernel';
import { runTool } from '../../support/tools';
import { BtfBuilder } from './btfBuild';
import { CLANG, C_SOURCES, committedObject, compileFixture, objectBtf } from './btfFixtures';

describe('btfDefinition and btfTypeName on the types fixture', () => {
  const { btf } = committedObject('types.bpf.o');
  const id = (kind: BtfType['kind'], name: string): number => btf.types.find((t) => t.kind === kind && t.name === name)!.id;
  const member = (struct: string, name: string): number => btf.findByName('STRUCT', struct)!.members.find((m) => m.name === name)!.type;

  const definitions: [string, () => number, string][] = [
    ['struct with bitfields', () => id('STRUCT', 'flags'),
      'struct flags {\n\tunsigned int ready: 1;\n\tunsigned int mode: 3;\n\tint level: 4;\n\tunsigned char tag;\n\tunsigned long long stamp: 40;\n};'],
    ['union', () => id('UNION', 'word'), 'union word {\n\tunsigned int u;\n\tint i;\n\tunsigned char bytes[4];\n\tfloat f;\n};'],
    ['signed enum', () => id('ENUM', 'delta'), 'enum delta {\n\tDOWN = -1,\n\tFLAT = 0,\n\tUP = 1,\n};'],
    ['64-bit enum', () => id('ENUM64', 'wide'), 'enum wide {\n\tSMALL = 1ULL,\n\tHUGE = 78187493530ULL,\n};'],
    ['function pointers', () => id('STRUCT', 'ops'),
      'struct ops {\n\thandler_fn handler;\n\tvoid (*notify)(const char *, ...);\n\tlong (*table[2])(void);\n};'],
    ['typedef of a function pointer', () => id('TYPEDEF', 'handler_fn'), 'typedef int (*handler_fn)(struct xdp_md *, unsigned long long);'],
    ['typedef chain with qualifiers', () => id('TYPEDEF', 'cv_counter_t'), 'typedef const volatile counter_t cv_counter_t;'],
    ['forward declaration', () => id('FWD', 'opaque'), 'union opaque;'],
    ['global function', () => id('FUNC', 'types_prog'), 'int types_prog(struct xdp_md *ctx);'],
    ['static variable', () => id('VAR', 'hidden_total'), 'static volatile unsigned long long hidden_total;'],
    ['BTF map definition', () => id('VAR', 'records'),
      'struct {\n\tint (*type)[1];\n\tint (*max_entries)[64];\n\tu32_t *key;\n\tstruct record *value;\n} records;'],
    ['type tag', () => id('VAR', 'user_ptr'), '__attribute__((btf_type_tag("user"))) int *user_ptr;'],
    ['decl tag on a member', () => btf.types.find((t) => t.kind === 'DECL_TAG' && t.name === 'tagged_member')!.id,
      `__attribute__((btf_decl_tag("tagged_member"))) on member 'tagged' of struct record`],
    ['data section', () => id('DATASEC', '.rodata'), 'SEC(".rodata") {\n\tcv_counter_t limit; /* offset 0, size 4 */\n}'],
  ];
  for (const [what, pick, expected] of definitions) {
    test(`definition: ${what}`, () => assert.equal(btfDefinition(btf, pick()), expected));
  }

  const names: [string, () => number, string][] = [
    ['restrict pointer to const', () => member('record', 'label'), 'const char *restrict'],
    ['two-dimensional array', () => member('record', 'matrix'), 'unsigned short[3][4]'],
    ['flexible array', () => member('record', 'trailing'), 'int[0]'],
    ['pointer to a forward-declared struct', () => member('record', 'hdr'), 'struct header *'],
    ['anonymous struct', () => id('VAR', 'records'), 'struct {...} records'],
    ['void', () => 0, 'void'],
    ['a bad id', () => 9999, '/* bad type [9999] */'],
  ];
  for (const [what, pick, expected] of names) {
    test(`type name: ${what}`, () => assert.equal(btfTypeName(btf, pick()), expected));
  }

  test('declarations put the name inside the declarator', () => {
    assert.equal(btfDeclaration(btf, member('record', 'matrix'), 'm'), 'unsigned short m[3][4]');
    assert.equal(btfDeclaration(btf, member('ops', 'table'), 'fns'), 'long (*fns[2])(void)');
  });
});

describe('declarators on hand-built BTF', () => {
  const b = new BtfBuilder();
  const int = b.int('int');
  const char = b.int('char', 1);
  const constInt = b.ref('CONST', int);
  const ptrConstInt = b.ref('PTR', constInt);
  const constPtr = b.ref('CONST', ptrConstInt);
  const arr = b.array(int, int, 4);
  const ptrArr = b.ref('PTR', arr);
  const proto = b.funcProto(char, [['', int]]);
  const ptrProto = b.ref('PTR', proto);
  const returnsFnPtr = b.funcProto(ptrProto, [['x', int]]);
  const ptrReturnsFnPtr = b.ref('PTR', returnsFnPtr);
  const volatilePtrPtr = b.ref('VOLATILE', b.ref('PTR', ptrConstInt));
  const btf: Btf = parseBtf(b.bytes()).value;

  const cases: [string, number, string][] = [
    ['const int *const', constPtr, 'const int *const p'],
    ['pointer to array', ptrArr, 'int (*p)[4]'],
    ['pointer to function', ptrProto, 'char (*p)(int)'],
    ['pointer to a function returning a function pointer', ptrReturnsFnPtr, 'char (*(*p)(int x))(int)'],
    ['volatile pointer to pointer to const', volatilePtrPtr, 'const int **volatile p'],
  ];
  for (const [what, id, expected] of cases) test(what, () => assert.equal(btfDeclaration(btf, id, 'p'), expected));
});

/** Named types whose definitions a C file must hold, in an order C accepts: what a type needs by value (or any typedef it names) comes first. */
function definitionOrder(btf: Btf, roots: readonly BtfType[]): BtfType[] {
  const done = new Set<number>();
  const order: BtfType[] = [];
  const needs = (id: number, viaPointer: boolean, out: number[], seen: Set<number>): void => {
    const t = btf.typeById(id);
    if (!t || seen.has(id)) return;
    seen.add(id);
    if (t.name && (t.kind === 'TYPEDEF' || (!viaPointer && ['STRUCT', 'UNION', 'ENUM', 'ENUM64'].includes(t.kind)))) {
      out.push(id);
      return;
    }
    if (t.kind === 'STRUCT' || t.kind === 'UNION') t.members.forEach((m) => needs(m.type, viaPointer, out, seen));
    else if (t.kind === 'FUNC_PROTO') [t.returnType, ...t.params.map((p) => p.type)].forEach((x) => needs(x, true, out, seen));
    else if (t.kind === 'PTR') needs(t.type, true, out, seen);
    else if ('type' in t) needs(t.type, viaPointer, out, seen);
  };
  const visit = (t: BtfType): void => {
    if (done.has(t.id)) return;
    done.add(t.id);
    const deps: number[] = [];
    const start = t.kind === 'TYPEDEF' ? t.type : t.id;
    if (t.kind === 'TYPEDEF') needs(start, false, deps, new Set());
    else if (t.kind === 'STRUCT' || t.kind === 'UNION') t.members.forEach((m) => needs(m.type, false, deps, new Set([t.id])));
    deps.forEach((d) => visit(btf.types[d]));
    order.push(t);
  };
  roots.forEach(visit);
  return order;
}

describe('printed C compiles back to the same types', () => {
  for (const src of C_SOURCES) {
    test(`${src}: every named struct, union, enum and typedef survives clang`, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
      const { dir, cleanup } = scratchDir();
      try {
        const { btf } = objectBtf(compileFixture(src, dir));
        const named = btf.types.filter((x) => x.name && ['STRUCT', 'UNION', 'ENUM', 'ENUM64', 'TYPEDEF'].includes(x.kind));
        const order = definitionOrder(btf, named);
        const forward = named.filter((x) => x.kind === 'STRUCT' || x.kind === 'UNION').map((x) => `${x.kind.toLowerCase()} ${x.name};`);
        const uses = named.map((x, i) => `${btfDeclaration(btf, x.id, `use_${i}`)};`);
        const text = [...forward, ...order.map((x) => btfDefinition(btf, x.id)), ...uses, ''].join('\n');
        const file = join(dir, 'printed.c');
        writeFileSync(file, text);
        const out = join(dir, 'printed.o');
        const built = runTool(CLANG, ['-target', 'bpf', '-g', '-c', file, '-o', out]);
        assert.equal(built.status, 0, `${built.stderr}\n--- printed.c ---\n${text}`);
        const again = objectBtf(out).btf;
        for (const x of named) {
          const y = again.types.find((z) => z.kind === x.kind && z.name === x.name);
          assert.ok(y, `${x.kind} ${x.name} is missing after the round trip`);
          assert.equal(btfDefinition(again, y.id), btfDefinition(btf, x.id));
          assert.equal(again.sizeOf(y.id), btf.sizeOf(x.id), `size of ${x.name}`);
        }
      } finally {
        cleanup();
      }
    });
  }
});
