// The interpreter's contract beyond the conformance vectors: faults with pc,
// access and region; the instruction budget; call frames and callee-saved
// registers; the stepping and breakpoint API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn, lddwSlots, type Insn } from '../../../src-vm/isa/insn';
import { Vm } from '../../../src-vm/vm/interpreter';
import { createVm, runProgram } from '../../../src-vm/vm/runProgram';

const EXIT = insn(0x95);
const mov = (d: number, imm: number): Insn => insn(0xb7, d, 0, 0, imm);

interface FaultCase {
  name: string;
  insns: Insn[];
  mem?: Uint8Array;
  budget?: number;
  code: string;
  pc: number;
  message: RegExp;
}

const FAULTS: FaultCase[] = [
  { name: 'NULL dereference', insns: [mov(1, 0), insn(0x79, 0, 1, 8), EXIT], code: 'vm/memory', pc: 1,
    message: /pc 1: read of 8 bytes at 0x8: NULL pointer dereference/ },
  { name: 'stack read below the frame', insns: [insn(0x79, 0, 10, -520), EXIT], code: 'vm/memory', pc: 0,
    message: /read of 8 bytes .*offset -8 is outside stack of frame 0 \(512 bytes\)/ },
  { name: 'stack write past the top', insns: [insn(0x7a, 10, 0, 0, 1), EXIT], code: 'vm/memory', pc: 0,
    message: /write of 8 bytes .*offset 512 is outside stack of frame 0 \(512 bytes\)/ },
  { name: 'input memory overrun', insns: [insn(0x61, 0, 1, 2), EXIT], mem: new Uint8Array(4), code: 'vm/memory', pc: 0,
    message: /read of 4 bytes .*offset 2 is outside input memory \(4 bytes\)/ },
  { name: 'infinite loop hits the budget', insns: [insn(0x05, 0, 0, -1)], budget: 1000, code: 'vm/budget', pc: 0,
    message: /instruction budget of 1000 exhausted/ },
  { name: 'falling off the end', insns: [mov(0, 1)], code: 'vm/pc', pc: 1, message: /fell off the end of the program \(1 instructions\)/ },
  { name: 'unknown helper', insns: [insn(0x85, 0, 0, 0, 99), EXIT], code: 'vm/helper', pc: 0, message: /helper 99/ },
  { name: 'unresolved map reference', insns: [...lddwSlots(1, 3n, 1), EXIT], code: 'vm/lddw', pc: 0, message: /src=1/ },
  { name: 'recursion past 8 frames', insns: [insn(0x85, 0, 1, 0, -1), EXIT], code: 'vm/call-depth', pc: 0, message: /8 frames/ },
];

for (const c of FAULTS) {
  test(`fault: ${c.name}`, () => {
    const r = runProgram(c.insns, { mem: c.mem, budget: c.budget });
    assert.ok(r.fault, 'expected a fault');
    assert.equal(r.fault.code, c.code);
    assert.equal(r.fault.pc, c.pc);
    assert.match(r.fault.message, c.message);
  });
}

test('an invalid encoding is reported and never run', () => {
  const r = runProgram([insn(0xff), EXIT]);
  assert.equal(r.steps, 0);
  assert.match(r.invalid?.[0].message ?? '', /insn 0: unknown opcode 0xff/);
});

test('bpf-to-bpf call: own stack frame, callee-saved r6-r9 restored, r0 returned', () => {
  const prog = [
    mov(6, 7), insn(0x7a, 10, 0, -8, 11),       // r6 = 7; *(u64 *)(r10 - 8) = 11
    insn(0x85, 0, 1, 0, 4),                      // call +4
    insn(0x79, 1, 10, -8), insn(0x0f, 0, 1),     // r1 = *(r10 - 8); r0 += r1
    insn(0x0f, 0, 6), EXIT,                      // r0 += r6 (must still be 7)
    mov(6, 1000), insn(0x7a, 10, 0, -8, 5000),   // callee clobbers r6 and its own stack
    mov(0, 100), EXIT,
  ];
  const r = runProgram(prog);
  assert.equal(r.fault, undefined);
  assert.equal(r.r0, 100n + 11n + 7n);
});

test('step() runs one instruction at a time and exposes registers', () => {
  const { vm } = createVm([mov(0, 5), insn(0x07, 0, 0, 0, -6), EXIT]);
  assert.ok(vm instanceof Vm);
  assert.equal(vm.step(), 'steps');
  assert.equal(vm.pc, 1);
  assert.equal(vm.getReg(0), 5n);
  assert.equal(vm.step(), 'steps');
  assert.equal(vm.getReg(0), 0xffffffffffffffffn);
  assert.equal(vm.step(), 'exit');
  assert.equal(vm.steps, 3);
  assert.equal(vm.step(), 'exit', 'an exited vm stays exited');
});

test('breakpoints stop before the instruction, and continuing passes them', () => {
  const { vm } = createVm([mov(0, 0), insn(0x07, 0, 0, 0, 1), insn(0xa5, 0, 0, -2, 3), EXIT]);
  assert.ok(vm);
  vm.setBreakpoint(1, true);
  assert.equal(vm.run(), 'breakpoint');
  assert.equal(vm.pc, 1);
  assert.equal(vm.getReg(0), 0n);
  assert.equal(vm.run(), 'breakpoint');
  assert.equal(vm.getReg(0), 1n);
  vm.setBreakpoint(1, false);
  assert.equal(vm.run(), 'exit');
  assert.equal(vm.getReg(0), 3n);
});

test('memory reads and writes through the address API', () => {
  const { vm } = createVm([insn(0x61, 0, 1, 0), EXIT], { mem: new Uint8Array([1, 2, 3, 4]) });
  assert.ok(vm);
  const addr = vm.getReg(1);
  assert.deepEqual(vm.memory.read(addr + 1n, 2), new Uint8Array([2, 3]));
  assert.equal(vm.memory.write(addr, new Uint8Array([9])), true);
  assert.equal(vm.memory.write(addr + 4n, new Uint8Array([9])), false);
  vm.run();
  assert.equal(vm.getReg(0), 0x04030209n);
});

test('atomics: fetch-add, xchg and cmpxchg on the stack', () => {
  const prog = [
    insn(0x7a, 10, 0, -8, 40),                  // *(u64 *)(r10 - 8) = 40
    mov(1, 2), insn(0xdb, 10, 1, -8, 0x01),     // r1 = atomic_fetch_add(r10 - 8, 2) -> r1 = 40, mem = 42
    mov(0, 42), mov(2, 7), insn(0xdb, 10, 2, -8, 0xf1), // cmpxchg: mem == r0 (42) -> mem = 7, r0 = 42
    insn(0x79, 3, 10, -8),                      // r3 = 7
    insn(0x0f, 0, 1), insn(0x0f, 0, 3), EXIT,   // r0 = 42 + 40 + 7
  ];
  assert.equal(runProgram(prog).r0, 89n);
});

test('a store into a read-only region faults and leaves it unchanged', () => {
  const vm = new Vm([insn(0x62, 1, 0, 0, 1), EXIT]);
  const ro = vm.memory.add('.rodata', 'rodata', new Uint8Array([5, 5, 5, 5]), false);
  vm.setRegAddress(1, ro);
  assert.equal(vm.run(), 'fault');
  assert.match(vm.fault?.message ?? '', /pc 0: write of 4 bytes at 0x[0-9a-f]+: \.rodata is read-only/);
  assert.deepEqual(ro.bytes, new Uint8Array([5, 5, 5, 5]));
});
