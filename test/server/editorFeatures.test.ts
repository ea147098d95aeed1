// Editor features of the built server over stdio: go to definition of labels
// and folding of programs in assembly, register-change inlay hints (off by
// default, on through the setting), the Run CodeLens (the interpreter's return
// value on the default packet), and C completion of helper names.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest, CompletionRequest, DefinitionRequest, FoldingRangeRequest, InlayHintRequest,
  type CodeLens, type CompletionItem, type FoldingRange, type InlayHint, type Location,
} from 'vscode-languageserver/node';
import { probeClang } from '../../src-vm/cli/clang';
import { LspHarness } from './lspHarness';

const ASM = 'test/fixtures/server/verify_two.bpf.s';
const ASM_URI = pathToFileURL(ASM).href;
const C = 'test/fixtures/server/lookup.bpf.c';
const C_URI = pathToFileURL(C).href;

const range = (l: number, c: number, el: number, ec: number) => ({ start: { line: l, character: c }, end: { line: el, character: ec } });

async function hints(server: LspHarness, uri: string, lines: number): Promise<[number, number, string][]> {
  const found = (await server.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: range(0, 0, lines, 0) })) as InlayHint[] | null;
  return (found ?? []).map((h) => [h.position.line, h.position.character, String(h.label)]);
}

async function lensTitles(server: LspHarness, uri: string): Promise<[number, string][]> {
  const found = (await server.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
  return found.map((l) => [l.range.start.line, l.command?.title ?? '']);
}

describe('assembly: definition, folding, inlay hints, Run', () => {
  let server: LspHarness;
  before(async () => {
    server = await LspHarness.started({ ebpf: { asm: { debounceMs: 0 }, inlayHints: { registerChanges: true } } });
    const from = await server.open(ASM_URI, 'ebpf-asm', readFileSync(ASM, 'utf8'));
    await server.diagnosticsOfVersion(ASM_URI, 1, from);
  });
  after(() => server.kill());

  it('go to definition: a jump target leads to its label; a register or a helper has none', async () => {
    const def = (line: number, character: number) => server.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: ASM_URI }, position: { line, character } }) as Promise<Location | null>;
    assert.deepEqual(await def(15, 25), { uri: ASM_URI, range: range(17, 0, 17, 3) });
    assert.equal(await def(15, 12), null);
    assert.equal(await def(0, 5), null);
  });

  it('folding: one range per program, from its label to its last instruction', async () => {
    const folds = (await server.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: ASM_URI } })) as FoldingRange[];
    assert.deepEqual(folds, [{ startLine: 5, endLine: 9, kind: 'region' }, { startLine: 13, endLine: 18, kind: 'region' }]);
  });

  it('inlay hints: the registers each instruction changes, at the end of its line', async () => {
    assert.deepEqual(await hints(server, ASM_URI, 20), [
      [6, 29, 'R2=pkt(r=0)'],
      [7, 29, 'R3=pkt_end()'],
      [14, 14, 'R0=0'],
      [16, 14, 'R0=1'],
    ]);
  });

  it('Run: an accepted program gets a lens with its return value on the default packet', async () => {
    assert.deepEqual(await lensTitles(server, ASM_URI), [
      [6, '✗ rejected: invalid access to packet, off=12 size=1, R2(id=0,off=12,r=0)'],
      [14, '✓ verified · 4 insns · 0 states'],
      [14, '▶ run (default packet): returns TC_ACT_RECLASSIFY (1) · 4 steps'],
    ]);
  });

  it('inlay hints are off by default', async () => {
    const plain = LspHarness.start();
    await plain.initialize({ ebpf: { asm: { debounceMs: 0 } } });
    const from = await plain.open(ASM_URI, 'ebpf-asm', readFileSync(ASM, 'utf8'));
    await plain.diagnosticsOfVersion(ASM_URI, 1, from);
    assert.deepEqual(await hints(plain, ASM_URI, 20), []);
    assert.equal(await plain.stop(), 0);
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});

describe('C: helper completion, Run lens, inlay hints per line', () => {
  let server: LspHarness;
  const clang = probeClang();
  before(async () => {
    server = await LspHarness.started({ ebpf: { c: { debounceMs: 0 }, inlayHints: { registerChanges: true } } });
  });
  after(() => server.kill());

  it('completion after "bpf_ma": helper names with their prototypes', async () => {
    const text = readFileSync(C, 'utf8').replace('  return *v;\n', '  bpf_ma\n  return *v;\n');
    await server.open(C_URI, 'c', text);
    const items = (await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: C_URI }, position: { line: 18, character: 8 } })) as CompletionItem[];
    const lookup = items.find((i) => i.label === 'bpf_map_lookup_elem');
    assert.equal(lookup?.detail, 'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)');
    assert.ok(items.every((i) => i.label.startsWith('bpf_')));
    const none = (await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: C_URI }, position: { line: 17, character: 8 } })) as CompletionItem[];
    assert.deepEqual(none, []);
  });

  it('Run lens of the accepted program and hints on its lines', async (t) => {
    if ('error' in clang) { t.skip(clang.error); return; }
    const from = await server.replace(C_URI, 2, readFileSync(C, 'utf8'));
    await server.diagnosticsOfVersion(C_URI, 2, from, 30_000);
    const lenses = await lensTitles(server, C_URI);
    assert.deepEqual(lenses.filter(([, title]) => title.startsWith('▶')), [[22, '▶ run (default packet): returns XDP_PASS (2) · 9 steps']]);
    const found = await hints(server, C_URI, 40);
    // In `checked`: the lookup makes R0 maybe-NULL, the `if (!v)` on the next line makes it a map value.
    assert.deepEqual(found.filter(([line]) => line === 25 || line === 26), [
      [25, 48, 'R1=map_ptr(map=counts,ks=4,vs=8) R0=map_value_or_null(id=1,map=counts,ks=4,vs=8)'],
      [26, 9, 'R0=map_value(map=counts,ks=4,vs=8)'],
    ]);
  });

  it('shuts down cleanly with no internal error logged', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught|unhandled/.test(l)), []);
  });
});
