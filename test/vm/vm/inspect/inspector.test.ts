// Tests for src-vm/vm/inspect/inspector.ts (and frameView.ts, which it
// lists): the scopes of assembly and Linux targets, registers and stack
// slots annotated with the verifier's state at each frame's instruction
// (a caller's at the call it waits on), the row that says why annotations are
// missing (no program type, a tail call), and the Memory scope of assembly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLinuxTarget } from '../../../../src-vm/vm/runtimeLinux';
import { assemblyTarget, loadDebugProgram } from '../../../../src-vm/vm/runtimeLoad';
import type { DebugTarget } from '../../../../src-vm/vm/runtimeTarget';
import { TargetInspector } from '../../../../src-vm/vm/inspect/inspector';
import type { VarNode } from '../../../../src-vm/vm/inspect/varNode';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures');
const CALLS = readFileSync(join(FIXTURES, 'debug', 'calls.bpf.s'), 'utf8');
const PACKET = 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a800020035003500080000';

function assembly(text: string, mem?: string): DebugTarget {
  const loaded = loadDebugProgram(text, { mem });
  assert.ok(loaded.value, loaded.diagnostics.map((d) => d.message).join('; '));
  return assemblyTarget(loaded.value);
}

function linux(object: string, programName: string, packet?: string): DebugTarget {
  const loaded = loadLinuxTarget({ object: new Uint8Array(readFileSync(join(FIXTURES, object))), objectName: object.split('/').pop()!.split('.')[0], programName, packet });
  assert.ok(loaded.value, loaded.diagnostics.map((d) => d.message).join('; '));
  return loaded.value;
}

function scope(inspector: TargetInspector, depth: number, name: string): VarNode[] {
  const found = inspector.scopes(depth).find((s) => s.name === name);
  assert.ok(found, `scope ${name}`);
  return found.nodes();
}

const valueOf = (nodes: VarNode[], name: string): string | undefined => nodes.find((n) => n.name === name)?.value;

test('assembly: Registers, Stack and Memory; registers annotated at entry; r10 is not editable', () => {
  const target = assembly(CALLS, 'de ad');
  const inspector = new TargetInspector(target);
  assert.deepEqual(inspector.scopes(0).map((s) => s.name), ['Registers', 'Stack', 'Memory']);
  const regs = scope(inspector, 0, 'Registers');
  assert.deepEqual(regs.map((r) => r.name), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
  assert.match(valueOf(regs, 'r1') ?? '', /\(input memory \+ 0\)   verifier: ctx\(\)$/);
  assert.equal(valueOf(regs, 'r6'), '0x0 (0)   verifier: not initialized');
  const r10 = regs.find((r) => r.name === 'r10')!;
  assert.deepEqual([r10.edit, r10.readOnly], [undefined, 'r10 is the frame pointer: it is read-only']);
  assert.deepEqual(regs.find((r) => r.name === 'r6')!.edit, { kind: 'register', depth: 0, reg: 6 });
  assert.deepEqual(scope(inspector, 0, 'Memory').map((n) => [n.name, n.value]), [['length', '2 bytes'], ['0x0000', 'de ad']]);
  assert.equal(valueOf(scope(inspector, 0, 'Stack'), 'fp-8'), '00 00 00 00 00 00 00 00   verifier: invalid');
});

test('assembly without input memory says how to give it', () => {
  const memory = scope(new TargetInspector(assembly(CALLS)), 0, 'Memory');
  assert.deepEqual(memory.map((n) => [n.name, n.value]), [['memory', 'no input memory (give it with the launch attribute mem)']]);
});

test('inside a call: the callee\'s registers at its pc, the caller\'s r6..r10 at the call it waits on', () => {
  const target = assembly(CALLS);
  for (let i = 0; i < 10 && target.vm.frames.length === 0; i++) target.run(1);
  assert.equal(target.vm.frames.length, 1);
  const inspector = new TargetInspector(target);
  const callee = scope(inspector, 1, 'Registers');
  assert.equal(valueOf(callee, 'r1'), '0xa (10)   verifier: 10');
  assert.match(valueOf(callee, 'r10') ?? '', /\(stack of frame 1 \+ 512\)   verifier: fp0$/);
  const caller = scope(inspector, 0, 'Registers');
  assert.deepEqual(caller.map((r) => r.name), ['r6', 'r7', 'r8', 'r9', 'r10']);
  assert.equal(valueOf(caller, 'r6'), '0xa (10)   verifier: 10');
});

test('a section without a program type: no annotations, and a last row saying why', () => {
  const regs = scope(new TargetInspector(assembly('\t.text\nf:\nr0 = 1\nexit\n')), 0, 'Registers');
  assert.equal(valueOf(regs, 'r0'), '0x0 (0)');
  const last = regs[regs.length - 1];
  assert.equal(last.name, 'verifier');
  assert.match(last.value, /^no annotations: program type \(none\) is not modelled by our verifier/);
  assert.equal(last.info, true);
});

test('after a tail call the annotations of the first program no longer apply, and the pane says so', () => {
  const target = assembly(CALLS);
  const inspector = new TargetInspector(target);
  assert.match(valueOf(scope(inspector, 0, 'Registers'), 'r1') ?? '', /verifier: ctx\(\)/);
  target.vm.switchProgram([{ code: 0xb7, dst: 0, src: 0, off: 0, imm: 0 }, { code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }]);
  const regs = scope(inspector, 0, 'Registers');
  assert.equal(valueOf(regs, 'verifier'), 'no annotations: the run went on in a tail-called program, which is not verified here');
  assert.doesNotMatch(valueOf(regs, 'r1') ?? '', /verifier/);
});

test('a Linux XDP program: Context, Packet, Maps and Globals follow Registers and Stack', () => {
  const target = linux('elf/maps_globals.bpf.o', 'count_packets', PACKET);
  const inspector = new TargetInspector(target);
  assert.deepEqual(inspector.scopes(0).map((s) => s.name), ['Registers', 'Stack', 'Context', 'Packet', 'Maps', 'Globals']);
  assert.deepEqual(scope(inspector, 0, 'Packet').map((n) => n.name), ['length', 'bytes', 'eth', 'ip', 'udp']);
  assert.deepEqual(scope(inspector, 0, 'Maps').map((n) => n.name), ['counts']);
  assert.deepEqual(scope(inspector, 0, 'Globals').map((n) => n.name), ['scale', 'offset_total', 'packets_seen', 'local_hits']);
  assert.match(valueOf(scope(inspector, 0, 'Registers'), 'r1') ?? '', /\(xdp_md \+ 0\)   verifier: ctx\(\)$/);
});

test('a socket filter\'s packet starts at the network header; a kprobe has no Packet scope', () => {
  const filter = new TargetInspector(linux('elf/maps_globals.bpf.o', 'socket_filter', PACKET));
  assert.deepEqual(scope(filter, 0, 'Packet').map((n) => n.name), ['length', 'bytes', 'ip', 'udp']);
  const kprobe = new TargetInspector(linux('objects/tracing.bpf.o', 'trace_unlink'));
  assert.deepEqual(kprobe.scopes(0).map((s) => s.name), ['Registers', 'Stack', 'Context', 'Maps', 'Globals']);
  assert.equal(scope(kprobe, 0, 'Context')[14].name, 'di');
});
