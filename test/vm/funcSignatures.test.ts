// Tests of src-vm/funcSignatures.ts on hand-built BTF: which functions are
// global, each argument kind btf_prepare_func_args derives (scalar, ctx by
// struct name or `arg:ctx`, sized memory, `arg:nonnull`, arena) and the
// kernel's message for every signature it refuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBtf } from '../../src-vm/elf/btf';
import type { ProgTypeName } from '../../src-vm/elf/bpfEnums';
import { subprogSignatures } from '../../src-vm/funcSignatures';
import { BtfBuilder } from './elf/btfBuild';

interface Param { name: string; type: number; tags?: string[] }

/** A one-function BTF: `int f(params)` (or returning `ret`), with `arg:` tags; returns the signature of f at slot 5. */
function signature(build: (b: BtfBuilder, int: number) => { params: Param[]; ret?: number; linkage?: number }, progType: ProgTypeName = 'xdp') {
  const b = new BtfBuilder();
  const int = b.int('int');
  const { params, ret, linkage } = build(b, int);
  const proto = b.funcProto(ret ?? int, params.map((p) => [p.name, p.type]));
  const fn = b.func('f', proto, linkage ?? 1);
  params.forEach((p, k) => { for (const tag of p.tags ?? []) b.raw('DECL_TAG', `arg:${tag}`, 0, false, fn, [k]); });
  const btf = parseBtf(b.bytes()).value;
  const [main, sub] = subprogSignatures(btf, [{ insnIdx: 0, typeId: fn, name: 'main' }, { insnIdx: 5, typeId: fn, name: 'f' }], progType);
  assert.equal(main.start, 0, 'the entry program has a signature too (the kernel logs its refusal)');
  return sub;
}

test('funcSignatures: static functions carry no signature, global ones their argument kinds', () => {
  assert.deepEqual(signature((_b, int) => ({ params: [{ name: 'x', type: int }], linkage: 0 })), { start: 5, name: 'f', global: false, scalarReturn: true });
  assert.deepEqual(signature((_b, int) => ({ params: [{ name: 'x', type: int }] })),
    { start: 5, name: 'f', global: true, args: [{ kind: 'scalar' }], scalarReturn: true });
});

test('funcSignatures: a function returning void has no scalar return (check_btf_func: no LD_ABS or tail call in it)', () => {
  assert.equal(signature((_b, int) => ({ params: [{ name: 'x', type: int }], ret: 0, linkage: 0 })).scalarReturn, false);
});

test('funcSignatures: a pointer to the program type\'s ctx struct (or its kernel projection) is the ctx', () => {
  const ctxOf = (structName: string, progType: ProgTypeName) => signature((b) => {
    const s = b.struct(structName, 24, []);
    return { params: [{ name: 'c', type: b.ref('PTR', s) }] };
  }, progType).args;
  assert.deepEqual(ctxOf('xdp_md', 'xdp'), [{ kind: 'ctx' }]);
  assert.deepEqual(ctxOf('xdp_buff', 'xdp'), [{ kind: 'ctx' }]);
  assert.deepEqual(ctxOf('__sk_buff', 'sched_cls'), [{ kind: 'ctx' }]);
  assert.deepEqual(ctxOf('xdp_md', 'sched_cls'), [{ kind: 'mem', size: 24, nullable: true }], 'another type\'s ctx is plain memory');
});

test('funcSignatures: pointers to sized types are memory, or_null unless arg:nonnull', () => {
  const mem = (tags: string[]) => signature((b, int) => ({ params: [{ name: 'p', type: b.ref('PTR', b.array(int, int, 4)), tags }] })).args;
  assert.deepEqual(mem([]), [{ kind: 'mem', size: 16, nullable: true }]);
  assert.deepEqual(mem(['nonnull']), [{ kind: 'mem', size: 16, nullable: false }]);
  assert.deepEqual(mem(['arena']), [{ kind: 'arena' }]);
  assert.deepEqual(mem(['trusted']), [{ kind: 'unsupported', what: 'a trusted kernel pointer argument' }]);
});

test('funcSignatures: the kernel\'s refusals', () => {
  const refused = (build: Parameters<typeof signature>[0], progType?: ProgTypeName) => signature(build, progType).refused;
  assert.equal(refused((b) => ({ params: [{ name: 'p', type: b.ref('PTR', 0) }] })), "arg#0 reference type('UNKNOWN ') size cannot be determined: -22");
  assert.equal(refused((_b, int) => ({ params: [{ name: 'x', type: int }], ret: 0 })), "Global function f() doesn't return scalar. Only those are supported.");
  assert.equal(refused((_b, int) => ({ params: [{ name: 'x', type: int, tags: ['nonnull'] }] })), 'arg#0 has pointer tag, but is not a pointer type');
  assert.equal(refused((b, int) => ({ params: [{ name: 'p', type: b.ref('PTR', int), tags: ['bogus'] }] })), 'arg#0 has unsupported set of tags');
  assert.equal(refused((b, int) => ({ params: [{ name: 'p', type: b.ref('PTR', int), tags: ['nullable'] }] })), 'arg#0 has invalid combination of tags');
  assert.equal(refused((b, int) => ({ params: [{ name: 'p', type: b.ref('PTR', int), tags: ['ctx', 'nonnull'] }] })), 'arg#0 has invalid combination of tags');
  assert.equal(refused((b) => ({ params: [{ name: 'p', type: b.ref('PTR', b.struct('val', 16, [])), tags: ['ctx'] }] })), 'arg#0 should be `struct xdp_md *`');
  assert.equal(refused((b) => ({ params: [{ name: 's', type: b.struct('val', 16, []) }] })), 'Arg#0 type STRUCT in f() is not supported yet.');
  assert.equal(refused((_b, int) => ({ params: Array.from({ length: 6 }, (_, k) => ({ name: `a${k}`, type: int })) })),
    'Global function f() with 6 > 5 args. Buggy compiler.');
});

test('funcSignatures: arg:ctx on void * is the ctx for any program type', () => {
  for (const t of ['xdp', 'tracepoint', 'kprobe'] as const) {
    assert.deepEqual(signature((b) => ({ params: [{ name: 'c', type: b.ref('PTR', 0), tags: ['ctx'] }] }), t).args, [{ kind: 'ctx' }]);
  }
});

test('funcSignatures: no BTF, no signatures', () => {
  assert.deepEqual(subprogSignatures(undefined, [{ insnIdx: 3, typeId: 1, name: 'f' }], 'xdp'), []);
});
