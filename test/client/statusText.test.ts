// The status bar's words for each kind of `ebpf/programs` answer
// (client/src/statusText.ts), the verify command's message, and the log
// documents' URIs and link fragments (client/src/logUri.ts).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgramsResult, ProgramVerdict } from '../../server/src/protocol';
import { logUriParts, parseLogQuery, positionFragment } from '../../client/src/logUri';
import { escapeMarkdown, statusView, verdictLine, verdictMessage } from '../../client/src/statusText';

const accepted = (name: string, insnCount = 214): ProgramVerdict => ({ name, section: 'xdp', type: 'xdp', outcome: 'accept', insnCount, processedInsns: 300, totalStates: 9, line: 3 });
const rejected = (name: string): ProgramVerdict => ({ ...accepted(name, 13), outcome: 'reject', message: 'invalid access to packet, off=26 size=4, R1(id=0,off=26,r=14)', errorLine: 23 });
const unsupported = (name: string): ProgramVerdict => ({ ...accepted(name, 5), section: 'lsm/x', outcome: 'unsupported', message: 'program type lsm is not modelled' });

function result(programs: ProgramVerdict[], over: Partial<ProgramsResult> = {}): ProgramsResult {
  return { uri: 'file:///w/p.bpf.c', kind: 'c', version: 2, verifiedVersion: 2, publishedVersion: 2, programs, errors: 0, warnings: 0, ...over };
}

describe('statusView', () => {
  it('one accepted program: its name and instruction count', () => {
    const v = statusView(result([accepted('xdp_prog')]));
    assert.equal(v?.text, '✓ xdp_prog: 214 insns');
    assert.equal(v?.kind, 'ok');
  });

  it('several accepted programs: how many', () => {
    assert.equal(statusView(result([accepted('a'), accepted('b'), accepted('c')]))?.text, '✓ 3 programs');
  });

  it('errors: the count, with the program when one program is rejected', () => {
    assert.equal(statusView(result([rejected('bad'), accepted('good')], { errors: 1 }))?.text, '✗ bad: 1 error');
    assert.equal(statusView(result([rejected('a'), rejected('b')], { errors: 2 }))?.text, '✗ 2 errors');
    const clang = statusView(result([], { errors: 3, verifiedVersion: undefined }));
    assert.equal(clang?.text, '✗ 3 errors');
    assert.equal(clang?.kind, 'error');
  });

  it('an older verification does not name a program for the errors of a newer version', () => {
    assert.equal(statusView(result([rejected('bad')], { errors: 2, version: 3, verifiedVersion: 2 }))?.text, '✗ 2 errors');
  });

  it('programs we do not verify, alone or among verified ones', () => {
    assert.equal(statusView(result([unsupported('lsm_x')]))?.text, '○ lsm_x: not verified');
    assert.equal(statusView(result([accepted('a'), unsupported('b')]))?.text, '✓ 1 program · 1 not verified');
  });

  it('nothing verified yet, and a spinner while a verification runs', () => {
    assert.equal(statusView(result([], { verifiedVersion: undefined }))?.text, 'eBPF: not verified');
    assert.equal(statusView(result([], { verifiedVersion: undefined }), true)?.text, '$(sync~spin) eBPF: verifying…');
    assert.equal(statusView(result([accepted('xdp_prog')]), true)?.text, '$(sync~spin) ✓ xdp_prog: 214 insns');
  });

  it('is hidden for documents that are not eBPF', () => {
    assert.equal(statusView(result([], { kind: 'none' })), undefined);
    assert.equal(statusView(undefined), undefined);
  });

  it('the tooltip lists every program and how to get to the log', () => {
    const v = statusView(result([rejected('bad'), accepted('good')], { errors: 1, warnings: 2 }));
    assert.deepEqual(v?.tooltip, [
      '**eBPF verifier**',
      '✗ `bad` (xdp): rejected at line 24: invalid access to packet, off=26 size=4, R1\\(id=0,off=26,r=14\\)',
      '✓ `good` (xdp): accepted · 214 insns · 300 insns processed · 9 states',
      '1 error, 2 warnings in the file',
      'Click to show the verifier log',
    ]);
  });
});

describe('verdict texts', () => {
  it('escapes markdown in messages', () => {
    assert.equal(escapeMarkdown('R1(id=0) *x* `y`'), 'R1\\(id=0\\) \\*x\\* \\`y\\`');
  });

  it('an unsupported program says why', () => {
    assert.equal(verdictLine(unsupported('k')), '○ `k` (lsm/x): not verified: program type lsm is not modelled');
  });

  it("the verify command's message, without markdown", () => {
    assert.equal(verdictMessage(result([rejected('bad')], { errors: 1 }), 'p.bpf.c'),
      'p.bpf.c: bad (xdp): rejected at line 24: invalid access to packet, off=26 size=4, R1(id=0,off=26,r=14)');
    assert.equal(verdictMessage(result([rejected('bad'), accepted('good'), accepted('other')], { errors: 1 }), 'p.bpf.c'),
      'p.bpf.c: 3 programs, 2 accepted, 1 rejected, 1 error(s) in the file');
  });
});

describe('log document URIs', () => {
  it('name the program in the path and carry the source, program and level in the query', () => {
    const parts = logUriParts({ source: 'file:///w/my%20dir/p.bpf.c', program: 'xdp_prog', level: 2 });
    assert.equal(parts.path, '/p.bpf.c/xdp_prog.verifier.log');
    assert.deepEqual(parseLogQuery(parts.query), { source: 'file:///w/my%20dir/p.bpf.c', program: 'xdp_prog', level: 2 });
    const one = logUriParts({ source: 'untitled:Untitled-1', program: 'p', level: 1 });
    assert.equal(one.path, '/untitled:Untitled-1/p.level1.verifier.log');
    assert.equal(parseLogQuery(one.query)?.level, 1);
  });

  it('a query that is not ours names no log', () => {
    assert.equal(parseLogQuery('x=1'), undefined);
  });

  it('a link target becomes the 1-based #L fragment VS Code opens at', () => {
    assert.equal(positionFragment({ uri: 'file:///w/p.bpf.c', line: 23, character: 1 }), 'L24,2');
  });
});
