// parseBtf on clang-built objects and the live kernel's BTF: the type model
// and queries on the committed types fixture (both byte orders), and the raw
// dump against `bpftool btf dump file X` line for line, for every fixture
// compiled now and for /sys/kernel/btf/vmlinux.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBtf, type Btf, type BtfKind, type BtfTypeOfKind } from '../../../src-vm/elf/btf';
import { dumpBtfRaw } from '../../../src-vm/elf/btfDump';
import { BPFTOOL, scratchDir } from '../../support/kernel';
import { runTool } from '../../support/tools';
import { CLANG, C_SOURCES, committedObject, compileFixture, objectBtf } from './btfFixtures';

const VMLINUX = '/sys/kernel/btf/vmlinux';

function named<K extends BtfKind>(btf: Btf, kind: K, name: string): BtfTypeOfKind<K> {
  const t = btf.findByName(kind, name);
  assert.ok(t, `${kind} ${name} not found`);
  return t;
}

describe('parseBtf on the committed types fixture', () => {
  const { btf, btfDiagnostics } = committedObject('types.bpf.o');

  test('reads without a diagnostic; id 0 is void and ids are indices', () => {
    assert.deepEqual(btfDiagnostics, []);
    assert.equal(btf.types[0].kind, 'VOID');
    btf.types.forEach((t, i) => assert.equal(t.id, i));
    assert.equal(btf.typeById(btf.types.length), undefined);
    assert.equal(btf.header?.littleEndian, true);
  });

  test('struct members, bitfields (kind_flag) and offsets', () => {
    const record = named(btf, 'STRUCT', 'record');
    assert.equal(record.size, 136);
    assert.deepEqual(record.members.map((m) => [m.name, m.bitOffset]).slice(0, 8), [
      ['hits', 0], ['colour', 32], ['delta', 64], ['wide', 128], ['flags', 192], ['word', 256], ['name', 288], ['matrix', 416],
    ]);
    const flags = named(btf, 'STRUCT', 'flags');
    assert.equal(flags.kindFlag, true);
    assert.deepEqual(flags.members.map((m) => [m.name, m.bitOffset, m.bitfieldSize]), [
      ['ready', 0, 1], ['mode', 1, 3], ['level', 4, 4], ['tag', 8, 0], ['stamp', 16, 40],
    ]);
    assert.equal(named(btf, 'UNION', 'word').members.length, 4);
  });

  test('enums: unsigned, signed (kind_flag) and 64-bit values', () => {
    assert.deepEqual(named(btf, 'ENUM', 'colour').values.map((v) => [v.name, v.value]), [['RED', 0], ['GREEN', 5], ['BLUE', 0x7fffffff]]);
    const delta = named(btf, 'ENUM', 'delta');
    assert.equal(delta.signed, true);
    assert.deepEqual(delta.values.map((v) => v.value), [-1, 0, 1]);
    const wide = named(btf, 'ENUM64', 'wide');
    assert.equal(wide.size, 8);
    assert.deepEqual(wide.values.map((v) => v.value), [1n, 0x123456789an]);
  });

  test('functions, prototypes (variadic), variables, linkage, tags and forward declarations', () => {
    const fn = named(btf, 'FUNC', 'types_prog');
    assert.equal(fn.linkage, 1);
    const proto = btf.typeOfKind(fn.type, 'FUNC_PROTO');
    assert.ok(proto);
    assert.deepEqual(proto.params.map((p) => p.name), ['ctx']);
    assert.equal(btf.resolveModifiers(btf.typeOfKind(proto.params[0].type, 'PTR')!.type)?.name, 'xdp_md');
    const ops = named(btf, 'STRUCT', 'ops');
    const notify = btf.typeOfKind(btf.typeOfKind(ops.members[1].type, 'PTR')!.type, 'FUNC_PROTO')!;
    assert.equal(notify.params.at(-1)?.type, 0, 'variadic marker');
    assert.equal(named(btf, 'VAR', 'hidden_total').linkage, 0);
    assert.equal(named(btf, 'VAR', 'limit').linkage, 1);
    const tags = btf.types.filter((t) => t.kind === 'DECL_TAG');
    assert.deepEqual(tags.map((t) => [t.name, t.kind === 'DECL_TAG' && t.componentIdx]), [['record_tag', -1], ['tagged_member', 14]]);
    assert.equal(named(btf, 'TYPE_TAG', 'user').kind, 'TYPE_TAG');
    assert.equal(named(btf, 'FWD', 'opaque').union, true);
    assert.equal(named(btf, 'FWD', 'header').union, false);
    assert.deepEqual(btf.types.filter((t) => t.kind === 'DATASEC').map((t) => t.name), ['.bss', '.maps', '.rodata', 'license']);
  });

  test('resolveModifiers skips typedef, const, volatile, restrict and type tags', () => {
    const cv = named(btf, 'TYPEDEF', 'cv_counter_t');
    const resolved = btf.resolveModifiers(cv.id);
    assert.equal(resolved?.kind, 'INT');
    assert.equal(resolved?.name, 'unsigned int');
    assert.equal(btf.resolveModifiers(named(btf, 'TYPE_TAG', 'user').id)?.name, 'int');
    const record = named(btf, 'STRUCT', 'record');
    assert.equal(btf.resolveModifiers(record.id), record, 'a non-modifier resolves to itself');
    assert.equal(btf.resolveModifiers(99999), undefined);
  });

  test('sizeOf follows libbpf: arrays multiply, pointers are 8, functions and void have none', () => {
    const member = (name: string): number => named(btf, 'STRUCT', 'record').members.find((m) => m.name === name)!.type;
    const cases: [string, number, number | undefined][] = [
      ['struct record', named(btf, 'STRUCT', 'record').id, 136],
      ['char name[16]', member('name'), 16],
      ['unsigned short matrix[3][4]', member('matrix'), 24],
      ['struct ops *', member('ops'), 8],
      ['int trailing[]', member('trailing'), 0],
      ['cv_counter_t', named(btf, 'TYPEDEF', 'cv_counter_t').id, 4],
      ['VAR scratch', named(btf, 'VAR', 'scratch').id, 136],
      ['enum wide', named(btf, 'ENUM64', 'wide').id, 8],
      ['FUNC', named(btf, 'FUNC', 'types_prog').id, undefined],
      ['FWD', named(btf, 'FWD', 'header').id, undefined],
      ['void', 0, undefined],
      ['out of range', 99999, undefined],
    ];
    for (const [what, id, size] of cases) assert.equal(btf.sizeOf(id), size, what);
  });

  test('findByName and findAllByName', () => {
    assert.equal(btf.findByName('STRUCT', 'no_such_struct'), undefined);
    assert.equal(btf.findByName('UNION', 'record'), undefined, 'kind must match');
    const ints = btf.findAllByName('int');
    assert.ok(ints.length >= 1 && ints.every((t) => t.name === 'int'));
  });

  test('the big-endian build parses to the same types', () => {
    const eb = committedObject('types.bpfeb.o');
    assert.deepEqual(eb.btfDiagnostics, []);
    assert.equal(eb.btf.header?.littleEndian, false);
    assert.deepEqual(eb.btf.types, btf.types);
    assert.deepEqual(dumpBtfRaw(eb.btf), dumpBtfRaw(btf));
  });
});

describe('raw dump against bpftool btf dump', () => {
  let scratch: ReturnType<typeof scratchDir> | undefined;
  const dirFor = (): string => (scratch ??= scratchDir()).dir;
  const objects: [string, () => string][] = [
    ...C_SOURCES.map((src): [string, () => string] => [`${src} compiled now`, () => compileFixture(src, dirFor())]),
    ...C_SOURCES.map((src): [string, () => string] => [`${src} compiled big-endian now`, () => compileFixture(src, dirFor(), 'bpfeb')]),
  ];

  for (const [what, build] of objects) {
    test(`${what}: every line matches`, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
      if (!BPFTOOL) return t.skip('bpftool not found (install bpftool)');
      const path = build();
      const theirs = runTool(BPFTOOL, ['btf', 'dump', 'file', path]);
      assert.equal(theirs.status, 0, theirs.stderr);
      const ours = objectBtf(path);
      assert.deepEqual(ours.btfDiagnostics, []);
      assert.deepEqual(dumpBtfRaw(ours.btf), theirs.stdout.replace(/\n$/, '').split('\n'));
    });
  }

  // The loader's and CO-RE's fixture objects too: every object the tests load has its BTF checked.
  const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
  const otherObjects = ['objects', 'core'].flatMap((dir) =>
    readdirSync(join(FIXTURE_ROOT, dir)).filter((f) => f.endsWith('.bpf.o')).map((f) => join(FIXTURE_ROOT, dir, f)));
  test(`loader and CO-RE fixture objects (${otherObjects.length}): every line matches`, (t) => {
    if (!BPFTOOL) return t.skip('bpftool not found (install bpftool)');
    assert.ok(otherObjects.length >= 8, `found only ${otherObjects.length} fixture objects`);
    for (const path of otherObjects) {
      const theirs = runTool(BPFTOOL, ['btf', 'dump', 'file', path]);
      assert.equal(theirs.status, 0, `${path}: ${theirs.stderr}`);
      const ours = objectBtf(path);
      assert.deepEqual(ours.btfDiagnostics, [], path);
      assert.deepEqual(dumpBtfRaw(ours.btf), theirs.stdout.replace(/\n$/, '').split('\n'), path);
    }
  });

  test(`${VMLINUX}: parses without a diagnostic, quickly, and every line matches`, (t) => {
    if (!existsSync(VMLINUX)) return t.skip(`${VMLINUX} is absent (kernel built without CONFIG_DEBUG_INFO_BTF)`);
    if (!BPFTOOL) return t.skip('bpftool not found (install bpftool)');
    const bytes = new Uint8Array(readFileSync(VMLINUX));
    const start = performance.now();
    const { value, diagnostics } = parseBtf(bytes);
    const ms = performance.now() - start;
    assert.deepEqual(diagnostics, []);
    assert.ok(value.types.length > 10000, `${value.types.length} types`);
    assert.ok(ms < 5000, `parsing vmlinux BTF took ${ms.toFixed(0)} ms`);
    const theirs = runTool(BPFTOOL, ['btf', 'dump', 'file', VMLINUX]);
    assert.equal(theirs.status, 0, theirs.stderr);
    const expected = theirs.stdout.replace(/\n$/, '').split('\n');
    const ours = dumpBtfRaw(value);
    assert.equal(ours.length, expected.length);
    const firstDiff = ours.findIndex((line, i) => line !== expected[i]);
    assert.equal(firstDiff, -1, `line ${firstDiff + 1}: ours ${JSON.stringify(ours[firstDiff])}, bpftool ${JSON.stringify(expected[firstDiff])}`);
    const task = value.findByName('STRUCT', 'task_struct');
    assert.ok(task && value.sizeOf(task.id) === task.size && task.size > 1000);
  });

  after(() => scratch?.cleanup());
});
