// Tests of checks/globalFunc.ts on hand-built states: a call of a global
// function checks each argument register against its kind and leaves R0 an
// unknown scalar with R1-R5 cleared; called functions are handed out once,
// lowest index first, with an entry state built from the signature alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerifyEnv } from '../../../../src-vm/verifier/env';
import { checkGlobalExit, GlobalFuncs, globalEntryState, type SubprogSignature } from '../../../../src-vm/verifier/checks/globalFunc';
import { constScalar, formatReg, pointerReg, unknownScalar } from '../../../../src-vm/verifier/regState';
import { initialState } from '../../../../src-vm/verifier/state';

const env = (): VerifyEnv => ({ insns: [], progType: 'xdp', maps: [], idGen: 0, forks: [] });
/** Three subprograms: main at 0-3, f at 4-7, g at 8-9. */
const SUBPROG_OF = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
const F: SubprogSignature = { start: 4, name: 'f', global: true, args: [{ kind: 'scalar' }, { kind: 'ctx' }, { kind: 'mem', size: 8, nullable: false }] };
const G: SubprogSignature = { start: 8, name: 'g', global: true, refused: 'arg#0 has unsupported set of tags' };

function callState() {
  const st = initialState();
  st.cur.regs[2] = st.cur.regs[1];
  st.cur.regs[1] = constScalar(7n);
  const fp8 = pointerReg('stack', -8);
  st.cur.regs[3] = fp8;
  return st;
}

test('globalFunc: only global functions that start a subprogram are called by signature', () => {
  const g = new GlobalFuncs([F, { start: 6, name: 'mid', global: true, args: [] }, { ...G, global: false }], [], SUBPROG_OF);
  assert.deepEqual(g.at(4)?.index, 1);
  assert.equal(g.at(6), undefined);
  assert.equal(g.at(8), undefined);
  assert.equal(g.mainRefusal, undefined);
  const withMain = new GlobalFuncs([{ start: 0, name: 'prog', global: true, refused: 'arg#0 has unsupported set of tags' }], [], SUBPROG_OF);
  assert.equal(withMain.at(0), undefined, 'the entry program is never called as a global function');
  assert.equal(withMain.mainRefusal, 'arg#0 has unsupported set of tags');
});

test('globalFunc: matching arguments pass; R0 becomes an unknown scalar and R1-R5 unreadable', () => {
  const g = new GlobalFuncs([F], [], SUBPROG_OF);
  const st = callState();
  assert.equal(g.call(env(), st, 2, g.at(4)!), undefined);
  assert.equal(formatReg(st.cur.regs[0]), 'scalar()');
  assert.deepEqual([1, 2, 3, 4, 5].map((r) => st.cur.regs[r].type), Array(5).fill('not_init'));
  assert.equal(g.nextToVerify()?.sig.name, 'f');
  assert.equal(g.nextToVerify(), undefined, 'each global function is verified once');
});

test('globalFunc: each mismatch gives the kernel\'s line, then the refusal of the call', () => {
  const g = new GlobalFuncs([F, G], [], SUBPROG_OF);
  const refuse = (edit: (st: ReturnType<typeof callState>) => void, callee = 4) => {
    const st = callState();
    edit(st);
    const err = g.call(env(), st, 2, g.at(callee)!);
    return err && [err.message, ...err.trail];
  };
  const tail = "Caller passes invalid args into func#1 ('f')";
  assert.deepEqual(refuse((st) => { st.cur.regs[1] = pointerReg('stack'); }), ['R1 is not a scalar', tail]);
  assert.deepEqual(refuse((st) => { st.cur.regs[2] = pointerReg('stack'); }), ['arg#1 expects pointer to ctx', tail]);
  assert.deepEqual(refuse((st) => { st.cur.regs[2] = pointerReg('ctx', 4); }), ['dereference of modified ctx ptr R2 off=4 disallowed', tail]);
  assert.deepEqual(refuse((st) => { st.cur.regs[3] = unknownScalar(); }), ['R3 type=scalar expected=fp', tail]);
  assert.deepEqual(refuse((st) => { st.cur.regs[3] = pointerReg('stack', -4); }), ['invalid read from stack R3 off=-4 size=8', tail]);
  assert.deepEqual(refuse((st) => { st.cur.regs[3].maybeNull = true; }), ['arg#2 is expected to be non-NULL', tail]);
  assert.equal(refuse((st) => { st.cur.regs[3] = constScalar(0n); }), undefined, 'NULL passes check_mem_reg even for a nonnull argument');
  assert.deepEqual(refuse(() => undefined, 8), ['arg#0 has unsupported set of tags', "Caller passes invalid args into func#2 ('g')"]);
  assert.deepEqual(refuse((st) => { st.lock = { map: undefined, id: 1 }; }),
    ['global function calls are not allowed while holding a lock,', 'use static function instead']);
  assert.equal(g.nextToVerify()?.sig.name, 'f', 'the call that passed NULL marked f as called');
  assert.equal(g.nextToVerify(), undefined, 'refused calls mark nothing as called');
});

test('globalFunc: the entry state comes from the signature; the exit wants a scalar R0', () => {
  const e = env();
  const st = globalEntryState(e, F);
  assert.equal(st.pc, 4);
  assert.deepEqual([1, 2, 3].map((r) => formatReg(st.cur.regs[r])), ['scalar()', 'ctx()', 'mem(id=1,sz=8)']);
  assert.equal(checkGlobalExit(st, 7)?.message, 'R0 !read_ok');
  st.cur.regs[0] = pointerReg('stack');
  assert.equal(checkGlobalExit(st, 7)?.message, 'At subprogram exit the register R0 is not a scalar value (fp)');
  st.cur.regs[0] = constScalar(3n);
  assert.equal(checkGlobalExit(st, 7), undefined);
});

test('globalFunc: a global function that changes packet data (itself or through a callee) invalidates packet pointers', () => {
  const call = (src: number, imm: number) => ({ code: 0x85, dst: 0, src, off: 0, imm });
  const nop = { code: 0xb7, dst: 0, src: 0, off: 0, imm: 0 };
  // main 0-3, f 4-7 (calls g at 8), g 8-9 (calls bpf_xdp_adjust_head, id 44)
  const insns = [nop, nop, nop, nop, call(1, 3), nop, nop, nop, call(0, 44), nop];
  const after = (sigs: SubprogSignature[], callee: number) => {
    const g = new GlobalFuncs(sigs, insns, SUBPROG_OF);
    const st = initialState();
    st.cur.regs[6] = pointerReg('pkt');
    assert.equal(g.call(env(), st, 2, g.at(callee)!), undefined);
    return st.cur.regs[6].type;
  };
  assert.equal(after([{ ...F, args: [] }], 4), 'scalar');
  assert.equal(after([{ start: 8, name: 'g', global: true, args: [] }], 8), 'scalar');
  const quiet = [nop, nop, nop, nop, nop, nop, nop, nop, call(0, 1), nop];
  const g = new GlobalFuncs([{ ...F, args: [] }], quiet, SUBPROG_OF);
  const st = initialState();
  st.cur.regs[6] = pointerReg('pkt');
  g.call(env(), st, 2, g.at(4)!);
  assert.equal(st.cur.regs[6].type, 'pkt', 'map_lookup_elem changes no packet data');
});
