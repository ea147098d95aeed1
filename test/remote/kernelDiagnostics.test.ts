// Tests the editor's view of a kernel verdict: where a document's programs
// are (C from the text, assembly through our assembler), and the kernel's
// rejection turned into diagnostics on source lines — by BTF line info for C,
// through the instruction-to-line map for assembly, at the program for a
// header — with a warning wherever the kernel and our verifier disagree.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { documentPrograms } from '../../client/src/remote/documentPrograms';
import { kernelOrigin, kernelVerdictDiagnostics, type KernelVerdictInput } from '../../client/src/remote/kernelDiagnostics';
import type { VerifyJsonProgram } from '../../src-vm/cli/verifyCommand';
import { parseKernelLoadLog } from '../../src-vm/kernelLog';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

function ours(name: string, error: VerifyJsonProgram['error']): VerifyJsonProgram {
  return { name, section: 'xdp', type: 'xdp', verdict: error ? 'reject' : 'accept', error, processedInsns: 7, totalStates: 0, peakStates: 0, timeUs: 1 };
}

const PAST_END_ERROR = { insn: 6, message: 'invalid access to packet, off=8 size=1, R1(id=0,off=8,r=4)', detail: [], file: 'xdp_past_end.c', line: 11 };

function pastEnd(oursSays: VerifyJsonProgram['error'], fileName = 'xdp_past_end.c'): KernelVerdictInput {
  return {
    fileName, kernel: parseKernelLoadLog(fixture('bpftool-loadall-bad.log')), ours: [ours('read_past_end', oursSays)],
    programs: documentPrograms(`/w/${fileName}`, fixture('xdp_past_end.c')), host: 'box', release: '6.18.0-test',
  };
}

test('documentPrograms: C programs from SEC() lines, assembly programs with their entry label and instruction lines', () => {
  assert.deepEqual(documentPrograms('/w/x.c', fixture('xdp_three.c')).map((p) => [p.name, p.section, p.line]),
    [['first_ok', 'xdp', 2], ['second_bad', 'xdp', 7], ['third_ok', 'xdp', 14]]);
  const asm = '\t.section xdp,"ax"\n\t.globl prog\nprog:\n\tr1 = 1\n\texit\n\n\t.section tc,"ax"\n\t.globl other\nother:\n\tr0 = 0\n\texit\n';
  assert.deepEqual(documentPrograms('/w/a.bpf.s', asm), [
    { name: 'prog', section: 'xdp', line: 2, insnLines: [3, 4] },
    { name: 'other', section: 'tc', line: 8, insnLines: [9, 10] },
  ]);
  assert.deepEqual(documentPrograms('/w/b.bpf.s', '\t.section xdp,"ax"\n\tr0 = 0\n\texit\n'), [{ name: 'xdp', section: 'xdp', line: 1, insnLines: [1, 2] }],
    'without an entry symbol the section names the program');
  assert.deepEqual(documentPrograms('/w/x.c', 'int main(void) { return 0; }\nchar L[] SEC("license") = "GPL";\n'), []);
});

test('kernel verdict: the rejection lands on the C line the kernel named, labelled with host and release; agreement adds nothing', () => {
  const ds = kernelVerdictDiagnostics(pastEnd(PAST_END_ERROR));
  assert.equal(ds.length, 1);
  const [d] = ds;
  assert.equal(d.source, 'kernel (box, 6.18.0-test)');
  assert.equal(d.source, kernelOrigin('box', '6.18.0-test'));
  assert.deepEqual({ severity: d.severity, code: d.code, span: d.span }, { severity: 'error', code: 'kernel/rejected', span: { line: 10, col: 0, endLine: 11, endCol: 0 } });
  assert.match(d.message, /^read_past_end: invalid access to packet, off=8 size=1/);
  assert.match(d.message, /\nR1 offset is outside of the packet$/, 'the kernel\'s detail lines follow');
});

test('kernel verdict: where our verifier disagrees, a warning on that line says so plainly', () => {
  const accepted = kernelVerdictDiagnostics(pastEnd(null));
  assert.deepEqual(accepted.map((d) => [d.severity, d.code, d.span.line]), [['error', 'kernel/rejected', 10], ['warning', 'kernel/disagrees', 10]]);
  assert.match(accepted[1].message, /^the kernel and our verifier disagree: the kernel rejects read_past_end but our verifier accepts it: invalid access to packet/);
  assert.match(accepted[1].message, /bug in eBPF Workbench's verifier/);
  const elsewhere = kernelVerdictDiagnostics(pastEnd({ ...PAST_END_ERROR, insn: 3, line: 9 }));
  assert.deepEqual(elsewhere.map((d) => [d.code, d.span.line]), [['kernel/rejected', 10], ['kernel/disagrees', 10]]);
  assert.match(elsewhere[1].message, /the kernel at insn 6, ours at insn 3/);
});

test('kernel verdict: an error in another file (a header) goes on the program, naming where', () => {
  const ds = kernelVerdictDiagnostics(pastEnd(PAST_END_ERROR, 'renamed.c'));
  assert.equal(ds[0].span.line, 3, 'the SEC line of read_past_end');
  assert.match(ds[0].message, /\(in xdp_past_end\.c:11\)/);
});

test('kernel verdict: an assembly program (no line info in the log) is placed through our instruction-to-line map', () => {
  const asm = '\t.section xdp,"ax"\n\t.globl prog\nprog:\n\tr1 = 1\n\t# nothing sets r0\n\texit\n';
  const log = [
    "libbpf: sec 'xdp': found program 'prog' at insn offset 0 (0 bytes), code size 2 insns (16 bytes)",
    "libbpf: prog 'prog': BPF program load failed: Permission denied",
    "libbpf: prog 'prog': -- BEGIN PROG LOAD LOG --",
    '0: R1=ctx() R10=fp0', '0: (b7) r1 = 1                        ; R1=1', '1: (95) exit', 'R0 !read_ok',
    'processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
    '-- END PROG LOAD LOG --', "libbpf: prog 'prog': failed to load: -13", "libbpf: failed to load object 'a.o'",
  ].join('\n');
  const ds = kernelVerdictDiagnostics({
    fileName: 'a.bpf.s', kernel: parseKernelLoadLog(log), ours: [ours('prog', { insn: 1, message: 'R0 !read_ok', detail: [] })],
    programs: documentPrograms('/w/a.bpf.s', asm), host: 'vm1', release: '6.1.0',
  });
  assert.deepEqual(ds.map((d) => [d.code, d.span.line, d.message]), [['kernel/rejected', 5, 'prog: R0 !read_ok']]);
});

test('kernel verdict: an object libbpf refuses before any program is verified is reported on the first program', () => {
  const log = "libbpf: sec 'xdp': found program 'prog' at insn offset 0 (0 bytes), code size 2 insns (16 bytes)\nlibbpf: failed to find BTF for extern 'x'\nError: failed to open object file\n";
  const ds = kernelVerdictDiagnostics({
    fileName: 'a.c', kernel: parseKernelLoadLog(log), ours: [], programs: [{ name: 'prog', section: 'xdp', line: 5 }], host: 'h', release: 'r',
  });
  assert.deepEqual(ds.map((d) => [d.code, d.span.line]), [['kernel/object', 5]]);
  assert.match(ds[0].message, /^the object did not load: .*failed to find BTF/);
});
