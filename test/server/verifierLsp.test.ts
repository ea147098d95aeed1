// The built server verifying documents over stdio: an assembly file with a
// rejected and an accepted program (diagnostic with the kernel's message and
// its causes, CodeLens, state hovers, symbols), and an eBPF C file compiled
// by clang from the unsaved buffer (verifier error on the C line, clang's own
// messages, helper and map hovers, a fix in the buffer clearing the error).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest, DiagnosticSeverity, DocumentSymbolRequest, HoverRequest,
  type CodeLens, type DocumentSymbol, type MarkupContent,
} from 'vscode-languageserver/node';
import { probeClang } from '../../src-vm/cli/clang';
import { LspHarness } from './lspHarness';

const ASM = 'test/fixtures/server/verify_two.bpf.s';
const ASM_URI = pathToFileURL(ASM).href;
const C = 'test/fixtures/server/lookup.bpf.c';
const C_URI = pathToFileURL(C).href;
const C_TEXT = readFileSync(C, 'utf8');

const range = (l: number, c: number, el: number, ec: number) => ({ start: { line: l, character: c }, end: { line: el, character: ec } });

async function hoverText(server: LspHarness, uri: string, line: number, character: number): Promise<string> {
  const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

async function lenses(server: LspHarness, uri: string): Promise<[number, string][]> {
  const found = (await server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
  return found.map((l) => [l.range.start.line, l.command?.title ?? '']);
}

async function symbols(server: LspHarness, uri: string): Promise<DocumentSymbol[]> {
  return (await server.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
}

describe('verifier diagnostics for assembly', () => {
  let server: LspHarness;
  before(async () => {
    server = await LspHarness.started({ ebpf: { asm: { debounceMs: 0 } } });
  });
  after(() => server.kill());

  it('a rejected program: the kernel message at the instruction, program name, causes as related information', async () => {
    const from = await server.open(ASM_URI, 'ebpf-asm', readFileSync(ASM, 'utf8'));
    const published = await server.diagnosticsOfVersion(ASM_URI, 1, from);
    const loadLine = range(6, 8, 6, 29);
    assert.deepEqual(published.diagnostics, [{
      range: range(8, 8, 8, 29),
      severity: DiagnosticSeverity.Error,
      source: 'eBPF verifier',
      code: 'verifier/pkt-access',
      message: 'invalid access to packet, off=12 size=1, R2(id=0,off=12,r=0)\nR2 offset is outside of the packet\nin program bad_pkt (xdp)',
      relatedInformation: [
        { location: { uri: ASM_URI, range: loadLine }, message: 'R2=pkt(r=0) set here (r2 = *(u32 *)(r1 +0))' },
        { location: { uri: ASM_URI, range: loadLine }, message: 'no comparison with data_end covers offset 13 of this packet pointer: check (void *)(ptr + 13) <= data_end before the access' },
      ],
    }]);
  });

  it('CodeLens per program: verdict, size and states', async () => {
    assert.deepEqual(await lenses(server, ASM_URI), [
      [6, '✗ rejected: invalid access to packet, off=12 size=1, R2(id=0,off=12,r=0)'],
      [14, '✓ verified · 4 insns · 0 states'],
      [14, '▶ run (default packet): returns TC_ACT_RECLASSIFY (1) · 4 steps'],
    ]);
  });

  it('hover: the state before an instruction and what it changed, as the kernel prints them', async () => {
    const text = await hoverText(server, ASM_URI, 7, 10);
    assert.ok(text.includes('**verifier state before** (1 path)\n\n```\n1: R1=ctx() R2=pkt(r=0) R10=fp0\n```'), text);
    assert.ok(text.includes('**after**\n\n```\n; R1=ctx() R3=pkt_end()\n```'), text);
    assert.ok(text.includes('1: (61) r3 = *(u32 *)(r1 +4)'), text);
    const dead = await hoverText(server, ASM_URI, 9, 9);
    assert.ok(dead.includes('instruction 3 was not reached'), dead);
  });

  it('document symbols: programs with their labels', async () => {
    const found = await symbols(server, ASM_URI);
    assert.deepEqual(found.map((s) => [s.name, s.detail, s.range.start.line, s.children?.map((c) => c.name)]), [
      ['bad_pkt', 'program (xdp)', 6, []],
      ['good_tc', 'program (tc)', 14, ['out']],
    ]);
  });

  it('fixing the program in the buffer clears the error', async () => {
    const fixed = readFileSync(ASM, 'utf8').replace('r0 = *(u8 *)(r2 + 12)', 'r0 = 2');
    const from = await server.replace(ASM_URI, 2, fixed);
    assert.deepEqual((await server.diagnosticsOfVersion(ASM_URI, 2, from)).diagnostics, []);
    assert.deepEqual((await lenses(server, ASM_URI)).map(([, t]) => t), [
      '✓ verified · 4 insns · 0 states', '▶ run (default packet): returns XDP_PASS (2) · 4 steps',
      '✓ verified · 4 insns · 0 states', '▶ run (default packet): returns TC_ACT_RECLASSIFY (1) · 4 steps',
    ]);
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});

describe('verifier diagnostics for eBPF C (clang on the unsaved buffer)', () => {
  let server: LspHarness;
  const clang = probeClang();
  before(async () => {
    server = await LspHarness.started({ ebpf: { c: { debounceMs: 0 } } });
  });
  after(() => server.kill());

  it('the unchecked lookup: error on the C line, the lookup as its cause', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const from = await server.open(C_URI, 'c', C_TEXT);
    const published = await server.diagnosticsOfVersion(C_URI, 1, from, 30_000);
    const lookup = range(17, 13, 17, 47);
    assert.deepEqual(published.diagnostics, [{
      range: range(18, 9, 18, 11),
      severity: DiagnosticSeverity.Error,
      source: 'eBPF verifier',
      code: 'verifier/bad-deref',
      message: "R0 invalid mem access 'map_value_or_null'\nin program unchecked (xdp)",
      relatedInformation: [
        { location: { uri: C_URI, range: lookup }, message: 'R0=map_value_or_null(id=1,map=counts,ks=4,vs=8) returned by bpf_map_lookup_elem here' },
        { location: { uri: C_URI, range: lookup }, message: 'R0 may be NULL after this: compare it with 0 (if (!ptr) return …) before using it' },
      ],
    }]);
  });

  it('CodeLens over each function, hovers on a line, a helper and a map, symbols', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const found = await lenses(server, C_URI);
    assert.deepEqual(found[0], [14, "✗ rejected: R0 invalid mem access 'map_value_or_null'"]);
    assert.equal(found[1][0], 22);
    assert.match(found[1][1], /^✓ verified · \d+ insns · \d+ states?$/);
    const line = await hoverText(server, C_URI, 18, 4);
    assert.ok(line.includes('R0=map_value_or_null(id=1,map=counts,ks=4,vs=8) R10=fp0'), line);
    assert.ok(line.includes('(79) r0 = *(u64 *)(r0 +0)'), line);
    const helper = await hoverText(server, C_URI, 17, 20);
    assert.ok(helper.includes('`bpf_map_lookup_elem` (id 1)') && /program types that may call it:\*\* .*\bxdp\b/.test(helper), helper);
    const map = await hoverText(server, C_URI, 11, 4);
    assert.equal(map, '**map** `counts` — type `hash`, key 4 bytes, value 8 bytes, max_entries 16');
    assert.deepEqual((await symbols(server, C_URI)).map((s) => [s.name, s.detail, s.selectionRange.start]), [
      ['unchecked', 'program (SEC("xdp"))', { line: 14, character: 4 }],
      ['checked', 'program (SEC("xdp"))', { line: 22, character: 4 }],
      ['counts', 'map', { line: 11, character: 2 }],
    ]);
  });

  it("clang's warnings and errors become diagnostics at clang's ranges; the buffer, not the file, is compiled", async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const warned = C_TEXT.replace('  __u32 key = 2;\n', '  __u32 key = 2;\n  key + 1;\n');
    let from = await server.replace(C_URI, 2, warned);
    const withWarning = (await server.diagnosticsOfVersion(C_URI, 2, from, 30_000)).diagnostics;
    assert.deepEqual(withWarning.filter((d) => d.source === 'clang'), [{
      range: range(25, 2, 25, 9), severity: DiagnosticSeverity.Warning, source: 'clang', code: '-Wunused-value', message: 'expression result unused',
    }]);
    const broken = C_TEXT.replace('  return *v;\n', '  return *v\n');
    from = await server.replace(C_URI, 3, broken);
    assert.deepEqual((await server.diagnosticsOfVersion(C_URI, 3, from, 30_000)).diagnostics, [{
      range: range(18, 11, 18, 11), severity: DiagnosticSeverity.Error, source: 'clang', message: "expected ';' after return statement",
    }]);
  });

  it('adding the NULL check in the unsaved buffer clears the verifier error', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const fixed = C_TEXT.replace('  return *v;\n', '  return v ? *v : 0;\n');
    const from = await server.replace(C_URI, 4, fixed);
    assert.deepEqual((await server.diagnosticsOfVersion(C_URI, 4, from, 30_000)).diagnostics, []);
    assert.ok((await lenses(server, C_URI)).every(([, title]) => title.startsWith('✓ verified') || title.startsWith('▶ run (default packet): returns ')));
  });

  it('a plain C file (no SEC, no bpf_helpers.h, not *.bpf.c) is left alone', async () => {
    const uri = pathToFileURL('/tmp/plain.c').href;
    await server.open(uri, 'c', 'int main(void) { return 0; }\n');
    assert.deepEqual(await symbols(server, uri), []);
    assert.equal(await hoverText(server, uri, 0, 5), '');
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});
