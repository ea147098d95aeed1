// Tests src-vm/kernelLog.ts on real `bpftool -d prog loadall` output captured
// from the live kernel (fixtures/bpftool-loadall-*.log, from the C files
// beside them): verdicts per program, the failing instruction, message,
// detail and source line, statistics, and odd input that must not throw.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { kernelDiagnostic, kernelError, parseKernelLoadLog } from '../../src-vm/kernelLog';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string): string => readFileSync(join(FIXTURES, `bpftool-loadall-${name}.log`), 'utf8');

interface Expected {
  name: string;
  verdict: 'accept' | 'reject' | 'not-loaded';
  insn?: number;
  message?: string;
  detail?: string[];
  source?: { text: string; file: string; line: number };
  processedInsns?: number;
}

const CASES: { log: string; programs: Expected[]; objectErrors: number }[] = [
  {
    log: 'bad', objectErrors: 2,
    programs: [{
      name: 'read_past_end', verdict: 'reject', insn: 6,
      message: 'invalid access to packet, off=8 size=1, R1(id=0,off=8,r=4)', detail: ['R1 offset is outside of the packet'],
      source: { text: 'return data[8];', file: 'xdp_past_end.c', line: 11 }, processedInsns: 7,
    }],
  },
  { log: 'good', objectErrors: 0, programs: [{ name: 'count_udp', verdict: 'accept', processedInsns: 53 }] },
  {
    log: 'two', objectErrors: 2,
    programs: [
      { name: 'first_ok', verdict: 'accept', processedInsns: 2 },
      {
        name: 'second_bad', verdict: 'reject', insn: 0, message: 'R5 !read_ok', detail: [],
        source: { text: 'asm volatile("r0 = r5" ::: "r0");', file: 'xdp_three.c', line: 12 }, processedInsns: 1,
      },
      { name: 'third_ok', verdict: 'not-loaded' },
    ],
  },
];

for (const c of CASES) {
  test(`kernel load log: ${c.log}`, () => {
    const parsed = parseKernelLoadLog(fixture(c.log));
    assert.deepEqual(parsed.programs.map((p) => p.name), c.programs.map((p) => p.name));
    assert.equal(parsed.objectErrors.length, c.objectErrors, parsed.objectErrors.join('\n'));
    for (const [i, want] of c.programs.entries()) {
      const got = parsed.programs[i];
      assert.equal(got.verdict, want.verdict, got.name);
      assert.equal(got.processedInsns, want.processedInsns, got.name);
      if (want.verdict !== 'reject') {
        assert.equal(got.error, null);
        continue;
      }
      assert.deepEqual(got.error, { insn: want.insn, message: want.message, detail: want.detail, source: want.source });
    }
  });
}

test('an accepted program records where it was pinned and its verification time', () => {
  const [p] = parseKernelLoadLog(fixture('good')).programs;
  assert.equal(p.pinnedAt, '/sys/fs/bpf/ebpf-workbench/good/count_udp');
  assert.ok(p.timeUs !== undefined && p.timeUs > 0);
  assert.equal(p.totalStates, 4);
});

test('messages that name their own instruction, with no instruction line before them', () => {
  assert.deepEqual(kernelError(['unreachable insn 3', 'processed 0 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0']),
    { insn: 3, message: 'unreachable insn 3', detail: [], source: undefined });
  assert.deepEqual(kernelError(['back-edge from insn 4 to 2']), { insn: 4, message: 'back-edge from insn 4 to 2', detail: [], source: undefined });
  assert.equal(kernelError([]).insn, -1);
  assert.match(kernelError([]).message, /without a message/);
});

test('state lines after the failing instruction are not the message', () => {
  const e = kernelError(['; x = 1; @ a.c:3', '5: (bf) r0 = r5', '5: R0=1 R10=fp0', 'R5 !read_ok', 'verification time 3 usec']);
  assert.deepEqual(e, { insn: 5, message: 'R5 !read_ok', detail: [], source: { text: 'x = 1;', file: 'a.c', line: 3 } });
});

test('the kernel verdict as a diagnostic on the 0-based source line, tagged with its origin', () => {
  const [p] = parseKernelLoadLog(fixture('bad')).programs;
  const d = kernelDiagnostic(p, 'kernel (box, 6.18.0)');
  assert.ok(d);
  assert.deepEqual(d.span, { line: 10, col: 0, endLine: 11, endCol: 0 });
  assert.equal(d.insnIdx, 6);
  assert.match(d.message, /^kernel \(box, 6\.18\.0\): read_past_end: invalid access to packet/);
  assert.match(d.message, /\nR1 offset is outside of the packet$/);
  assert.equal(kernelDiagnostic(parseKernelLoadLog(fixture('good')).programs[0], 'k'), undefined);
});

test('odd input never throws', () => {
  for (const text of ['', '\n\n', "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --", "libbpf: prog '': failed to load: -22", '\u0000\uffff', 'x'.repeat(10000)]) {
    const parsed = parseKernelLoadLog(text);
    assert.ok(Array.isArray(parsed.programs));
  }
  const truncated = parseKernelLoadLog("libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\n0: (bf) r0 = r5\nR5 !read_ok\nlibbpf: prog 'p': failed to load: -13");
  assert.equal(truncated.programs[0].verdict, 'not-loaded', 'a log without its END marker swallows the rest: nothing after it is trusted');
});
