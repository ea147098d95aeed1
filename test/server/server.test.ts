// The built language server (`node out/server.js --stdio`) driven over LSP
// JSON-RPC: initialize, diagnostics on open at the assembler's exact ranges,
// a debounced edit that fixes one error, hover and completion on the live
// document, settings pushed by the client, clearing on close, clean exit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest, ConfigurationRequest, DiagnosticSeverity, RegistrationRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest, TextDocumentSyncKind,
  type CompletionItem, type CompletionList, type MarkupContent,
} from 'vscode-languageserver/node';
import { assembleSource } from '../../src-vm/program';
import { LspHarness } from './lspHarness';

const FIXTURE = 'test/fixtures/server/two_errors.s';
const URI = pathToFileURL(FIXTURE).href;
const CONF_FIXTURE = 'test/fixtures/server/conformance.s';
const CONF_URI = pathToFileURL(CONF_FIXTURE).href;
const DEBOUNCE_MS = 300;

const range = (l: number, c: number, el: number, ec: number) => ({ start: { line: l, character: c }, end: { line: el, character: ec } });

describe('language server over stdio', () => {
  let server: LspHarness;
  before(() => { server = LspHarness.start(); });
  after(() => server.kill());

  it('initializes with incremental sync, hover and completion', async () => {
    const result = await server.initialize({ ebpf: { asm: { debounceMs: DEBOUNCE_MS } } });
    assert.deepEqual(result.capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } });
    assert.ok(result.capabilities.codeLensProvider);
    assert.equal(result.capabilities.documentSymbolProvider, true);
    assert.equal(result.capabilities.hoverProvider, true);
    assert.ok(result.capabilities.completionProvider);
  });

  it('didOpen publishes both assembler errors at their exact ranges', async () => {
    const from = server.diagnostics.length;
    await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: URI, languageId: 'ebpf-asm', version: 1, text: readFileSync(FIXTURE, 'utf8') },
    });
    const published = await server.diagnosticsFor(URI, from);
    assert.equal(published.version, 1);
    assert.deepEqual(published.diagnostics, [
      { range: range(6, 13, 6, 16), severity: DiagnosticSeverity.Error, code: 'asm/unknown-register', source: 'eBPF assembler', message: 'unknown register r77' },
      { range: range(7, 24, 7, 31), severity: DiagnosticSeverity.Error, code: 'asm/undefined-label', source: 'eBPF assembler', message: 'undefined label nowhere' },
    ]);
  });

  it('edits are debounced: three quick changes, one publish for the last version, one error left', async () => {
    const from = server.diagnostics.length;
    const sentAt = Date.now();
    const edits = [
      { version: 2, range: range(6, 13, 6, 16), text: 'r9' },
      { version: 3, range: range(6, 13, 6, 15), text: 'r7' },
      { version: 4, range: range(6, 13, 6, 15), text: 'r6' },
    ];
    for (const e of edits) {
      await server.conn.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri: URI, version: e.version }, contentChanges: [{ range: e.range, text: e.text }],
      });
    }
    const published = await server.diagnosticsFor(URI, from);
    assert.ok(Date.now() - sentAt >= DEBOUNCE_MS - 20, 'published before the debounce delay');
    assert.equal(published.version, 4);
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range]), [['asm/undefined-label', range(7, 24, 7, 31)]]);
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 2));
    assert.equal(server.diagnostics.slice(from).filter((p) => p.uri === URI).length, 1, 'one publish for three edits');
  });

  it('hover on an instruction shows its kernel-style text, opcode and bytes', async () => {
    const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 6, character: 9 } });
    const value = (hover?.contents as MarkupContent).value;
    assert.ok(value.includes('0: (bf) r1 = r6'), value);
    assert.ok(value.includes('`0xbf` `mov` — class ALU64, source X (register)'), value);
    assert.ok(value.includes('`bf 61 00 00 00 00 00 00`'), value);
    assert.deepEqual(hover?.range, range(6, 8, 6, 15));
    const none = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 0, character: 3 } });
    assert.equal(none, null);
  });

  it('completion after call lists the helpers', async () => {
    const result = await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: { line: 9, character: 13 } });
    const items: CompletionItem[] = Array.isArray(result) ? result : (result as CompletionList | null)?.items ?? [];
    assert.ok(items.some((i) => i.label === 'bpf_map_lookup_elem' && i.detail === 'helper #1'));
  });

  it('settings pushed by the client re-analyse open documents (dialect)', async () => {
    let from = server.diagnostics.length;
    await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: CONF_URI, languageId: 'ebpf-asm', version: 1, text: readFileSync(CONF_FIXTURE, 'utf8') },
    });
    // It assembles; with no section it names no program type, so the verifier says why it did not run.
    assert.deepEqual((await server.diagnosticsFor(CONF_URI, from)).diagnostics.map((d) => [d.code, d.severity, d.source, d.range.start.line]),
      [['verifier/no-type', DiagnosticSeverity.Information, 'eBPF verifier', 1]]);
    from = server.diagnostics.length;
    await server.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { ebpf: { asm: { dialect: 'llvm' } } } });
    const forced = await server.diagnosticsFor(CONF_URI, from);
    const expected = assembleSource(readFileSync(CONF_FIXTURE, 'utf8'), 'llvm').diagnostics;
    assert.ok(expected.length > 0);
    assert.deepEqual(forced.diagnostics.map((d) => [d.message, d.range, d.source]),
      expected.map((d) => [d.message, d.span && range(d.span.line, d.span.col, d.span.endLine, d.span.endCol), 'eBPF assembler']));
  });

  it('didClose clears the diagnostics', async () => {
    const from = server.diagnostics.length;
    await server.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: URI } });
    assert.deepEqual((await server.diagnosticsFor(URI, from)).diagnostics, []);
    const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 6, character: 9 } });
    assert.equal(hover, null);
  });

  it('shuts down and exits with code 0, having logged no internal error', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /internal error|uncaught/.test(l)), []);
  });
});

describe('language server pulling its settings (workspace/configuration)', () => {
  let server: LspHarness;
  const asked: unknown[] = [];
  const registered: string[] = [];
  before(() => {
    server = LspHarness.start();
    server.conn.onRequest(ConfigurationRequest.type, (params) => {
      asked.push(...params.items.map((i) => i.section));
      return params.items.map(() => ({ asm: { dialect: 'llvm', debounceMs: 10 } }));
    });
    server.conn.onRequest(RegistrationRequest.type, (params) => {
      registered.push(...params.registrations.map((r) => r.method));
    });
  });
  after(() => server.kill());

  it('registers for configuration changes, pulls the ebpf section and applies it', async () => {
    await server.initialize(undefined, {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    });
    await server.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: CONF_URI, languageId: 'ebpf-asm', version: 1, text: readFileSync(CONF_FIXTURE, 'utf8') },
    });
    // The pull may answer before or after the open; either way the llvm dialect wins in the end.
    const deadline = Date.now() + 5000;
    let from = 0;
    for (;;) {
      const p = await server.diagnosticsFor(CONF_URI, from, deadline - Date.now());
      if (p.diagnostics.some((d) => d.source === 'eBPF assembler')) break;
      from = server.diagnostics.indexOf(p) + 1;
    }
    assert.deepEqual(asked, ['ebpf']);
    assert.deepEqual(registered, ['workspace/didChangeConfiguration']);
    assert.equal(await server.stop(), 0);
  });
});
