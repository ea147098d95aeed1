// The built server under hostile input and heavy work: an empty file, binary
// garbage, a 20,000-line assembly file, a program that exhausts the verifier's
// 1M-instruction budget (other documents and hovers are answered meanwhile; an
// edit cancels the stale run), clang missing and clang crashing — each gives
// diagnostics or nothing, never a dead server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver/node';
import { processScratchDir } from '../support/kernel';
import { LspHarness } from './lspHarness';

const SPIN = `        .section xdp, "ax"
        .globl  spin
spin:
        r1 = 0
loop:
        r1 += 1
        if r1 < 0x7fffffff goto loop
        r0 = 2
        exit
`;
const QUICK = `        .section xdp, "ax"
        .globl  quick
quick:
        r0 = 2
        exit
`;

const uri = (name: string): string => pathToFileURL(`/tmp/ebpf-wb-robust/${name}`).href;

let probes = 0;

async function alive(server: LspHarness): Promise<void> {
  const probe = uri(`probe${probes++}.bpf.s`);
  const from = await server.open(probe, 'ebpf-asm', QUICK, 1);
  const p = await server.diagnosticsOfVersion(probe, 1, from);
  assert.deepEqual(p.diagnostics, []);
}

describe('server robustness', () => {
  let server: LspHarness;
  before(async () => {
    server = await LspHarness.started({ ebpf: { asm: { debounceMs: 0 }, c: { debounceMs: 0 } } });
  });
  after(() => server.kill());

  it('an empty assembly file: no diagnostics', async () => {
    const from = await server.open(uri('empty.bpf.s'), 'ebpf-asm', '');
    assert.deepEqual((await server.diagnosticsFor(uri('empty.bpf.s'), from)).diagnostics, []);
  });

  it('binary garbage: assembler diagnostics, every one with a position, and the server still answers', async () => {
    let seed = 7;
    const bytes = Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const garbage = String.fromCharCode(...bytes);
    const from = await server.open(uri('garbage.bpf.s'), 'ebpf-asm', garbage);
    const p = await server.diagnosticsFor(uri('garbage.bpf.s'), from);
    assert.ok(p.diagnostics.length > 0 && p.diagnostics.every((d) => d.source === 'eBPF assembler' && d.range.start.line >= 0));
    await alive(server);
  });

  it('a 20,000-line assembly file is assembled and verified', async () => {
    const body = Array.from({ length: 19_995 }, (_, i) => `        r${i % 6} = ${i}`).join('\n');
    const text = `        .section xdp, "ax"\n        .globl  big\nbig:\n${body}\n        r0 = 2\n        exit\n`;
    const started = Date.now();
    const from = await server.open(uri('big.bpf.s'), 'ebpf-asm', text);
    const p = await server.diagnosticsOfVersion(uri('big.bpf.s'), 1, from, 60_000);
    assert.deepEqual(p.diagnostics, []);
    console.log(`20,000-line file: diagnostics after ${Date.now() - started} ms`);
  });

  it('a budget-exhausting program holds up neither other documents nor hovers; an edit cancels its run', async () => {
    const spin = uri('spin.bpf.s');
    await server.open(spin, 'ebpf-asm', SPIN, 1);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await alive(server);
    const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri: spin }, position: { line: 5, character: 10 } });
    assert.ok((hover?.contents as MarkupContent).value.includes('r1 += 1'));
    assert.ok(Date.now() - started < 5000, `other work waited ${Date.now() - started} ms`);
    const from = await server.replace(spin, 2, SPIN.replace('0x7fffffff', '4'));
    const p = await server.diagnosticsOfVersion(spin, 2, from, 10_000);
    assert.deepEqual(p.diagnostics, []);
    assert.ok(Date.now() - started < 8000, 'the stale run was not cancelled');
    assert.equal(server.diagnostics.filter((d) => d.uri === spin && d.version === 1).length, 0, 'the stale version was published');
  });

  it('clang missing: one actionable message', async () => {
    const from = await server.open(uri('a.bpf.c'), 'c', 'int x;\n');
    await server.conn.sendNotification('workspace/didChangeConfiguration', { settings: { ebpf: { c: { clangPath: '/nonexistent/clang-99', debounceMs: 0 } } } });
    const deadline = Date.now() + 10_000;
    for (let at = from; ;) {
      const p = await server.diagnosticsFor(uri('a.bpf.c'), at, Math.max(deadline - Date.now(), 1));
      at = server.diagnostics.indexOf(p) + 1;
      if (p.diagnostics.some((d) => d.code === 'clang/missing')) {
        assert.equal(p.diagnostics.length, 1);
        assert.match(String(p.diagnostics[0].message), /^Cannot compile eBPF C: clang was not found at \/nonexistent\/clang-99 \(ebpf\.c\.clangPath\): install it .*apt-get install clang/);
        break;
      }
    }
  });

  it('clang crashing: one diagnostic saying so, and the server keeps serving', async () => {
    const dir = processScratchDir('lsp-crash');
    const fake = join(dir, 'clang');
    writeFileSync(fake, '#!/bin/sh\nif [ "$1" = --version ]; then echo "clang version 19.1.0"; exit 0; fi\necho "PLEASE submit a bug report" >&2\nkill -SEGV $$\n');
    chmodSync(fake, 0o755);
    const c = uri('crash.bpf.c');
    await server.conn.sendNotification('workspace/didChangeConfiguration', { settings: { ebpf: { c: { clangPath: fake, debounceMs: 0 } } } });
    const from = await server.open(c, 'c', readFileSync('test/fixtures/server/lookup.bpf.c', 'utf8'));
    const deadline = Date.now() + 10_000;
    for (let at = from; ;) {
      const p = await server.diagnosticsFor(c, at, Math.max(deadline - Date.now(), 1));
      at = server.diagnostics.indexOf(p) + 1;
      if (p.diagnostics.length === 0) continue;
      assert.deepEqual(p.diagnostics.map((d) => d.code), ['clang/crashed']);
      assert.match(String(p.diagnostics[0].message), new RegExp(`^${fake.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} was killed by SIGSEGV while compiling this file: PLEASE submit a bug report`));
      break;
    }
    await alive(server);
  });

  it('shuts down cleanly, no uncaught exception', async () => {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => /uncaught|unhandled/.test(l)), []);
  });
});
