// Candidate search as libbpf does it: essential names (the part before the
// last `___flavour`, with libbpf's exact separator rule) and the target's
// types of the same essential name and a compatible kind, in id order.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { essentialName, essentialNameLength, findCandidates, kindsCoreCompatible } from '../../../src-vm/elf/coreCandidates';
import { CoreBtfBuilder } from './coreBtfBuild';

describe('essential names (bpf_core_essential_name_len)', () => {
  const cases: [string, string][] = [
    ['task_struct___local', 'task_struct'],
    ['task_struct', 'task_struct'],
    ['a___b___c', 'a___b'],
    ['u8___2', 'u8'],
    ['_x___y', '_x'],
    ['x___y', 'x'],
    ['x___', 'x___'],
    ['___x', '___x'],
    ['a____b', 'a____b'],
    ['a_b___c_d', 'a_b'],
    ['', ''],
  ];
  for (const [name, want] of cases) {
    test(`'${name}' -> '${want}'`, () => {
      assert.equal(essentialName(name), want);
      assert.equal(essentialNameLength(name), want.length);
    });
  }
});

describe('findCandidates (bpf_core_add_cands over the target)', () => {
  const b = new CoreBtfBuilder();
  const ids = {
    s: b.composite('s', 4, []),
    us: b.composite('s', 4, [], 'UNION'),
    s2: b.composite('s___2', 8, []),
    ts: b.ref('TYPEDEF', b.int('int'), 's'),
    anon: b.composite('', 4, []),
    e: b.enum32('e', [['A', 1]]),
    e64: b.enum64('e___x', [['A', 1n]]),
    se: b.composite('e', 4, []),
  };
  const target = b.btf();
  const local = new CoreBtfBuilder();
  const ls = local.composite('s___local', 4, []);
  const le = local.enum32('e___local', [['A', 1]]);
  const lt = local.ref('TYPEDEF', local.int('int'), 's');
  const localBtf = local.btf();

  test('a struct: the structs of that essential name, in id order (not the union, typedef or anonymous ones)', () => {
    assert.deepEqual(findCandidates(localBtf.typeById(ls)!, target).map((t) => t.id), [ids.s, ids.s2]);
  });

  test('an enum: enums and enum64s of that essential name (not the struct)', () => {
    assert.deepEqual(findCandidates(localBtf.typeById(le)!, target).map((t) => t.id), [ids.e, ids.e64]);
  });

  test('a typedef: typedefs only', () => {
    assert.deepEqual(findCandidates(localBtf.typeById(lt)!, target).map((t) => t.id), [ids.ts]);
  });

  test('kind compatibility is symmetric and treats enum widths alike', () => {
    const t = (id: number) => target.typeById(id)!;
    assert.equal(kindsCoreCompatible(t(ids.e), t(ids.e64)), true);
    assert.equal(kindsCoreCompatible(t(ids.e64), t(ids.e)), true);
    assert.equal(kindsCoreCompatible(t(ids.s), t(ids.us)), false);
    assert.equal(kindsCoreCompatible(t(ids.anon), t(ids.s)), true);
  });
});
