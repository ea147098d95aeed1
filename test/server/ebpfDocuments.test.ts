// Which open documents are eBPF (what the server analyses, and what makes
// the extension start it): assembly always; C by the `ebpf.c.files` globs or
// by bpf_helpers.h / SEC( in the text; only files and unsaved buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEbpfDocument, type OpenDocument } from '../../server/src/ebpfDocuments';

const GLOBS = ['**/*.bpf.c'];
const doc = (languageId: string, path: string, text: string, scheme = 'file'): OpenDocument => ({ languageId, scheme, path, text: () => text });

const CASES: [string, OpenDocument, boolean][] = [
  ['eBPF assembly', doc('ebpf-asm', '/w/prog.bpf.s', 'r0 = 0\nexit'), true],
  ['a *.bpf.c file by its name alone', doc('c', '/w/src/prog.bpf.c', 'int x;'), true],
  ['C including bpf/bpf_helpers.h', doc('c', '/w/prog.c', '#include <bpf/bpf_helpers.h>\n'), true],
  ['C using SEC(', doc('c', '/w/prog.c', 'SEC("xdp") int f(void *ctx) { return 2; }'), true],
  ['a plain C file', doc('c', '/w/main.c', '#include <stdio.h>\nint main(void) { return 0; }'), false],
  ['an unsaved eBPF buffer', doc('c', 'Untitled-1', 'SEC("tc")', 'untitled'), true],
  ['a diff or git view of an eBPF file', doc('c', '/w/prog.bpf.c', 'SEC("xdp")', 'git'), false],
  ['another language', doc('cpp', '/w/prog.cc', 'SEC("xdp")'), false],
];

for (const [name, d, expected] of CASES) {
  test(`${name}: ${expected ? 'eBPF' : 'not eBPF'}`, () => {
    assert.equal(isEbpfDocument(d, GLOBS), expected);
  });
}

test('a plain C document is not even read when its language rules it out', () => {
  let read = false;
  const lazy: OpenDocument = { languageId: 'python', scheme: 'file', path: '/w/x.py', text: () => { read = true; return ''; } };
  assert.equal(isEbpfDocument(lazy, GLOBS), false);
  assert.equal(read, false);
});
