// analyzeAsm / AnalysisCache: dialect choice, diagnostics kept with their
// spans, the line -> instruction index (lddw is one entry of two slots), a
// crash in the core turned into one "internal error" diagnostic plus a log
// line, and the cache reused per document version and dialect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleSource } from '../../src-vm/program';
import { AnalysisCache, analyzeAsm, insnAtLine, soleSectionLocator, type AssembleFn } from '../../server/src/analyze';

const fixture = (name: string): string => readFileSync(`test/fixtures/server/${name}`, 'utf8');
const noLog = (m: string): void => assert.fail(`unexpected log: ${m}`);

test('LLVM fixture with two errors: both diagnostics, exact spans', () => {
  const a = analyzeAsm(fixture('two_errors.s'), 'auto', noLog);
  assert.equal(a.dialect, 'llvm');
  assert.deepEqual(a.diagnostics.map((d) => [d.code, d.span]), [
    ['asm/unknown-register', { line: 6, col: 13, endLine: 6, endCol: 16 }],
    ['asm/undefined-label', { line: 7, col: 24, endLine: 7, endCol: 31 }],
  ]);
});

test('instructions by line: lddw is one instruction of two slots; labels and directives have none', () => {
  const a = analyzeAsm(fixture('clean.s'), 'auto', noLog);
  assert.deepEqual(a.diagnostics, []);
  const byLine = [...a.insnsByLine].map(([line, refs]) => [line, refs.map((r) => [r.slot, r.slots])]);
  assert.deepEqual(byLine, [
    [6, [[0, 1]]], [7, [[1, 2]]], [8, [[3, 1]]], [9, [[4, 1]]], [10, [[5, 1]]], [11, [[6, 1]]],
    [13, [[7, 1]]], [15, [[8, 1]]], [16, [[9, 1]]],
  ]);
  assert.equal(insnAtLine(a, 5), undefined, 'a label line has no instruction');
  assert.equal(insnAtLine(a, 7)?.slot, 1);
});

test('auto picks the conformance dialect when only it reads the text; forcing llvm reports errors', () => {
  const auto = analyzeAsm(fixture('conformance.s'), 'auto', noLog);
  assert.equal(auto.dialect, 'conformance');
  assert.deepEqual(auto.diagnostics, []);
  assert.equal(insnAtLine(auto, 1)?.slot, 0);
  const llvm = analyzeAsm(fixture('conformance.s'), 'llvm', noLog);
  assert.equal(llvm.dialect, 'llvm');
  assert.ok(llvm.diagnostics.length >= 1 && llvm.diagnostics.every((d) => d.span !== undefined));
});

test('a crash in the core becomes one internal-error diagnostic and a log line', () => {
  const logs: string[] = [];
  const crashing: AssembleFn = () => { throw new RangeError('offset is outside the bounds of the DataView'); };
  const a = analyzeAsm('r0 = 0\nexit\n', 'auto', (m) => logs.push(m), crashing);
  assert.deepEqual(a.diagnostics, [{ severity: 'error', code: 'server/internal-error', message: 'internal error: offset is outside the bounds of the DataView' }]);
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^internal error while assembling: offset is outside the bounds of the DataView\nRangeError/);
  assert.equal(a.insnsByLine.size, 0);
});

test('soleSectionLocator: only when there is exactly one code section', () => {
  const one = analyzeAsm('r0 = 1\nexit\n', 'auto', noLog);
  assert.deepEqual(soleSectionLocator(one)?.(1), { line: 1, col: 0, endLine: 1, endCol: 4 });
  const two = analyzeAsm('.section xdp\nr0 = 1\nexit\n.section tc\nr0 = 2\nexit\n', 'auto', noLog);
  assert.equal(two.object.sections.filter((s) => s.kind === 'code').length, 2);
  assert.equal(soleSectionLocator(two), undefined);
});

test('cache: same version and dialect reuse the analysis; a new version or dialect re-assembles; forget drops it', () => {
  let runs = 0;
  const counting: AssembleFn = (text, dialect) => { runs++; return assembleSource(text, dialect); };
  const cache = new AnalysisCache(noLog, counting);
  const doc = { uri: 'file:///a.s', version: 1, getText: () => 'r0 = 1\nexit\n' };
  const first = cache.analysisOf(doc, 'auto');
  assert.equal(cache.analysisOf(doc, 'auto'), first);
  assert.equal(runs, 1);
  cache.analysisOf({ ...doc, version: 2 }, 'auto');
  assert.equal(runs, 2);
  cache.analysisOf({ ...doc, version: 2 }, 'conformance');
  assert.equal(runs, 3);
  cache.forget(doc.uri);
  cache.analysisOf({ ...doc, version: 2 }, 'conformance');
  assert.equal(runs, 4);
});
