// toLspDiagnostics: core diagnostics to LSP ones — ranges exactly from the
// 0-based spans, severities mapped, code and source kept, slot-only
// diagnostics placed through the locator, and nothing ever an invalid range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from '../../src-vm/diagnostics';
import { ASM_SOURCE, spanToRange, toLspDiagnostic, toLspDiagnostics } from '../../server/src/toDiagnostics';

const span = (line: number, col: number, endLine: number, endCol: number) => ({ line, col, endLine, endCol });
const range = (l: number, c: number, el: number, ec: number) => ({ start: { line: l, character: c }, end: { line: el, character: ec } });

const CASES: [string, Diagnostic, ReturnType<typeof range>, DiagnosticSeverity][] = [
  ['error on one line', { severity: 'error', code: 'asm/unknown-register', message: 'unknown register r77', span: span(6, 13, 6, 16) }, range(6, 13, 6, 16), DiagnosticSeverity.Error],
  ['warning', { severity: 'warning', code: 'asm/unknown-directive', message: 'unknown directive .foo is ignored', span: span(2, 8, 2, 12) }, range(2, 8, 2, 12), DiagnosticSeverity.Warning],
  ['info', { severity: 'info', code: 'x/info', message: 'note', span: span(0, 0, 0, 1) }, range(0, 0, 0, 1), DiagnosticSeverity.Information],
  ['multi-line span', { severity: 'error', code: 'x/multi', message: 'm', span: span(1, 4, 3, 2) }, range(1, 4, 3, 2), DiagnosticSeverity.Error],
  ['empty span at end of line', { severity: 'error', code: 'asm/syntax', message: 'unexpected end of line', span: span(4, 20, 4, 20) }, range(4, 20, 4, 20), DiagnosticSeverity.Error],
  ['end before start collapses to start', { severity: 'error', code: 'x/bad', message: 'm', span: span(5, 9, 5, 3) }, range(5, 9, 5, 9), DiagnosticSeverity.Error],
  ['no position at all: document start', { severity: 'error', code: 'program/none', message: 'no code section' }, range(0, 0, 0, 0), DiagnosticSeverity.Error],
];

for (const [name, d, expectedRange, severity] of CASES) {
  test(`toLspDiagnostic: ${name}`, () => {
    assert.deepEqual(toLspDiagnostic(d), { range: expectedRange, severity, code: d.code, source: ASM_SOURCE, message: d.message });
  });
}

test('slot-only diagnostics are placed through the locator, or at the start when it has no span', () => {
  const spans = [span(3, 8, 3, 14), undefined];
  const locate = (i: number) => spans[i];
  const ds: Diagnostic[] = [
    { severity: 'error', code: 'isa/unknown-opcode', message: 'unknown opcode 0xff', insnIdx: 0 },
    { severity: 'error', code: 'isa/lddw-tail', message: 'bad tail', insnIdx: 1 },
    { severity: 'error', code: 'isa/unknown-opcode', message: 'far', insnIdx: 7 },
  ];
  assert.deepEqual(toLspDiagnostics(ds, locate).map((d) => d.range), [range(3, 8, 3, 14), range(0, 0, 0, 0), range(0, 0, 0, 0)]);
  assert.deepEqual(toLspDiagnostics(ds).map((d) => d.range), [range(0, 0, 0, 0), range(0, 0, 0, 0), range(0, 0, 0, 0)]);
});

test('a span wins over the slot index; the source can be overridden', () => {
  const d: Diagnostic = { severity: 'error', code: 'c', message: 'm', span: span(1, 1, 1, 2), insnIdx: 0 };
  const [lsp] = toLspDiagnostics([d], () => span(9, 9, 9, 9), 'eBPF verifier');
  assert.deepEqual(lsp.range, range(1, 1, 1, 2));
  assert.equal(lsp.source, 'eBPF verifier');
});

test('spanToRange returns fresh objects (callers may mutate them)', () => {
  const s = span(2, 3, 2, 3);
  const r = spanToRange(s);
  r.end.character = 99;
  assert.equal(r.start.character, 3);
});
