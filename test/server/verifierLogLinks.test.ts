// The pure parts of the verifier log view on the server: which log lines link
// where (server/src/verifierLogLinks.ts), the statistics line the kernel adds
// at log level 4 (verifierLogJob.ts), and the verdicts the status bar reads
// (programVerdicts.ts).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Span } from '../../src-vm/index';
import { countDiagnostics, programVerdict } from '../../server/src/programVerdicts';
import { linkVerifierLog, type LogSource } from '../../server/src/verifierLogLinks';
import { withVerificationTime } from '../../server/src/verifierLogJob';
import type { ProgramResult } from '../../server/src/verifyJob';

const DOC = 'file:///w/prog.bpf.c';
const span = (line: number, col = 0): Span => ({ line, col, endLine: line, endCol: col });

function source(over: Partial<LogSource> = {}): LogSource {
  return {
    docUri: DOC, docName: 'prog.bpf.c', mainFile: '<stdin>',
    docLines: ['int x;', '', '\tif (a > b)', '\t\treturn data[8];'],
    spanOf: (i) => (i === 3 ? span(3, 9) : i === 1 ? span(2, 1) : undefined),
    fileUri: (name) => (name === 'bpf_helpers.h' ? 'file:///usr/include/bpf/bpf_helpers.h' : undefined),
    ...over,
  };
}

describe('linkVerifierLog', () => {
  it("links an instruction line's number to the instruction's place", () => {
    const line = '3: (61) r1 = *(u32 *)(r1 +26)         ; R1=pkt(r=14)';
    const { lines, links } = linkVerifierLog([line], source());
    assert.deepEqual(lines, [line]);
    assert.deepEqual(links, [{ line: 0, start: 0, end: 1, target: { uri: DOC, line: 3, character: 9 } }]);
  });

  it('links state lines and pruned points by their instruction number; leaves instructions without a place unlinked', () => {
    const log = ['1: R1=ctx() R10=fp0', '1: safe', '1: frame1: R1=scalar()', '2: (95) exit', 'from 1 to 3: R0=0', 'R1 offset is outside of the packet'];
    const { links } = linkVerifierLog(log, source());
    assert.deepEqual(links.map((k) => [k.line, k.start, k.end, k.target.line]), [[0, 0, 1, 2], [1, 0, 1, 2], [2, 0, 1, 2]]);
  });

  it('renames <stdin> to the document, fills the empty line text from it, and links file:LINE to the line', () => {
    const { lines, links } = linkVerifierLog([';  @ <stdin>:4'], source());
    assert.deepEqual(lines, ['; return data[8]; @ prog.bpf.c:4']);
    assert.deepEqual(links, [{ line: 0, start: lines[0].indexOf('prog.bpf.c:4'), end: lines[0].length, target: { uri: DOC, line: 3, character: 2 } }]);
  });

  it('keeps text the line info had; a line naming the document by name is the document too', () => {
    const { lines, links } = linkVerifierLog(['; if (a > b) @ prog.bpf.c:3'], source());
    assert.deepEqual(lines, ['; if (a > b) @ prog.bpf.c:3']);
    assert.deepEqual(links[0].target, { uri: DOC, line: 2, character: 1 });
  });

  it('links a header line to the header the resolver finds, and nothing where it finds none', () => {
    const log = ['; return bpf_map_lookup_elem(m, k); @ bpf_helpers.h:12', '; x @ other.h:3'];
    const { lines, links } = linkVerifierLog(log, source());
    assert.deepEqual(lines, log);
    assert.deepEqual(links, [{ line: 0, start: log[0].indexOf('bpf_helpers.h:12'), end: log[0].length, target: { uri: 'file:///usr/include/bpf/bpf_helpers.h', line: 11, character: 0 } }]);
  });

  it('does not treat an assembly log (no main file) as having source lines of the document', () => {
    const { lines } = linkVerifierLog([';  @ <stdin>:4'], source({ mainFile: undefined }));
    assert.deepEqual(lines, [';  @ <stdin>:4']);
  });
});

describe('withVerificationTime', () => {
  it('puts `verification time` before `stack depth`, as the kernel prints its statistics', () => {
    assert.deepEqual(withVerificationTime(['0: (95) exit', 'stack depth 0', 'processed 1 insns'], 17), ['0: (95) exit', 'verification time 17 usec', 'stack depth 0', 'processed 1 insns']);
  });

  it('adds nothing to a level-1 log, which has no statistics block', () => {
    assert.deepEqual(withVerificationTime(['0: (95) exit', 'processed 1 insns'], 17), ['0: (95) exit', 'processed 1 insns']);
  });
});

describe('program verdicts', () => {
  const base: ProgramResult = {
    name: 'p', section: 'xdp', type: 'xdp', insnCount: 9, startLine: 4, outcome: 'accept', causes: [], processedInsns: 12, totalStates: 2, timeUs: 5, insns: [],
  };

  it('copies what the status bar needs and the rejection message and line', () => {
    assert.deepEqual(programVerdict(base), { name: 'p', section: 'xdp', type: 'xdp', outcome: 'accept', insnCount: 9, processedInsns: 12, totalStates: 2, line: 4 });
    const rejected = programVerdict({ ...base, outcome: 'reject', error: { insnIdx: 3, message: 'R0 !read_ok', detail: [], code: 'verifier/x', span: span(7) } });
    assert.equal(rejected.message, 'R0 !read_ok');
    assert.equal(rejected.errorLine, 7);
    assert.equal(programVerdict({ ...base, outcome: 'unsupported', reason: 'program type lsm is not modelled' }).message, 'program type lsm is not modelled');
  });

  it('counts errors and warnings of a publish', () => {
    const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const d = (severity: DiagnosticSeverity) => ({ range: r, message: '', severity });
    assert.deepEqual(countDiagnostics([d(DiagnosticSeverity.Error), d(DiagnosticSeverity.Warning), d(DiagnosticSeverity.Information), d(DiagnosticSeverity.Error)]), { errors: 2, warnings: 1 });
  });
});
