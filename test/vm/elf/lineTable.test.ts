// The line table: slot -> source location and the `; <line> @ file.c:N`
// annotations, on synthetic records (mapping, the kernel's check_btf_line
// rules and messages, repeated lines), and against the live kernel: every
// source line the verifier log prints before an instruction must be the one
// our table gives that instruction — for programs, and for a subprogram
// appended after the program that calls it, as libbpf links it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInsns, insn } from '../../../src-vm/isa/insn';
import { sectionBytes } from '../../../src-vm/elf/elf';
import { STT } from '../../../src-vm/elf/elfConstants';
import { extRecords, type BtfLineInfo } from '../../../src-vm/elf/btfExt';
import {
  buildLineTable, locationAt, sliceLineInfo, sourceAnnotations, verifierSourceLine, type LineRecord,
} from '../../../src-vm/elf/lineTable';
import { kernelUnavailable, loadAll, scratchDir, unpin } from '../../support/kernel';
import { CLANG, compileFixture, objectBtf, type ObjectBtf } from './btfFixtures';

function rec(insnIdx: number, line: number, column = 1, lineText = `line ${line}`, fileName = '/src/prog.c'): LineRecord {
  return { insnIdx, line, column, lineText, fileName };
}

describe('buildLineTable on synthetic records', () => {
  test('each slot maps to the last record at or before it', () => {
    const { value, diagnostics } = buildLineTable([rec(0, 10), rec(3, 11), rec(5, 12)], 8);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(Array.from(value.recordOfSlot), [0, 0, 0, 1, 1, 2, 2, 2]);
    assert.equal(locationAt(value, 4)?.line, 11);
    assert.equal(locationAt(value, 8), undefined);
    assert.equal(locationAt(value, -1), undefined);
  });

  test('a program without a record at 0 has unmapped slots, as the kernel rejects it', () => {
    const { value, diagnostics } = buildLineTable([rec(2, 10)], 4, { subprogStarts: [0] });
    assert.equal(locationAt(value, 1), undefined);
    assert.equal(locationAt(value, 2)?.line, 10);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.message, d.insnIdx]), [['line-info/missing-func', 'missing bpf_line_info for func#0', 0]]);
  });

  test("the kernel's check_btf_line rules, with its messages", () => {
    const insns = [insn(0xb7), insn(0x18), insn(0), insn(0x95)];
    const { value, diagnostics } = buildLineTable([rec(0, 1), rec(2, 2), rec(2, 3), rec(1, 4), rec(9, 5)], 4, { insns, subprogStarts: [0, 3] });
    assert.deepEqual(diagnostics.map((d) => d.message), [
      'Invalid insn code at line_info[1].insn_off',
      'Invalid line_info[2].insn_off:2 (prev_offset:2 prog->len:4)',
      'Invalid line_info[3].insn_off:1 (prev_offset:2 prog->len:4)',
      'Invalid line_info[4].insn_off:9 (prev_offset:1 prog->len:4)',
      'missing bpf_line_info for func#1',
    ]);
    // Still a usable table: records in instruction order, the later of two at one slot winning.
    assert.deepEqual(Array.from(value.recordOfSlot).map((k) => value.records[k].line), [1, 4, 3, 3]);
  });

  test('a program with no records at all is reported once', () => {
    const { diagnostics } = buildLineTable([], 3);
    assert.deepEqual(diagnostics.map((d) => d.code), ['line-info/none']);
  });

  test('sliceLineInfo takes one program out of its section and moves it', () => {
    const section: BtfLineInfo[] = [0, 2, 5, 9, 12].map((i) => ({ insnOff: i * 8, insnIdx: i, fileName: 'f.c', lineText: `l${i}`, line: i, column: 0 }));
    assert.deepEqual(sliceLineInfo(section, 5, 7, 20).map((r) => [r.insnIdx, r.lineText]), [[20, 'l5'], [24, 'l9']]);
    assert.deepEqual(sliceLineInfo(section, 0, 5).map((r) => r.insnIdx), [0, 2]);
  });
});

describe('source annotations', () => {
  test('`; <text> @ file:LINE`, left-trimmed, the file without its directories', () => {
    assert.equal(verifierSourceLine(rec(0, 42, 3, ' \t\tint x = 1;', '/home/me/src/prog.bpf.c')), '; int x = 1; @ prog.bpf.c:42');
    assert.equal(verifierSourceLine(rec(0, 7, 0, '', 'prog.c')), ';  @ prog.c:7');
  });

  test('printed where the record changes, but not again for another column of the same line', () => {
    const { value } = buildLineTable([rec(0, 10, 1), rec(2, 10, 9), rec(3, 11), rec(5, 10), rec(6, 10, 4, 'line 10', '/other/file.c')], 8);
    assert.deepEqual([...sourceAnnotations(value)], [
      [0, '; line 10 @ prog.c:10'],
      [3, '; line 11 @ prog.c:11'],
      [5, '; line 10 @ prog.c:10'],
      [6, '; line 10 @ file.c:10'],
    ]);
  });
});

interface LoggedProgram {
  name: string;
  /** Subprogram start slots the verifier lists as `func#N @slot`. */
  funcStarts: number[];
  /** Each `; … @ file:LINE` line and the instruction printed after it. */
  sourceLines: { insnIdx: number; text: string }[];
}

/** Splits `bpftool -d prog loadall` output into each program's verifier log and its source lines. */
function loggedPrograms(log: string): LoggedProgram[] {
  const out: LoggedProgram[] = [];
  let current: LoggedProgram | undefined;
  let pending: string | undefined;
  for (const line of log.split('\n')) {
    const begin = /^libbpf: prog '([^']+)': -- BEGIN PROG LOAD LOG --$/.exec(line);
    if (begin) {
      current = { name: begin[1], funcStarts: [], sourceLines: [] };
      out.push(current);
      continue;
    }
    if (!current) continue;
    if (line === '-- END PROG LOAD LOG --') current = undefined;
    else if (/^func#\d+ @\d+$/.test(line)) current.funcStarts.push(Number(line.split('@')[1]));
    else if (/^; .* @ [^ ]+:\d+$/.test(line)) pending = line;
    else if (pending !== undefined) {
      const m = /^(\d+): \(/.exec(line);
      if (m) {
        current.sourceLines.push({ insnIdx: Number(m[1]), text: pending });
        pending = undefined;
      }
    }
  }
  return out;
}

/**
 * The program as libbpf loads it: its own instructions from its section,
 * then each .text subprogram it calls, appended in the order the verifier
 * lists them (`func#1 @N`, …). Only one subprogram is needed by the fixtures.
 */
function programTable(o: ObjectBtf, prog: LoggedProgram): ReturnType<typeof buildLineTable> {
  const sym = o.elf.symbols.find((s) => s.name === prog.name && s.type === STT.FUNC)!;
  const section = sym.sectionName!;
  const records = sliceLineInfo(extRecords(o.ext.lineInfo, section), sym.value / 8, sym.size / 8, 0);
  const insns = decodeInsns(sectionBytes(o.elf, section).subarray(sym.value, sym.value + sym.size));
  const subprogs = o.elf.symbols.filter((s) => s.sectionName === '.text' && s.type === STT.FUNC);
  assert.ok(prog.funcStarts.length - 1 <= subprogs.length);
  prog.funcStarts.slice(1).forEach((start, i) => {
    const sub = subprogs[i];
    records.push(...sliceLineInfo(extRecords(o.ext.lineInfo, '.text'), sub.value / 8, sub.size / 8, start));
    insns.push(...decodeInsns(sectionBytes(o.elf, '.text').subarray(sub.value, sub.value + sub.size)));
  });
  return buildLineTable(records, insns.length, { insns, subprogStarts: prog.funcStarts });
}

describe('against the verifier log of the live kernel', () => {
  for (const src of ['lines.bpf.c', 'core.bpf.c']) {
    test(`${src}: every "; <line> @ file:N" the kernel prints is our line for that instruction`, (t) => {
      if (!CLANG) return t.skip('clang-19 not found (install clang-19)');
      const why = kernelUnavailable();
      if (why) return t.skip(why);
      const { dir, cleanup } = scratchDir();
      try {
        const path = compileFixture(src, dir);
        const o = objectBtf(path);
        const load = loadAll(path);
        unpin(load.pinDir);
        assert.ok(load.ok, load.log);
        const programs = loggedPrograms(load.log);
        assert.ok(programs.length >= 2, 'each program logs its verification');
        for (const prog of programs) {
          const { value, diagnostics } = programTable(o, prog);
          assert.deepEqual(diagnostics, [], `${prog.name}: the kernel accepted these line_info records`);
          assert.ok(prog.sourceLines.length > 0, `${prog.name}: the log has source lines`);
          for (const { insnIdx, text } of prog.sourceLines) {
            const loc = locationAt(value, insnIdx);
            assert.ok(loc, `${prog.name}: insn ${insnIdx} has no location`);
            assert.equal(verifierSourceLine(loc), text, `${prog.name}: insn ${insnIdx}`);
          }
          // The first source line the kernel prints is the one our listing starts with.
          assert.equal(sourceAnnotations(value).get(0), prog.sourceLines[0].text);
        }
        if (src === 'lines.bpf.c') assert.ok(programs.some((p) => p.funcStarts.length > 1), 'a program with an appended subprogram was checked');
      } finally {
        cleanup();
      }
    });
  }
});
