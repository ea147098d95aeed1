// logParse.ts on a verifier log printed by Linux 6.18.44 (bpftool -d prog
// load): every kind of line is recognised, register values come back exact,
// and lines it does not know (liveness table, precision backtracking,
// statistics) are kept as 'other' rather than misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarToBig } from '../../../src-vm/verifier/bounds';
import { parseLogLine, parseRegValue, parseState, parseVerifierLog } from '../../../src-vm/verifier/logParse';

const LOG = `func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_prandom_u32#7
0: R1=ctx() R10=fp0
0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()
1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)
2: (c7) r6 s>>= 63                    ; R6=scalar(smin=smin32=-1,smax=smax32=0)
3: (57) r6 &= 5                       ; R6=5
14: (45) if r0 & 0x4 goto pc+7        ; R0=scalar(id=2,smax=0x7ffffffffffffffb,umax=0xfffffffffffffffb,smax32=0x7ffffffb,umax32=0xfffffffb,var_off=(0x0; 0xfffffffffffffffb))
16: (07) r1 += 5                      ; R1=scalar(id=2+5)
26: (c5) if r1 s< 0x64 goto pc+21
mark_precise: frame0: last_idx 26 first_idx 24 subseq_idx -1 
mark_precise: frame0: parent state regs=r0 stack=:  R0=Pscalar() R10=fp0
26: R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=16,var_off=(0x0; 0x10))
4: (2d) if r4 > r3 goto pc+45         ; R3=pkt_end() R4=pkt(off=16,r=16)
12: (34) w9 s/= 7
13: safe

from 19 to 22: R0=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=99,var_off=(0x0; 0x7b)) R6=5 R10=fp0
from 14 to 22: safe
verification time 231 usec
processed 37 insns (limit 1000000) max_states_per_insn 0 total_states 2 peak_states 2 mark_read 0`;

test('each kind of log line is recognised', () => {
  const kinds = parseVerifierLog(LOG).map((l) => (l.kind === 'insn' || l.kind === 'state' ? `${l.kind}@${l.idx}` : l.kind));
  assert.deepEqual(kinds, [
    'other', 'other', 'other', 'state@0', 'insn@0', 'insn@1', 'insn@2', 'insn@3', 'insn@14', 'insn@16', 'insn@26',
    'other', 'other', 'state@26', 'insn@4', 'insn@12', 'safe', 'other', 'branch', 'branch', 'other', 'other',
  ]);
});

test('instruction lines carry opcode, assembly and the registers after them', () => {
  const line = parseLogLine('1: (bf) r6 = r0                       ; R0=scalar(id=1) R6=scalar(id=1)');
  assert.equal(line.kind, 'insn');
  if (line.kind !== 'insn') return;
  assert.deepEqual([line.opcode, line.asm, line.state.map((s) => `${s.regno}:${s.text}`)], [0xbf, 'r6 = r0', ['0:scalar(id=1)', '6:scalar(id=1)']]);
  const bare = parseLogLine('12: (34) w9 s/= 7');
  assert.ok(bare.kind === 'insn' && bare.state.length === 0 && bare.asm === 'w9 s/= 7');
});

test('branch entries: the state of the popped path, or safe', () => {
  const [a, b] = parseVerifierLog(LOG).filter((l) => l.kind === 'branch');
  assert.ok(a.kind === 'branch' && !a.safe && a.from === 19 && a.to === 22 && a.state.length === 3);
  assert.ok(b.kind === 'branch' && b.safe && b.from === 14 && b.to === 22);
});

test('register values: scalars exact, with ids and deltas; other types as text', () => {
  const items = parseState('R0=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=99,var_off=(0x0; 0x7b)) R1=scalar(id=2+5) R3=pkt_end() R6=-5 fp-8=mmmmmmmm');
  assert.deepEqual(items.map((i) => [i.name, i.regno, i.value.kind]), [
    ['R0', 0, 'scalar'], ['R1', 1, 'scalar'], ['R3', 3, 'other'], ['R6', 6, 'scalar'], ['fp-8', -1, 'other'],
  ]);
  const r0 = items[0].value;
  assert.ok(r0.kind === 'scalar' && r0.id === 2 && r0.linkedDelta === undefined);
  if (r0.kind !== 'scalar') return;
  assert.deepEqual(scalarToBig(r0.scalar), {
    value: 0n, mask: 0x7bn, smin: 0n, smax: 99n, umin: 0n, umax: 99n, s32Min: 0, s32Max: 99, u32Min: 0, u32Max: 99,
  });
  const r1 = items[1].value;
  assert.ok(r1.kind === 'scalar' && r1.id === 2 && r1.linkedDelta === 5);
  const r6 = items[3].value;
  assert.ok(r6.kind === 'scalar');
  if (r6.kind === 'scalar') assert.equal(scalarToBig(r6.scalar).smin, -5n);
  const hex = parseRegValue('scalar(smin32=0xf0000001,umax=0xffffffff00000000)');
  assert.ok(hex.kind === 'scalar' && hex.scalar.s32Min === -0x0fffffff && hex.scalar.umaxHi === 0xffffffff);
  // older kernels print liveness after the register name
  assert.equal(parseState('R1_w=42')[0].name, 'R1');
});

test('malformed text does not throw and is kept as text', () => {
  for (const text of ['scalar(smin=abc)', 'scalar(bogus=1)', 'scalar(', '', 'P', 'Pscalar(var_off=(0x1; 0x2)']) {
    assert.equal(parseRegValue(text).kind, 'other', text);
  }
  assert.equal(parseLogLine('garbage: ; R0=').kind, 'other');
  assert.deepEqual(parseState('R0 R1= =5'), [{ name: 'R1', regno: 1, text: '', value: { kind: 'other', text: '' } }]);
});
