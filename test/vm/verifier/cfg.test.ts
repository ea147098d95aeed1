// Unit tests for src-vm/verifier/cfg.ts: the rules the live kernel cannot show
// us as root through libbpf (unprivileged loads, call targets libbpf would
// refuse, the subprogram limit, lddw shape), plus the data the driver uses
// (subprogram bounds, successors, postorder, prune points).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { checkCfg, MAX_SUBPROGS } from '../../../src-vm/verifier/cfg';

const MOV0 = insn(0xb7, 0, 0, 0, 0);
const EXIT = insn(0x95);
const ja = (off: number): Insn => insn(0x05, 0, 0, off);
const jgt = (off: number): Insn => insn(0x25, 0, 0, off, 1);
const call = (imm: number): Insn => insn(0x85, 0, 1, 0, imm);
const kfunc = (id: number): Insn => insn(0x85, 0, 2, 0, id);
const funcRef = (imm: number): Insn[] => { const [a, b] = lddwSlots(1, 0n, 4); return [{ ...a, imm }, b]; };

const first = (insns: Insn[], privileged = true) => checkCfg(insns, { privileged }).errors[0];

const REJECTS: { name: string; insns: Insn[]; privileged?: boolean; insnIdx: number; message: string }[] = [
  { name: 'unprivileged back-edge', insns: [MOV0, jgt(-2), EXIT], privileged: false, insnIdx: 1, message: 'back-edge from insn 1 to 0' },
  { name: 'unprivileged self loop', insns: [MOV0, ja(-1), EXIT], privileged: false, insnIdx: 1, message: 'back-edge from insn 1 to 1' },
  { name: 'unprivileged call', insns: [MOV0, call(1), EXIT, MOV0, EXIT], privileged: false, insnIdx: 1, message: 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN' },
  { name: 'unprivileged kfunc', insns: [kfunc(7), EXIT], privileged: false, insnIdx: 0, message: 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN' },
  { name: 'call past the end', insns: [MOV0, call(5), EXIT], insnIdx: 1, message: 'call to invalid destination' },
  { name: 'call before the start', insns: [MOV0, call(-3), EXIT], insnIdx: 1, message: 'call to invalid destination' },
  { name: 'function reference past the end', insns: [...funcRef(9), MOV0, EXIT], insnIdx: 0, message: 'call to invalid destination' },
  { name: 'lddw without second half', insns: [MOV0, EXIT, lddwSlots(1, 5n)[0]], insnIdx: 2, message: 'last insn is not an exit or jmp' },
  { name: 'lddw with a bad second half', insns: [lddwSlots(1, 5n)[0], insn(0x00, 1, 0, 0, 0), MOV0, EXIT], insnIdx: 0, message: 'invalid bpf_ld_imm64 insn' },
  { name: 'call into the middle of a subprogram is a new subprogram', insns: [MOV0, call(2), EXIT, MOV0, MOV0, EXIT], insnIdx: 3, message: 'last insn is not an exit or jmp' },
];

for (const c of REJECTS) {
  test(`cfg rejects: ${c.name}`, () => {
    assert.deepEqual(first(c.insns, c.privileged ?? true), { insnIdx: c.insnIdx, message: c.message });
  });
}

test('cfg: privileged bounded loops pass, unprivileged straight code passes', () => {
  assert.equal(first([MOV0, jgt(-2), EXIT]), undefined);
  assert.equal(first([MOV0, jgt(1), MOV0, EXIT], false), undefined);
});

test('cfg: too many subprograms', () => {
  const insns: Insn[] = [];
  const subs = MAX_SUBPROGS; // main + 256 callees is one too many
  for (let k = 0; k < subs; k++) insns.push(call(0));
  insns.push(EXIT);
  for (let k = 0; k < subs; k++) insns.push(MOV0, EXIT);
  for (let k = 0; k < subs; k++) insns[k] = call(subs + 1 + 2 * k - k - 1);
  const r = checkCfg(insns);
  assert.deepEqual(r.errors[0], { insnIdx: subs - 1, message: 'too many subprograms' });
  const fits = checkCfg([...insns.slice(0, subs - 1), ja(1), EXIT, ...insns.slice(subs + 1)]);
  assert.notEqual(fits.errors[0]?.message, 'too many subprograms');
});

test('cfg: subprogram bounds, owner of each slot, successors', () => {
  const insns = [MOV0, call(2), jgt(0), EXIT, ...funcRef(-5), MOV0, EXIT];
  const r = checkCfg(insns);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.subprogs, [{ start: 0, end: 4 }, { start: 4, end: 8 }]);
  assert.deepEqual(r.subprogOf, [0, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(r.successors, [[1], [2, 4], [3, 3], [], [6, 0], [], [7], []]);
});

test('cfg: function references start subprograms; the postorder is the kernel walk', () => {
  const insns = [...funcRef(3), MOV0, EXIT, MOV0, EXIT];
  const r = checkCfg(insns);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.subprogs, [{ start: 0, end: 4 }, { start: 4, end: 6 }]);
  assert.deepEqual(r.postorder, [3, 2, 5, 4, 0]);
});

test('cfg: prune points at branch targets, conditional jumps and after calls', () => {
  const insns = [MOV0, jgt(1), call(2), ja(0), EXIT, MOV0, EXIT];
  const r = checkCfg(insns);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.prunePoints, [false, true, true, true, true, true, false]);
});

test('cfg: an empty program has no subprograms and no errors', () => {
  assert.deepEqual(checkCfg([]).errors, []);
});
