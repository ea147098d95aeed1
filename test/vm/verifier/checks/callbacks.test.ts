// Tests of checks/callbacks.ts and checks/mayGoto.ts on hand-built states:
// callback argument kinds, the callback's frame, and may_goto's fork.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn } from '../../../../src-vm/isa/insn';
import { checkCallbackArg, pushCallbackCall, type CallbackMeta } from '../../../../src-vm/verifier/checks/callbacks';
import { checkMayGoto } from '../../../../src-vm/verifier/checks/mayGoto';
import { checkCfg } from '../../../../src-vm/verifier/cfg';
import type { VerifyEnv } from '../../../../src-vm/verifier/env';
import { VerifierError } from '../../../../src-vm/verifier/errors';
import { loopInfo } from '../../../../src-vm/verifier/loopConvergence';
import { constScalar, pointerReg } from '../../../../src-vm/verifier/regState';
import { initialState } from '../../../../src-vm/verifier/state';

const env = (): VerifyEnv => ({ insns: [], progType: 'xdp', maps: [], idGen: 0, forks: [] });

test('callbacks: ARG_PTR_TO_FUNC wants a func pointer, ARG_PTR_TO_STACK_OR_NULL a stack pointer or 0', () => {
  const meta: CallbackMeta = {};
  const fn = pointerReg('func');
  fn.subprogno = 9;
  assert.equal(checkCallbackArg(0, 2, fn, 'ARG_PTR_TO_FUNC', meta), undefined);
  assert.equal(meta.callbackStart, 9);
  assert.equal(checkCallbackArg(0, 2, constScalar(0n), 'ARG_PTR_TO_FUNC', meta)?.message, 'R2 type=scalar expected=func');
  assert.equal(checkCallbackArg(0, 3, pointerReg('stack'), 'ARG_PTR_TO_STACK_OR_NULL', meta), undefined);
  assert.equal(checkCallbackArg(0, 3, constScalar(0n), 'ARG_PTR_TO_STACK_OR_NULL', meta), undefined);
  assert.equal(checkCallbackArg(0, 3, pointerReg('map_value'), 'ARG_PTR_TO_STACK_OR_NULL', meta)?.message, 'R3 type=map_value expected=fp');
});

test('callbacks: bpf_loop forks the callback in a new frame until its count is reached', () => {
  const e = env();
  const st = initialState();
  st.cur.regs[1] = constScalar(1n);
  st.cur.regs[3] = pointerReg('stack');
  assert.equal(pushCallbackCall(e, st, 4, 181, { callbackStart: 10 }), undefined);
  assert.equal(e.forks.length, 1);
  const cb = e.forks[0];
  assert.equal(cb.pc, 10);
  assert.equal(cb.frames.length, 2);
  assert.equal(cb.cur.callsite, 4);
  assert.equal(cb.cur.regs[1].type, 'scalar');
  assert.equal(cb.cur.regs[2].type, 'stack');
  assert.deepEqual(cb.cur.callback, { async: false, retMin: 0, retMax: 1 });
  // Back at the call with one iteration done: a count of 1 pushes no more.
  cb.frames.pop();
  assert.equal(pushCallbackCall(e, cb, 4, 181, { callbackStart: 10 }), undefined);
  assert.equal(e.forks.length, 1);
});

test('may_goto: the jump is taken, the fall-through forked one depth deeper; reserved fields refused', () => {
  const insns = [insn(0xe5, 0, 0, 1, 0), insn(0xb7, 0, 0, 0, 1), insn(0xb7, 0, 0, 0, 0), insn(0x95)];
  const cfg = checkCfg(insns);
  const info = loopInfo(insns, cfg.successors, cfg.prunePoints);
  const e = env();
  const st = initialState();
  assert.deepEqual(checkMayGoto(e, info, st, 0, insns[0]), { next: 2 });
  assert.equal(e.forks[0].pc, 1);
  assert.equal(e.forks[0].mayGotoDepth, 1);
  const bad = checkMayGoto(e, info, st, 0, insn(0xe5, 0, 0, 1, 7));
  assert.ok(bad instanceof VerifierError);
  assert.equal(bad.message, 'invalid may_goto off 1 imm 7');
});
